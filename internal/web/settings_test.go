package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/web"
)

// TestSettingsPages, on both engines: the settings' actions for owners
// (webhooks and e-mail subscriptions created and deleted, a member
// removed, an organisation created by an administrator), refused to an
// editor and a viewer (403), to the owner of another organisation (404
// for acme's rows), without the form token (403), and the refusals of
// what was entered shown next to their field in English and Italian.
func TestSettingsPages(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) {
			s := newSiteOn(t, e.Store, demo)
			t.Run("access", func(t *testing.T) { testSettingsAccess(t, s) })
			t.Run("webhooks", func(t *testing.T) { testWebhookForms(t, s) })
			t.Run("emails", func(t *testing.T) { testEmailForms(t, s) })
			t.Run("members", func(t *testing.T) { testRemoveMember(t, s) })
			t.Run("organisations", func(t *testing.T) { testCreateOrg(t, s) })
		})
	}
}

// webhookIDs returns acme's webhooks by URL.
func (s *site) webhookIDs(t *testing.T) map[string]string {
	t.Helper()
	hs, err := s.notify.Webhooks(context.Background(), s.acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, h := range hs {
		out[h.Target] = h.ID
	}
	return out
}

// emailIDs returns acme's e-mail subscriptions by their recipients.
func (s *site) emailIDs(t *testing.T) map[string]notify.EmailSubscription {
	t.Helper()
	es, err := s.notify.EmailSubscriptions(context.Background(), s.acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]notify.EmailSubscription{}
	for _, e := range es {
		out[strings.Join(e.To, ", ")] = e
	}
	return out
}

func testSettingsAccess(t *testing.T, s *site) {
	ctx := context.Background()
	owner, editor, viewer, other := s.browser(t).login("owner@acme.test"), s.browser(t).login("editor@acme.test"),
		s.browser(t).login("viewer@acme.test"), s.browser(t).login("owner@bolt.test")
	hook, err := s.notify.CreateWebhook(ctx, s.acme.ID, notify.WebhookRequest{URL: "https://access.example.com/hook", Secret: "a secret of the access test"})
	if err != nil {
		t.Fatal(err)
	}
	mail, err := s.notify.CreateEmail(ctx, s.acme.ID, notify.EmailRequest{To: []string{"access@acme.test"}})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := s.acc.Members(ctx, web.Principal{Org: web.Membership{OrgID: s.acme.ID}})
	var viewerID string
	for _, m := range ms {
		if m.Email == "viewer@acme.test" {
			viewerID = m.UserID
		}
	}
	// Each action, tried by everybody; the owner's try comes last (it
	// changes things) and must succeed.
	actions := []struct {
		method, name, path string
		form               url.Values
		// theirs is true when the path names one of acme's rows: the
		// owner of bolt gets a 404.
		theirs bool
		ok     int
	}{
		{"POST", "create webhook", "/settings/notifications/webhooks", url.Values{"url": {"https://owner.example.com/hook"},
			"secret": {"a secret of sixteen or more"}, "format": {"dependency-track"}, "events": {"finding.exploited"}}, false, http.StatusOK},
		{"POST", "delete webhook", "/settings/notifications/webhooks/" + hook.ID + "/delete", nil, true, http.StatusSeeOther},
		{"POST", "create e-mail subscription", "/settings/notifications/emails", url.Values{"to": {"owner-made@acme.test"}, "locale": {"it"}}, false, http.StatusSeeOther},
		{"POST", "delete e-mail subscription", "/settings/notifications/emails/" + mail.ID + "/delete", nil, true, http.StatusSeeOther},
		{"GET", "confirm removal", "/settings/members/" + viewerID + "/remove", nil, true, http.StatusOK},
	}
	for _, a := range actions {
		post := func(b *browser, form url.Values) int {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if a.method == "GET" {
				code, _ := b.get(a.path)
				return code
			}
			code, _ := b.post(a.path, f)
			return code
		}
		if code := post(editor, a.form); code != http.StatusForbidden {
			t.Errorf("%s by an editor: %d, want 403", a.name, code)
		}
		if code := post(viewer, a.form); code != http.StatusForbidden {
			t.Errorf("%s by a viewer: %d, want 403", a.name, code)
		}
		if a.theirs {
			if code := post(other, a.form); code != http.StatusNotFound {
				t.Errorf("%s by another organisation's owner: %d, want 404", a.name, code)
			}
		}
		if a.method == "POST" {
			noToken := url.Values{"csrf": {""}}
			for k, v := range a.form {
				noToken[k] = v
			}
			if code := post(owner, noToken); code != http.StatusForbidden {
				t.Errorf("%s without the form token: %d, want 403", a.name, code)
			}
		}
		owner.get("/settings/notifications")
		if code := post(owner, a.form); code != a.ok {
			t.Errorf("%s by the owner: %d, want %d", a.name, code, a.ok)
		}
	}
	hooks, mails := s.webhookIDs(t), s.emailIDs(t)
	if _, ok := hooks["https://access.example.com/hook"]; ok {
		t.Error("the webhook deleted by the owner is still there")
	}
	if len(hooks) != 2 || hooks["https://owner.example.com/hook"] == "" {
		t.Errorf("webhooks %v: want the harness's and the owner's only", hooks)
	}
	if _, ok := mails["access@acme.test"]; ok {
		t.Error("the e-mail subscription deleted by the owner is still there")
	}
	if m, ok := mails["owner-made@acme.test"]; !ok || m.Locale != "it" || len(mails) != 1 {
		t.Errorf("e-mail subscriptions %v: want the owner's only, in Italian", mails)
	}
	// Nothing of the refused tries was made: bolt has no subscription.
	if hs, _ := s.notify.Webhooks(ctx, s.bolt.ID); len(hs) != 0 {
		t.Errorf("bolt has webhooks: %+v", hs)
	}
	// Viewers see the lists, no forms and no delete buttons.
	if _, body := viewer.get("/settings/notifications"); !strings.Contains(body, "https://owner.example.com/hook") ||
		strings.Contains(body, `action="/settings/notifications/`) {
		t.Error("a viewer's notifications page lacks the webhook, or offers forms")
	}
	// Clean up for the next subtests.
	for _, id := range hooks {
		if id != hooks["https://hooks.example.com/rocca"] {
			_ = s.notify.DeleteWebhook(ctx, s.acme.ID, id)
		}
	}
	for _, m := range mails {
		_ = s.notify.DeleteEmailSubscription(ctx, s.acme.ID, m.ID)
	}
}

// errorOf returns the text of a field's error element and whether the
// field refers to it with aria-describedby.
func errorOf(body, id string) (string, bool) {
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(id) + `-error">([^<]*(?:<span lang="en">[^<]*</span>)?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return m[1], strings.Contains(body, `aria-describedby="`+id+`-error"`) || regexp.MustCompile(`aria-describedby="[^"]*\b`+regexp.QuoteMeta(id)+`-error"`).MatchString(body)
}

