package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/metrics"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// server is a running API over a database with the demo knowledge base and
// two organisations: acme (with a product, a version and the demo SBOM
// ingested) and bolt (empty).
type server struct {
	*httptest.Server
	api      *api.API
	queue    *portfolio.Queue
	svc      *portfolio.Service
	st       *sqlstore.Store
	demo     []byte
	acmeKey  string
	boltKey  string
	acme     model.Organisation
	bolt     model.Organisation
	product  model.Product
	version  model.Version
	ingested portfolio.IngestResult
	webhook  model.Subscription
	email    notify.EmailSubscription
	cases    *cases.Service
	// aware is an acme reporting case whose clock runs; toClose another.
	aware, toClose cases.Details
	// finding is an open finding of the version.
	finding model.TrackedFinding
}

// caseClock is the reporting cases' clock in the API tests.
func caseClock() time.Time { return time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC) }

// engines starts one server per test engine and runs fn on each.
func engines(t *testing.T, maxBOM int64, fn func(t *testing.T, s *server)) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { fn(t, start(t, e.Store, demo, maxBOM)) })
	}
}

// harness varies the server start builds.
type harness struct {
	maxBOM           int64
	workers, backlog int
	// queueBytes is the upload queue's byte budget (none when 0).
	queueBytes int64
	// wrap, when set, wraps the store the service uses.
	wrap func(*sqlstore.Store) portfolio.Store
	// options, when set, adjusts the API's options.
	options func(*api.Options)
	// noSMTP starts the server without e-mail (no e-mail subscription).
	noSMTP bool
}

// noMail is the harness's mailer: the API tests never deliver.
type noMail struct{}

func (noMail) Send(context.Context, notify.Mail) (int, error) {
	return 0, errors.New("the API tests send no e-mail")
}

// enginesWith is engines with a varied server.
func enginesWith(t *testing.T, h harness, fn func(t *testing.T, s *server)) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { fn(t, startWith(t, e.Store, demo, h)) })
	}
}

func start(t *testing.T, st *sqlstore.Store, demo []byte, maxBOM int64) *server {
	t.Helper()
	return startWith(t, st, demo, harness{maxBOM: maxBOM})
}

func startWith(t *testing.T, st *sqlstore.Store, demo []byte, h harness) *server {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var pst portfolio.Store = st
	if h.wrap != nil {
		pst = h.wrap(st)
	}
	svc := portfolio.New(pst, log, sbom.Limits{})
	if h.workers == 0 {
		h.workers, h.backlog = 2, 16
	}
	q := portfolio.NewQueue(svc, h.workers, h.backlog, h.queueBytes)
	n := notify.New(st, http.DefaultClient, log, nil)
	if !h.noSMTP {
		n = n.WithMailer(noMail{})
	}
	m := metrics.New(metrics.Sources{Findings: st.OpenFindingCounts}, log)
	tr := triage.New(st, log, nil)
	cs, err := cases.New(st, log, cases.Options{Now: caseClock, Contacts: n})
	if err != nil {
		t.Fatal(err)
	}
	o := api.Options{Service: svc, Queue: q, Notify: n, Triage: tr, VEX: vexchange.New(st, tr, log, nil), Cases: cs, NotAffected: cs.NotAffectedVia(tr), Metrics: m, Log: log, Ready: st.Ready, MaxBOMBytes: h.maxBOM}
	if h.options != nil {
		h.options(&o)
	}
	a := api.New(o)
	s := &server{Server: httptest.NewServer(a), api: a, queue: q, svc: svc, st: st, demo: demo, cases: cs}
	t.Cleanup(func() {
		s.Close()
		if err := q.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	for _, o := range []*model.Organisation{&s.acme, &s.bolt} {
		if o == &s.acme {
			o.Name = "acme"
		} else {
			o.Name = "bolt"
		}
		if err := st.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if s.acmeKey, _, err = svc.CreateAPIKey(ctx, "acme", "test"); err != nil {
		t.Fatal(err)
	}
	if s.boltKey, _, err = svc.CreateAPIKey(ctx, "bolt", "test"); err != nil {
		t.Fatal(err)
	}
	s.product = model.Product{Name: "Linea HMI Gateway", Role: model.RoleManufacturer}
	if err := svc.CreateProduct(ctx, s.acme.ID, &s.product); err != nil {
		t.Fatal(err)
	}
	s.version = model.Version{ProductID: s.product.ID, Name: "4.2.0", Lifecycle: model.LifecycleOnMarket}
	if err := svc.CreateVersion(ctx, s.acme.ID, &s.version); err != nil {
		t.Fatal(err)
	}
	if s.ingested, err = svc.Ingest(ctx, s.acme.ID, s.version.ID, demokb.WithGraph(demo), "hmi.cdx.json"); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*cases.Details{&s.aware, &s.toClose} {
		if *c, err = cs.Create(ctx, s.acme.ID, cases.NewCase{Kind: "aev", Title: "Exploited test vulnerability",
			VulnIDs: []string{fmt.Sprintf("CVE-2099-004%d", i)}, VersionIDs: []string{s.version.ID},
			Awareness: caseClock().Add(-time.Hour), AwarenessReason: "a CSIRT told us"}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := svc.Findings(ctx, s.acme.ID, store.FindingQuery{VersionID: s.version.ID, Sort: store.SortComponent, Limit: 1})
	if err != nil || len(page.Findings) == 0 {
		t.Fatalf("the demo SBOM has no finding: %v", err)
	}
	s.finding = page.Findings[0]
	if s.webhook, err = n.CreateWebhook(ctx, s.acme.ID, notify.WebhookRequest{URL: "https://hooks.example/rocca", Secret: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	if !h.noSMTP {
		if s.email, err = n.CreateEmail(ctx, s.acme.ID, notify.EmailRequest{To: []string{"security@acme.example"}}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends a request with the key (none when empty).
func (s *server) do(t *testing.T, method, path, key, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func (s *server) get(t *testing.T, path, key string) response {
	t.Helper()
	return s.do(t, "GET", path, key, "", nil)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
