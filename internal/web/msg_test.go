package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// TestGeneratedTextsInItalian: the sentences the use cases generate —
// refusals, the triage form's error, a needs-review reason, the reporting
// profile's warnings, CSIRT and routing reason, a VEX import's unmatched
// statement — are shown in Italian to a person who reads Italian, and
// their English wording is not.
func TestGeneratedTextsInItalian(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { testGeneratedTextsInItalian(t, newSiteOn(t, e.Store, demo)) })
	}
}

func testGeneratedTextsInItalian(t *testing.T, s *site) {
	ed := s.browser(t).login("editor@acme.test")
	ed.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
	own := s.browser(t).login("owner@acme.test")
	own.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
	fs := s.versionFindings(t, s.version.ID)
	if len(fs) < 2 {
		t.Fatalf("%d findings, want 2 or more", len(fs))
	}
	purl := fs[0].Component.PURL
	if purl == "" {
		t.Fatalf("finding %s has no purl", fs[0].ID)
	}
	send := func(page, path, field, name, doc string) (int, string) {
		ed.get(page)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", ed.csrf)
		mw.WriteField("scope", "version")
		fw, _ := mw.CreateFormFile(field, name)
		fw.Write([]byte(doc))
		mw.Close()
		req, _ := http.NewRequest("POST", s.URL+path, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := ed.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	vexImport := func(doc string) (int, string) {
		return send("/versions/"+s.version.ID, "/versions/"+s.version.ID+"/vex", "vex", "other.openvex.json", doc)
	}
	tests := []struct {
		name string
		// do acts in Italian and returns the page shown.
		do         func() (int, string)
		code       int
		want, gone []string
	}{
		{name: "case refusal (awareness without reason)", code: http.StatusBadRequest,
			do: func() (int, string) {
				id := s.openCase(t, ed, url.Values{"type": {"aev"}, "title": {"Gateway"}, "vulns": {fs[0].VulnID}, "versions": {s.version.ID}})
				ed.get("/cases/" + id)
				return ed.post("/cases/"+id+"/awareness", url.Values{"at": {"2026-10-24T23:30"}})
			},
			want: []string{"La motivazione è obbligatoria: spiega perché lo sfruttamento"},
			gone: []string{"reason: required", "A reason is required"}},
		{name: "case refusal (awareness in the future)", code: http.StatusBadRequest,
			do: func() (int, string) {
				id := s.openCase(t, ed, url.Values{"type": {"si"}, "title": {"Incidente"}, "versions": {s.version.ID}})
				ed.get("/cases/" + id)
				return ed.post("/cases/"+id+"/awareness", url.Values{"at": {"2099-01-02T10:00"}, "reason": {"visto nei log"}})
			},
			want: []string{"Il momento della consapevolezza, 2 gen 2099, 10:00 UTC, è nel futuro."},
			gone: []string{"is in the future"}},
		{name: "case timeline", code: http.StatusOK,
			do: func() (int, string) {
				id := s.openCase(t, ed, url.Values{"type": {"si"}, "title": {"Registro"}, "versions": {s.version.ID}})
				ed.get("/cases/" + id)
				at := s.clock.Now().Add(-time.Hour).Format("2006-01-02T15:04")
				if code, body := ed.post("/cases/"+id+"/awareness", url.Values{"at": {at}, "reason": {"confermato sul gateway"}}); code != http.StatusSeeOther {
					t.Fatalf("awareness: %d\n%.2000s", code, mainOf(body))
				}
				return ed.get("/cases/" + id)
			},
			want: []string{"<strong>Aperto</strong>", "Aperto manualmente: Registro", "<strong>Consapevolezza</strong>", "Consapevolezza dal ",
				": confermato sul gateway (dopo 0 min di valutazione)"},
			gone: []string{"opened by hand", "aware at ", "in assessment)", "<strong>awareness</strong>"}},
		{name: "new case refused by the use case", code: http.StatusBadRequest,
			do: func() (int, string) {
				ed.get("/cases/new")
				return ed.post("/cases", url.Values{"type": {"aev"}, "title": {"Senza id"}, "versions": {s.version.ID}})
			},
			want: []string{"Un caso di vulnerabilità attivamente sfruttata richiede"},
			gone: []string{"vulnerabilityIds:", "needs the vulnerability"}},
		{name: "triage form refusal", code: http.StatusBadRequest,
			do: func() (int, string) {
				ed.get("/findings/" + fs[0].ID)
				return ed.post("/findings/"+fs[0].ID+"/analysis", url.Values{"status": {"affected"}, "scope": {"version"}})
			},
			want: []string{"Lo stato coinvolto richiede una dichiarazione di azione"},
			gone: []string{"action: required for affected", "An affected status needs"}},
		{name: "needs-review reason", code: http.StatusOK,
			do: func() (int, string) {
				ed.get("/findings/" + fs[1].ID)
				if code, body := ed.post("/findings/"+fs[1].ID+"/analysis", url.Values{"status": {"under_investigation"}, "scope": {"version"},
					"review_date": {"2020-03-04"}}); code != http.StatusSeeOther {
					t.Fatalf("record with a past review date: %d\n%.2000s", code, body)
				}
				return ed.get("/findings/" + fs[1].ID)
			},
			want: []string{"la data di revisione è passata (4 mar 2020)"},
			gone: []string{"its review date passed"}},
		{name: "reporting profile warnings, CSIRT and routing reason", code: http.StatusOK,
			do: func() (int, string) {
				own.get("/settings/reporting")
				if code, body := own.post("/settings/reporting", url.Values{"main": {""}, "importer": {"DE"},
					"rep_name": {"Giulia Rossi"}, "rep_email": {"giulia@acme.test"}, "rep_role": {"secondary"},
					"rep_notifications": {"20"}}); code != http.StatusSeeOther {
					t.Fatalf("save profile: %d\n%.2000s", code, body)
				}
				return own.get("/settings/reporting")
			},
			want: []string{"Ragione sociale del fabbricante non impostata", "Nessun rappresentante SRP principale.",
				"Giulia Rossi non è verificato e ha inviato 20 notifiche: il limite SRP di 20",
				"Il CSIRT designato come coordinatore di DE", "importatore che immette la maggior parte dei prodotti si trova in DE"},
			gone: []string{"legal manufacturer name not set", "no primary SRP representative", "is not verified and has filed",
				"the CSIRT designated as coordinator", "the importer placing most products"}},
		{name: "VEX import: unmatched statement", code: http.StatusOK,
			do: func() (int, string) {
				return vexImport(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "Example",
					"timestamp": "2026-11-01T10:00:00Z", "version": 1, "statements": [
					{"vulnerability": {"name": "CVE-2099-0001"}, "products": [{"@id": "` + purl + `"}], "status": "not_affected",
					 "justification": "component_not_present"}]}`)
			},
			want: []string{"CVE-2099-0001 non è una rilevazione di " + purl + " in questa versione"},
			gone: []string{"is not a finding of"}},
		{name: "VEX import: foreign document", code: http.StatusUnprocessableEntity,
			do: func() (int, string) {
				return vexImport(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/2", "author": "Example",
					"timestamp": "2026-11-01T10:00:00Z", "version": 1, "statements": [
					{"vulnerability": {"name": "CVE-2099-0001"}, "products": [{"@id": "pkg:generic/elsewhere@1.0"}], "status": "fixed"}]}`)
			},
			want: []string{"Il documento VEX riguarda altri prodotti: nessuno dei suoi prodotti (pkg:generic/elsewhere@1.0)"},
			gone: []string{"is about other products", "none of its products"}},
		{name: "SBOM upload: rejected document", code: http.StatusUnprocessableEntity,
			do: func() (int, string) {
				return send("/versions/"+s.version.ID+"/upload", "/versions/"+s.version.ID+"/upload", "sbom", "notes.txt", "just some notes\n")
			},
			want: []string{"Formato non riconosciuto: "},
			gone: []string{"unrecognised format", "rocca reads CycloneDX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := tt.do()
			if code != tt.code {
				t.Errorf("status %d, want %d", code, tt.code)
			}
			if !strings.Contains(body, `<html lang="it"`) {
				t.Fatalf("page not in Italian:\n%.500s", body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, g := range tt.gone {
				if strings.Contains(body, g) {
					t.Errorf("page shows the English %q", g)
				}
			}
			if t.Failed() {
				t.Logf("page:\n%s", mainOf(body))
			}
		})
	}
}

// mainOf is the page's main element (for failure messages).
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}
