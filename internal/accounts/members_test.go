package accounts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		role                     model.Role
		valid, view, edit, admin bool
	}{
		{model.RoleOwner, true, true, true, true},
		{model.RoleEditor, true, true, true, false},
		{model.RoleViewer, true, true, false, false},
		{"", false, false, false, false},
		{"Owner", false, false, false, false},
	} {
		if tc.role.Valid() != tc.valid || tc.role.CanView() != tc.view || tc.role.CanEdit() != tc.edit || tc.role.CanManage() != tc.admin {
			t.Errorf("%q: valid %v view %v edit %v manage %v", tc.role, tc.role.Valid(), tc.role.CanView(), tc.role.CanEdit(), tc.role.CanManage())
		}
	}
}

// refresh authenticates a token again (after membership changes).
func (e env) refresh(t *testing.T, token string) accounts.Principal {
	t.Helper()
	p, err := e.svc.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMemberships(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		const remote = "192.0.2.7"
		for _, m := range []string{"owner@example.it", "editor@example.it", "viewer@example.it", "consultant@example.it", "outsider@example.it"} {
			e.user(t, m)
		}
		ownerTok, owner := e.login(t, "owner@example.it", remote)
		orgA, err := e.svc.CreateOrg(ctx, owner, "Example Macchine", remote)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateOrg(ctx, owner, "Example Macchine", remote); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate organisation: %v", err)
		}
		if _, err := e.svc.CreateOrg(ctx, owner, "  ", remote); !accounts.IsInput(err) {
			t.Errorf("blank organisation name: %v", err)
		}
		owner = e.refresh(t, ownerTok)
		if !owner.CanManage(orgA.ID) || owner.Org.OrgID != orgA.ID {
			t.Fatalf("creator is not the current owner: %+v", owner)
		}
		outTok, outsider := e.login(t, "outsider@example.it", remote)
		orgB, err := e.svc.CreateOrg(ctx, outsider, "Altra Srl", remote)
		if err != nil {
			t.Fatal(err)
		}
		outsider = e.refresh(t, outTok)

		add := func(p accounts.Principal, org, email string, role model.Role) error {
			_, err := e.svc.AddMember(ctx, p, org, email, role, remote)
			return err
		}
		for _, tc := range []struct {
			email string
			role  model.Role
		}{{"EDITOR@example.it", model.RoleEditor}, {"viewer@example.it", model.RoleViewer}, {"consultant@example.it", model.RoleEditor}} {
			if err := add(owner, orgA.ID, tc.email, tc.role); err != nil {
				t.Fatalf("add %s: %v", tc.email, err)
			}
		}
		if err := add(outsider, orgB.ID, "consultant@example.it", model.RoleViewer); err != nil {
			t.Fatal(err)
		}
		_, editor := e.login(t, "editor@example.it", remote)
		_, viewer := e.login(t, "viewer@example.it", remote)
		consTok, consultant := e.login(t, "consultant@example.it", remote)

		// What each may do, in their organisation and in the other one.
		for _, tc := range []struct {
			name string
			err  error
			want error
		}{
			{"owner adds twice", add(owner, orgA.ID, "viewer@example.it", model.RoleViewer), store.ErrConflict},
			{"owner adds an unknown address", add(owner, orgA.ID, "nobody@example.it", model.RoleViewer), store.ErrNotFound},
			{"owner adds with a bad role", add(owner, orgA.ID, "outsider@example.it", "admin"), nil},
			{"editor adds", add(editor, orgA.ID, "outsider@example.it", model.RoleViewer), accounts.ErrForbidden},
			{"viewer adds", add(viewer, orgA.ID, "outsider@example.it", model.RoleViewer), accounts.ErrForbidden},
			{"owner of B adds to A", add(outsider, orgA.ID, "outsider@example.it", model.RoleOwner), accounts.ErrForbidden},
			{"viewer sets a role", e.svc.SetRole(ctx, viewer, orgA.ID, viewer.User.ID, model.RoleOwner, remote), accounts.ErrForbidden},
			{"editor removes the owner", e.svc.RemoveMember(ctx, editor, orgA.ID, owner.User.ID, remote), accounts.ErrForbidden},
			{"owner demotes the last owner", e.svc.SetRole(ctx, owner, orgA.ID, owner.User.ID, model.RoleEditor, remote), accounts.ErrLastOwner},
			{"owner removes the last owner", e.svc.RemoveMember(ctx, owner, orgA.ID, owner.User.ID, remote), accounts.ErrLastOwner},
			{"owner sets the role of a non-member", e.svc.SetRole(ctx, owner, orgA.ID, outsider.User.ID, model.RoleViewer, remote), store.ErrNotFound},
			{"outsider switches to A", e.svc.SwitchOrg(ctx, outsider, orgA.ID), accounts.ErrForbidden},
		} {
			if tc.want == nil {
				if !accounts.IsInput(tc.err) {
					t.Errorf("%s: %v, want an input error", tc.name, tc.err)
				}
				continue
			}
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
			}
		}
		if _, err := e.svc.Members(ctx, outsider, orgA.ID); !errors.Is(err, accounts.ErrForbidden) {
			t.Errorf("outsider lists A's members: %v", err)
		}
		ms, err := e.svc.Members(ctx, viewer, orgA.ID)
		if err != nil || len(ms) != 4 {
			t.Fatalf("members of A: %v, %v", ms, err)
		}

		// The consultant belongs to both and switches.
		if len(consultant.Memberships) != 2 || consultant.Org.OrgName != "Altra Srl" {
			t.Fatalf("consultant: %+v", consultant)
		}
		if err := e.svc.SwitchOrg(ctx, consultant, orgA.ID); err != nil {
			t.Fatal(err)
		}
		consultant = e.refresh(t, consTok)
		if consultant.Org.OrgID != orgA.ID || consultant.Org.Role != model.RoleEditor || !consultant.CanEdit(orgA.ID) || consultant.CanEdit(orgB.ID) {
			t.Errorf("consultant after switching: %+v", consultant)
		}

		// A second owner may be demoted; then the first can leave.
		if err := e.svc.SetRole(ctx, owner, orgA.ID, editor.User.ID, model.RoleOwner, remote); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetRole(ctx, owner, orgA.ID, owner.User.ID, model.RoleViewer, remote); err != nil {
			t.Fatalf("demote one of two owners: %v", err)
		}
		// Removing the consultant from A falls back to B as current.
		editor = e.refresh(t, mustLogin(t, e, "editor@example.it"))
		if err := e.svc.RemoveMember(ctx, editor, orgA.ID, consultant.User.ID, remote); err != nil {
			t.Fatal(err)
		}
		consultant = e.refresh(t, consTok)
		if consultant.Org.OrgID != orgB.ID || consultant.CanView(orgA.ID) {
			t.Errorf("consultant after removal: %+v", consultant)
		}
		// A member may leave on their own.
		if err := e.svc.RemoveMember(ctx, viewer, orgA.ID, viewer.User.ID, remote); err != nil {
			t.Errorf("viewer leaves: %v", err)
		}
		wantActions(t, e, orgA.ID, accounts.ActionOrgCreate, accounts.ActionMemberAdd, accounts.ActionMemberAdd, accounts.ActionMemberAdd,
			accounts.ActionMemberRole, accounts.ActionMemberRole, accounts.ActionMemberRemove, accounts.ActionMemberRemove)
	})
}

