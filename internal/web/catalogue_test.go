package web

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// dynamicKeys are the families of keys the templates build at run time
// (printf "sev.%s" ...), with every value they can take.
var dynamicKeys = map[string][]string{
	"sev.":             {"critical", "high", "medium", "low", "none", "unknown"},
	"role.":            {"owner", "editor", "viewer"},
	"cra.":             {"manufacturer", "importer", "distributor"},
	"lifecycle.":       {"development", "on_market", "end_of_support"},
	"state.":           {"open", "resolved", "all"},
	"sort.":            {"kev", "severity", "epss", "first_seen"},
	"event.":           {"new", "changed", "exploited", "severity_changed", "fix_available", "resolved", "withdrawn", "analysis", "analysis_review"},
	"month.":           {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
	"quality.profile_": {"cra", "ntia"},
	"qcheck.": {"sbom-author", "sbom-creator", "sbom-timestamp", "sbom-dependencies", "component-supplier",
		"component-creator", "component-name", "component-version", "component-identifier", "component-hash",
		"component-license", "component-dependencies"},
	"notice.": {"created", "saved", "revoked", "signed_out", "password_changed", "role_changed", "uploaded", "member_added",
		"aware", "closed", "submitted"},
	"casestate.":    {"assessment", "aware", "reported", "closed"},
	"casekind.":     {"aev", "si"},
	"stage.":        {"early_warning", "notification", "intermediate", "final_report"},
	"srpstatus.":    {"required", "optional", "copied", "required_if_available"},
	"case.origin_":  {"automatic", "manual"},
	"profile.role_": {"primary", "secondary"},
	"cratype.":      {"default", "important", "critical"},
	"craclass.":     {"class_i", "class_ii"},
	"ms.": {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
		"LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"},
	"triage.status_":      {"none", "under_investigation", "affected", "not_affected", "fixed"},
	"triage.status_help_": {"under_investigation", "affected", "not_affected", "fixed"},
	"triage.just_": {"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
		"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"},
	"triage.just_help_": {"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
		"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"},
	"triage.response_":   {"can_not_fix", "will_not_fix", "update", "rollback", "workaround_available"},
	"triage.scope_":      {"version", "product", "organisation"},
	"triage.scope_help_": {"version", "product", "organisation"},
	// Localizer.arg: a decision's scope inside a sentence.
	"triage.scope_word_": {"version", "product", "organisation"},
	"triage.vex_format_": {"openvex", "cyclonedx", "cyclonedx-xml", "csaf"},
	"triage.filter_":     {"none", "under_investigation", "affected", "not_affected", "fixed", "actionable", "review"},
	// Localizer.LogAction: the actions of the case log.
	"case.log_": {"opened", "awareness", "fix", "intermediate_requested", "owner", "title", "statement", "closed", "submission",
		"version_added", "reopened"},
}

// templateKeyRe finds the static keys of the templates: .L.T "key",
// $L.T "key", .L.N "key" (a plural: key.one and key.other).
var templateKeyRe = regexp.MustCompile(`\.(T|N) "([a-z0-9_.-]+)"`)

// goKeyRe recognises a string literal of the Go code that is a message key.
var goKeyRe = regexp.MustCompile(`^(form|error|login|setup|account|upload|notice|keys|dashboard|findings|products|product_new|versions|feeds|kb|settings|components|time|notifications|cases|case|case_new|draft|profile|dur|triage)\.[a-z0-9_.]+$`)

// usedKeys collects every key the templates and the Go code use.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range templateKeyRe.FindAllStringSubmatch(string(b), -1) {
			if m[1] == "N" {
				used[m[2]+".one"], used[m[2]+".other"] = p, p
			} else {
				used[m[2]] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && goKeyRe.MatchString(s) {
				// N("time.minutes_ago") uses the plural forms.
				if strings.HasSuffix(s, "_ago") {
					used[s+".one"], used[s+".other"] = f, f
				} else {
					used[s] = f
				}
			}
			return true
		})
	}
	for prefix, vals := range dynamicKeys {
		for _, v := range vals {
			used[prefix+v] = "dynamic"
		}
	}
	for code, where := range sentenceCodes(t) {
		used["msg."+code] = where
	}
	return used
}

