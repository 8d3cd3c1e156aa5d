package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// dtProject is what Dependency-Track clients read from a project.
type dtProject struct {
	UUID, Name, Version, Classifier, Description string
	Active                                       *bool
	LastBomImport                                int64
	LastBomImportFormat                          string
	Tags                                         []struct{ Name string }
	Versions                                     []struct {
		UUID, Version string
		Active        bool
	}
}

// addProducts gives acme a second product, "Alpha", with an end-of-support
// version 1.0 and a version 2.0 created after it.
func (s *server) addProducts(t *testing.T) (alpha model.Product, v1, v2 model.Version) {
	t.Helper()
	alpha = model.Product{Name: "Alpha", Role: model.RoleManufacturer, IntendedPurpose: "line controller"}
	if err := s.svc.CreateProduct(t.Context(), s.acme.ID, &alpha); err != nil {
		t.Fatal(err)
	}
	v1 = model.Version{ProductID: alpha.ID, Name: "1.0", Lifecycle: model.LifecycleEndOfSupport}
	if err := s.svc.CreateVersion(t.Context(), s.acme.ID, &v1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // creation times differ: 2.0 is the newer
	v2 = model.Version{ProductID: alpha.ID, Name: "2.0", Lifecycle: model.LifecycleOnMarket}
	if err := s.svc.CreateVersion(t.Context(), s.acme.ID, &v2); err != nil {
		t.Fatal(err)
	}
	return alpha, v1, v2
}

// projects lists projects as a client does, checking X-Total-Count.
func (s *server) projects(t *testing.T, query, key string) (list []dtProject, total int) {
	t.Helper()
	res := s.get(t, "/api/v1/project"+query, key)
	if res.status != 200 {
		t.Fatalf("GET /api/v1/project%s: %d %s", query, res.status, res.body)
	}
	res.decode(t, &list)
	total, err := strconv.Atoi(res.header.Get("X-Total-Count"))
	if err != nil {
		t.Fatalf("GET /api/v1/project%s: X-Total-Count %q", query, res.header.Get("X-Total-Count"))
	}
	return list, total
}

func names(ps []dtProject) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+" "+p.Version)
	}
	return strings.Join(out, ", ")
}

func TestDependencyTrackProjectList(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		_, v1, v2 := s.addProducts(t)
		all, total := s.projects(t, "", s.acmeKey)
		if want := "Alpha 2.0, Alpha 1.0, Linea HMI Gateway 4.2.0"; names(all) != want || total != 3 {
			t.Fatalf("projects: %s (total %d), want %s", names(all), total, want)
		}
		a2, a1, hmi := all[0], all[1], all[2]
		if a2.UUID != v2.ID || a1.UUID != v1.ID || hmi.UUID != s.version.ID {
			t.Errorf("uuids: %s %s %s", a2.UUID, a1.UUID, hmi.UUID)
		}
		if a1.Active == nil || *a1.Active || a2.Active == nil || !*a2.Active || a2.Classifier != "APPLICATION" ||
			a2.Description != "line controller" || a2.Tags == nil || a2.LastBomImport != 0 || a2.Versions != nil {
			t.Errorf("Alpha: %+v %+v", a1, a2)
		}
		if hmi.LastBomImport != s.ingested.SBOM.Created.UnixMilli() || !strings.HasPrefix(hmi.LastBomImportFormat, "CycloneDX 1.") {
			t.Errorf("HMI gateway: lastBomImport %d (want %d), format %q", hmi.LastBomImport, s.ingested.SBOM.Created.UnixMilli(), hmi.LastBomImportFormat)
		}

		for _, c := range []struct {
			query string
			want  string
			total int
		}{
			// Filters.
			{"?name=Alpha", "Alpha 2.0, Alpha 1.0", 2},
			{"?name=alpha", "", 0}, // the name is matched exactly, as in Dependency-Track
			{"?name=Linea+HMI+Gateway&excludeInactive=true", "Linea HMI Gateway 4.2.0", 1},
			{"?excludeInactive=true", "Alpha 2.0, Linea HMI Gateway 4.2.0", 2},
			{"?excludeInactive=false&onlyRoot=true", "Alpha 2.0, Alpha 1.0, Linea HMI Gateway 4.2.0", 3},
			{"?searchText=HMI", "Linea HMI Gateway 4.2.0", 1},
			{"?filter=alp", "Alpha 2.0, Alpha 1.0", 2},
			// Pages numbered from 1 (pageNumber/pageSize, or the Jenkins plug-in's page/limit).
			{"?pageNumber=1&pageSize=2", "Alpha 2.0, Alpha 1.0", 3},
			{"?pageNumber=2&pageSize=2", "Linea HMI Gateway 4.2.0", 3},
			{"?pageNumber=3&pageSize=2", "", 3},
			{"?page=2&limit=1&excludeInactive=true", "Linea HMI Gateway 4.2.0", 2},
			{"?page=9999999999999&limit=1000", "", 3},
			// Offsets.
			{"?offset=1&limit=1", "Alpha 1.0", 3},
			{"?offset=2", "Linea HMI Gateway 4.2.0", 3},
			{"?offset=3&limit=10", "", 3},
			{"?size=1", "Alpha 2.0", 3},
		} {
			ps, total := s.projects(t, c.query, s.acmeKey)
			if names(ps) != c.want || total != c.total {
				t.Errorf("%s: %s (total %d), want %s (total %d)", c.query, names(ps), total, c.want, c.total)
			}
		}
		for _, q := range []string{"?pageSize=0&pageNumber=1", "?limit=1001", "?pageNumber=0&pageSize=10", "?pageSize=ten",
			"?offset=-1", "?offset=2000000000", "?pageNumber=x", "?excludeInactive=maybe", "?onlyRoot=2",
			"?name=" + url.QueryEscape("a\x00b"), "?searchText=" + strings.Repeat("x", 201)} {
			if res := s.get(t, "/api/v1/project"+q, s.acmeKey); res.status != 400 || res.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s", q, res.status, res.body)
			}
		}
		// Another organisation sees its own (no) projects.
		if ps, total := s.projects(t, "?name=Alpha", s.boltKey); len(ps) != 0 || total != 0 {
			t.Errorf("bolt: %s (total %d)", names(ps), total)
		}
	})
}

