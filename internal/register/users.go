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
// being one, so that the register always has someone to run it.
func (s *Service) UpdateUser(ctx context.Context, by Actor, name string, ch UserChange) (store.User, error) {
	var out store.User
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		u, err := tx.GetUserByName(ctx, name)
		if err != nil {
			return err
		}
		before := runsRegister(u.Grants, u.Disabled)
		after := runsRegister(ch.Grants, ch.Disabled)
		if before && !after {
			if u.Name == by.Name {
				return transition("an admin cannot remove their own admin grant or disable their own account; ask another admin")
			}
			us, err := tx.ListUsers(ctx)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(us, func(o store.User) bool { return o.ID != u.ID && runsRegister(o.Grants, o.Disabled) }) {
				return transition("%s is the last enabled admin: make another user admin first", u.Name)
			}
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