func testWebhookForms(t *testing.T, s *site) {
	owner := s.browser(t).login("owner@acme.test")
	// The form proposes a random secret and every event type.
	_, body := owner.get("/settings/notifications")
	proposed := regexp.MustCompile(`id="wh-secret" name="secret" type="text" required autocomplete="off" value="([0-9a-f]{64})"`).FindStringSubmatch(body)
	if proposed == nil {
		t.Fatalf("no proposed secret\n%.3000s", body)
	}
	for _, e := range notify.EventTypes {
		if !strings.Contains(body, `id="wh-ev-`+e+`" name="events" value="`+e+`"`) {
			t.Errorf("event type %s not offered", e)
		}
	}
	const secret = "a secret of the webhook form"
	good := url.Values{"url": {"https://tickets.example.com/hooks/rocca"}, "secret": {secret}, "format": {"rocca"}}
	refused := []struct {
		name, field string
		change      url.Values
		en, it      string
	}{
		{"loopback address", "wh_url", url.Values{"url": {"http://127.0.0.1:8080/hook"}},
			"This address is this server itself (loopback)", "Questo indirizzo è il server stesso (loopback)"},
		{"localhost", "wh_url", url.Values{"url": {"http://localhost/hook"}},
			"This address is this server itself (loopback)", "Questo indirizzo è il server stesso (loopback)"},
		{"cloud metadata", "wh_url", url.Values{"url": {"http://169.254.169.254/latest/"}},
			"link-local", "link-local"},
		{"relative address", "wh_url", url.Values{"url": {"/hook"}},
			"Enter a complete http or https address", "Inserisci un indirizzo http o https completo"},
		{"credentials", "wh_url", url.Values{"url": {"https://user:pw@tickets.example.com/"}},
			"must not contain a user name or password", "non deve contenere nome utente o password"},
		{"short secret", "wh_secret", url.Values{"secret": {"short"}},
			"16 to 256 characters", "da 16 a 256 caratteri"},
		{"unknown event", "wh_events", url.Values{"events": {"finding.new", "finding.eaten"}},
			"Choose only the event types listed.", "Scegli solo tra i tipi di evento elencati."},
		{"unknown format", "wh_format", url.Values{"format": {"slack"}},
			"Choose one of the options.", ""},
	}
	for _, lang := range []string{"en", "it"} {
		owner.post("/lang", url.Values{"lang": {lang}, "next": {"/"}})
		for _, c := range refused {
			f := url.Values{}
			for k, v := range good {
				f[k] = v
			}
			for k, v := range c.change {
				f[k] = v
			}
			code, body := owner.post("/settings/notifications/webhooks", f)
			want := c.en
			if lang == "it" {
				want = c.it
			}
			text, described := errorOf(body, c.field)
			if code != http.StatusBadRequest || !strings.Contains(text, want) || !described {
				t.Errorf("%s %s: %d, error %q (described %v), want %q next to %s", lang, c.name, code, text, described, want, c.field)
			}
			// What was entered is kept (the URL), and nothing is stored.
			if !strings.Contains(body, `value="`+f.Get("url")+`"`) && c.field != "wh_url" {
				t.Errorf("%s %s: the address entered is lost", lang, c.name)
			}
		}
	}
	if hs := s.webhookIDs(t); len(hs) != 1 {
		t.Errorf("refused webhooks stored: %v", hs)
	}
	owner.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	f := url.Values{"events": {"finding.exploited", "case.opened"}, "format": {"dependency-track"}}
	for k, v := range good {
		if k != "format" {
			f[k] = v
		}
	}
	code, body := owner.post("/settings/notifications/webhooks", f)
	if code != http.StatusOK || !strings.Contains(body, "The webhook has been created") || !strings.Contains(body, `value="`+secret+`"`) ||
		!strings.Contains(body, `<td class="mono">https://tickets.example.com/hooks/rocca</td>`) {
		t.Fatalf("create: %d\n%.3000s", code, body)
	}
	id := s.webhookIDs(t)["https://tickets.example.com/hooks/rocca"]
	sub, err := s.notify.Webhook(context.Background(), s.acme.ID, id)
	if err != nil || sub.Format != "dependency-track" || strings.Join(sub.Events, ",") != "finding.exploited,case.opened" || sub.Secret != secret {
		t.Fatalf("stored webhook %+v %v", sub, err)
	}
	// The secret is never shown again.
	if _, body := owner.get("/settings/notifications"); strings.Contains(body, secret) {
		t.Error("the secret is shown again")
	}
	if code, _ := owner.post("/settings/notifications/webhooks/"+id+"/delete", nil); code != http.StatusSeeOther {
		t.Errorf("delete: %d", code)
	}
	if _, body := owner.get("/settings/notifications?notice=webhook_deleted"); strings.Contains(body, `<td class="mono">https://tickets.example.com/hooks/rocca</td>`) ||
		!strings.Contains(body, "The webhook has been deleted.") {
		t.Error("the deleted webhook is listed, or no notice")
	}
	if code, _ := owner.post("/settings/notifications/webhooks/"+id+"/delete", nil); code != http.StatusNotFound {
		t.Errorf("delete again: %d, want 404", code)
	}
}