func TestDependencyTrackProject(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		_, v1, v2 := s.addProducts(t)
		lookup := "/api/v1/project/lookup?" + url.Values{"name": {"Alpha"}, "version": {"1.0"}}.Encode()
		for _, path := range []string{"/api/v1/project/" + v1.ID, lookup} {
			var pj dtProject
			res := s.get(t, path, s.acmeKey)
			res.decode(t, &pj)
			if res.status != 200 || pj.UUID != v1.ID || pj.Name != "Alpha" || pj.Version != "1.0" || pj.Active == nil || *pj.Active ||
				len(pj.Versions) != 2 || pj.Versions[0].UUID != v1.ID || pj.Versions[0].Active || pj.Versions[1].Version != "2.0" ||
				pj.Versions[1].UUID != v2.ID || !pj.Versions[1].Active {
				t.Errorf("%s: %d %s", path, res.status, res.body)
			}
		}
		var pj dtProject
		s.get(t, "/api/v1/project/"+s.version.ID, s.acmeKey).decode(t, &pj)
		if pj.LastBomImport != s.ingested.SBOM.Created.UnixMilli() || len(pj.Versions) != 1 {
			t.Errorf("HMI gateway: %+v", pj)
		}
		for _, c := range []struct {
			path, key string
			status    int
		}{
			{"/api/v1/project/" + v1.ID, s.boltKey, 404},
			{"/api/v1/project/3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81", s.acmeKey, 404},
			{"/api/v1/project/not-a-uuid", s.acmeKey, 400},
			{"/api/v1/project/" + v1.ID, "", 401},
		} {
			if res := s.get(t, c.path, c.key); res.status != c.status {
				t.Errorf("%s: %d, want %d: %s", c.path, res.status, c.status, res.body)
			}
		}
	})
}

