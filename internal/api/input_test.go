package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

type problemBody struct {
	Type, Title, Detail string
	Status              int
	Errors              []string
}

func (s *server) sbomCount(t *testing.T) int {
	t.Helper()
	var l struct{ Items []struct{ ID string } }
	s.get(t, "/api/v1/versions/"+s.version.ID+"/sboms", s.acmeKey).decode(t, &l)
	return len(l.Items)
}

func TestBadInput(t *testing.T) {
	engines(t, 64<<10, func(t *testing.T, s *server) {
		before := s.sbomCount(t)
		up := "/api/v1/versions/" + s.version.ID + "/sboms"
		// An invalid SBOM: 400 with the reader's reason, nothing stored.
		res := s.do(t, "POST", up, s.acmeKey, "application/json", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x","version":7}]}`))
		var p problemBody
		res.decode(t, &p)
		if res.status != 400 || res.header.Get("Content-Type") != "application/problem+json" || p.Status != 400 || len(p.Errors) == 0 || !strings.Contains(p.Detail, "version") {
			t.Errorf("invalid SBOM: %d %s", res.status, res.body)
		}
		for _, body := range [][]byte{nil, []byte("hello"), []byte(`<?xml version="1.0"?><html/>`)} {
			if res := s.do(t, "POST", up, s.acmeKey, "", body); res.status != 400 {
				t.Errorf("upload %q: %d %s", body, res.status, res.body)
			}
		}
		// Oversize bodies: 413, also through the Dependency-Track endpoints.
		big := append([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`), bytes.Repeat([]byte(" "), 70<<10)...)
		if res := s.do(t, "POST", up, s.acmeKey, "", big); res.status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversize upload: %d %s", res.status, res.body)
		}
		if res := s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", mustJSON(map[string]any{"project": s.version.ID, "bom": bytes.Repeat([]byte("x"), 200<<10)})); res.status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversize PUT /bom: %d %s", res.status, res.body)
		}
		if res := s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", mustJSON(map[string]any{"project": s.version.ID, "bom": bytes.Repeat([]byte("x"), 65<<10)})); res.status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversize decoded PUT /bom: %d %s", res.status, res.body)
		}
		if n := s.sbomCount(t); n != before {
			t.Errorf("%d SBOMs after rejected uploads, want %d", n, before)
		}
		// Dependency-Track uploads with bad fields or an invalid BOM.
		for name, body := range map[string]string{
			"not json":   `{`,
			"no bom":     `{"project":"` + s.version.ID + `"}`,
			"bad base64": `{"project":"` + s.version.ID + `","bom":"%%%"}`,
			"no project": `{"bom":"e30="}`,
			"not a BOM":  `{"project":"` + s.version.ID + `","bom":"aGVsbG8="}`,
			"name only":  `{"projectName":"x","bom":"e30="}`,
		} {
			res := s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", []byte(body))
			if res.status != 400 || res.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("PUT /bom %s: %d %s", name, res.status, res.body)
			}
		}
		if res := s.do(t, "POST", "/api/v1/bom", s.acmeKey, "text/plain", []byte("x")); res.status != 400 {
			t.Errorf("POST /bom not multipart: %d %s", res.status, res.body)
		}
		// Bad query parameters.
		f := "/api/v1/versions/" + s.version.ID + "/findings?"
		for _, q := range []string{"limit=0", "limit=1001", "limit=abc", "cursor=garbage", "severity=bogus", "kev=maybe",
			"epss_min=2", "epss_min=x", "sort=name", "state=closed"} {
			if res := s.get(t, f+q, s.acmeKey); res.status != 400 {
				t.Errorf("findings?%s: %d %s", q, res.status, res.body)
			}
		}
		for _, p := range []string{"/components?limit=-1", "/components?cursor=!!!", "/finding-events?cursor=x", "/finding-events?limit=99999"} {
			if res := s.get(t, "/api/v1/versions/"+s.version.ID+p, s.acmeKey); res.status != 400 {
				t.Errorf("%s: %d %s", p, res.status, res.body)
			}
		}
		for _, body := range []string{`{`, `{"name":""}`, `{"name":"x","craRole":"reseller"}`, `{"name":"x","supportPeriodEnd":"soon"}`, `{"name":"x","extra":1}`} {
			if res := s.do(t, "POST", "/api/v1/products", s.acmeKey, "application/json", []byte(body)); res.status != 400 {
				t.Errorf("create product %s: %d %s", body, res.status, res.body)
			}
		}
		if res := s.do(t, "POST", "/api/v1/products", s.acmeKey, "text/plain", []byte(`{"name":"y"}`)); res.status != http.StatusUnsupportedMediaType {
			t.Errorf("create product as text: %d", res.status)
		}
		if res := s.do(t, "POST", "/api/v1/products", s.acmeKey, "application/json", []byte(`{"name":"`+s.product.Name+`"}`)); res.status != http.StatusConflict {
			t.Errorf("duplicate product: %d", res.status)
		}
		if res := s.get(t, "/api/v1/nothing", s.acmeKey); res.status != 404 || res.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("unknown path: %d", res.status)
		}
	})
}