// sentencePackages are the packages whose generated sentences (package
// msg) the web application shows, relative to this one.
var sentencePackages = []string{".", "../cases", "../triage", "../vexchange", "../portfolio", "../vex", "../model",
	"../findings", "../reporting/srp", "../sbom"}

// codeRe is the form of a sentence's code.
var codeRe = regexp.MustCompile(`^[a-z]+\.[a-z0-9_]+$`)

// sentenceCodes finds the codes of the sentences of sentencePackages: a
// string literal of the code's form as an argument of a call whose next
// argument is a string literal too (the English format: msg.New,
// msg.Errorf and the packages' helpers around them).
func sentenceCodes(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range sentencePackages {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s (%v)", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				for i := 0; i+1 < len(call.Args); i++ {
					code, ok1 := call.Args[i].(*ast.BasicLit)
					format, ok2 := call.Args[i+1].(*ast.BasicLit)
					if !ok1 || !ok2 || code.Kind != token.STRING || format.Kind != token.STRING {
						continue
					}
					// The web package's own calls with two literals are
					// mostly keys with a detail; its sentences are "web.…".
					if s, err := strconv.Unquote(code.Value); err == nil && codeRe.MatchString(s) && (dir != "." || strings.HasPrefix(s, "web.")) {
						out[s] = f
					}
				}
				return true
			})
		}
	}
	return out
}

// verbs counts the fmt verbs of a text (%s, %d, %[2]s ...).
var verbRe = regexp.MustCompile(`%(\[\d+\])?[sdvf]`)

// catalogueProblems lists what is wrong with catalogues given the keys in
// use: a language lacking a key of another, an empty text, texts taking
// different numbers of arguments, a used key absent from a catalogue, a
// catalogue key nothing uses.
func catalogueProblems(c Catalogues, used map[string]string) []string {
	var out []string
	for _, a := range Languages {
		for _, b := range Languages {
			for k := range c[a] {
				if _, ok := c[b][k]; !ok {
					out = append(out, fmt.Sprintf("%s: key %q of %s is missing", b, k, a))
				}
			}
		}
		for k, v := range c[a] {
			if strings.TrimSpace(v) == "" {
				out = append(out, fmt.Sprintf("%s: %q is empty", a, k))
			}
			if n, m := len(verbRe.FindAllString(v, -1)), len(verbRe.FindAllString(c[Languages[0]][k], -1)); n != m {
				out = append(out, fmt.Sprintf("%s: %q takes %d arguments, English %d", a, k, n, m))
			}
		}
	}
	for k, where := range used {
		for _, lang := range Languages {
			if _, ok := c[lang][k]; !ok {
				out = append(out, fmt.Sprintf("%s uses %q, missing in %s", where, k, lang))
			}
		}
	}
	for k := range c[Languages[0]] {
		if _, ok := used[k]; !ok {
			out = append(out, fmt.Sprintf("catalogue key %q is used nowhere", k))
		}
	}
	sort.Strings(out)
	return out
}

// TestCatalogues: the catalogues are complete in both languages and match
// the keys the templates and the code use.
func TestCatalogues(t *testing.T) {
	c, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range catalogueProblems(c, usedKeys(t)) {
		t.Error(p)
	}
}

// TestCataloguesCatchMissing checks that the check notices a key missing
// in Italian, a key a template uses that no catalogue has, and Italian
// text taking a different number of arguments.
func TestCataloguesCatchMissing(t *testing.T) {
	c, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	used := usedKeys(t)
	delete(c["it"], "nav.products")
	used["nav.nonexistent"] = "templates/layout.html"
	c["it"]["pager.page"] = "Pagina %s"
	got := strings.Join(catalogueProblems(c, used), "\n")
	for _, want := range []string{`it: key "nav.products" of en is missing`, `uses "nav.nonexistent", missing in en`,
		`it: "pager.page" takes 1 arguments, English 2`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