func TestDependencyTrackMetrics(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		_, v1, _ := s.addProducts(t)
		var fs []dtFinding
		s.get(t, "/api/v1/finding/project/"+s.version.ID, s.acmeKey).decode(t, &fs)
		if len(fs) == 0 {
			t.Fatal("the demo version has no findings")
		}
		// What a client counts from the findings it read.
		bySeverity := map[string]int{}
		comps := map[string]bool{}
		for _, f := range fs {
			bySeverity[f.Vulnerability.Severity]++
			comps[f.Component.UUID] = true
		}
		var m map[string]float64
		res := s.get(t, "/api/v1/metrics/project/"+s.version.ID+"/current", s.acmeKey)
		res.decode(t, &m)
		if res.status != 200 {
			t.Fatalf("metrics: %d %s", res.status, res.body)
		}
		want := map[string]float64{
			"critical": float64(bySeverity["CRITICAL"]), "high": float64(bySeverity["HIGH"]),
			"medium": float64(bySeverity["MEDIUM"]), "low": float64(bySeverity["LOW"]), "unassigned": float64(bySeverity["UNASSIGNED"]),
			"vulnerabilities": float64(len(fs)), "findingsTotal": float64(len(fs)), "findingsUnaudited": float64(len(fs)),
			"findingsAudited": 0, "suppressed": 0, "vulnerableComponents": float64(len(comps)),
			"components": float64(s.ingested.SBOM.Components), "policyViolationsFail": 0, "policyViolationsTotal": 0,
			"inheritedRiskScore": float64(10*bySeverity["CRITICAL"] + 5*bySeverity["HIGH"] + 3*bySeverity["MEDIUM"] +
				bySeverity["LOW"] + 5*bySeverity["UNASSIGNED"]),
		}
		for k, v := range want {
			if got, ok := m[k]; !ok || got != v {
				t.Errorf("metrics %s = %v, want %v: %s", k, got, v, res.body)
			}
		}
		if m["critical"] == 0 || m["lastOccurrence"] == 0 {
			t.Errorf("metrics: %s", res.body)
		}
		// A version without an SBOM: all zero.
		res = s.get(t, "/api/v1/metrics/project/"+v1.ID+"/current", s.acmeKey)
		res.decode(t, &m)
		if res.status != 200 || m["vulnerabilities"] != 0 || m["components"] != 0 || m["inheritedRiskScore"] != 0 {
			t.Errorf("empty version: %d %s", res.status, res.body)
		}
		for _, c := range []struct {
			path, key string
			status    int
		}{
			{"/api/v1/metrics/project/" + s.version.ID + "/current", s.boltKey, 404},
			{"/api/v1/metrics/project/3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81/current", s.acmeKey, 404},
			{"/api/v1/metrics/project/x/current", s.acmeKey, 400},
		} {
			if res := s.get(t, c.path, c.key); res.status != c.status {
				t.Errorf("%s: %d, want %d: %s", c.path, res.status, c.status, res.body)
			}
		}
	})
}

func TestDependencyTrackViolationsTeamVersion(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		for _, c := range []struct {
			path, key string
			status    int
			body      string
		}{
			{"/api/v1/violation/project/" + s.version.ID, s.acmeKey, 200, "[]\n"},
			{"/api/v1/violation/project/" + s.version.ID + "?suppressed=true", s.acmeKey, 200, "[]\n"},
			{"/api/v1/violation/project/" + s.version.ID + "?suppressed=yes please", s.acmeKey, 400, ""},
			{"/api/v1/violation/project/" + s.version.ID, s.boltKey, 404, ""},
			{"/api/v1/violation/project/3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81", s.acmeKey, 404, ""},
		} {
			res := s.get(t, strings.ReplaceAll(c.path, " ", "%20"), c.key)
			if res.status != c.status || c.body != "" && (string(res.body) != c.body || res.header.Get("X-Total-Count") != "0") {
				t.Errorf("%s: %d %s (X-Total-Count %q)", c.path, res.status, res.body, res.header.Get("X-Total-Count"))
			}
		}

		for key, org := range map[string]model.Organisation{s.acmeKey: s.acme, s.boltKey: s.bolt} {
			var team struct {
				UUID, Name  string
				Permissions []struct{ Name, Description string }
			}
			res := s.get(t, "/api/v1/team/self", key)
			res.decode(t, &team)
			perms := map[string]bool{}
			for _, p := range team.Permissions {
				perms[p.Name] = p.Description != ""
			}
			if res.status != 200 || team.UUID != org.ID || team.Name != org.Name || !perms["BOM_UPLOAD"] ||
				!perms["VIEW_PORTFOLIO"] || !perms["PROJECT_CREATION_UPLOAD"] || perms["PORTFOLIO_MANAGEMENT"] {
				t.Errorf("team/self of %s: %d %s", org.Name, res.status, res.body)
			}
		}

		// No key needed, as in Dependency-Track; the Jenkins plug-in reads
		// version as a release number of 4.x or later.
		var about struct {
			Version, UUID, Application string
			Framework                  struct{ Name, Version string }
		}
		res := s.get(t, "/api/version", "")
		res.decode(t, &about)
		major, _, _ := strings.Cut(about.Version, ".")
		if n, err := strconv.Atoi(major); res.status != 200 || err != nil || n < 4 || about.UUID == "" ||
			about.Application != "rocca" || about.Framework.Name != "rocca" {
			t.Errorf("/api/version: %d %s", res.status, res.body)
		}
	})
}