func mustLogin(t *testing.T, e env, email string) string {
	tok, _ := e.login(t, email, "")
	return tok
}

// wantActions checks the actions of an organisation's audit entries.
func wantActions(t *testing.T, e env, org string, want ...string) {
	t.Helper()
	es, err := e.st.AuditEntries(context.Background(), org, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range es {
		got = append(got, en.Action)
	}
	if len(got) != len(want) {
		t.Fatalf("audit actions %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("audit actions %v, want %v", got, want)
		}
	}
}

func TestAPIKeys(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.user(t, "owner@example.it")
		e.user(t, "editor@example.it")
		e.user(t, "other@example.it")
		tok, owner := e.login(t, "owner@example.it", "")
		org, err := e.svc.CreateOrg(ctx, owner, "Example Macchine", "")
		if err != nil {
			t.Fatal(err)
		}
		owner = e.refresh(t, tok)
		if _, err := e.svc.AddMember(ctx, owner, org.ID, "editor@example.it", model.RoleEditor, ""); err != nil {
			t.Fatal(err)
		}
		_, editor := e.login(t, "editor@example.it", "")
		otok, other := e.login(t, "other@example.it", "")
		orgB, err := e.svc.CreateOrg(ctx, other, "Altra Srl", "")
		if err != nil {
			t.Fatal(err)
		}
		other = e.refresh(t, otok)

		secret, k, err := e.svc.CreateAPIKey(ctx, owner, org.ID, "ci", "192.0.2.1")
		if err != nil || len(secret) < 40 || k.OrgID != org.ID {
			t.Fatalf("create: %q %+v %v", secret, k, err)
		}
		_, kb, err := e.svc.CreateAPIKey(ctx, other, orgB.ID, "ci", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			err  error
			want error
		}{
			{"editor creates", second(e.svc.CreateAPIKey(ctx, editor, org.ID, "x", "")), accounts.ErrForbidden},
			{"editor lists", second2(e.svc.APIKeys(ctx, editor, org.ID)), accounts.ErrForbidden},
			{"editor revokes", e.svc.RevokeAPIKey(ctx, editor, org.ID, k.ID, ""), accounts.ErrForbidden},
			{"other org's owner revokes", e.svc.RevokeAPIKey(ctx, other, org.ID, k.ID, ""), accounts.ErrForbidden},
			{"owner revokes another org's key through their own", e.svc.RevokeAPIKey(ctx, owner, org.ID, kb.ID, ""), store.ErrNotFound},
		} {
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
			}
		}
		if err := e.svc.RevokeAPIKey(ctx, owner, org.ID, k.ID, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		keys, err := e.svc.APIKeys(ctx, owner, org.ID)
		if err != nil || len(keys) != 1 || keys[0].Revoked.IsZero() {
			t.Errorf("keys after revocation: %+v %v", keys, err)
		}
		keysB, _ := e.svc.APIKeys(ctx, other, orgB.ID)
		if len(keysB) != 1 || !keysB[0].Revoked.IsZero() {
			t.Errorf("the other organisation's key changed: %+v", keysB)
		}
		wantActions(t, e, org.ID, accounts.ActionOrgCreate, accounts.ActionMemberAdd, accounts.ActionKeyCreate, accounts.ActionKeyRevoke)
	})
}

