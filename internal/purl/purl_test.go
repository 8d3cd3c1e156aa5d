package purl

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/testutil"
)

// suiteCase is one case of the purl-spec test suite
// (schemas/purl-test.schema-0.2.json).
type suiteCase struct {
	Description     string          `json:"description"`
	TestGroup       string          `json:"test_group"`
	TestType        string          `json:"test_type"`
	Input           json.RawMessage `json:"input"`
	ExpectedOutput  json.RawMessage `json:"expected_output"`
	ExpectedFailure bool            `json:"expected_failure"`
}

// suiteComponents are decoded purl components as the suite writes them;
// every field may be null.
type suiteComponents struct {
	Type       *string           `json:"type"`
	Namespace  *string           `json:"namespace"`
	Name       *string           `json:"name"`
	Version    *string           `json:"version"`
	Qualifiers map[string]string `json:"qualifiers"`
	Subpath    *string           `json:"subpath"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (c suiteComponents) purl() packageurl.PackageURL {
	p := packageurl.PackageURL{
		Type: str(c.Type), Namespace: str(c.Namespace), Name: str(c.Name),
		Version: str(c.Version), Subpath: str(c.Subpath),
	}
	for _, k := range slices.Sorted(maps.Keys(c.Qualifiers)) {
		p.Qualifiers = append(p.Qualifiers, packageurl.Qualifier{Key: k, Value: c.Qualifiers[k]})
	}
	return p
}

// build renders purl components as a canonical string, as the suite's
// "build" cases do.
func build(p packageurl.PackageURL) (string, error) {
	if err := normalize(&p); err != nil {
		return "", err
	}
	return format(p), nil
}

// deliberateSkip is a suite case rocca deliberately does not follow.
type deliberateSkip struct {
	file, testType, input, reason string
}

// TestPurlSpecSuite runs every case of the official purl-spec test suite
// (tests/spec/specification-test.json and tests/types/*-test.json).
func TestPurlSpecSuite(t *testing.T) {
	root := filepath.Join(testutil.Corpora(t), "purl-spec", "tests")
	files, err := filepath.Glob(filepath.Join(root, "types", "*-test.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "spec", "specification-test.json")}, files...)

	// Cases rocca deliberately does not follow. Each one must still be
	// failing (otherwise the entry is stale and the test fails).
	skips := []deliberateSkip{
		{
			file: "gem-test.json", testType: "parse", input: `"pkg:gem/jruby-launcher@1.1.2?Platform=java"`,
			reason: "expects a parse failure for an uppercase qualifier key, but the validate case of the same " +
				"input in this file, the maven cases and how-to-parse (\"the key is the lowercase left side\") " +
				"accept and lowercase it; rocca is lenient and lowercases",
		},
		{
			file: "rpm-test.json", testType: "parse", input: `"pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25"`,
			reason: "same contradiction as the gem case: the validate case of the same input expects it to be " +
				"accepted with lowercased keys",
		},
		{
			file: "git-test.json", testType: "validate", input: `"pkg:git/github/Package-url/purl-Spec@244fd47e07d1004f0aed9c"`,
			reason: "expects namespace and name lowercased, but git-definition.json declares both case-sensitive " +
				"(its own example pkg:git/gitlab.gnome.org/GNOME/adwaita-fonts), and repository paths on a " +
				"git host generally are; rocca keeps the case",
		},
	}
	used := make([]bool, len(skips))

	var total, passed, skipped int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var suite struct {
			Tests []suiteCase `json:"tests"`
		}
		if err := json.Unmarshal(data, &suite); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		base := filepath.Base(file)
		for i, tc := range suite.Tests {
			total++
			problem := runSuiteCase(tc)
			skip := -1
			for j, s := range skips {
				if s.file == base && s.testType == tc.TestType && s.input == string(tc.Input) {
					skip = j
				}
			}
			switch {
			case skip >= 0 && problem == "":
				t.Errorf("%s #%d (%s %s): listed as deliberately skipped but passes; remove the entry", base, i, tc.TestType, tc.Input)
			case skip >= 0:
				used[skip] = true
				skipped++
				t.Logf("deliberately skipped %s #%d (%s %s): %s", base, i, tc.TestType, tc.Input, skips[skip].reason)
			case problem != "":
				t.Errorf("%s #%d %s %q, %s: %s", base, i, tc.TestType, tc.Description, tc.Input, problem)
			default:
				passed++
			}
		}
	}
	for j, s := range skips {
		if !used[j] {
			t.Errorf("deliberate skip of %s %s %s matched no failing case", s.file, s.testType, s.input)
		}
	}
	t.Logf("purl-spec suite: %d cases, %d passed, %d deliberately skipped, %d failed", total, passed, skipped, total-passed-skipped)
	if total == 0 {
		t.Fatal("no purl-spec cases found")
	}
	if passed+skipped != total {
		t.Errorf("purl-spec suite: %d of %d cases neither passed nor were deliberately skipped", total-passed-skipped, total)
	}
}

// runSuiteCase runs one case and returns what went wrong, or "".
func runSuiteCase(tc suiteCase) string {
	switch tc.TestType {
	case "parse":
		var in string
		if err := json.Unmarshal(tc.Input, &in); err != nil {
			return "bad input: " + err.Error()
		}
		p, err := Parse(in)
		if tc.ExpectedFailure {
			if err == nil {
				return "parsed, want an error; got " + format(p)
			}
			return ""
		}
		if err != nil {
			return "error: " + err.Error()
		}
		var want suiteComponents
		if err := json.Unmarshal(tc.ExpectedOutput, &want); err != nil {
			return "bad expected_output: " + err.Error()
		}
		got := suiteComponents{
			Type: &p.Type, Namespace: &p.Namespace, Name: &p.Name, Version: &p.Version, Subpath: &p.Subpath,
			Qualifiers: p.Qualifiers.Map(),
		}
		if problem := compareComponents(got, want); problem != "" {
			return problem
		}
		return ""
	case "validate", "roundtrip":
		var in, want string
		if err := json.Unmarshal(tc.Input, &in); err != nil {
			return "bad input: " + err.Error()
		}
		got, err := Canonical(in)
		if tc.ExpectedFailure {
			if err == nil {
				return "canonicalised to " + got + ", want an error"
			}
			return ""
		}
		if err != nil {
			return "error: " + err.Error()
		}
		if err := json.Unmarshal(tc.ExpectedOutput, &want); err != nil {
			return "bad expected_output: " + err.Error()
		}
		if got != want {
			return "got " + got + ", want " + want
		}
		return ""
	case "build":
		var in suiteComponents
		if err := json.Unmarshal(tc.Input, &in); err != nil {
			return "bad input: " + err.Error()
		}
		got, err := build(in.purl())
		if tc.ExpectedFailure {
			if err == nil {
				return "built " + got + ", want an error"
			}
			return ""
		}
		if err != nil {
			return "error: " + err.Error()
		}
		var want string
		if err := json.Unmarshal(tc.ExpectedOutput, &want); err != nil {
			return "bad expected_output: " + err.Error()
		}
		if got != want {
			return "got " + got + ", want " + want
		}
		// A built purl must parse back to the same canonical form.
		if again, err := Canonical(got); err != nil || again != got {
			return "built " + got + " does not round-trip: " + again
		}
		return ""
	}
	return "unknown test_type " + tc.TestType
}

func compareComponents(got, want suiteComponents) string {
	var diffs []string
	for _, f := range []struct {
		name      string
		got, want *string
	}{
		{"type", got.Type, want.Type},
		{"namespace", got.Namespace, want.Namespace},
		{"name", got.Name, want.Name},
		{"version", got.Version, want.Version},
		{"subpath", got.Subpath, want.Subpath},
	} {
		if str(f.got) != str(f.want) {
			diffs = append(diffs, f.name+" "+str(f.got)+" want "+str(f.want))
		}
	}
	if len(got.Qualifiers) != 0 || len(want.Qualifiers) != 0 {
		if !reflect.DeepEqual(got.Qualifiers, want.Qualifiers) {
			g, _ := json.Marshal(got.Qualifiers)
			w, _ := json.Marshal(want.Qualifiers)
			diffs = append(diffs, "qualifiers "+string(g)+" want "+string(w))
		}
	}
	return strings.Join(diffs, "; ")
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want packageurl.PackageURL
	}{
		{"pkg:npm/%40angular/core@17.0.0", packageurl.PackageURL{Type: "npm", Namespace: "@angular", Name: "core", Version: "17.0.0"}},
		{"pkg:npm/@babel/core@7.23.0", packageurl.PackageURL{Type: "npm", Namespace: "@babel", Name: "core", Version: "7.23.0"}},
		{"PKG:NPM/lodash@4.17.21", packageurl.PackageURL{Type: "npm", Name: "lodash", Version: "4.17.21"}},
		{"pkg:pypi/Flask_Login@0.6.3", packageurl.PackageURL{Type: "pypi", Name: "flask-login", Version: "0.6.3"}},
		{"pkg:pypi/zope.interface@6.0", packageurl.PackageURL{Type: "pypi", Name: "zope.interface", Version: "6.0"}},
		{"pkg:golang/github.com/BurntSushi/toml@v1.3.2", packageurl.PackageURL{Type: "golang", Namespace: "github.com/BurntSushi", Name: "toml", Version: "v1.3.2"}},
		{"pkg:golang/stdlib@go1.21.0", packageurl.PackageURL{Type: "golang", Name: "stdlib", Version: "go1.21.0"}},
		{"pkg:deb/Debian/OpenSSL@1.1.1n-0%2Bdeb11u4?Distro=debian-11&arch=amd64", packageurl.PackageURL{
			Type: "deb", Namespace: "debian", Name: "openssl", Version: "1.1.1n-0+deb11u4",
			Qualifiers: packageurl.Qualifiers{{Key: "arch", Value: "amd64"}, {Key: "distro", Value: "debian-11"}},
		}},
		{"pkg:generic/a?b=&c=1&&d=x%26y", packageurl.PackageURL{
			Type: "generic", Name: "a", Qualifiers: packageurl.Qualifiers{{Key: "c", Value: "1"}, {Key: "d", Value: "x&y"}},
		}},
		{"pkg:generic/a#./x/../y/", packageurl.PackageURL{Type: "generic", Name: "a", Subpath: "x/y"}},
		{"pkg:generic/a+b@1+2", packageurl.PackageURL{Type: "generic", Name: "a+b", Version: "1+2"}},
		{"pkg:generic/ns/name/", packageurl.PackageURL{Type: "generic", Namespace: "ns", Name: "name"}},
		{"pkg:cpan/drolsky/DateTime@1.55", packageurl.PackageURL{Type: "cpan", Namespace: "DROLSKY", Name: "DateTime", Version: "1.55"}},
		{"pkg:pub/Flutter-Svg@2.0.0", packageurl.PackageURL{Type: "pub", Name: "flutter_svg", Version: "2.0.0"}},
		{"pkg:git/codeberg.org/forgejo/forgejo@a72d2c", packageurl.PackageURL{Type: "git", Namespace: "codeberg.org", Name: "forgejo/forgejo", Version: "a72d2c"}},
		{"pkg:generic/%C3%A9t%C3%A9@1", packageurl.PackageURL{Type: "generic", Name: "été", Version: "1"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `purl "": missing the "pkg:" scheme`},
		{"npm/lodash@1", `missing the "pkg:" scheme`},
		{"pkg%3Anpm/lodash", `missing the "pkg:" scheme`},
		{"pkg:", "missing type"},
		{"pkg:npm", "missing name"},
		{"pkg:npm/", "missing name"},
		{"pkg:maven/@1.3.4", `purl "pkg:maven/@1.3.4": missing name`},
		{"pkg:swift/github.com/Alamofire/@5.4.3", "missing name"},
		{"pkg:3d/x", `type "3d" must start with an ASCII letter`},
		{"pkg:a_b/x", `type "a_b" holds '_'`},
		{"pkg:npm/a@1?in%20production=true", `qualifier key "in%20production" holds '%'`},
		{"pkg:npm/a@1?1x=y", `qualifier key "1x" must start with an ASCII letter`},
		{"pkg:npm/a@1?=y", "qualifier with an empty key"},
		{"pkg:npm/a@1?k=1&K=2", `qualifier "k" appears more than once`},
		{"pkg:npm/a%zz", `name: invalid percent-encoding "%zz"`},
		{"pkg:npm/a@1%2", `version: invalid percent-encoding "%2"`},
		{"pkg:npm/a?k=%", `qualifier "k": invalid percent-encoding "%"`},
		{"pkg:npm/a#b%", `subpath: invalid percent-encoding "%"`},
		{"pkg:npm/a#b%2Fc", `subpath segment "b%2Fc" holds an encoded '/'`},
		{"pkg:generic/a%2Fb/c", `namespace segment "a%2Fb" holds an encoded '/'`},
		{"pkg:npm/a%FF", "name is not valid UTF-8"},
		{"pkg:npm/a b", "unencoded space or control character at byte 9"},
		{"pkg:npm/a\n", "unencoded space or control character at byte 9"},
		{"pkg:cargo/rust-lang/rand@1", `type "cargo" does not allow a namespace, got "rust-lang"`},
		{"pkg:maven/commons-io@2.6", `type "maven" needs a namespace`},
		{"pkg:julia/Dates@1.9.0", "a julia purl needs a uuid qualifier"},
		{"pkg:cpan/URI::PackageURL", "cpan name \"URI::PackageURL\" is a module name"},
		{"pkg:chrome-extension/dogs", "not an extension id"},
		{"pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@1.2.3-beta", "not 1 to 4 dot-separated integers"},
		{"pkg:cocoapods/.hidden@1", "cocoapods name \".hidden\" may not start with '.'"},
		{"pkg:swid/a/b/c/d@1?tag_id=x", "more than two segments"},
		{"pkg:swid/c@1", "needs a tag_id qualifier"},
		{"pkg:npm/" + strings.Repeat("a", MaxLength), "longer than the 4096-byte limit"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error containing %q", tt.in, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if !strings.HasPrefix(err.Error(), "purl ") {
			t.Errorf("Parse(%q) error = %q, want it to name the purl", tt.in, err)
		}
		if len(err.Error()) > 600 {
			t.Errorf("Parse(%q) error is %d bytes long", clip(tt.in, 20), len(err.Error()))
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pkg:npm/@babel/core#/googleapis/api/annotations/", "pkg:npm/%40babel/core#googleapis/api/annotations"},
		{"pkg://maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io"},
		{"pkg:brew/node@20@20.10.0", "pkg:brew/node%4020@20.10.0"},
		{"pkg:docker/customer/img@sha256%3Aabc?repository_url=gcr.io", "pkg:docker/customer/img@sha256:abc?repository_url=gcr.io"},
		{"pkg:generic/x?download_url=https://e.org/a%20b?c=d", "pkg:generic/x?download_url=https:%2F%2Fe.org%2Fa%20b%3Fc%3Dd"},
		{"pkg:generic/x@1#a//b/./c", "pkg:generic/x@1#a/b/c"},
		{"pkg:generic/a~b_c.d-e:f", "pkg:generic/a~b_c.d-e:f"},
		{"pkg:generic/a!b*c(d)", "pkg:generic/a%21b%2Ac%28d%29"},
		{"pkg:generic/%C3%A9t%C3%A9", "pkg:generic/%C3%A9t%C3%A9"},
		{"pkg:generic/été", "pkg:generic/%C3%A9t%C3%A9"},
		{"pkg:golang/github.com/BurntSushi/toml@v1.3.2", "pkg:golang/github.com/BurntSushi/toml@v1.3.2"},
		{"pkg:mlflow/Model@1?repository_url=https://x.azuredatabricks.net", "pkg:mlflow/model@1?repository_url=https:%2F%2Fx.azuredatabricks.net"},
		{"pkg:mlflow/Model@1", "pkg:mlflow/Model@1"},
		{"pkg:huggingface/EleutherAI/gpt@ABCDEF", "pkg:huggingface/EleutherAI/gpt@abcdef"},
		{"pkg:git//codeberg.org//forgejo//forgejo/", "pkg:git/codeberg.org/forgejo/forgejo"},
	}
	for _, tt := range tests {
		got, err := Canonical(tt.in)
		if err != nil {
			t.Errorf("Canonical(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again, err := Canonical(got); err != nil || again != got {
			t.Errorf("Canonical(%q) = %q, not idempotent (%v)", got, again, err)
		}
	}
}

// TestCanonicalMatchesToString checks the claim of the package documentation
// that, but for git, the parsed value's own ToString is canonical as well.
func TestCanonicalMatchesToString(t *testing.T) {
	for _, s := range []string{
		"pkg:npm/@babel/core@7.0.0?b=2&a=1#x/y",
		"pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64",
		"pkg:generic/bitwarderl?vcs_url=git%2Bhttps://git.fsfe.org/dxtr/bitwarderl%40cc55108da32",
		"pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
	} {
		p, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.ToString(), format(p); got != want {
			t.Errorf("%s: ToString %q, Canonical %q", s, got, want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u4?arch=amd64&distro=debian-11"); err != nil {
			b.Fatal(err)
		}
	}
}
