package api_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"testing"
	"time"
)

// dtFinding is what a Dependency-Track client reads from a finding.
type dtFinding struct {
	Component struct {
		UUID, Name, Group, Version, Purl, Project string
	}
	Vulnerability struct {
		UUID, VulnID, Source, Severity string
		SeverityRank                   int
		Aliases                        []map[string]string
		EpssScore                      *float64
		CweIds                         []int
	}
	Analysis struct {
		State        string
		IsSuppressed bool
	}
	Attribution struct {
		AnalyzerIdentity string
		AttributedOn     int64
	}
	Matrix string
}

// waitToken polls a token endpoint as Dependency-Track clients do.
func (s *server) waitToken(t *testing.T, path, key string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var body struct{ Processing *bool }
		res := s.get(t, path, key)
		if res.status != 200 {
			t.Fatalf("%s: %d %s", path, res.status, res.body)
		}
		res.decode(t, &body)
		if body.Processing == nil {
			t.Fatalf("%s: no processing field: %s", path, res.body)
		}
		if !*body.Processing {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still processing", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDependencyTrackClientFlow(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		// 1. PUT with base64 BOM and autoCreate, by project name and version.
		res := s.do(t, "PUT", "/api/v1/bom", s.boltKey, "application/json", mustJSON(map[string]any{
			"projectName": "hmi-gateway", "projectVersion": "4.2.0", "autoCreate": true,
			"projectTags": []map[string]string{{"name": "ci"}}, "isLatest": true, "bom": s.demo}))
		var tok struct{ Token string }
		res.decode(t, &tok)
		if res.status != 200 || tok.Token == "" {
			t.Fatalf("PUT /bom: %d %s", res.status, res.body)
		}
		s.waitToken(t, "/api/v1/event/token/"+tok.Token, s.boltKey)

		// 2. Look the project up and read its findings.
		res = s.get(t, "/api/v1/project/lookup?name=hmi-gateway&version=4.2.0", s.boltKey)
		var pj struct {
			UUID, Name, Version string
			LastBomImport       int64
		}
		res.decode(t, &pj)
		if res.status != 200 || pj.UUID == "" || pj.Name != "hmi-gateway" || pj.Version != "4.2.0" || pj.LastBomImport == 0 {
			t.Fatalf("lookup: %d %s", res.status, res.body)
		}
		var fs []dtFinding
		res = s.get(t, "/api/v1/finding/project/"+pj.UUID, s.boltKey)
		res.decode(t, &fs)
		found := false
		for _, f := range fs {
			if f.Vulnerability.VulnID != "CVE-2021-44228" {
				continue
			}
			found = true
			v := f.Vulnerability
			if f.Component.Name != "log4j-core" || f.Component.Version != "2.14.1" || f.Component.Group != "org.apache.logging.log4j" ||
				f.Component.Project != pj.UUID || f.Component.UUID == "" || v.Severity != "CRITICAL" || v.SeverityRank != 0 ||
				v.Source != "NVD" || v.UUID == "" || v.CweIds == nil || f.Analysis.State == "" || f.Analysis.IsSuppressed ||
				f.Attribution.AttributedOn == 0 || f.Matrix != pj.UUID+":"+f.Component.UUID+":"+v.UUID {
				t.Errorf("log4shell finding: %+v", f)
			}
			if len(v.Aliases) == 0 || v.Aliases[0]["cveId"] != "CVE-2021-44228" {
				t.Errorf("aliases: %+v", v.Aliases)
			}
		}
		if !found {
			t.Fatalf("no CVE-2021-44228 among %d findings: %s", len(fs), res.body)
		}

		// 3. POST multipart with the project UUID, the BOM as a file part.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("project", pj.UUID)
		fw, _ := mw.CreateFormFile("bom", "bom.json")
		fw.Write(append(append([]byte{}, s.demo...), ' '))
		mw.Close()
		res = s.do(t, "POST", "/api/v1/bom", s.boltKey, mw.FormDataContentType(), buf.Bytes())
		res.decode(t, &tok)
		if res.status != 200 || tok.Token == "" {
			t.Fatalf("POST /bom (file): %d %s", res.status, res.body)
		}
		s.waitToken(t, "/api/v1/bom/token/"+tok.Token, s.boltKey)

		// 4. POST multipart by name, the BOM as a text field, into a new project.
		buf.Reset()
		mw = multipart.NewWriter(&buf)
		for k, v := range map[string]string{"projectName": "hmi-gateway", "projectVersion": "4.3.0", "autoCreate": "true",
			"parentName": "hmi-gateway", "parentVersion": "4.2.0", "bom": string(s.demo)} {
			mw.WriteField(k, v)
		}
		mw.Close()
		res = s.do(t, "POST", "/api/v1/bom", s.boltKey, mw.FormDataContentType(), buf.Bytes())
		res.decode(t, &tok)
		if res.status != 200 {
			t.Fatalf("POST /bom (field): %d %s", res.status, res.body)
		}
		s.waitToken(t, "/api/v1/bom/token/"+tok.Token, s.boltKey)
		res = s.get(t, "/api/v1/project/lookup?"+url.Values{"name": {"hmi-gateway"}, "version": {"4.3.0"}}.Encode(), s.boltKey)
		if res.status != 200 {
			t.Fatalf("lookup 4.3.0: %d %s", res.status, res.body)
		}
		var sboms struct{ Items []struct{ ID string } }
		s.get(t, "/api/v1/versions/"+pj.UUID+"/sboms", s.boltKey).decode(t, &sboms)
		if len(sboms.Items) != 2 {
			t.Errorf("4.2.0 has %d SBOMs, want 2", len(sboms.Items))
		}

		// Unknown project without autoCreate, unknown parent: 404.
		for _, body := range []map[string]any{
			{"projectName": "nope", "projectVersion": "1", "bom": s.demo},
			{"projectName": "hmi-gateway", "projectVersion": "5", "autoCreate": true, "parentUUID": s.version.ID, "bom": s.demo},
		} {
			if res := s.do(t, "PUT", "/api/v1/bom", s.boltKey, "application/json", mustJSON(body)); res.status != 404 {
				t.Errorf("PUT /bom %v: %d %s", body["projectName"], res.status, res.body)
			}
		}
		if res := s.get(t, "/api/v1/project/lookup?name=hmi-gateway", s.boltKey); res.status != 400 {
			t.Errorf("lookup without version: %d", res.status)
		}
	})
}
