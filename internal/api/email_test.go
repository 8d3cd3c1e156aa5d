package api_test

import (
	"net/http"
	"testing"
)

// The e-mail subscriptions' routes: create, list, read, delivery log,
// delete; validation problems name the field; each channel's routes see
// only their own subscriptions.
func TestEmailSubscriptions(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		post := func(body string) response {
			return s.do(t, "POST", "/api/v1/email-subscriptions", s.acmeKey, "application/json", []byte(body))
		}
		for body, detail := range map[string]string{
			`{}`:                                "to: 1 to 50",
			`{"to":["Ann <ann@acme.example>"]}`: `"Ann <ann@acme.example>" is not a bare e-mail address`,
			`{"to":["a@acme.example"],"events":["x"]}`:                                     `unknown event type "x"`,
			`{"to":["a@acme.example"],"productId":"00000000-0000-4000-8000-000000000000"}`: "productId: no such product",
			`{"to":"a@acme.example"}`:                                                      "to",
			`{"to":["a@acme.example"],"locale":"de"}`:                                      `locale: "de" is not a language of e-mails: en or it`,
		} {
			wantProblem(t, body, post(body), http.StatusBadRequest, detail)
		}
		res := post(`{"to":["psirt@acme.example","ops@acme.example"],"events":["finding.exploited","finding.new"],"productId":"` + s.product.ID + `","locale":"it"}`)
		var sub struct {
			ID, Channel, ProductID, Locale string
			To, Events                     []string
		}
		res.decode(t, &sub)
		if res.status != http.StatusCreated || res.header.Get("Location") != "/api/v1/email-subscriptions/"+sub.ID ||
			sub.Channel != "email" || len(sub.To) != 2 || len(sub.Events) != 2 || sub.ProductID != s.product.ID || sub.Locale != "it" {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		var got struct{ Locale string }
		if s.get(t, "/api/v1/email-subscriptions/"+sub.ID, s.acmeKey).decode(t, &got); got.Locale != "it" {
			t.Errorf("read back: locale %q, want it", got.Locale)
		}
		var def struct{ ID, Locale string }
		if post(`{"to":["x@acme.example"]}`).decode(t, &def); def.Locale != "en" {
			t.Errorf("default locale %q, want en", def.Locale)
		}
		if res := s.do(t, "DELETE", "/api/v1/email-subscriptions/"+def.ID, s.acmeKey, "", nil); res.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.status, res.body)
		}
		var l struct {
			Items []struct{ ID, Channel string }
		}
		s.get(t, "/api/v1/email-subscriptions", s.acmeKey).decode(t, &l)
		if len(l.Items) != 2 || l.Items[0].ID != s.email.ID || l.Items[1].ID != sub.ID {
			t.Errorf("list %+v", l.Items)
		}
		s.get(t, "/api/v1/webhooks", s.acmeKey).decode(t, &l)
		if len(l.Items) != 1 || l.Items[0].ID != s.webhook.ID {
			t.Errorf("webhooks list %+v", l.Items)
		}
		if res := s.get(t, "/api/v1/email-subscriptions/"+sub.ID+"/deliveries?limit=5", s.acmeKey); res.status != http.StatusOK || string(res.body) != "{\"items\":[]}\n" {
			t.Errorf("deliveries: %d %s", res.status, res.body)
		}
		wantProblem(t, "limit", s.get(t, "/api/v1/email-subscriptions/"+sub.ID+"/deliveries?limit=0", s.acmeKey), http.StatusBadRequest, "limit")
		for _, path := range []string{"/api/v1/webhooks/" + sub.ID, "/api/v1/email-subscriptions/" + s.webhook.ID} {
			if res := s.get(t, path, s.acmeKey); res.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404 (another channel's id)", path, res.status)
			}
		}
		if res := s.do(t, "DELETE", "/api/v1/email-subscriptions/"+sub.ID, s.acmeKey, "", nil); res.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.status, res.body)
		}
		if res := s.get(t, "/api/v1/email-subscriptions/"+sub.ID, s.acmeKey); res.status != http.StatusNotFound {
			t.Errorf("deleted subscription: %d", res.status)
		}
	})
}

// A server without SMTP settings refuses e-mail subscriptions, saying why.
func TestEmailSubscriptionsNeedSMTP(t *testing.T) {
	enginesWith(t, harness{noSMTP: true}, func(t *testing.T, s *server) {
		res := s.do(t, "POST", "/api/v1/email-subscriptions", s.acmeKey, "application/json", []byte(`{"to":["psirt@acme.example"]}`))
		wantProblem(t, "without SMTP", res, http.StatusBadRequest, "e-mail is not configured on this server")
		var l struct{ Items []any }
		if s.get(t, "/api/v1/email-subscriptions", s.acmeKey).decode(t, &l); len(l.Items) != 0 {
			t.Errorf("subscriptions %v", l.Items)
		}
	})
}
