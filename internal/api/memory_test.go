package api_test

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// TestDTUploadParsedInWorker checks that a Dependency-Track upload is
// parsed by a worker, not in the request: the request refuses only what
// can be found without parsing (400), and a BOM the reader refuses gets
// a token whose upload fails with the reader's reason.
func TestDTUploadParsedInWorker(t *testing.T) {
	engines(t, 64<<10, func(t *testing.T, s *server) {
		typed := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x","version":7}]}`
		res := s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", mustJSON(map[string]any{
			"project": s.version.ID, "bom": base64.StdEncoding.EncodeToString([]byte(typed))}))
		var tok struct{ Token string }
		res.decode(t, &tok)
		if res.status != 200 || tok.Token == "" {
			t.Fatalf("PUT /bom with a BOM only parsing refuses: %d %s", res.status, res.body)
		}
		s.waitToken(t, "/api/v1/event/token/"+tok.Token, s.acmeKey)
		var up model.UploadToken
		s.get(t, "/api/v1/uploads/"+tok.Token, s.acmeKey).decode(t, &up)
		if up.State != model.UploadFailed || !strings.Contains(up.Error, "components.version") || up.SBOMID != "" {
			t.Errorf("upload %+v, want failed with the reader's reason", up)
		}
		// What is found without parsing is still a 400, through both forms.
		deep := strings.Repeat(`{"a":`, 80) + "1" + strings.Repeat("}", 80)
		for name, bom := range map[string]string{"unknown format": "hello", "too deep": deep, "unbalanced": `{"bomFormat":"CycloneDX","components":[`} {
			res := s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", mustJSON(map[string]any{
				"project": s.version.ID, "bom": base64.StdEncoding.EncodeToString([]byte(bom))}))
			if res.status != 400 {
				t.Errorf("PUT /bom %s: %d %s", name, res.status, res.body)
			}
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("project", s.version.ID)
			mw.WriteField("bom", bom)
			mw.Close()
			if res := s.do(t, "POST", "/api/v1/bom", s.acmeKey, mw.FormDataContentType(), buf.Bytes()); res.status != 400 {
				t.Errorf("POST /bom %s: %d %s", name, res.status, res.body)
			}
		}
	})
}

// TestUploadByteBudget checks that uploads are refused with 503 when the
// documents waiting for a worker would exceed the queue's byte budget,
// native and Dependency-Track uploads alike.
func TestUploadByteBudget(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) {
			s := startWith(t, e.Store, demo, harness{maxBOM: 1 << 20, queueBytes: int64(len(demo)) - 1})
			before := s.sbomCount(t)
			res := s.do(t, "POST", "/api/v1/versions/"+s.version.ID+"/sboms", s.acmeKey, "application/json", demo)
			if res.status != http.StatusServiceUnavailable {
				t.Errorf("native upload past the byte budget: %d %s", res.status, res.body)
			}
			res = s.do(t, "PUT", "/api/v1/bom", s.acmeKey, "application/json", mustJSON(map[string]any{
				"project": s.version.ID, "bom": base64.StdEncoding.EncodeToString(demo)}))
			if res.status != http.StatusServiceUnavailable {
				t.Errorf("Dependency-Track upload past the byte budget: %d %s", res.status, res.body)
			}
			if n := s.sbomCount(t); n != before {
				t.Errorf("%d SBOMs stored, want %d", n, before)
			}
			// A document within the budget goes through.
			small := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x","version":"1","purl":"pkg:npm/x@1"}]}`)
			if res := s.do(t, "POST", "/api/v1/versions/"+s.version.ID+"/sboms", s.acmeKey, "application/json", small); res.status != http.StatusCreated {
				t.Errorf("upload within the budget: %d %s", res.status, res.body)
			}
		})
	}
}
