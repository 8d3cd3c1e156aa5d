package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// wantProblem checks a problem answer: its status, its media type and
// that its detail names what was wrong.
func wantProblem(t *testing.T, what string, res response, status int, detail string) {
	t.Helper()
	var p problemBody
	if res.status != status || res.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: %d %s %.300s, want %d problem", what, res.status, res.header.Get("Content-Type"), res.body, status)
		return
	}
	res.decode(t, &p)
	if p.Status != status || !strings.Contains(p.Detail, detail) {
		t.Errorf("%s: detail %q, want it to contain %q", what, p.Detail, detail)
	}
}

// Regression: a components cursor decoding to a huge offset panicked with
// "slice bounds out of range" and the client got an empty reply.
func TestComponentsHugeCursor(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		for _, q := range []string{"", "&limit=1000", "&limit=1"} {
			path := "/api/v1/versions/" + s.version.ID + "/components?cursor=" + b64("9223372036854775807") + q
			wantProblem(t, path, s.get(t, path, s.acmeKey), 400, "cursor")
		}
	})
}

func TestComponentsPages(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		base := "/api/v1/versions/" + s.version.ID + "/components"
		type page struct {
			Items []struct{ ID string }
			Next  string
		}
		var all page
		s.get(t, base+"?limit=1000", s.acmeKey).decode(t, &all)
		if len(all.Items) < 3 || all.Next != "" {
			t.Fatalf("one page: %d items, next %q", len(all.Items), all.Next)
		}
		var got []string
		for next, n := "", 0; ; n++ {
			var p page
			res := s.get(t, base+"?limit=2&cursor="+next, s.acmeKey)
			res.decode(t, &p)
			if res.status != 200 || n > len(all.Items) {
				t.Fatalf("page %d: %d %s", n, res.status, res.body)
			}
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			if p.Next == "" {
				break
			}
			next = p.Next
		}
		if len(got) != len(all.Items) {
			t.Fatalf("paged %d components, want %d", len(got), len(all.Items))
		}
		for i := range got {
			if got[i] != all.Items[i].ID {
				t.Fatalf("component %d: %s, want %s", i, got[i], all.Items[i].ID)
			}
		}
		// A cursor at the end of the list is a valid, empty last page; past
		// it, or of another SBOM, it is refused.
		end := b64(s.ingested.SBOM.ID + ":" + strconv.Itoa(len(all.Items)))
		if res := s.get(t, base+"?cursor="+end, s.acmeKey); res.status != 200 || !bytes.Contains(res.body, []byte(`"items":[]`)) {
			t.Errorf("cursor at the end: %d %s", res.status, res.body)
		}
		wantProblem(t, "cursor past the end", s.get(t, base+"?cursor="+b64(s.ingested.SBOM.ID+":"+strconv.Itoa(len(all.Items)+1)), s.acmeKey), 400, "cursor")
		wantProblem(t, "cursor of another SBOM", s.get(t, base+"?cursor="+b64(s.version.ID+":1"), s.acmeKey), 400, "current SBOM changed")
	})
}

