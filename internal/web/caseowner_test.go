package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// The owner is chosen among the organisation's members, on the new-case
// form and on the case page; the choice is kept when the statement is
// saved; a value that is no member is refused with the use case's
// message; in Italian the choice is explained in Italian.
func TestCaseOwnerSelect(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) {
			s := newSiteOn(t, e.Store, demo)
			ctx := context.Background()
			var members []model.User
			for _, m := range []struct{ email, name string }{{"qualita@acme.test", "Qualità"}, {"ops@acme.test", ""}} {
				u := model.User{Email: m.email, Name: m.name}
				if err := e.Store.CreateUser(ctx, &u, m.email, "hash"); err != nil {
					t.Fatal(err)
				}
				if err := e.Store.AddMember(ctx, s.acme.ID, u.ID, model.RoleEditor, s.clock.Now()); err != nil {
					t.Fatal(err)
				}
				members = append(members, u)
			}
			b := s.browser(t).login("editor@acme.test")
			_, form := b.get("/cases/new")
			for _, want := range []string{`<select id="owner" name="owner"`, `<option value="` + members[0].ID + `">Qualità &lt;qualita@acme.test&gt;</option>`,
				`<option value="` + members[1].ID + `">ops@acme.test</option>`} {
				if !strings.Contains(form, want) {
					t.Errorf("new-case form lacks %s", want)
				}
			}
			id := s.openCase(t, b, url.Values{"type": {"si"}, "title": {"Ransomware on the build server"}, "owner": {members[0].ID}})
			selected := regexp.MustCompile(`<option value="([^"]*)" selected>`)
			_, page := b.get("/cases/" + id)
			if m := selected.FindStringSubmatch(page); m == nil || m[1] != members[0].ID {
				t.Fatalf("owner selected: %v", m)
			}
			if !strings.Contains(page, "<dd>qualita@acme.test</dd>") {
				t.Error("the owner is not shown")
			}
			if code, _ := b.post("/cases/"+id+"/statement", url.Values{"owner": {members[1].ID}, "statement": {"remote code execution"}}); code != http.StatusSeeOther {
				t.Fatalf("edit: %d", code)
			}
			if d, err := s.cases.Get(ctx, s.acme.ID, id); err != nil || d.OwnerID != members[1].ID || d.Statement != "remote code execution" {
				t.Fatalf("after edit: %+v %v", d.Case, err)
			}
			code, body := b.post("/cases/"+id+"/statement", url.Values{"owner": {"mallory@evil.test"}, "statement": {"x"}})
			if code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), "mallory@evil.test is not a member of the organisation") {
				t.Errorf("not a member: %d", code)
			}
			// A member who left stays offered as they are, so that saving
			// the statement does not drop them silently.
			if _, err := e.Store.RemoveMember(ctx, s.acme.ID, members[1].ID); err != nil {
				t.Fatal(err)
			}
			_, page = b.get("/cases/" + id)
			if m := selected.FindStringSubmatch(page); m == nil || m[1] != "ops@acme.test" || !strings.Contains(page, "ops@acme.test (not a member)") {
				t.Errorf("owner who left: %v", m)
			}
			if code, _ := b.post("/cases/"+id+"/statement", url.Values{"owner": {"ops@acme.test"}, "statement": {"y"}}); code != http.StatusSeeOther {
				t.Errorf("edit with the owner who left unchanged: %d", code)
			}
			b.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
			_, page = b.get("/cases/" + id)
			if !strings.Contains(page, "(nessuno)") || !strings.Contains(page, "I promemoria delle scadenze") || !strings.Contains(page, "(non è un membro)") {
				t.Error("the owner's choice is not in Italian")
			}
		})
	}
}
