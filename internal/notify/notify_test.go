package notify_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/jobs"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_765_000_000, 0)
	body := []byte(`{"id":"e1","type":"finding.new"}`)
	good := notify.Sign("s3cret-s3cret-s3cret", now.Unix(), body)
	if !strings.HasPrefix(good, "t=1765000000,v1=") || len(good) != len("t=1765000000,v1=")+64 {
		t.Fatalf("signature %q", good)
	}
	cases := []struct {
		name, secret, header string
		body                 []byte
		at                   time.Time
		ok                   bool
	}{
		{"valid", "s3cret-s3cret-s3cret", good, body, now, true},
		{"valid within tolerance", "s3cret-s3cret-s3cret", good, body, now.Add(4 * time.Minute), true},
		{"second signature accepted", "s3cret-s3cret-s3cret", good + ",v1=00", body, now, true},
		{"body changed", "s3cret-s3cret-s3cret", good, []byte(`{"id":"e2","type":"finding.new"}`), now, false},
		{"wrong secret", "another-secret-value", good, body, now, false},
		{"replayed late", "s3cret-s3cret-s3cret", good, body, now.Add(6 * time.Minute), false},
		{"from the future", "s3cret-s3cret-s3cret", good, body, now.Add(-6 * time.Minute), false},
		{"no timestamp", "s3cret-s3cret-s3cret", good[strings.Index(good, ",")+1:], body, now, false},
		{"no v1", "s3cret-s3cret-s3cret", "t=1765000000", body, now, false},
		{"empty", "s3cret-s3cret-s3cret", "", body, now, false},
	}
	for _, c := range cases {
		err := notify.Verify(c.secret, c.header, c.body, c.at, 5*time.Minute)
		if (err == nil) != c.ok {
			t.Errorf("%s: Verify = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func finding() *model.TrackedFinding {
	return &model.TrackedFinding{ID: "f1", VersionID: "v1", ComponentID: "c1", ComponentKey: "pkg:pypi/requests@2.28.1",
		Component: model.Component{Name: "requests", Version: "2.28.1", PURL: "pkg:pypi/requests@2.28.1"},
		VulnID:    "CVE-2023-32681", VulnIDs: []string{"CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"},
		Severity: model.Severity{Rating: model.RatingMedium, Score: 6.1}, KEV: true, State: model.FindingOpen}
}

func TestBodies(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	payload, err := json.Marshal(map[string]any{"type": "finding.exploited", "finding": finding(),
		"event": model.FindingEvent{Kind: model.EventExploited, Detail: "known exploited: listed in CISA KEV since 2026-12-06"}})
	if err != nil {
		t.Fatal(err)
	}
	ev := model.OutboxEvent{ID: "e1", OrgID: "o1", Type: "finding.exploited", ProductID: "p1", VersionID: "v1", Payload: payload, Created: at}
	b, err := notify.Body(model.FormatRocca, ev)
	if err != nil {
		t.Fatal(err)
	}
	var env notify.Envelope
	if err := json.Unmarshal(b, &env); err != nil || env.ID != "e1" || env.Type != "finding.exploited" || env.VersionID != "v1" || !strings.Contains(string(env.Data), "CVE-2023-32681") {
		t.Fatalf("rocca body %s (%v)", b, err)
	}
	b, err = notify.Body(model.FormatDependencyTrack, ev)
	if err != nil {
		t.Fatal(err)
	}
	var dt struct {
		Notification struct {
			Level, Scope, Group, Timestamp, Title, Content string
			Subject                                        struct {
				Component     struct{ Name, Version, Purl string }
				Vulnerability struct {
					VulnID   string `json:"vulnId"`
					Source   string
					Severity string
					IsKev    bool `json:"isKev"`
					Aliases  []struct {
						VulnID string `json:"vulnId"`
					}
				}
				Project struct{ UUID string }
			}
		}
	}
	if err := json.Unmarshal(b, &dt); err != nil {
		t.Fatal(err)
	}
	n := dt.Notification
	if n.Group != "PROJECT_AUDIT_CHANGE" || n.Scope != "PORTFOLIO" || n.Timestamp != "2026-12-07T10:00:00.000Z" ||
		n.Subject.Vulnerability.VulnID != "CVE-2023-32681" || n.Subject.Vulnerability.Source != "NVD" ||
		n.Subject.Vulnerability.Severity != "MEDIUM" || !n.Subject.Vulnerability.IsKev || len(n.Subject.Vulnerability.Aliases) != 2 ||
		n.Subject.Component.Purl != "pkg:pypi/requests@2.28.1" || n.Subject.Project.UUID != "v1" || !strings.Contains(n.Content, "CISA KEV") {
		t.Fatalf("Dependency-Track body %s", b)
	}
	ev.Type = "finding.new"
	if b, _ = notify.Body(model.FormatDependencyTrack, ev); !strings.Contains(string(b), `"group":"NEW_VULNERABILITY"`) {
		t.Fatalf("new finding body %s", b)
	}
}

type fixture struct {
	st  *sqlstore.Store
	svc *notify.Service
	org model.Organisation
}

func setup(t *testing.T, fn func(t *testing.T, f fixture)) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st, err := sqlstore.Open(context.Background(), e.URL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			org := model.Organisation{Name: "acme"}
			if err := st.CreateOrg(context.Background(), &org); err != nil {
				t.Fatal(err)
			}
			fn(t, fixture{st: st, svc: notify.New(st, &http.Client{Timeout: 5 * time.Second}, discard(), nil), org: org})
		})
	}
}

