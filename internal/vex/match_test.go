package vex

import (
	"errors"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

// TestMatchDocument matches the CSAF test document against a version of
// the press controller: matched pairs, and every other statement reported
// with its reason.
func TestMatchDocument(t *testing.T) {
	stmts := readTestdata(t, "vendor.csaf.json")
	opensslComp := model.Component{Name: "openssl", Version: "3.0.1", CPE: "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*"}
	fs := []model.Finding{
		finding(log4j, "CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"),
		finding(opensslComp, "CVE-2022-0778"),
		finding(xnet, "CVE-2023-44487", "GO-2023-2102"),
		finding(model.Component{Name: "spring-beans", Version: "5.3.17", PURL: "pkg:maven/org.springframework/spring-beans@5.3.17"}, "CVE-2022-22965"),
	}
	res := Match(stmts, Target{Product: pressProduct, Findings: fs})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	want := []Pair{{Statement: 0, Finding: 0}, {Statement: 2, Finding: 1}, {Statement: 3, Finding: 2}, {Statement: 4, Finding: 3}}
	if len(res.Matches) != len(want) {
		t.Fatalf("matches %+v, want %+v", res.Matches, want)
	}
	for i := range want {
		if res.Matches[i] != want[i] {
			t.Errorf("match %d: %+v, want %+v", i, res.Matches[i], want[i])
		}
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Statement != 1 ||
		!strings.Contains(res.Unmatched[0].Reason, "version range (vers:generic/<4.0)") ||
		res.Unmatched[0].Where != "vulnerabilities[0].product_status.under_investigation[0]" {
		t.Errorf("unmatched %+v", res.Unmatched)
	}

	// Another version of the product: the statements about components of
	// 4.2.0 do not apply to 4.3.0, and say so; the document is not
	// foreign (its components are there).
	other := pressProduct
	other.Version, other.PURL = "4.3.0", "pkg:generic/example/press-controller@4.3.0"
	res = Match(stmts, Target{Product: other, Findings: fs})
	if res.Foreign {
		t.Errorf("foreign: %+v", res)
	}
	if len(res.Matches) != 1 || res.Matches[0].Statement != 3 { // x/net is named on its own
		t.Errorf("matches %+v", res.Matches)
	}
	reasons := map[int]string{}
	for _, u := range res.Unmatched {
		reasons[u.Statement] = u.Reason
	}
	if r := reasons[0]; r != "CVE-2021-44228 (GHSA-jfh8-c2jp-5v3q) is a finding of pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar, "+
		"but the statement is about pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 as a part of pkg:generic/example/press-controller@4.2.0, "+
		"which is not this version's product or one of its components" {
		t.Errorf("reason 0: %q", r)
	}
	if len(reasons) != 4 {
		t.Errorf("unmatched %+v", res.Unmatched)
	}
}

func TestMatchForeignDocument(t *testing.T) {
	stmts := readTestdata(t, "vendor.csaf.json")
	fs := []model.Finding{finding(libssl, "CVE-2022-3786"), finding(pyyaml, "CVE-2020-14343")}
	res := Match(stmts, Target{Product: Product{Name: "hmi-gateway", Version: "3.2.0"}, Findings: fs})
	if !res.Foreign || len(res.Matches) != 0 || len(res.Unmatched) != len(stmts) {
		t.Fatalf("got %+v", res)
	}
	err := res.Err()
	if !errors.Is(err, ErrForeignDocument) || !strings.Contains(err.Error(), "pkg:generic/example/press-controller@4.2.0") {
		t.Errorf("error %v", err)
	}
	for _, u := range res.Unmatched {
		if u.Reason == "" || u.Where == "" {
			t.Errorf("unmatched without reason or place: %+v", u)
		}
	}
	// Components count as well as findings: a document about a component
	// without findings is not foreign.
	res = Match(stmts, Target{Product: Product{Name: "hmi-gateway"}, Findings: fs, Components: []model.Component{xnet}})
	if res.Foreign {
		t.Errorf("a document about a component of the version is foreign: %+v", res)
	}
}

func TestMatchProducts(t *testing.T) {
	press := Product{Name: "press-controller", Version: "4.2.0"}
	sub := func(parent Product, subs ...Product) Product { parent.Subcomponents = subs; return parent }
	for _, tc := range []struct {
		name    string
		target  Product
		product Product
		comp    model.Component
		want    bool
	}{
		{"product itself covers every component", press, press, log4j, true},
		{"product of another version", press, Product{Name: "press-controller", Version: "4.1.0"}, log4j, false},
		{"product name case", press, Product{Name: "Press-Controller"}, log4j, true},
		{"subcomponent of the product", press, sub(press, Product{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core"}), log4j, true},
		{"other subcomponent of the product", press, sub(press, Product{PURL: "pkg:golang/golang.org/x/net"}), log4j, false},
		{"subcomponent of another product", press, sub(Product{PURL: "pkg:oci/other"}, Product{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core"}), log4j, false},
		{"subcomponent, product unknown", Product{}, sub(Product{PURL: "pkg:oci/other"}, Product{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core"}), log4j, true},
		{"subcomponent of one of the components (supplier VEX)", press,
			sub(Product{PURL: "pkg:golang/golang.org/x/net"}, Product{Name: "log4j-core", Version: "2.14.1"}), log4j, true},
		{"cpe with wildcards", press, Product{CPE: "cpe:2.3:o:example:bootloader:*:*:*:*:*:*:*:*"}, fw, true},
		{"cpe other vendor", press, Product{CPE: "cpe:2.3:o:other:bootloader:*:*:*:*:*:*:*:*"}, fw, false},
		{"cpe 2.2 uri", press, Product{CPE: "cpe:/o:example:bootloader:1.0.3"}, fw, true},
		{"name and version", press, Product{Name: "libfoo", Version: "1.2"}, libfoo, true},
		{"name, other version", press, Product{Name: "libfoo", Version: "1.3"}, libfoo, false},
		{"group/name", press, Product{Name: "org.example/lib"}, model.Component{Name: "lib", Group: "org.example"}, true},
		{"purl decides over name", press, Product{PURL: "pkg:npm/libfoo@1.3", Name: "libfoo", Version: "1.2"}, model.Component{Name: "libfoo", Version: "1.2", PURL: "pkg:npm/libfoo@1.2"}, false},
		{"csaf product id is not a bom-ref", press, Product{ID: "libfoo", localID: true}, libfoo, false},
		{"bom-ref", press, Product{ID: "libfoo"}, libfoo, true},
		{"unsupported", press, Product{ID: "libfoo", Unsupported: "range"}, libfoo, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := []Statement{{Vulnerability: "CVE-1", Products: []Product{tc.product}, Status: model.StatusFixed, Where: "statements[0]"}}
			res := Match(s, Target{Product: tc.target, Findings: []model.Finding{finding(tc.comp, "CVE-1")}, Components: []model.Component{tc.comp, xnet}})
			if got := len(res.Matches) == 1; got != tc.want {
				t.Errorf("covered %v, want %v (%+v)", got, tc.want, res)
			}
			if !tc.want && (len(res.Unmatched) != 1 || res.Unmatched[0].Reason == "") {
				t.Errorf("not reported: %+v", res)
			}
		})
	}
}

func TestMatchSuperseded(t *testing.T) {
	older := Statement{Vulnerability: "CVE-1", Products: ids("log4j-core"), Status: model.StatusAffected, Timestamp: t0}
	newer := Statement{Vulnerability: "CVE-1", Products: ids("log4j-core"), Status: model.StatusFixed, Timestamp: t0.Add(1)}
	res := Match([]Statement{newer, older}, Target{Findings: []model.Finding{finding(log4j, "CVE-1")}})
	if len(res.Matches) != 1 || res.Matches[0].Statement != 0 || len(res.Superseded) != 1 || res.Superseded[0].Statement != 1 || len(res.Unmatched) != 0 {
		t.Errorf("got %+v", res)
	}
}
