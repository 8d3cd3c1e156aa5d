package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
)

// checkOrgName applies the portfolio's name rules (as `rocca org create`).
func checkOrgName(name string) error {
	if err := portfolio.CheckName("organisation name", name); err != nil {
		return &InputError{Err: err}
	}
	return nil
}

// CreateOrg creates an organisation with the principal as its owner
// (store.ErrConflict when the name is taken). Any signed-in user may: a
// consultant opens one per client.
func (s *Service) CreateOrg(ctx context.Context, p Principal, name, remote string) (model.Organisation, error) {
	name = strings.TrimSpace(name)
	if err := checkOrgName(name); err != nil {
		return model.Organisation{}, err
	}
	now := s.now()
	o := model.Organisation{Name: name, Created: now}
	if err := s.store.CreateOrgWithOwner(ctx, &o, p.User.ID, now); err != nil {
		return model.Organisation{}, err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: p.actor(), OrgID: o.ID, Action: ActionOrgCreate, Target: "org:" + o.ID,
		RemoteAddr: remote, Detail: o.Name})
	return o, nil
}

// Members lists an organisation's members, for any member.
func (s *Service) Members(ctx context.Context, p Principal, orgID string) ([]model.Member, error) {
	if !p.CanView(orgID) {
		return nil, ErrForbidden
	}
	return s.store.Members(ctx, orgID)
}

func checkRole(r model.Role) error {
	if !r.Valid() {
		return inputf("role %q: want owner, editor or viewer", r)
	}
	return nil
}

// AddMember adds the user with the e-mail address to an organisation
// with a role, for the organisation's owners: store.ErrNotFound when no
// user has the address, store.ErrConflict when already a member.
func (s *Service) AddMember(ctx context.Context, p Principal, orgID, email string, role model.Role, remote string) (model.Member, error) {
	if !p.CanManage(orgID) {
		return model.Member{}, ErrForbidden
	}
	if err := checkRole(role); err != nil {
		return model.Member{}, err
	}
	u, _, err := s.store.UserByEmail(ctx, EmailKey(email))
	if err != nil {
		return model.Member{}, fmt.Errorf("user %s: %w", strings.TrimSpace(email), err)
	}
	now := s.now()
	if err := s.store.AddMember(ctx, orgID, u.ID, role, now); err != nil {
		return model.Member{}, err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: p.actor(), OrgID: orgID, Action: ActionMemberAdd, Target: userActor(u.ID),
		RemoteAddr: remote, Detail: string(role)})
	return model.Member{User: u, Role: role, Created: now}, nil
}

// SetRole changes a member's role, for the organisation's owners;
// ErrLastOwner when it would leave the organisation without an owner.
func (s *Service) SetRole(ctx context.Context, p Principal, orgID, userID string, role model.Role, remote string) error {
	if !p.CanManage(orgID) {
		return ErrForbidden
	}
	if err := checkRole(role); err != nil {
		return err
	}
	old, err := s.store.SetRole(ctx, orgID, userID, role)
	if err != nil {
		return err
	}
	if old != role {
		s.record(ctx, model.AuditEntry{Actor: p.actor(), OrgID: orgID, Action: ActionMemberRole, Target: userActor(userID),
			RemoteAddr: remote, Detail: string(old) + "->" + string(role)})
	}
	return nil
}

// RemoveMember removes a member, for the organisation's owners, or a
// member leaving on their own; ErrLastOwner for the last owner.
func (s *Service) RemoveMember(ctx context.Context, p Principal, orgID, userID, remote string) error {
	if !p.CanManage(orgID) && !(userID == p.User.ID && p.CanView(orgID)) {
		return ErrForbidden
	}
	old, err := s.store.RemoveMember(ctx, orgID, userID)
	if err != nil {
		return err
	}
	s.record(ctx, model.AuditEntry{Actor: p.actor(), OrgID: orgID, Action: ActionMemberRemove, Target: userActor(userID),
		RemoteAddr: remote, Detail: string(old)})
	return nil
}

// Grant gives the user with the e-mail address a role in the
// organisation named orgName, as the operator (rocca user grant, the
// demonstration): a member already gets the new role (ErrLastOwner when
// that demotes the last owner), anyone else is added. actor names who in
// the audit log (ActorCLI).
func (s *Service) Grant(ctx context.Context, orgName, email string, role model.Role, actor string) error {
	if err := checkRole(role); err != nil {
		return err
	}
	o, err := s.store.OrgByName(ctx, orgName)
	if err != nil {
		return fmt.Errorf("organisation %s: %w", orgName, err)
	}
	u, _, err := s.store.UserByEmail(ctx, EmailKey(email))
	if err != nil {
		return fmt.Errorf("user %s: %w", strings.TrimSpace(email), err)
	}
	now := s.now()
	err = s.store.AddMember(ctx, o.ID, u.ID, role, now)
	if errors.Is(err, store.ErrConflict) {
		old, err := s.store.SetRole(ctx, o.ID, u.ID, role)
		if err != nil {
			return err
		}
		if old != role {
			s.record(ctx, model.AuditEntry{At: now, Actor: actor, OrgID: o.ID, Action: ActionMemberRole, Target: userActor(u.ID),
				Detail: string(old) + "->" + string(role)})
		}
		return nil
	}
	if err != nil {
		return err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: actor, OrgID: o.ID, Action: ActionMemberAdd, Target: userActor(u.ID), Detail: string(role)})
	return nil
}