// openFinding returns the first open finding of acme's version, as its
// current SBOM has it.
func (s *server) openFinding(t *testing.T) model.TrackedFinding {
	t.Helper()
	fs, err := s.svc.OpenFindings(t.Context(), s.acme.ID, s.version.ID)
	if err != nil || len(fs) == 0 {
		t.Fatalf("open findings: %d, %v", len(fs), err)
	}
	return fs[0]
}

// dtAnalysis is what a Dependency-Track client reads from an analysis.
type dtAnalysis struct {
	AnalysisState, AnalysisJustification, AnalysisResponse, AnalysisDetails string
	IsSuppressed                                                            *bool
	SuppressionExpiration                                                   int64
	AnalysisComments                                                        []struct {
		Timestamp          int64
		Comment, Commenter string
	}
}

// dtFindings reads a project's findings as a client does.
func (s *server) dtFindings(t *testing.T, project, query string) map[string]dtFinding {
	t.Helper()
	var fs []dtFinding
	res := s.get(t, "/api/v1/finding/project/"+project+query, s.acmeKey)
	if res.status != 200 {
		t.Fatalf("findings%s: %d %s", query, res.status, res.body)
	}
	res.decode(t, &fs)
	out := map[string]dtFinding{}
	for _, f := range fs {
		out[f.Component.Name+" "+f.Vulnerability.VulnID] = f
	}
	return out
}