// Every cursor, limit, filter and id a client sends is checked: a bad one
// is a 400 problem naming it, never a 500 (PostgreSQL refuses NUL bytes
// and 64-bit values in 32-bit columns) and never a panic.
func TestUntrustedParameters(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		v := "/api/v1/versions/" + s.version.ID
		long := strings.Repeat("A", 2000)
		cases := []struct{ path, detail string }{
			{v + "/components?cursor=" + b64("9223372036854775807"), "cursor"},
			{v + "/components?cursor=" + b64(s.ingested.SBOM.ID+":9223372036854775807"), "cursor"},
			{v + "/components?cursor=" + b64(s.ingested.SBOM.ID+":-1"), "cursor"},
			{v + "/components?cursor=" + b64(s.ingested.SBOM.ID+":01"), "cursor"},
			{v + "/components?cursor=" + b64(s.ingested.SBOM.ID+":+1"), "cursor"},
			{v + "/components?cursor=" + b64("-1"), "cursor"},
			{v + "/components?cursor=" + long, "cursor"},
			{v + "/components?limit=9223372036854775807", "limit"},
			{v + "/components?limit=-9223372036854775808", "limit"},
			{v + "/finding-events?cursor=-1", "cursor"},
			{v + "/finding-events?cursor=99999999999999999999", "cursor"},
			{v + "/finding-events?cursor=%2B5", "cursor"},
			{v + "/finding-events?cursor=%00", "cursor"},
			{v + "/findings?cursor=" + b64(`{"s":"severity","i":[9223372036854775807],"n":[1],"t":["x"]}`), "cursor"},
			{v + "/findings?sort=component&cursor=" + b64(`{"s":"component","t":["a\u0000","b","c"]}`), "cursor"},
			{v + "/findings?cursor=" + long, "cursor"},
			{v + "/findings?epss_min=NaN", "epss_min"},
			{v + "/findings?epss_min=nan", "epss_min"},
			{v + "/findings?epss_min=Inf", "epss_min"},
			{v + "/findings?epss_min=-Inf", "epss_min"},
			{v + "/findings?epss_min=-0.1", "epss_min"},
			{v + "/findings?epss_min=1.0000001", "epss_min"},
			{"/api/v1/vulnerabilities/%00", "id"},
			{"/api/v1/vulnerabilities/%FF", "id"},
			{"/api/v1/vulnerabilities/CVE%202021", "id"},
			{"/api/v1/vulnerabilities/" + strings.Repeat("X", 300), "id"},
			{"/api/v1/project/lookup?name=%00&version=1", "name"},
			{"/api/v1/project/lookup?name=x&version=" + strings.Repeat("9", 201), "version"},
		}
		// Every id in a path: NUL, invalid UTF-8, not a UUID, far too long.
		for _, r := range s.api.Routes() {
			if !r.Auth || !strings.Contains(r.Pattern, "{") || strings.Contains(r.Pattern, "{id}") {
				continue
			}
			name := r.Pattern[strings.Index(r.Pattern, "{")+1 : strings.Index(r.Pattern, "}")]
			for _, bad := range []string{"%00", "%FF%FE", "not-an-id", strings.Repeat("a", 5000), strings.ToUpper(s.version.ID) + "0"} {
				path := strings.Replace(r.Pattern, "{"+name+"}", bad, 1)
				if r.Method != "GET" {
					res := s.do(t, r.Method, path, s.acmeKey, "application/json", []byte(`{"name":"x"}`))
					wantProblem(t, r.Method+" "+path[:min(len(path), 80)], res, 400, name)
					continue
				}
				cases = append(cases, struct{ path, detail string }{path, name})
			}
		}
		for _, c := range cases {
			wantProblem(t, c.path[:min(len(c.path), 120)], s.get(t, c.path, s.acmeKey), 400, c.detail)
		}
		// Dependency-Track uploads: ids and names in the body.
		for name, body := range map[string]map[string]any{
			"project":        {"project": "../../etc", "bom": s.demo},
			"parentUUID":     {"projectName": "p", "projectVersion": "1", "parentUUID": "%00", "bom": s.demo},
			"projectName":    {"projectName": "p\x00", "projectVersion": "1", "autoCreate": true, "bom": s.demo},
			"projectVersion": {"projectName": "p", "projectVersion": strings.Repeat("v", 900<<10), "autoCreate": true, "bom": s.demo},
			"parentName":     {"projectName": "p", "projectVersion": "1", "parentName": "\x1b[2J", "bom": s.demo},
		} {
			wantProblem(t, "PUT /bom "+name, s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", mustJSON(body)), 400, name)
		}
	})
}

