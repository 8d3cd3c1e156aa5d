package web_test

import (
	"archive/zip"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// importPackageAdvisories imports n advisories PYSEC-2099-001… of the
// PyPI package pagedpkg.
func importPackageAdvisories(t *testing.T, st *sqlstore.Store, n int) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "all.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("PYSEC-2099-%03d", i)
		w, err := zw.Create(id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, `{"id":%q,"modified":"2026-11-01T00:00:00Z","summary":"paged advisory %d",
			"affected":[{"package":{"ecosystem":"PyPI","name":"pagedpkg"},
			"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"%d.0"}]}]}]}`, id, i, i)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	demokb.Import(t, st, p)
}

var (
	kbResultRe = regexp.MustCompile(`<h2 class="h3">(PYSEC-2099-\d{3})`)
	kbNextRe   = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	kbPrevRe   = regexp.MustCompile(`<a href="([^"]+)" rel="prev">`)
)

// TestKBSearchPages, on both engines: a package search with more results
// than a page (61 advisories, pages of 50) shows the total, the latest 50
// and a link to the next page, which shows the 11 others and a link
// back; every result appears once across the pages. An id search is a
// single result without paging.
func TestKBSearchPages(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { testKBSearchPages(t, newSiteOn(t, e.Store, demo), e.Store) })
	}
}

func testKBSearchPages(t *testing.T, s *site, st *sqlstore.Store) {
	importPackageAdvisories(t, st, 61)
	b := s.browser(t).login("viewer@acme.test")
	seen := map[string]int{}
	code, body := b.get("/kb?q=PyPI%3Apagedpkg")
	if code != http.StatusOK {
		t.Fatalf("first page: %d", code)
	}
	first := kbResultRe.FindAllStringSubmatch(body, -1)
	if len(first) != 50 || first[0][1] != "PYSEC-2099-061" || first[49][1] != "PYSEC-2099-012" {
		t.Fatalf("first page: %d results, want 50 from PYSEC-2099-061 to -012\n%s", len(first), body)
	}
	if !regexp.MustCompile(`<p>61 vulnerabilities</p>`).MatchString(body) {
		t.Errorf("first page does not tell the total of 61")
	}
	if kbPrevRe.MatchString(body) {
		t.Errorf("first page links to a previous one")
	}
	m := kbNextRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("first page has no link to the next\n%s", body)
	}
	code, body = b.get(html.UnescapeString(m[1]))
	if code != http.StatusOK {
		t.Fatalf("second page %s: %d", m[1], code)
	}
	second := kbResultRe.FindAllStringSubmatch(body, -1)
	if len(second) != 11 || second[10][1] != "PYSEC-2099-001" {
		t.Fatalf("second page: %d results, want 11 down to PYSEC-2099-001\n%s", len(second), body)
	}
	if kbNextRe.MatchString(body) || !kbPrevRe.MatchString(body) {
		t.Errorf("second (last) page: want a link back and none forward")
	}
	for _, r := range append(first, second...) {
		seen[r[1]]++
	}
	for i := 1; i <= 61; i++ {
		if id := fmt.Sprintf("PYSEC-2099-%03d", i); seen[id] != 1 {
			t.Errorf("%s shown %d times across the pages", id, seen[id])
		}
	}
	// In Italian the pager and count are translated.
	b.post("/lang", url.Values{"lang": {"it"}, "next": {"/kb"}})
	_, body = b.get("/kb?q=PyPI%3Apagedpkg")
	if !regexp.MustCompile(`<p>61 vulnerabilità</p>`).MatchString(body) || !regexp.MustCompile(`rel="next">Pagina successiva`).MatchString(body) {
		t.Errorf("Italian first page lacks its count or next link")
	}
	// An id: one result, no pager.
	_, body = b.get("/kb?q=PYSEC-2099-007")
	if r := kbResultRe.FindAllStringSubmatch(body, -1); len(r) != 1 || kbNextRe.MatchString(body) || kbPrevRe.MatchString(body) {
		t.Errorf("id search: %d results, pager shown: %v", len(r), kbNextRe.MatchString(body) || kbPrevRe.MatchString(body))
	}
}
