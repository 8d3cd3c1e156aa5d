package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/uid"
)

func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range api.New(api.Options{}).Routes() {
		registered[r.Method+" "+r.Pattern] = true
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json documents routes that do not exist: %v", extra)
	}
	// What every operation may answer: 400 for a malformed id in the path,
	// 408 for a body too slow, Retry-After with a 503.
	var ops struct {
		Paths map[string]map[string]struct {
			RequestBody json.RawMessage `json:"requestBody"`
			Responses   map[string]struct {
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &ops); err != nil {
		t.Fatal(err)
	}
	for path, byMethod := range ops.Paths {
		for method, op := range byMethod {
			name := strings.ToUpper(method) + " " + path
			if _, ok := op.Responses["400"]; strings.Contains(path, "{") && strings.HasPrefix(path, "/api/v1/") && !ok {
				t.Errorf("%s: no 400 for a malformed id", name)
			}
			if _, ok := op.Responses["408"]; op.RequestBody != nil && !ok {
				t.Errorf("%s: no 408 for a slow body", name)
			}
			if r, ok := op.Responses["503"]; ok && r.Headers["Retry-After"] == nil && path != "/readyz" {
				t.Errorf("%s: 503 without Retry-After", name)
			}
		}
	}
}

// request builds a request for a route with this org's ids in its path
// and a body that would succeed for the owner.
func (s *server) request(t *testing.T, r api.Route, componentID, token string) (path, ctype string, body []byte) {
	t.Helper()
	path = strings.NewReplacer(
		"{product}", s.product.ID, "{version}", s.version.ID, "{sbom}", s.ingested.SBOM.ID,
		"{component}", componentID, "{token}", token, "{project}", s.version.ID, "{id}", "CVE-2021-44228",
		"{webhook}", s.webhook.ID, "{subscription}", s.email.ID, "{stage}", "early_warning", "{finding}", s.finding.ID,
	).Replace(r.Pattern)
	if r.Method+" "+r.Pattern == "POST /api/v1/cases/{case}/close" {
		path = strings.Replace(path, "{case}", s.toClose.ID, 1)
	}
	path = strings.Replace(path, "{case}", s.aware.ID, 1)
	switch r.Method + " " + r.Pattern {
	case "POST /api/v1/products":
		ctype, body = "application/json", []byte(`{"name":"new product"}`)
	case "POST /api/v1/products/{product}/versions":
		ctype, body = "application/json", []byte(`{"name":"9.9"}`)
	case "POST /api/v1/versions/{version}/sboms":
		body = s.demo
	case "PUT /api/v1/bom":
		ctype, body = "application/json", mustJSON(map[string]any{"project": s.version.ID, "bom": s.demo})
	case "POST /api/v1/bom":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("project", s.version.ID)
		fw, _ := mw.CreateFormFile("bom", "bom.json")
		fw.Write(s.demo)
		mw.Close()
		ctype, body = mw.FormDataContentType(), buf.Bytes()
	case "POST /api/v1/webhooks":
		ctype, body = "application/json", []byte(`{"url":"https://hooks.example/new","secret":"0123456789abcdef","events":["finding.exploited"]}`)
	case "POST /api/v1/email-subscriptions":
		ctype, body = "application/json", []byte(`{"to":["psirt@acme.example"],"events":["finding.exploited"]}`)
	case "POST /api/v1/cases":
		ctype, body = "application/json", []byte(`{"type":"si","title":"Ransomware on the update server"}`)
	case "PATCH /api/v1/cases/{case}":
		ctype, body = "application/json", []byte(`{"statement":"remote code execution on the gateway"}`)
	case "POST /api/v1/cases/{case}/awareness":
		ctype, body = "application/json", []byte(`{"at":"2026-12-07T05:00:00Z","reason":"confirmed by the vendor"}`)
	case "POST /api/v1/cases/{case}/fix":
		ctype, body = "application/json", []byte(`{"availableAt":"2026-12-07T05:30:00Z","details":"firmware 4.2.1"}`)
	case "POST /api/v1/cases/{case}/intermediate":
		ctype, body = "application/json", []byte(`{"due":"2026-12-20T12:00:00Z"}`)
	case "POST /api/v1/cases/{case}/close":
		ctype, body = "application/json", []byte(`{"reason":"filed by the component vendor"}`)
	case "POST /api/v1/cases/{case}/stages/{stage}/submission":
		ctype, body = "application/json", []byte(`{"srpReference":"CRA-1","fields":{"5":"IT"}}`)
	case "GET /api/v1/cases/{case}/srp":
		path += "?stage=early_warning"
	case "PUT /api/v1/reporting-profile":
		ctype, body = "application/json", []byte(`{"legalName":"Example S.r.l.","mainEstablishment":"IT"}`)
	case "PATCH /api/v1/products/{product}":
		ctype, body = "application/json", []byte(`{"markets":["IT","DE"],"craType":"important","craClass":"class_i"}`)
	case "PATCH /api/v1/versions/{version}":
		ctype, body = "application/json", []byte(`{"lifecycle":"on_market"}`)
	case "PUT /api/v1/findings/{finding}/analysis":
		ctype, body = "application/json", []byte(`{"status":"under_investigation","detail":"looking"}`)
	case "POST /api/v1/versions/{version}/vex", "POST /api/v1/products/{product}/vex":
		ctype, body = "application/json", openVEX(s.finding, "under_investigation")
	case "POST /api/v1/findings/analysis":
		ctype, body = "application/json", mustJSON(map[string]any{"findingIds": []string{s.finding.ID}, "status": "under_investigation"})
	case "PUT /api/v1/analysis":
		// Component ids are those of the current SBOM, which the walk's
		// uploads replace: the finding is read now.
		f := s.openFinding(t)
		ctype, body = "application/json", mustJSON(map[string]any{"project": s.version.ID, "component": f.ComponentID,
			"vulnerability": uid.FromName("rocca-vulnerability", f.VulnID), "analysisState": "IN_TRIAGE", "analysisDetails": "looking"})
	case "GET /api/v1/analysis":
		f := s.openFinding(t)
		path += "?" + url.Values{"project": {s.version.ID}, "component": {f.ComponentID},
			"vulnerability": {uid.FromName("rocca-vulnerability", f.VulnID)}}.Encode()
	case "GET /api/v1/project/lookup":
		path += "?name=" + strings.ReplaceAll(s.product.Name, " ", "%20") + "&version=" + s.version.Name
	}
	return path, ctype, body
}

// Routes that carry no id of the organisation: another organisation's key
// reaches its own data (or the global knowledge base), never acme's.
var unscoped = map[string]int{
	"GET /api/v1/organisation":                http.StatusOK,
	"GET /api/v1/products":                    http.StatusOK,
	"POST /api/v1/products":                   http.StatusCreated,
	"GET /api/v1/webhooks":                    http.StatusOK,
	"POST /api/v1/webhooks":                   http.StatusCreated,
	"GET /api/v1/email-subscriptions":         http.StatusOK,
	"POST /api/v1/email-subscriptions":        http.StatusCreated,
	"GET /api/v1/vulnerabilities/{id}":        http.StatusOK,
	"GET /api/v1/project":                     http.StatusOK,
	"GET /api/v1/team/self":                   http.StatusOK,
	"GET /api/version":                        http.StatusOK,
	"GET /api/v1/cases":                       http.StatusOK,
	"POST /api/v1/cases":                      http.StatusCreated,
	"GET /api/v1/reporting-profile":           http.StatusOK,
	"PUT /api/v1/reporting-profile":           http.StatusOK,
	"POST /api/v1/reporting-profile/calendar": http.StatusCreated,
	// Without its secret token the feed is not found.
	"GET /api/v1/calendar.ics": http.StatusNotFound,
	"GET /healthz":             http.StatusOK,
	"GET /readyz":              http.StatusOK,
	"GET /api/v1/openapi.json": http.StatusOK,
	"GET /metrics":             http.StatusOK,
}

func TestTenantIsolation(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		comps := s.get(t, "/api/v1/versions/"+s.version.ID+"/components?limit=1", s.acmeKey)
		var cl struct{ Items []struct{ ID string } }
		comps.decode(t, &cl)
		if len(cl.Items) != 1 {
			t.Fatalf("components: %s", comps.body)
		}
		token, err := s.queue.Submit(t.Context(), s.acme.ID, s.version.ID, s.demo, "x")
		if err != nil {
			t.Fatal(err)
		}
		acmeIDs := []string{s.acme.ID, s.product.ID, s.version.ID, s.ingested.SBOM.ID, cl.Items[0].ID, token, s.webhook.ID, s.email.ID, s.email.To[0], s.finding.ID,
			s.aware.ID, s.toClose.ID, "CVE-2099-0040"}
		for _, r := range s.api.Routes() {
			name := r.Method + " " + r.Pattern
			path, ctype, body := s.request(t, r, cl.Items[0].ID, token)
			if !r.Auth {
				if res := s.do(t, r.Method, path, "", ctype, body); res.status != unscoped[name] {
					t.Errorf("%s without key: %d", name, res.status)
				}
				continue
			}
			res := s.do(t, r.Method, path, "", ctype, body)
			if res.status != http.StatusUnauthorized || res.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s without key: %d %s", name, res.status, res.header.Get("Content-Type"))
			}
			if res := s.do(t, r.Method, path, "rocca_wrong", ctype, body); res.status != http.StatusUnauthorized {
				t.Errorf("%s with an unknown key: %d", name, res.status)
			}
			res = s.do(t, r.Method, path, s.boltKey, ctype, body)
			want, ok := unscoped[name]
			if !ok {
				want = http.StatusNotFound
			}
			if res.status != want {
				t.Errorf("%s with another organisation's key: %d, want %d: %s", name, res.status, want, res.body)
			}
			for _, id := range acmeIDs {
				if bytes.Contains(res.body, []byte(id)) {
					t.Errorf("%s with another organisation's key leaks %s: %s", name, id, res.body)
				}
			}
			// The owner succeeds, so the 404 above is the isolation, not a broken request.
			if res := s.do(t, r.Method, path, s.acmeKey, ctype, body); res.status >= 300 {
				t.Errorf("%s with the owner's key: %d %s", name, res.status, res.body)
			}
		}
	})
}