// Names and texts are bounded and printable, through the API as through
// the CLI; the field is named and nothing is created.
func TestNamesValidated(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		count := func() int {
			var l struct{ Items []struct{ ID string } }
			s.get(t, "/api/v1/products", s.acmeKey).decode(t, &l)
			return len(l.Items)
		}
		before := count()
		for _, c := range []struct{ body, field string }{
			{`{"name":"` + strings.Repeat("n", 900<<10) + `"}`, "name"},
			{`{"name":"nul\u0000byte"}`, "name"},
			{`{"name":"\u001b]0;owned\u0007"}`, "name"},
			{`{"name":"ok","intendedPurpose":"` + strings.Repeat("p", 4001) + `"}`, "intendedPurpose"},
			{`{"name":"ok","securityContact":"a\u0000b"}`, "securityContact"},
		} {
			res := s.do(t, "POST", "/api/v1/products", s.acmeKey, "application/json", []byte(c.body))
			wantProblem(t, "create product "+c.body[:min(len(c.body), 60)], res, 400, c.field+":")
		}
		if n := count(); n != before {
			t.Errorf("%d products after refused creations, want %d", n, before)
		}
		vs := "/api/v1/products/" + s.product.ID + "/versions"
		for _, body := range []string{`{"name":"4.3\u0000"}`, `{"name":"` + strings.Repeat("9", 201) + `"}`} {
			wantProblem(t, "create version", s.do(t, "POST", vs, s.acmeKey, "application/json", []byte(body)), 400, "name:")
		}
		up := "/api/v1/versions/" + s.version.ID + "/sboms?name="
		for _, name := range []string{url.QueryEscape("a\x1b[2Jb"), strings.Repeat("s", 201)} {
			wantProblem(t, "upload named "+name[:10], s.do(t, "POST", up+name, s.acmeKey, "", s.demo), 400, "name:")
		}
		if res := s.do(t, "POST", "/api/v1/products", s.acmeKey, "application/json", []byte(`{"name":"`+strings.Repeat("é", 200)+`"}`)); res.status != 201 {
			t.Errorf("a name of 200 characters: %d %s", res.status, res.body)
		}
	})
}

func TestCacheControl(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		for _, c := range []struct {
			path, key string
			status    int
		}{
			{"/api/v1/products", s.acmeKey, 200},
			{"/api/v1/versions/" + s.version.ID + "/findings?limit=0", s.acmeKey, 400},
			{"/api/v1/products", "", 401},
			{"/api/v1/nothing", s.acmeKey, 404},
			{"/api/v1/sboms/" + s.ingested.SBOM.ID + "/content", s.acmeKey, 200},
			{"/healthz", "", 200},
		} {
			res := s.get(t, c.path, c.key)
			if res.status != c.status || res.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d, Cache-Control %q", c.path, res.status, res.header.Get("Cache-Control"))
			}
			if res.header.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s: HSTS over plain HTTP", c.path)
			}
		}
	})
}

// gatedStore holds every ingestion until it is opened, so that a test can
// fill the upload backlog.
type gatedStore struct {
	*sqlstore.Store
	closed  atomic.Bool
	open    chan struct{}
	entered chan struct{}
}