func testEmailForms(t *testing.T, s *site) {
	owner := s.browser(t).login("owner@acme.test")
	owner.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
	// The language of the e-mails defaults to the person's.
	if _, body := owner.get("/settings/notifications"); !strings.Contains(body, `id="em-locale-it" name="locale" value="it" checked`) {
		t.Error("the e-mails' language does not default to Italian")
	}
	refused := []struct {
		name, field string
		form        url.Values
		it          string
	}{
		{"no address", "em_to", url.Values{"locale": {"en"}}, "Questo campo è obbligatorio."},
		{"display name", "em_to", url.Values{"to": {"Sicurezza <sec@acme.test>"}, "locale": {"en"}}, "Inserisci un indirizzo e-mail valido"},
		{"not an address", "em_to", url.Values{"to": {"sec@acme.test, nobody"}, "locale": {"en"}}, "Inserisci un indirizzo e-mail valido"},
		{"repeated address", "em_to", url.Values{"to": {"sec@acme.test, sec@acme.test"}, "locale": {"en"}}, "rocca ha rifiutato questo valore:"},
		{"unknown language", "em_locale", url.Values{"to": {"sec@acme.test"}, "locale": {"de"}}, "Scegli una delle opzioni."},
		{"unknown event", "em_events", url.Values{"to": {"sec@acme.test"}, "locale": {"en"}, "events": {"finding.eaten"}}, "Scegli solo tra i tipi di evento elencati."},
	}
	for _, c := range refused {
		code, body := owner.post("/settings/notifications/emails", c.form)
		text, described := errorOf(body, c.field)
		if code != http.StatusBadRequest || !strings.Contains(text, c.it) || !described {
			t.Errorf("%s: %d, error %q (described %v), want %q next to %s", c.name, code, text, described, c.it, c.field)
		}
	}
	if code, body := owner.post("/settings/notifications/emails", url.Values{"to": {"sec@acme.test, cto@acme.test"}, "locale": {"it"},
		"events": {"finding.exploited"}}); code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%.2000s", code, body)
	}
	ms := s.emailIDs(t)
	m, ok := ms["sec@acme.test, cto@acme.test"]
	if !ok || m.Locale != "it" || strings.Join(m.Events, ",") != "finding.exploited" || len(ms) != 1 {
		t.Fatalf("subscriptions %+v", ms)
	}
	if _, body := owner.get("/settings/notifications?notice=email_created"); !strings.Contains(body, "sec@acme.test, cto@acme.test") ||
		!strings.Contains(body, "L&#39;iscrizione e-mail è stata creata.") {
		t.Errorf("the subscription or the notice is missing")
	}
	if code, _ := owner.post("/settings/notifications/emails/"+m.ID+"/delete", nil); code != http.StatusSeeOther {
		t.Errorf("delete: %d", code)
	}
	if ms := s.emailIDs(t); len(ms) != 0 {
		t.Errorf("subscriptions left: %+v", ms)
	}
	// A webhook's id does not name an e-mail subscription.
	hook := s.webhookIDs(t)["https://hooks.example.com/rocca"]
	if code, _ := owner.post("/settings/notifications/emails/"+hook+"/delete", nil); code != http.StatusNotFound {
		t.Errorf("a webhook deleted as an e-mail subscription: %d, want 404", code)
	}
	owner.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
}