func TestDependencyTrackAnalysis(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		const log4shell = "log4j-core CVE-2021-44228"
		metrics := func() map[string]float64 {
			var m map[string]float64
			s.get(t, "/api/v1/metrics/project/"+s.version.ID+"/current", s.acmeKey).decode(t, &m)
			return m
		}
		before := metrics()
		f, ok := s.dtFindings(t, s.version.ID, "")[log4shell]
		if !ok || f.Analysis.State != "NOT_SET" || f.Analysis.IsSuppressed {
			t.Fatalf("log4shell before: %+v", f)
		}
		ids := url.Values{"project": {s.version.ID}, "component": {f.Component.UUID}, "vulnerability": {f.Vulnerability.UUID}}
		if res := s.get(t, "/api/v1/analysis?"+ids.Encode(), s.acmeKey); res.status != 404 {
			t.Errorf("GET analysis before any decision: %d %s", res.status, res.body)
		}
		put := func(body map[string]any) (dtAnalysis, response) {
			t.Helper()
			for k, v := range map[string]string{"project": s.version.ID, "component": f.Component.UUID, "vulnerability": f.Vulnerability.UUID} {
				if _, set := body[k]; !set {
					body[k] = v
				}
			}
			var a dtAnalysis
			res := s.do(t, "PUT", "/api/v1/analysis", s.acmeKey, "application/json", mustJSON(body))
			if res.status == 200 {
				res.decode(t, &a)
			}
			return a, res
		}

		// 1. Not affected, suppressed: the finding leaves the list and the counts.
		review := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
		a, res := put(map[string]any{"analysisState": "NOT_AFFECTED", "analysisJustification": "CODE_NOT_REACHABLE",
			"analysisDetails": "JNDI lookups are disabled", "comment": "checked by the PSIRT", "isSuppressed": true,
			"suppressionExpiration": review.UnixMilli(), "someFutureField": 1})
		if res.status != 200 || a.AnalysisState != "NOT_AFFECTED" || a.AnalysisJustification != "CODE_NOT_REACHABLE" ||
			a.AnalysisResponse != "NOT_SET" || a.IsSuppressed == nil || !*a.IsSuppressed ||
			a.AnalysisDetails != "JNDI lookups are disabled\n\nchecked by the PSIRT" || a.SuppressionExpiration != review.UnixMilli() ||
			len(a.AnalysisComments) != 1 || a.AnalysisComments[0].Commenter != "test" ||
			!strings.HasPrefix(a.AnalysisComments[0].Comment, "NOT_AFFECTED (not_affected, vulnerable_code_not_in_execute_path; version scope)") {
			t.Fatalf("PUT not affected: %d %s", res.status, res.body)
		}
		// rocca's own view of the same decision.
		var own struct {
			Current struct {
				Status, Justification, Source, DecidedBy string
				Scope                                    string
			}
		}
		fid := s.findingID(t, f)
		s.get(t, "/api/v1/findings/"+fid+"/analysis", s.acmeKey).decode(t, &own)
		if c := own.Current; c.Status != "not_affected" || c.Justification != "vulnerable_code_not_in_execute_path" ||
			c.Source != "dependency-track" || c.DecidedBy != "test" || c.Scope != "version" {
			t.Errorf("rocca's analysis: %+v", own.Current)
		}
		if _, listed := s.dtFindings(t, s.version.ID, "")[log4shell]; listed {
			t.Error("a suppressed finding is listed without suppressed=true")
		}
		if g := s.dtFindings(t, s.version.ID, "?suppressed=true")[log4shell]; g.Analysis.State != "NOT_AFFECTED" || !g.Analysis.IsSuppressed {
			t.Errorf("suppressed=true: %+v", g.Analysis)
		}
		m := metrics()
		if m["critical"] != before["critical"]-1 || m["suppressed"] != 1 || m["findingsTotal"] != before["findingsTotal"]-1 ||
			m["inheritedRiskScore"] != before["inheritedRiskScore"]-10 {
			t.Errorf("metrics after suppression: %v (before %v)", m, before)
		}

		// 2. Exploitable: back in the list and the counts, audited.
		a, res = put(map[string]any{"analysisState": "EXPLOITABLE", "analysisResponse": "UPDATE", "isSuppressed": false})
		if res.status != 200 || a.AnalysisState != "EXPLOITABLE" || a.AnalysisResponse != "UPDATE" || *a.IsSuppressed ||
			a.AnalysisDetails == "" || len(a.AnalysisComments) != 2 || !strings.HasPrefix(a.AnalysisComments[1].Comment, "EXPLOITABLE") {
			t.Fatalf("PUT exploitable: %d %s", res.status, res.body)
		}
		if g := s.dtFindings(t, s.version.ID, "")[log4shell]; g.Analysis.State != "EXPLOITABLE" || g.Analysis.IsSuppressed {
			t.Errorf("exploitable finding: %+v", g.Analysis)
		}
		if m := metrics(); m["critical"] != before["critical"] || m["suppressed"] != 0 || m["findingsAudited"] != 1 ||
			m["findingsUnaudited"] != before["findingsTotal"]-1 {
			t.Errorf("metrics after exploitable: %v", m)
		}
		// GET, with and without the project.
		for _, q := range []url.Values{ids, {"component": ids["component"], "vulnerability": ids["vulnerability"]}} {
			var got dtAnalysis
			res := s.get(t, "/api/v1/analysis?"+q.Encode(), s.acmeKey)
			res.decode(t, &got)
			if res.status != 200 || got.AnalysisState != "EXPLOITABLE" || len(got.AnalysisComments) != 2 {
				t.Errorf("GET %s: %d %s", q.Encode(), res.status, res.body)
			}
		}

		// 3. A product-wide decision (rocca's scope) reaches a version uploaded
		// afterwards; on this finding the narrower version decision stays in
		// force, and the answer (the finding's effective analysis) says so.
		a, res = put(map[string]any{"analysisState": "NOT_AFFECTED", "analysisJustification": "PROTECTED_AT_RUNTIME", "scope": "product"})
		if res.status != 200 || a.AnalysisState != "EXPLOITABLE" || len(a.AnalysisComments) != 3 ||
			!strings.HasPrefix(a.AnalysisComments[2].Comment, "NOT_AFFECTED (not_affected, inline_mitigations_already_exist; product scope)") {
			t.Fatalf("PUT product scope: %d %s", res.status, res.body)
		}
		v := model.Version{ProductID: s.product.ID, Name: "4.3.0"}
		if err := s.svc.CreateVersion(t.Context(), s.acme.ID, &v); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Ingest(t.Context(), s.acme.ID, v.ID, s.demo, "bom.json"); err != nil {
			t.Fatal(err)
		}
		if g, ok := s.dtFindings(t, v.ID, "?suppressed=true")[log4shell]; !ok || g.Analysis.State != "NOT_AFFECTED" || !g.Analysis.IsSuppressed {
			t.Errorf("4.3.0 log4shell: %+v", g)
		}

		// Refusals.
		for _, c := range []struct {
			name   string
			body   map[string]any
			key    string
			status int
		}{
			{"NOT_SET", map[string]any{"analysisState": "NOT_SET"}, s.acmeKey, 400},
			{"no state", map[string]any{"comment": "hm"}, s.acmeKey, 400},
			{"suppressed in triage", map[string]any{"analysisState": "IN_TRIAGE", "isSuppressed": true}, s.acmeKey, 400},
			{"unknown justification", map[string]any{"analysisState": "NOT_AFFECTED", "analysisJustification": "BECAUSE"}, s.acmeKey, 400},
			{"exploitable without a word", map[string]any{"analysisState": "EXPLOITABLE"}, s.acmeKey, 400},
			{"bad scope", map[string]any{"analysisState": "IN_TRIAGE", "scope": "world"}, s.acmeKey, 400},
			{"no component", map[string]any{"analysisState": "IN_TRIAGE", "component": ""}, s.acmeKey, 400},
			{"component not a UUID", map[string]any{"analysisState": "IN_TRIAGE", "component": "log4j"}, s.acmeKey, 400},
			{"unknown vulnerability", map[string]any{"analysisState": "IN_TRIAGE", "vulnerability": "3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81"}, s.acmeKey, 404},
			{"unknown project", map[string]any{"analysisState": "IN_TRIAGE", "project": "3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81"}, s.acmeKey, 404},
			{"another organisation", map[string]any{"analysisState": "IN_TRIAGE"}, s.boltKey, 404},
			{"another organisation, no project", map[string]any{"analysisState": "IN_TRIAGE", "project": ""}, s.boltKey, 404},
		} {
			body := map[string]any{"project": s.version.ID, "component": f.Component.UUID, "vulnerability": f.Vulnerability.UUID}
			for k, v := range c.body {
				body[k] = v
			}
			if res := s.do(t, "PUT", "/api/v1/analysis", c.key, "application/json", mustJSON(body)); res.status != c.status {
				t.Errorf("%s: %d, want %d: %s", c.name, res.status, c.status, res.body)
			}
		}
		if res := s.do(t, "PUT", "/api/v1/analysis", s.acmeKey, "text/plain", []byte("{}")); res.status != 415 {
			t.Errorf("text/plain: %d", res.status)
		}
		for _, q := range []string{"component=" + f.Component.UUID, "vulnerability=" + f.Vulnerability.UUID + "&component=x"} {
			if res := s.get(t, "/api/v1/analysis?"+q, s.acmeKey); res.status != 400 {
				t.Errorf("GET analysis?%s: %d", q, res.status)
			}
		}
		if res := s.get(t, "/api/v1/analysis?"+ids.Encode(), s.boltKey); res.status != 404 {
			t.Errorf("GET analysis with another organisation's key: %d", res.status)
		}
		// Nothing refused was recorded: the history holds the three decisions.
		var got dtAnalysis
		s.get(t, "/api/v1/analysis?"+ids.Encode(), s.acmeKey).decode(t, &got)
		if len(got.AnalysisComments) != 3 {
			t.Errorf("history: %+v", got.AnalysisComments)
		}
	})
}

// findingID returns rocca's id of the finding a Dependency-Track finding
// shows.
func (s *server) findingID(t *testing.T, f dtFinding) string {
	t.Helper()
	fs, err := s.svc.OpenFindings(t.Context(), s.acme.ID, f.Component.Project)
	if err != nil {
		t.Fatal(err)
	}
	for _, tf := range fs {
		if tf.ComponentID == f.Component.UUID && tf.VulnID == f.Vulnerability.VulnID {
			return tf.ID
		}
	}
	t.Fatalf("no finding %s %s", f.Component.Name, f.Vulnerability.VulnID)
	return ""
}
