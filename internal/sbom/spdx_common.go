package sbom

import (
	"fmt"
	"strings"
	"unicode"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/purl"
)

// formatSPDX is model.SBOM.Format for SPDX documents (2.x and 3.x).
const formatSPDX = "SPDX"

// maxWarnings bounds the warnings one document collects: a document with
// a million dangling relationships says so in a few lines.
const maxWarnings = 50

// warnList collects a document's warnings, at most maxWarnings of them.
type warnList struct {
	list    []string
	dropped int
}

func (w *warnList) add(format string, args ...any) {
	if len(w.list) >= maxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

// result returns the warnings, ending with how many were left out.
func (w *warnList) result() []string {
	if w.dropped > 0 {
		return append(w.list, fmt.Sprintf("… and %d more warnings", w.dropped))
	}
	return w.list
}

// spdxPurposes maps SPDX package purposes, SPDX 2 (OPERATING-SYSTEM) and
// SPDX 3 (operatingSystem) spellings alike, to model component types: the
// CycloneDX type names where one means the same thing. Keys are lower
// case without '-' or '_'.
var spdxPurposes = map[string]string{
	"application":     "application",
	"executable":      "application",
	"framework":       "framework",
	"library":         "library",
	"container":       "container",
	"operatingsystem": "operating-system",
	"device":          "device",
	"devicedriver":    "device-driver",
	"firmware":        "firmware",
	"file":            "file",
	"platform":        "platform",
	"model":           "machine-learning-model",
	"data":            "data",
}

// spdxPurposeType returns the model type for an SPDX primary purpose.
// Purposes with no CycloneDX counterpart (SOURCE, ARCHIVE, INSTALL, OTHER,
// SPDX 3's documentation, test, patch...) are kept in lower-case
// kebab-case ("source", "filesystem-image"), so nothing is lost; the
// CycloneDX converter turns types it does not know into "library".
func spdxPurposeType(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	// The key drops '-' and '_' (a Replacer built per call cost a fifth
	// of mapping a large document).
	key := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return -1
		}
		return r
	}, strings.ToLower(p))
	if t, ok := spdxPurposes[key]; ok {
		return t
	}
	var b strings.Builder
	for i, r := range p {
		switch {
		case r == '_' || r == ' ':
			b.WriteByte('-')
		case unicode.IsUpper(r) && i > 0 && !unicode.IsUpper(rune(p[i-1])) && p[i-1] != '-' && p[i-1] != '_':
			b.WriteByte('-')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return clip(b.String(), 64)
}

// spdxDerivePURL makes a purl from an SPDX 2 PACKAGE-MANAGER external
// reference whose locator names the package unambiguously in its
// registry's own notation:
//
//   - maven-central "group:artifact:version" → pkg:maven/group/artifact@version
//   - npm "name@version", "@scope/name@version" → pkg:npm/name@version
//   - nuget "name/version" → pkg:nuget/name@version
//   - bower "name#version" → pkg:bower/name@version
//
// A locator without a version takes the package's version when it has
// one. Other reference types (and locators that do not have the expected
// shape, or give a purl rocca cannot parse) derive nothing.
func spdxDerivePURL(refType, locator, version string) (string, bool) {
	locator = strings.TrimSpace(locator)
	var typ, ns, name, ver string
	switch strings.ToLower(refType) {
	case "maven-central":
		parts := strings.Split(locator, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return "", false
		}
		typ, ns, name = packageurl.TypeMaven, parts[0], parts[1]
		if len(parts) == 3 {
			ver = parts[2]
		}
	case "npm":
		typ = packageurl.TypeNPM
		name = locator
		if at := strings.LastIndexByte(locator, '@'); at > 0 {
			name, ver = locator[:at], locator[at+1:]
		}
		if scope, rest, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(scope, "@") {
			ns, name = scope, rest
		}
	case "nuget":
		typ = packageurl.TypeNuget
		name = locator
		if n, v, ok := strings.Cut(locator, "/"); ok {
			name, ver = n, v
		}
	case "bower":
		typ = "bower"
		name = locator
		if n, v, ok := strings.Cut(locator, "#"); ok {
			name, ver = n, v
		}
	default:
		return "", false
	}
	if ver == "" {
		ver = version
	}
	if name == "" || strings.ContainsAny(name, " /:@#") || (typ == packageurl.TypeMaven && ns == "") {
		return "", false
	}
	s := packageurl.NewPackageURL(typ, ns, name, ver, nil, "").ToString()
	if _, err := purl.Parse(s); err != nil {
		return "", false
	}
	return s, true
}

// addLicense appends expression e to list unless it is empty, NOASSERTION,
// NONE or already listed.
func addLicense(list []string, e string) []string {
	e = strings.TrimSpace(e)
	if e == "" || e == "NOASSERTION" || e == "NONE" {
		return list
	}
	for _, l := range list {
		if l == e {
			return list
		}
	}
	return append(list, e)
}

// graph accumulates dependency edges in first-seen order, without
// duplicates.
type graph struct {
	order []string
	deps  map[string][]string
	seen  map[[2]string]bool
}

func newGraph() *graph {
	return &graph{deps: map[string][]string{}, seen: map[[2]string]bool{}}
}

func (g *graph) add(from, to string) {
	if from == to || g.seen[[2]string{from, to}] {
		return
	}
	g.seen[[2]string{from, to}] = true
	if _, ok := g.deps[from]; !ok {
		g.order = append(g.order, from)
	}
	g.deps[from] = append(g.deps[from], to)
}

// dependencies returns the graph in model form.
func (g *graph) dependencies() []model.Dependency {
	if len(g.order) == 0 {
		return nil
	}
	out := make([]model.Dependency, 0, len(g.order))
	for _, ref := range g.order {
		out = append(out, model.Dependency{Ref: ref, DependsOn: g.deps[ref]})
	}
	return out
}