func TestCreateWebhookValidates(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		other := model.Organisation{Name: "other"}
		if err := f.st.CreateOrg(ctx, &other); err != nil {
			t.Fatal(err)
		}
		foreign := model.Product{Name: "theirs", Role: model.RoleManufacturer}
		if err := f.st.CreateProduct(ctx, other.ID, &foreign); err != nil {
			t.Fatal(err)
		}
		const secret = "0123456789abcdef"
		bad := []struct {
			name string
			req  notify.WebhookRequest
			want string
		}{
			{"no url", notify.WebhookRequest{Secret: secret}, "url"},
			{"relative url", notify.WebhookRequest{URL: "/hook", Secret: secret}, "url"},
			{"ftp url", notify.WebhookRequest{URL: "ftp://h/x", Secret: secret}, "url"},
			{"credentials in url", notify.WebhookRequest{URL: "https://u:p@h/x", Secret: secret}, "credentials"},
			{"short secret", notify.WebhookRequest{URL: "https://h/x", Secret: "short"}, "secret"},
			{"unknown event", notify.WebhookRequest{URL: "https://h/x", Secret: secret, Events: []string{"finding.eaten"}}, "finding.eaten"},
			{"bad format", notify.WebhookRequest{URL: "https://h/x", Secret: secret, Format: "slack"}, "format"},
			{"another organisation's product", notify.WebhookRequest{URL: "https://h/x", Secret: secret, ProductID: foreign.ID}, "productId"},
		}
		for _, c := range bad {
			_, err := f.svc.CreateWebhook(ctx, f.org.ID, c.req)
			var ie *notify.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, c.want) {
				t.Errorf("%s: %v, want an input error about %s", c.name, err, c.want)
			}
		}
		if subs, _ := f.svc.Webhooks(ctx, f.org.ID); len(subs) != 0 {
			t.Errorf("refused webhooks stored: %+v", subs)
		}
		sub, err := f.svc.CreateWebhook(ctx, f.org.ID, notify.WebhookRequest{URL: "https://h/x", Secret: secret, Events: []string{"finding.exploited"}})
		if err != nil || sub.Format != model.FormatRocca || sub.Secret != secret {
			t.Fatalf("create %+v %v", sub, err)
		}
		if _, err := f.svc.Webhook(ctx, other.ID, sub.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another organisation reads the webhook: %v", err)
		}
		if err := f.svc.DeleteWebhook(ctx, other.ID, sub.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another organisation deletes the webhook: %v", err)
		}
	})
}

