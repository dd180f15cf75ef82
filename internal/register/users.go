package register

import (
	"context"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// adminRole is the role that runs the register; a register keeps at least
// one enabled user holding it everywhere.
const adminRole = "admin"

// UserChange is what an admin sets on an existing user.
type UserChange struct {
	Grants    []store.Grant
	Clearance model.Classification
	Disabled  bool
	// Version is the user's version the change was based on.
	Version int64
}

// CreateUser stores a new user (checked and hashed by internal/auth) and
// records it on the audit trail in the same transaction.
func (s *Service) CreateUser(ctx context.Context, by Actor, u store.User) (store.User, error) {
	var out store.User
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		var err error
		if out, err = tx.CreateUser(ctx, u); err != nil {
			return err
		}
		c.record(by, "user.create", "user/"+out.Name, map[string]any{"grants": grantStrings(out.Grants), "clearance": out.Clearance})
		return nil
	})
	return out, err
}

// UpdateUser sets a user's grants, clearance and whether the account is
// disabled, and records the change. An admin may not take away their own
// admin grant nor disable themselves, and the last enabled admin keeps
// being one, so that the register always has someone to run it. The users
// are locked while the change is decided and made: two admins demoting
// each other at the same time cannot both succeed.
func (s *Service) UpdateUser(ctx context.Context, by Actor, name string, ch UserChange) (store.User, error) {
	var out store.User
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		us, err := tx.LockUsers(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(us, func(u store.User) bool { return u.Name == name })
		if i < 0 {
			return store.NotFound("user", name)
		}
		u := us[i]
		if err := keepsAdmin(by, us, u, runsRegister(ch.Grants, ch.Disabled)); err != nil {
			return err
		}
		u.Grants, u.Clearance, u.Disabled, u.Version = ch.Grants, ch.Clearance, ch.Disabled, ch.Version
		if out, err = tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		c.record(by, "user.update", "user/"+out.Name, map[string]any{"grants": grantStrings(out.Grants),
			"clearance": out.Clearance, "disabled": out.Disabled})
		return nil
	})
	return out, err
}

// keepsAdmin refuses a change that takes u from running the register
// (after says whether u still does) when by is u, or when no other enabled
// admin is among us.
func keepsAdmin(by Actor, us []store.User, u store.User, after bool) error {
	if !runsRegister(u.Grants, u.Disabled) || after {
		return nil
	}
	if u.Name == by.Name {
		return transition("an admin cannot remove their own admin grant or disable their own account; ask another admin")
	}
	if !slices.ContainsFunc(us, func(o store.User) bool { return o.ID != u.ID && runsRegister(o.Grants, o.Disabled) }) {
		return transition("%s is the last enabled admin: make another user admin first", u.Name)
	}
	return nil
}

// runsRegister reports whether an account with these grants is an enabled
// admin everywhere.
func runsRegister(gs []store.Grant, disabled bool) bool {
	return !disabled && slices.ContainsFunc(gs, func(g store.Grant) bool { return g.Role == adminRole && g.Scope == "" })
}

// grantStrings renders grants as the API writes them: ROLE or ROLE@SCOPE.
func grantStrings(gs []store.Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		if g.Scope == "" {
			out = append(out, g.Role)
		} else {
			out = append(out, g.Role+"@"+g.Scope)
		}
	}
	return out
}