func testRemoveMember(t *testing.T, s *site) {
	ctx := context.Background()
	s.acc.add("leaving@acme.test", password, web.Membership{OrgID: s.acme.ID, OrgName: "acme", Role: web.RoleEditor})
	owner, leaving := s.browser(t).login("owner@acme.test"), s.browser(t).login("leaving@acme.test")
	var id, ownerID string
	ms, _ := s.acc.Members(ctx, web.Principal{Org: web.Membership{OrgID: s.acme.ID}})
	for _, m := range ms {
		switch m.Email {
		case "leaving@acme.test":
			id = m.UserID
		case "owner@acme.test":
			ownerID = m.UserID
		}
	}
	_, body := owner.get("/settings")
	if !strings.Contains(body, `href="/settings/members/`+id+`/remove"`) || strings.Contains(body, `href="/settings/members/`+ownerID+`/remove"`) {
		t.Error("the members list lacks the removal link, or offers owners to remove themselves")
	}
	code, body := owner.get("/settings/members/" + id + "/remove")
	if code != http.StatusOK || !strings.Contains(body, "leaving@acme.test will lose access") || !strings.Contains(body, `action="/settings/members/`+id+`/remove"`) {
		t.Fatalf("confirmation page: %d\n%.2000s", code, body)
	}
	if code, _ := leaving.get("/products"); code != http.StatusOK {
		t.Fatalf("member before removal: %d", code)
	}
	if code, _ := owner.post("/settings/members/"+id+"/remove", nil); code != http.StatusSeeOther {
		t.Fatalf("remove: %d", code)
	}
	if _, body := owner.get("/settings?notice=member_removed"); strings.Contains(body, "leaving@acme.test") || !strings.Contains(body, "The member has been removed.") {
		t.Error("the removed member is listed, or no notice")
	}
	if code, _ := leaving.get("/products"); code != http.StatusForbidden {
		t.Errorf("removed member reads the products: %d, want 403", code)
	}
	if code, _ := owner.post("/settings/members/"+id+"/remove", nil); code != http.StatusNotFound {
		t.Errorf("remove again: %d, want 404", code)
	}
	// The last owner stays.
	code, body = owner.post("/settings/members/"+ownerID+"/remove", nil)
	if code != http.StatusConflict || !strings.Contains(body, "must keep at least one owner") {
		t.Errorf("last owner removed: %d", code)
	}
}