// TestCreateWebhookLocalURL: a URL naming an address the webhook client
// never connects to is refused when the webhook is created (ErrLocalURL);
// loopback only by a service refusing it (the server without
// ROCCA_WEBHOOK_ALLOW_LOOPBACK).
func TestCreateWebhookLocalURL(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		const secret = "0123456789abcdef"
		strict := f.svc.RefusingLoopback()
		cases := []struct {
			url               string
			refused, loopback bool
		}{
			{"http://127.0.0.1:8080/hook", true, true},
			{"http://localhost/hook", true, true},
			{"https://LocalHost./hook", true, true},
			{"http://app.localhost/hook", true, true},
			{"http://[::1]/hook", true, true},
			{"http://[::ffff:127.0.0.1]/hook", true, true},
			{"http://169.254.169.254/latest/meta-data/", true, false},
			{"http://[fe80::1]/hook", true, false},
			{"http://0.0.0.0/hook", true, false},
			{"http://224.0.0.1/hook", true, false},
			{"http://[fd00:ec2::254]/latest/meta-data/", true, false},
			{"http://100.100.100.200/latest/meta-data/", true, false},
			{"https://10.1.2.3/hook", false, false},
			{"https://hooks.example.com/rocca", false, false},
			{"https://localhost.example.com/hook", false, false},
		}
		for _, c := range cases {
			for _, svc := range []*notify.Service{strict, f.svc} {
				want := c.refused && (svc == strict || !c.loopback)
				_, err := svc.CreateWebhook(ctx, f.org.ID, notify.WebhookRequest{URL: c.url, Secret: secret})
				if want != errors.Is(err, notify.ErrLocalURL) || !want && err != nil {
					t.Errorf("%s (refusing loopback %v): %v, want refused %v", c.url, svc == strict, err, want)
				}
			}
		}
	})
}

// A receiver that fails twice gets the delivery on the third attempt,
// through the job engine's retries; a receiver that always fails ends
// "failed" after the last attempt. Events a webhook does not want are not
// delivered to it.
func TestDeliveryRetries(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		var mu sync.Mutex
		calls := map[string]int{}
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			calls[r.URL.Path]++
			if r.URL.Path == "/flaky" && calls[r.URL.Path] <= 2 || r.URL.Path == "/down" {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		defer rcv.Close()
		const secret = "0123456789abcdef"
		flaky, _ := f.svc.CreateWebhook(ctx, f.org.ID, notify.WebhookRequest{URL: rcv.URL + "/flaky", Secret: secret})
		down, _ := f.svc.CreateWebhook(ctx, f.org.ID, notify.WebhookRequest{URL: rcv.URL + "/down", Secret: secret})
		picky, _ := f.svc.CreateWebhook(ctx, f.org.ID, notify.WebhookRequest{URL: rcv.URL + "/picky", Secret: secret, Events: []string{"upload.failed"}})
		// One event in the outbox, written as a change would write it.
		err := f.st.Ingest(ctx, f.org.ID, func(tx store.IngestTx) error {
			return tx.AddOutbox(ctx, []model.OutboxEvent{{Type: "upload.processed", Payload: []byte(`{"detail":"ok"}`), Created: time.Now()}})
		})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := jobs.New(ctx, f.st.DB(), f.st.Engine(), jobs.Config{Poll: 50 * time.Millisecond, FetchPoll: 50 * time.Millisecond,
			DeliveryAttempts: 4, Retry: func(int) time.Duration { return 10 * time.Millisecond }},
			jobs.Handlers{DispatchPending: f.svc.Pending, Dispatch: func(ctx context.Context, enq func(context.Context, *sql.Tx, []model.DeliveryRef) error) error {
				_, err := f.svc.Dispatch(ctx, enq)
				return err
			}, Deliver: f.svc.Deliver}, discard())
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer eng.Stop(ctx)
		deadline := time.Now().Add(30 * time.Second)
		for {
			fd, _ := f.svc.Deliveries(ctx, f.org.ID, flaky.ID, 10)
			dd, _ := f.svc.Deliveries(ctx, f.org.ID, down.ID, 10)
			if len(fd) == 1 && fd[0].State == model.DeliveryDelivered && len(dd) == 1 && dd[0].State == model.DeliveryFailed {
				if fd[0].Attempts != 3 || fd[0].LastStatus != http.StatusNoContent || dd[0].Attempts != 4 || dd[0].LastStatus != http.StatusBadGateway || dd[0].LastError == "" {
					t.Fatalf("deliveries %+v %+v", fd[0], dd[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries after 30 s: flaky %+v, down %+v", fd, dd)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if pd, _ := f.svc.Deliveries(ctx, f.org.ID, picky.ID, 10); len(pd) != 0 {
			t.Errorf("a webhook for upload.failed got upload.processed: %+v", pd)
		}
		mu.Lock()
		defer mu.Unlock()
		if calls["/flaky"] != 3 || calls["/down"] != 4 || calls["/picky"] != 0 {
			t.Errorf("calls %v", calls)
		}
	})
}
