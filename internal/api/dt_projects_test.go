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
