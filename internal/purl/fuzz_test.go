package purl

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are purls of every shape the parser handles, valid and not.
func fuzzSeeds() []string {
	return []string{
		"pkg:npm/%40angular/animation@12.3.1",
		"pkg:npm/@babel/core#/googleapis/api/annotations/",
		"pkg:pypi/Django_package@1.11.1.dev1",
		"pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=https://repo.spring.io/release",
		"pkg:///maven/org.apache.commons/io",
		"pkg:golang/github.com/BurntSushi/toml@v1.3.2#cmd/tomlv",
		"pkg:golang/stdlib@go1.21rc2",
		"pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u4?distro=debian-11&upstream=openssl%401.1.1n-0",
		"pkg:deb/ubuntu/curl@7.81.0?distro=jammy",
		"pkg:rpm/almalinux/openssl-libs@1.1.1k-9.el8_7?distro=el8&epoch=1&upstream=openssl-1.1.1k-9.el8_7.src.rpm",
		"pkg:rpm/suse/curl@8.0.1?distro=sles-15.5",
		"pkg:rpm/opensuse/curl@8.0.1?distro=opensuse-leap-15.5",
		"pkg:apk/alpine/openssl@3.1.4-r5?distro=3.19.1",
		"pkg:brew/node@20@20.10.0",
		"pkg:git/codeberg.org/forgejo/forgejo@a72d2c07#options/locale_readme.md",
		"pkg:cpan/GDT/URI::PackageURL",
		"pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@1.2.3.4",
		"pkg:julia/Dates@1.9.0?uuid=ade2ca70-3891-5945-98fb-dc099432e06a",
		"pkg:mlflow/CreditFraud@3?repository_url=https://adb-1.azuredatabricks.net/api/2.0/mlflow",
		"pkg:swid/Acme/example.com/Enterprise+Server@1.0.0?tag_id=75b8c285",
		"pkg:pub/Flutter-Svg@2.0.0",
		"pkg:generic/%C3%A9t%C3%A9@1?checksum=sha1:ad95%2Csha256:41bf#a/./b/../c",
		"pkg:composer/Laravel/Laravel@5.5.0",
		"pkg:githubactions/actions/checkout@v4",
		"pkg:maven/@1.3.4",
		"pkg:n&g?inx/nginx@0.8.9",
		"pkg:npm/a@1?k=1&K=2",
		"pkg:npm/a%zz",
		"pkg:npm/a%FF",
		"pkg:swift/github.com/Alamofire/@5.4.3",
		"pkg%3Amaven/org.apache.commons/io",
		"pkg:",
		"",
	}
}

// FuzzParse checks that Parse never panics and that its output is stable:
// the canonical string of a parsed purl parses to the same components and
// renders to the same string again.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if len(err.Error()) > 2048 { // user data in errors is clipped
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		if len(s) > MaxLength {
			t.Fatalf("Parse accepted %d bytes", len(s))
		}
		c := format(p)
		if n := canonicalLen(p); n != len(c) {
			t.Fatalf("canonicalLen = %d, len(%q) = %d", n, c, len(c))
		}
		for i := 0; i < len(c); i++ {
			if c[i] <= ' ' || c[i] >= utf8.RuneSelf {
				t.Fatalf("canonical form %q holds byte %#x", c, c[i])
			}
		}
		if !strings.HasPrefix(c, "pkg:"+p.Type+"/") {
			t.Fatalf("canonical form %q does not start with its type", c)
		}
		q, err := Parse(c)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", c, s, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("%q parses to %#v, its canonical form %q to %#v", s, p, c, q)
		}
		if again := format(q); again != c {
			t.Fatalf("canonical form not stable: %q then %q", c, again)
		}
		if ts := p.ToString(); p.Type != typeGit && ts != c {
			t.Fatalf("packageurl-go renders %q as %q, Canonical as %q", s, ts, c)
		}
		if p.Name == "" {
			t.Fatalf("%q parsed with an empty name", s)
		}
	})
}

// FuzzToOSV checks that ToOSV never panics on a parsed purl, and that what
// it returns is either a complete set of coordinates or an error.
func FuzzToOSV(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		co, err := ToOSV(p)
		if err != nil {
			if co != (Coordinates{}) {
				t.Fatalf("ToOSV(%q) returned %+v with error %v", s, co, err)
			}
			if err.Error() == "" {
				t.Fatalf("ToOSV(%q): empty error", s)
			}
			return
		}
		if co.Ecosystem == "" || co.Name == "" || co.Version == "" {
			t.Fatalf("ToOSV(%q) = %+v: incomplete coordinates", s, co)
		}
		// The same purl in canonical form maps to the same coordinates.
		q, err := Parse(format(p))
		if err != nil {
			t.Fatalf("canonical form of %q does not parse: %v", s, err)
		}
		if co2, err := ToOSV(q); err != nil || co2 != co {
			t.Fatalf("ToOSV of %q = %+v, of its canonical form %+v, %v", s, co, co2, err)
		}
	})
}