func second[A, B any](_ A, _ B, err error) error { return err }
func second2[A any](_ A, err error) error        { return err }

func TestGrant(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		a := e.user(t, "a@example.it")
		e.user(t, "b@example.it")
		tok, pa := e.login(t, "a@example.it", "")
		org, err := e.svc.CreateOrg(ctx, pa, "Example", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, org, email string
			role             model.Role
			want             error
		}{
			{"add", "Example", "B@example.it", model.RoleViewer, nil},
			{"change", "Example", "b@example.it", model.RoleOwner, nil},
			{"demote the other owner", "Example", "a@example.it", model.RoleEditor, nil},
			{"demote the last owner", "Example", "b@example.it", model.RoleViewer, accounts.ErrLastOwner},
			{"unknown organisation", "Nope", "b@example.it", model.RoleViewer, store.ErrNotFound},
			{"unknown user", "Example", "c@example.it", model.RoleViewer, store.ErrNotFound},
		} {
			if err := e.svc.Grant(ctx, tc.org, tc.email, tc.role, accounts.ActorCLI); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		if err := e.svc.Grant(ctx, "Example", "a@example.it", "boss", accounts.ActorCLI); !accounts.IsInput(err) {
			t.Errorf("bad role: %v", err)
		}
		if p := e.refresh(t, tok); p.Role(org.ID) != model.RoleEditor || p.User.ID != a.ID {
			t.Errorf("a's role %q", p.Role(org.ID))
		}
		wantActions(t, e, org.ID, accounts.ActionOrgCreate, accounts.ActionMemberAdd, accounts.ActionMemberRole, accounts.ActionMemberRole)
	})
}

// TestOwnersDemoteEachOther: two owners demoting each other at the same
// time cannot both succeed; the organisation keeps an owner.
func TestOwnersDemoteEachOther(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.user(t, "a@example.it")
		e.user(t, "b@example.it")
		tokA, pa := e.login(t, "a@example.it", "")
		org, err := e.svc.CreateOrg(ctx, pa, "Example", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Grant(ctx, "Example", "b@example.it", model.RoleOwner, accounts.ActorCLI); err != nil {
			t.Fatal(err)
		}
		tokB, _ := e.login(t, "b@example.it", "")
		pa, pb := e.refresh(t, tokA), e.refresh(t, tokB)
		for round := range 10 {
			errs := make(chan error, 2)
			start := make(chan struct{})
			go func() { <-start; errs <- e.svc.SetRole(ctx, pa, org.ID, pb.User.ID, model.RoleViewer, "") }()
			go func() { <-start; errs <- e.svc.SetRole(ctx, pb, org.ID, pa.User.ID, model.RoleViewer, "") }()
			close(start)
			e1, e2 := <-errs, <-errs
			if (e1 == nil) == (e2 == nil) {
				t.Fatalf("round %d: %v and %v; want one success and one ErrLastOwner", round, e1, e2)
			}
			for _, err := range []error{e1, e2} {
				if err != nil && !errors.Is(err, accounts.ErrLastOwner) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			ms, err := e.st.Members(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			owners := 0
			for _, m := range ms {
				if m.Role == model.RoleOwner {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("round %d: %d owners", round, owners)
			}
			// Both owners again for the next round.
			for _, em := range []string{"a@example.it", "b@example.it"} {
				if err := e.svc.Grant(ctx, "Example", em, model.RoleOwner, accounts.ActorCLI); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
