package register

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

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

// Direct is who changes users with direct access to the database (the
// command line) rather than signed in. Such a person has no account the
// register could check, so they may grant the admin role, which the
// register's admins otherwise decide, only while no enabled admin exists
// (the first admin, or every admin disabled) or when BreakGlass says so;
// the audit entry records which. The other rules hold as for anyone.
type Direct struct {
	Actor
	// BreakGlass grants the admin role although enabled admins exist.
	BreakGlass bool
}

// CreateUser stores a new user (checked and hashed by internal/auth) and
// records it on the audit trail in the same transaction.
func (s *Service) CreateUser(ctx context.Context, by Actor, u store.User) (store.User, error) {
	return s.createUser(ctx, by, nil, u)
}

// CreateUserDirect is CreateUser for someone with direct access to the
// database: see Direct.
func (s *Service) CreateUserDirect(ctx context.Context, by Direct, u store.User) (store.User, error) {
	return s.createUser(ctx, by.Actor, &by, u)
}

func (s *Service) createUser(ctx context.Context, by Actor, direct *Direct, u store.User) (store.User, error) {
	var out store.User
	err := s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		data := map[string]any{"grants": grantStrings(u.Grants), "clearance": u.Clearance}
		if u.OIDCSubject != "" {
			data["oidc"] = true
		}
		if direct != nil {
			us, err := tx.LockUsers(ctx)
			if err != nil {
				return err
			}
			if err := directGrant(*direct, us, store.User{}, u.Name, runsRegister(u.Grants, u.Disabled), data); err != nil {
				return err
			}
		}
		var err error
		if out, err = tx.CreateUser(ctx, u); err != nil {
			return err
		}
		c.record(by, "user.create", "user/"+out.Name, data)
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
	return s.updateUser(ctx, by, nil, name, ch)
}

// UpdateUserDirect is UpdateUser for someone with direct access to the
// database: see Direct.
func (s *Service) UpdateUserDirect(ctx context.Context, by Direct, name string, ch UserChange) (store.User, error) {
	return s.updateUser(ctx, by.Actor, &by, name, ch)
}

func (s *Service) updateUser(ctx context.Context, by Actor, direct *Direct, name string, ch UserChange) (store.User, error) {
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
		after := runsRegister(ch.Grants, ch.Disabled)
		if err := keepsAdmin(by, us, u, after); err != nil {
			return err
		}
		data := map[string]any{"grants": grantStrings(ch.Grants), "clearance": ch.Clearance, "disabled": ch.Disabled}
		if direct != nil {
			if err := directGrant(*direct, us, u, name, after, data); err != nil {
				return err
			}
		}
		u.Grants, u.Clearance, u.Disabled, u.Version = ch.Grants, ch.Clearance, ch.Disabled, ch.Version
		if out, err = tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		c.record(by, "user.update", "user/"+out.Name, data)
		return nil
	})
	return out, err
}

// ResetPassword sets a user's password to hash (made by internal/auth),
// clears their failed sign-ins and lock, and records it.
func (s *Service) ResetPassword(ctx context.Context, by Actor, name, hash string) error {
	return s.change(ctx, func(ctx context.Context, tx store.Tx, c *changes) error {
		u, err := tx.GetUserByName(ctx, name)
		if err != nil {
			return err
		}
		// A sign-in counting a failure meanwhile moves the row on: set
		// the password on the row as it is then.
		for range 3 {
			u.PasswordHash, u.FailedLogins, u.LockedUntil = hash, 0, time.Time{}
			_, err = tx.UpdateUser(ctx, u)
			var stale *store.StaleError
			if !errors.As(err, &stale) {
				break
			}
			cur, ok := stale.Current.(store.User)
			if !ok {
				break
			}
			u = cur
		}
		if err != nil {
			return err
		}
		c.record(by, "user.password", "user/"+u.Name, map[string]any{})
		return nil
	})
}

// directGrant decides whether by may leave the user named name (before,
// as it is now; the zero User when new) running the register (after), and
// notes on the audit data why it may.
func directGrant(by Direct, us []store.User, before store.User, name string, after bool, data map[string]any) error {
	if !after || runsRegister(before.Grants, before.Disabled) {
		return nil
	}
	var admins []string
	for _, o := range us {
		if runsRegister(o.Grants, o.Disabled) {
			admins = append(admins, o.Name)
		}
	}
	switch {
	case len(admins) == 0:
		data["direct_admin"] = "the register had no enabled admin"
	case by.BreakGlass:
		data["direct_admin"] = "break glass over the enabled admins " + strings.Join(admins, ", ")
	default:
		return forbidden("%s would be an admin: the register's admins (%s) grant that role when signed in; "+
			"break glass to grant it from the database anyway (recorded on the audit trail)", name, strings.Join(admins, ", "))
	}
	return nil
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
