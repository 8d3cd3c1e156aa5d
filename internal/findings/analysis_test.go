package findings_test

import (
	"testing"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
)

func target(id, product, purl, version string, vulnIDs ...string) findings.Target {
	f := &model.TrackedFinding{ID: id, Component: model.Component{Name: "x", Version: version, PURL: purl},
		Ecosystem: "PyPI", Package: "requests", VulnID: vulnIDs[0], VulnIDs: vulnIDs}
	return findings.Target{Finding: f, ProductID: product, PkgKey: findings.PackageKey(f)}
}

func decision(scope model.AnalysisScope, finding, product, vuln string, ids ...string) model.Analysis {
	return model.Analysis{ID: scope.String() + finding, Scope: scope, Status: model.StatusNotAffected, PkgKey: "PyPI:requests",
		Ecosystem: "PyPI", VulnIDs: ids, Origin: model.AnalysisOrigin{FindingID: finding, ProductID: product, VulnID: vuln}}
}

func TestApplies(t *testing.T) {
	req := func(id, product, version string, ids ...string) findings.Target {
		return target(id, product, "pkg:pypi/requests@"+version, version, ids...)
	}
	ranged := decision(model.ScopeProduct, "f1", "p1", "CVE-1", "CVE-1", "GHSA-1")
	ranged.ComponentRange = ">=2.0,<2.30"
	for _, c := range []struct {
		name string
		a    model.Analysis
		t    findings.Target
		want bool
	}{
		{"version: its finding", decision(model.ScopeVersion, "f1", "p1", "CVE-1", "CVE-1"), req("f1", "p1", "2.28.1", "CVE-1"), true},
		{"version: another finding of the product", decision(model.ScopeVersion, "f1", "p1", "CVE-1", "CVE-1"), req("f2", "p1", "2.28.1", "CVE-1"), false},
		{"product: another version", decision(model.ScopeProduct, "f1", "p1", "CVE-1", "CVE-1"), req("f2", "p1", "2.29.0", "CVE-1"), true},
		{"product: another product", decision(model.ScopeProduct, "f1", "p1", "CVE-1", "CVE-1"), req("f2", "p2", "2.28.1", "CVE-1"), false},
		{"product: by an alias", decision(model.ScopeProduct, "f1", "p1", "GHSA-1", "GHSA-1", "PYSEC-1"), req("f2", "p1", "2.28.1", "CVE-1", "PYSEC-1"), true},
		{"product: the alias group's new preferred id", decision(model.ScopeProduct, "f1", "p1", "GHSA-1", "GHSA-1"), req("f2", "p1", "2.28.1", "CVE-1", "CVE-1", "GHSA-1"), true},
		{"product: another vulnerability", decision(model.ScopeProduct, "f1", "p1", "CVE-1", "CVE-1"), req("f2", "p1", "2.28.1", "CVE-2"), false},
		{"product: another package", decision(model.ScopeProduct, "f1", "p1", "CVE-1", "CVE-1"), target("f2", "p1", "pkg:pypi/flask@3.0.0", "3.0.0", "CVE-1"), false},
		{"product: in the range", ranged, req("f2", "p1", "2.28.1", "CVE-1"), true},
		{"product: above the range", ranged, req("f2", "p1", "2.31.0", "CVE-1"), false},
		{"product: version not comparable", ranged, req("f2", "p1", "not a version!", "CVE-1"), false},
		{"organisation: another product", decision(model.ScopeOrganisation, "f1", "p1", "CVE-1", "CVE-1"), req("f2", "p9", "1.0", "CVE-1"), true},
		{"organisation: another package", decision(model.ScopeOrganisation, "f1", "p1", "CVE-1", "CVE-1"), target("f2", "p1", "pkg:npm/requests@1.0.0", "1.0.0", "CVE-1"), false},
	} {
		if got := findings.Applies(&c.a, c.t); got != c.want {
			t.Errorf("%s: Applies = %v, want %v", c.name, got, c.want)
		}
	}
}

// A narrower decision wins over a wider one whatever their order; among
// decisions of one scope the later one wins.
func TestChoose(t *testing.T) {
	tg := target("f2", "p1", "pkg:pypi/requests@2.28.1", "2.28.1", "CVE-1")
	org := decision(model.ScopeOrganisation, "f9", "p9", "CVE-1", "CVE-1")
	prod := decision(model.ScopeProduct, "f1", "p1", "CVE-1", "CVE-1")
	prod2 := decision(model.ScopeProduct, "f3", "p1", "CVE-1", "CVE-1")
	ver := decision(model.ScopeVersion, "f2", "p1", "CVE-1", "CVE-1")
	other := decision(model.ScopeVersion, "f7", "p1", "CVE-1", "CVE-1")
	for _, c := range []struct {
		name string
		in   []model.Analysis
		want string
	}{
		{"none", nil, ""},
		{"organisation only", []model.Analysis{org}, org.ID},
		{"product after organisation", []model.Analysis{org, prod}, prod.ID},
		{"organisation after product", []model.Analysis{prod, org}, prod.ID},
		{"version before both", []model.Analysis{ver, prod, org}, ver.ID},
		{"later product wins", []model.Analysis{prod, prod2}, prod2.ID},
		{"another finding's version decision", []model.Analysis{other, org}, org.ID},
	} {
		got := findings.Choose(c.in, tg)
		id := ""
		if got != nil {
			id = got.ID
		}
		if id != c.want {
			t.Errorf("%s: chose %q, want %q", c.name, id, c.want)
		}
	}
}

func TestRange(t *testing.T) {
	for _, c := range []struct {
		rng, v string
		want   bool
		bad    bool
	}{
		{">=1.0,<2.0", "1.5", true, false},
		{">=1.0,<2.0", "2.0", false, false},
		{">1.0", "1.0", false, false},
		{"<=1.0", "1.0", true, false},
		{"=1.0", "1.0.0", true, false},
		{"==1.0", "1.1", false, false},
		{"1.0", "1.0", false, true},
		{">=1.0,", "1.0", false, true},
		{">=not!a!version", "1.0", false, true},
	} {
		in, err := findings.InRange(c.rng, "PyPI", c.v)
		if (err != nil) != c.bad || in != c.want {
			t.Errorf("InRange(%q, %q) = %v, %v; want %v, error %v", c.rng, c.v, in, err, c.want, c.bad)
		}
		if cerr := findings.CheckRange(c.rng, "PyPI"); (cerr != nil) != c.bad {
			t.Errorf("CheckRange(%q) = %v", c.rng, cerr)
		}
	}
}

// FuzzRange: a component range comes from a client; checking it and
// evaluating it never panics, and a range CheckRange accepts evaluates
// without error.
func FuzzRange(f *testing.F) {
	for _, s := range []string{">=1.0,<2.0", "=1.0", "<=0", ">", ",", ">=1.0,,<2", "==v1.2.3-rc.1", ">=\x00", "<" + string(rune(0x10ffff))} {
		f.Add(s, "1.5")
	}
	f.Fuzz(func(t *testing.T, rng, v string) {
		for _, eco := range []string{"PyPI", "npm", "Debian:12", "Go", "unknown"} {
			err := findings.CheckRange(rng, eco)
			_, ierr := findings.InRange(rng, eco, v)
			if (err == nil) != (ierr == nil) {
				t.Fatalf("%q in %s: CheckRange %v, InRange %v", rng, eco, err, ierr)
			}
		}
	})
}