func (g *gatedStore) Ingest(ctx context.Context, org string, fn func(store.IngestTx) error) error {
	if g.closed.Load() {
		g.entered <- struct{}{}
		select {
		case <-g.open:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.Store.Ingest(ctx, org, fn)
}

// A Dependency-Track upload that is refused (an invalid BOM, a full
// backlog, a body over the limit, a bad name) creates no project: the
// product and version autoCreate would make are made only once the upload
// is accepted. A full backlog answers 503 with Retry-After.
func TestDependencyTrackRefusalsCreateNothing(t *testing.T) {
	var gate *gatedStore
	h := harness{maxBOM: 64 << 10, workers: 1, backlog: 1, wrap: func(st *sqlstore.Store) portfolio.Store {
		gate = &gatedStore{Store: st, open: make(chan struct{}), entered: make(chan struct{}, 16)}
		return gate
	}}
	enginesWith(t, h, func(t *testing.T, s *server) {
		g := gate
		t.Cleanup(func() { close(g.open) })
		absent := func(what, product, version string) {
			t.Helper()
			res := s.get(t, "/api/v1/project/lookup?"+url.Values{"name": {product}, "version": {version}}.Encode(), s.boltKey)
			if res.status != 404 {
				t.Errorf("%s: project %s %s exists: %d %s", what, product, version, res.status, res.body)
			}
			var l struct{ Items []struct{ Name string } }
			s.get(t, "/api/v1/products", s.boltKey).decode(t, &l)
			for _, p := range l.Items {
				if p.Name == product {
					t.Errorf("%s: product %q was created", what, product)
				}
			}
		}
		put := func(product, version string, bom []byte) response {
			return s.do(t, "PUT", "/api/v1/bom", s.boltKey, "application/json", mustJSON(map[string]any{
				"projectName": product, "projectVersion": version, "autoCreate": true, "bom": bom}))
		}
		post := func(product, version string, bom []byte) response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("projectName", product)
			mw.WriteField("projectVersion", version)
			mw.WriteField("autoCreate", "true")
			fw, _ := mw.CreateFormFile("bom", "bom.json")
			fw.Write(bom)
			mw.Close()
			return s.do(t, "POST", "/api/v1/bom", s.boltKey, mw.FormDataContentType(), buf.Bytes())
		}
		invalid := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x","version":7}]}`)
		big := append([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`), bytes.Repeat([]byte(" "), 70<<10)...)
		for _, send := range []struct {
			name string
			fn   func(product, version string, bom []byte) response
		}{{"PUT", put}, {"POST", post}} {
			// Only reading the document finds this one invalid: it is
			// accepted, read on a worker, and fails there, creating nothing.
			res := send.fn("refused-invalid", "1.0", invalid)
			var tok struct{ Token string }
			if res.status != http.StatusOK {
				t.Fatalf("%s invalid BOM: %d %s", send.name, res.status, res.body)
			}
			res.decode(t, &tok)
			var up model.UploadToken
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				s.get(t, "/api/v1/uploads/"+tok.Token, s.boltKey).decode(t, &up)
				if up.State == model.UploadFailed || up.State == model.UploadDone || time.Now().After(deadline) {
					break
				}
			}
			if up.State != model.UploadFailed || !strings.Contains(up.Error, "version") {
				t.Errorf("%s invalid BOM: upload %+v, want failed with the reader's reason", send.name, up)
			}
			absent(send.name+" invalid BOM", "refused-invalid", "1.0")
			wantProblem(t, send.name+" BOM too large", send.fn("refused-large", "1.0", big), http.StatusRequestEntityTooLarge, "limit")
			absent(send.name+" BOM too large", "refused-large", "1.0")
		}

		// Fill the backlog: one upload held in the worker, one queued.
		g.closed.Store(true)
		if _, err := s.queue.Submit(t.Context(), s.bolt.ID, mustVersion(t, s), s.demo, "held"); err != nil {
			t.Fatal(err)
		}
		<-g.entered
		busy := false
		for range 4 {
			if _, err := s.queue.Submit(t.Context(), s.bolt.ID, mustVersion(t, s), s.demo, "queued"); errors.Is(err, portfolio.ErrBusy) {
				busy = true
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if !busy {
			t.Fatal("the backlog never filled")
		}
		for _, send := range []struct {
			name string
			fn   func(product, version string, bom []byte) response
		}{{"PUT", put}, {"POST", post}} {
			res := send.fn("refused-busy", "1.0", s.demo)
			wantProblem(t, send.name+" full backlog", res, http.StatusServiceUnavailable, "queue is full")
			if res.header.Get("Retry-After") == "" {
				t.Errorf("%s full backlog: no Retry-After", send.name)
			}
			absent(send.name+" full backlog", "refused-busy", "1.0")
		}

		// Accepted once there is room: the project is created then.
		g.closed.Store(false)
		g.open <- struct{}{} // let the held upload finish
		var tok struct{ Token string }
		for range 200 {
			res := put("accepted", "1.0", s.demo)
			if res.status == 200 {
				res.decode(t, &tok)
				break
			}
			wantProblem(t, "PUT while draining", res, http.StatusServiceUnavailable, "queue is full")
			time.Sleep(10 * time.Millisecond)
		}
		if tok.Token == "" {
			t.Fatal("upload never accepted")
		}
		s.waitToken(t, "/api/v1/bom/token/"+tok.Token, s.boltKey)
		if res := s.get(t, "/api/v1/project/lookup?name=accepted&version=1.0", s.boltKey); res.status != 200 {
			t.Errorf("accepted upload: project not created: %d %s", res.status, res.body)
		}
	})
}

// mustVersion returns a version of bolt's (creating it once) to queue
// uploads for.
func mustVersion(t *testing.T, s *server) string {
	t.Helper()
	res := s.get(t, "/api/v1/project/lookup?name=filler&version=1", s.boltKey)
	if res.status == 200 {
		var pj struct{ UUID string }
		res.decode(t, &pj)
		return pj.UUID
	}
	res = s.do(t, "POST", "/api/v1/products", s.boltKey, "application/json", []byte(`{"name":"filler"}`))
	var p struct{ ID string }
	res.decode(t, &p)
	res = s.do(t, "POST", "/api/v1/products/"+p.ID+"/versions", s.boltKey, "application/json", []byte(`{"name":"1"}`))
	var v struct{ ID string }
	res.decode(t, &v)
	if v.ID == "" {
		t.Fatalf("filler version: %d %s", res.status, res.body)
	}
	return v.ID
}