func testCreateOrg(t *testing.T, s *site) {
	admin := s.browser(t).login("owner@acme.test")
	if _, body := admin.get("/settings"); !strings.Contains(body, `href="/orgs/new"`) {
		t.Error("no link to create an organisation for an administrator")
	}
	if _, body := s.browser(t).login("owner@bolt.test").get("/settings"); strings.Contains(body, `href="/orgs/new"`) {
		t.Error("a link to create an organisation for an owner who is no administrator")
	}
	admin.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
	for _, c := range []struct{ name, it string }{
		{"", "Questo campo è obbligatorio."},
		{"bolt", "Esiste già un'organizzazione con questo nome."},
		{strings.Repeat("x", 201), "Al massimo 200 caratteri."},
	} {
		admin.get("/orgs/new")
		code, body := admin.post("/orgs", url.Values{"name": {c.name}})
		text, described := errorOf(strings.ReplaceAll(body, "&#39;", "'"), "name")
		if code != http.StatusBadRequest || !strings.Contains(text, c.it) || !described {
			t.Errorf("name %.20q: %d, error %q (described %v), want %q", c.name, code, text, described, c.it)
		}
	}
	admin.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	if code, body := admin.post("/orgs", url.Values{"name": {"Nuova Meccanica Srl"}}); code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%.2000s", code, body)
	}
	_, body := admin.get("/settings?notice=org_created")
	if !strings.Contains(body, "The organisation has been created; you are its owner.") || !strings.Contains(body, "<dd>Nuova Meccanica Srl</dd>") {
		t.Errorf("the new organisation is not the current one\n%.3000s", body)
	}
	// The switcher lists both organisations.
	if !regexp.MustCompile(`<select id="org-switch" name="org">[^/]*>acme</option>[^/]*>Nuova Meccanica Srl</option>`).MatchString(body) {
		t.Errorf("the organisation switcher does not list acme and the new organisation")
	}
}
