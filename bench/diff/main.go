// Command diff compares the findings of rocca and osv-scanner on one SBOM.
//
//	go run ./bench/diff -sbom S.cdx.json -rocca rocca.json -osv osv.json \
//	    [-osv-log osv.stderr] [-zips DIR] [-import-report import.json] \
//	    [-out diffs.tsv] [-summary summary.json] [-max 40]
//
// Both results are reduced to pairs (component purl without qualifiers or
// subpath, advisory id): for rocca, each finding's advisories[] (the
// records whose ranges matched; the alias group in vulnerability.ids is
// not used, so that a merged group does not count as several matches);
// for osv-scanner, each package's vulnerabilities[].id. osv-scanner's
// output names packages by (ecosystem, name, version) and not by purl, so
// its packages are mapped back to the SBOM's components.
//
// Each difference is given a class explaining it where the inputs allow:
// the OSV record (read from -zips), osv-scanner's log (-osv-log: which
// purls it rejected), rocca's unmatched list and import report.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

type options struct {
	sbom, rocca, osv, osvLog, zips, importReport string
	out, summary, label                          string
	other                                        string
	max                                          int
}

func main() {
	var o options
	flag.StringVar(&o.sbom, "sbom", "", "the CycloneDX JSON SBOM both tools scanned (required)")
	flag.StringVar(&o.rocca, "rocca", "", "rocca scan --format json output (required)")
	flag.StringVar(&o.osv, "osv", "", "osv-scanner --format json output (required; --all-packages helps classification)")
	flag.StringVar(&o.osvLog, "osv-log", "", "osv-scanner's standard error, to see which purls it rejected")
	flag.StringVar(&o.zips, "zips", "", "directory of the OSV zips, to read the records behind differences")
	flag.StringVar(&o.importReport, "import-report", "", "rocca db import --json output")
	flag.StringVar(&o.out, "out", "", "write every difference here (TSV)")
	flag.StringVar(&o.summary, "summary", "", "write counts here (JSON)")
	flag.StringVar(&o.label, "label", "", "name printed in the summary (default: the SBOM's file name)")
	flag.IntVar(&o.max, "max", 40, "differences printed per side")
	flag.StringVar(&o.other, "other", "osv-scanner", "name of the tool that wrote -osv (e.g. \"osv-scalibr engine\" for bench/refmatch output)")
	flag.Parse()
	if o.sbom == "" || o.rocca == "" || o.osv == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if o.label == "" {
		o.label = filepath.Base(o.sbom)
	}
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
}

// ---- SBOM ----

type cdxComponent struct {
	BOMRef     string         `json:"bom-ref"`
	Group      string         `json:"group"`
	Name       string         `json:"name"`
	Version    string         `json:"version"`
	PURL       string         `json:"purl"`
	Components []cdxComponent `json:"components"`
}

type sbomInfo struct {
	comps []cdxComponent
	// byKey maps osv-scanner's (ecosystem, name, version) spellings of a
	// component to its purl key(s).
	byKey  map[string][]string
	byPURL map[string]cdxComponent
}

func readSBOM(path string) (*sbomInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var doc struct {
		Metadata struct {
			Component *cdxComponent `json:"component"`
		} `json:"metadata"`
		Components []cdxComponent `json:"components"`
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &sbomInfo{byKey: map[string][]string{}, byPURL: map[string]cdxComponent{}}
	var walk func([]cdxComponent)
	walk = func(cs []cdxComponent) {
		for _, c := range cs {
			if c.PURL != "" {
				s.comps = append(s.comps, c)
			}
			walk(c.Components)
		}
	}
	walk(doc.Components)
	for _, c := range s.comps {
		k := purlKey(c.PURL)
		if _, ok := s.byPURL[k]; !ok {
			s.byPURL[k] = c
		}
		eco := ecosystemOfType(purlType(c.PURL))
		for _, n := range nameVariants(c, eco) {
			for _, v := range versionVariants(c) {
				// "*" serves packages osv-scanner reports without an
				// ecosystem (purl types it has none for).
				for _, e := range []string{eco, "*"} {
					key := e + "\x00" + n + "\x00" + v
					if !contains(s.byKey[key], k) {
						s.byKey[key] = append(s.byKey[key], k)
					}
				}
			}
		}
	}
	return s, nil
}

// purlKey is a purl without qualifiers and subpath.
func purlKey(p string) string {
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p = p[:i]
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

func purlType(p string) string {
	p = strings.TrimPrefix(strings.ToLower(p), "pkg:")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}

// ecosystemOfType is the base OSV ecosystem osv-scanner reports for a purl
// type ("" when none).
func ecosystemOfType(t string) string {
	return map[string]string{
		"golang": "Go", "pypi": "PyPI", "cargo": "crates.io", "npm": "npm",
		"composer": "Packagist", "bitnami": "Bitnami", "rpm": "", "julia": "Julia",
		"hackage": "Hackage", "haskell": "Hackage", "cran": "CRAN", "nuget": "NuGet",
		"gem": "RubyGems", "maven": "Maven", "opam": "opam", "pub": "Pub", "hex": "Hex",
		"conan": "ConanCenter", "swift": "SwiftURL",
	}[t]
}

var pep503re = regexp.MustCompile(`[-_.]+`)

func pep503(name string) string {
	return strings.ToLower(pep503re.ReplaceAllString(name, "-"))
}

func nameVariants(c cdxComponent, eco string) []string {
	out := []string{c.Name}
	add := func(s string) {
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	if c.Group != "" {
		add(c.Group + "/" + c.Name)
		add(c.Group + ":" + c.Name)
	}
	switch eco {
	case "PyPI":
		add(pep503(c.Name))
	case "Go":
		if c.Name == "go" || c.Name == "std" {
			add("stdlib")
		}
	}
	return out
}

func versionVariants(c cdxComponent) []string {
	out := []string{c.Version}
	if i := strings.LastIndexByte(purlKey(c.PURL), '@'); i >= 0 {
		v := purlKey(c.PURL)[i+1:]
		if u, err := unescape(v); err == nil && !contains(out, u) {
			out = append(out, u)
		}
	}
	for _, v := range append([]string(nil), out...) {
		for _, p := range []string{"v", "go"} {
			if t := strings.TrimPrefix(v, p); t != v && !contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			var x byte
			for _, c := range []byte(s[i+1 : i+3]) {
				x <<= 4
				switch {
				case '0' <= c && c <= '9':
					x |= c - '0'
				case 'a' <= c && c <= 'f':
					x |= c - 'a' + 10
				case 'A' <= c && c <= 'F':
					x |= c - 'A' + 10
				default:
					return "", errors.New("bad escape")
				}
			}
			b.WriteByte(x)
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// ---- results ----

type pair struct{ purl, id string }

type roccaSide struct {
	pairs map[pair]bool
	// groupIDs are the ids of the alias groups reported per purl.
	groupIDs  map[string]map[string]bool
	unmatched map[string]string
	findings  int
	comps     int
}

func readRocca(path string) (*roccaSide, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var res model.ScanResult
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &roccaSide{pairs: map[pair]bool{}, groupIDs: map[string]map[string]bool{}, unmatched: map[string]string{}, findings: len(res.Findings), comps: res.Components}
	for _, fd := range res.Findings {
		k := componentKey(fd.Component)
		for _, id := range fd.Advisories {
			r.pairs[pair{k, id}] = true
		}
		if r.groupIDs[k] == nil {
			r.groupIDs[k] = map[string]bool{}
		}
		for _, id := range fd.Vulnerability.IDs {
			r.groupIDs[k][id] = true
		}
	}
	for _, u := range res.Unmatched {
		r.unmatched[componentKey(u.Component)] = u.Reason
	}
	return r, nil
}

func componentKey(c model.Component) string {
	if c.PURL != "" {
		return purlKey(c.PURL)
	}
	return "ref:" + c.Ref
}

type osvSide struct {
	pairs map[pair]bool
	// seen are the components osv-scanner listed (all of them when run
	// with --all-packages).
	seen       map[string]bool
	allPkgs    bool
	groups     int
	unmapped   []string
	aliases    map[string]map[string]bool
	pkgEntries int
	// errors are bench/refmatch's reasons for not matching a component.
	errors map[string]string
}

func readOSV(path string, s *sbomInfo) (*osvSide, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out struct {
		Results []struct {
			Packages []struct {
				Package struct {
					Name      string `json:"name"`
					Version   string `json:"version"`
					Ecosystem string `json:"ecosystem"`
					// PURL is set by bench/refmatch only.
					PURL string `json:"purl"`
				} `json:"package"`
				Vulnerabilities []struct {
					ID      string   `json:"id"`
					Aliases []string `json:"aliases"`
				} `json:"vulnerabilities"`
				Groups []struct {
					IDs     []string `json:"ids"`
					Aliases []string `json:"aliases"`
				} `json:"groups"`
				// Error is set by bench/refmatch for a component it could
				// not match.
				Error string `json:"error"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	o := &osvSide{pairs: map[pair]bool{}, seen: map[string]bool{}, aliases: map[string]map[string]bool{}, errors: map[string]string{}}
	for _, r := range out.Results {
		for _, p := range r.Packages {
			o.pkgEntries++
			if len(p.Vulnerabilities) == 0 {
				o.allPkgs = true
			}
			eco := p.Package.Ecosystem
			if i := strings.IndexByte(eco, ':'); i >= 0 {
				eco = eco[:i]
			}
			keys := s.byKey[eco+"\x00"+p.Package.Name+"\x00"+p.Package.Version]
			if p.Package.PURL != "" {
				keys = []string{purlKey(p.Package.PURL)}
			} else if eco == "" {
				if keys = s.byKey["*\x00"+p.Package.Name+"\x00"+p.Package.Version]; len(keys) > 1 {
					keys = nil // ambiguous without an ecosystem
				}
			}
			if len(keys) == 0 {
				o.unmapped = append(o.unmapped, fmt.Sprintf("%s/%s@%s", p.Package.Ecosystem, p.Package.Name, p.Package.Version))
				continue
			}
			o.groups += len(p.Groups)
			for _, k := range keys {
				o.seen[k] = true
				if p.Error != "" {
					o.errors[k] = p.Error
				}
				if o.aliases[k] == nil {
					o.aliases[k] = map[string]bool{}
				}
				for _, v := range p.Vulnerabilities {
					o.pairs[pair{k, v.ID}] = true
					o.aliases[k][v.ID] = true
					for _, a := range v.Aliases {
						o.aliases[k][a] = true
					}
				}
			}
		}
	}
	return o, nil
}

// rejectedPURLs reads osv-scanner's log for the purls its CycloneDX reader
// refused ("Invalid PURL ...").
func rejectedPURLs(path string) (map[string]bool, error) {
	out := map[string]bool{}
	if path == "" {
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	re := regexp.MustCompile(`^Invalid PURL "([^"]+)"`)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			out[purlKey(m[1])] = true
		}
	}
	return out, sc.Err()
}

// ---- OSV records ----

type osvRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string `json:"type"`
			Events []map[string]string
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

// loadRecords reads the records of the given ids from the zips in dir
// (entries are named <id>.json, as in osv.dev's all.zip).
func loadRecords(dir string, ids map[string]bool) (map[string]*osvRecord, error) {
	recs := map[string]*osvRecord{}
	if dir == "" || len(ids) == 0 {
		return recs, nil
	}
	zips, err := filepath.Glob(filepath.Join(dir, "*.zip"))
	if err != nil {
		return nil, err
	}
	for _, z := range zips {
		zr, err := zip.OpenReader(z)
		if err != nil {
			return nil, err
		}
		for _, f := range zr.File {
			id := strings.TrimSuffix(filepath.Base(f.Name), ".json")
			if !ids[id] || recs[id] != nil {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				continue
			}
			var r osvRecord
			err = json.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(&r)
			rc.Close()
			if err == nil {
				recs[id] = &r
			}
		}
		zr.Close()
	}
	return recs, nil
}

// ---- classification ----

type diffRow struct {
	side, purl, id, class, detail string
}

type classifier struct {
	s        *sbomInfo
	r        *roccaSide
	o        *osvSide
	rejected map[string]bool
	recs     map[string]*osvRecord
	imported string // import report text, for rejected-record checks
}

// affectedFor returns the record's affected entries naming the component.
func (c *classifier) affectedFor(rec *osvRecord, comp cdxComponent) []int {
	var idx []int
	cands := nameVariants(comp, ecosystemOfType(purlType(comp.PURL)))
	for i, a := range rec.Affected {
		for _, n := range cands {
			if strings.EqualFold(a.Package.Name, n) || strings.EqualFold(pep503re.ReplaceAllString(a.Package.Name, "-"), pep503re.ReplaceAllString(n, "-")) {
				idx = append(idx, i)
				break
			}
		}
	}
	return idx
}

func (c *classifier) classify(side string, p pair) (string, string) {
	comp, ok := c.s.byPURL[p.purl]
	typ := purlType(p.purl)
	rec := c.recs[p.id]
	if !ok {
		return "component not in SBOM", ""
	}
	if side == "only-rocca" {
		if e := c.o.errors[p.purl]; e != "" {
			if i := strings.Index(e, ": "); i > 0 && strings.HasPrefix(e, "engine panic") {
				return "reference engine panics: " + e[i+2:], ""
			}
			return "reference engine skipped: " + e, ""
		}
		if c.rejected[p.purl] {
			return "osv-scanner: pkg:" + typ + " purl rejected by its CycloneDX reader (component dropped)", ""
		}
		if ecosystemOfType(typ) == "" || typ == "hackage" {
			return "osv-scanner: no ecosystem for pkg:" + typ + " from an SBOM (filtered as unscannable)", ""
		}
		if c.o.allPkgs && !c.o.seen[p.purl] {
			return "osv-scanner: pkg:" + typ + " component not scanned", ""
		}
		if rec != nil {
			idx := c.affectedFor(rec, comp)
			for _, i := range idx {
				a := rec.Affected[i]
				if comp.Group != "" && a.Package.Name != comp.Name {
					return "osv-scanner: matches the CycloneDX name without its group (pkg:" + typ + ")", fmt.Sprintf("name %q, record %q", comp.Name, a.Package.Name)
				}
			}
			for _, i := range idx {
				a := rec.Affected[i]
				if typ == "pypi" && a.Package.Name != pep503(a.Package.Name) {
					return "osv-scanner: PyPI name normalised on the SBOM side only", fmt.Sprintf("record name %q", a.Package.Name)
				}
			}
			for _, i := range idx {
				a := rec.Affected[i]
				if strings.Contains(a.Package.Ecosystem, ":") && !strings.HasPrefix(a.Package.Ecosystem, "AlmaLinux") {
					return "osv-scanner: ecosystem with a repository suffix", a.Package.Ecosystem
				}
			}
			for _, i := range idx {
				a := rec.Affected[i]
				if len(a.Ranges) > 0 && a.Ranges[0].Type == "GIT" && !contains(a.Versions, comp.Version) {
					return "osv-scanner: ignores ECOSYSTEM ranges listed after a GIT range", fmt.Sprintf("%d ranges, first GIT", len(a.Ranges))
				}
			}
			if len(idx) == 0 {
				return "record does not name the package (alias/ecosystem mismatch?)", ""
			}
		}
		if c.o.aliases[p.purl][p.id] {
			return "alias: osv-scanner matched another record of the group", ""
		}
		if len(c.o.aliases[p.purl]) > 0 {
			return "version comparison differs (osv-scanner found other records for the component)", comp.Version
		}
		return "version comparison differs (osv-scanner found nothing for the component)", comp.Version
	}
	// only-osv
	if reason, ok := c.r.unmatched[p.purl]; ok {
		return "rocca: component not looked up", reason
	}
	if typ == "golang" && comp.Name == "stdlib" && strings.HasPrefix(comp.Version, "go") {
		return "osv-scanner: Go toolchain version not converted (go1.x compared as 0.0.0)", comp.Version
	}
	if rec != nil && comp.Group != "" {
		bare, full := false, false
		for _, a := range rec.Affected {
			switch a.Package.Name {
			case comp.Name:
				bare = true
			case comp.Group + "/" + comp.Name, comp.Group + ":" + comp.Name:
				full = true
			}
		}
		if bare && !full {
			return "osv-scanner: matched the bare CycloneDX name of a grouped component, i.e. another package (pkg:" + typ + ")", fmt.Sprintf("record names %q", comp.Name)
		}
	}
	if c.imported != "" && strings.Contains(c.imported, p.id) {
		return "rocca: record rejected or warned at import", ""
	}
	if rec != nil && rec.Withdrawn != "" {
		return "withdrawn record", rec.Withdrawn
	}
	if c.r.groupIDs[p.purl][p.id] {
		return "alias: rocca reports the group, this record's ranges did not match", ""
	}
	if rec != nil {
		for _, i := range c.affectedFor(rec, comp) {
			if contains(rec.Affected[i].Versions, comp.Version) || contains(rec.Affected[i].Versions, strings.TrimPrefix(comp.Version, "v")) {
				return "rocca: misses an exact versions[] entry", comp.Version
			}
		}
	}
	if len(c.r.groupIDs[p.purl]) > 0 {
		return "version comparison differs (rocca found other records for the component)", comp.Version
	}
	return "version comparison differs (rocca found nothing for the component)", comp.Version
}

// ---- summary ----

type summary struct {
	Label          string         `json:"label"`
	Other          string         `json:"other"`
	Components     int            `json:"components"`
	RoccaPairs     int            `json:"roccaPairs"`
	OSVPairs       int            `json:"osvScannerPairs"`
	Both           int            `json:"both"`
	OnlyRocca      int            `json:"onlyRocca"`
	OnlyOSV        int            `json:"onlyOsvScanner"`
	RoccaFindings  int            `json:"roccaFindings"`
	OSVGroups      int            `json:"osvScannerGroups"`
	OSVUnmapped    int            `json:"osvScannerUnmappedPackages"`
	OnlyRoccaClass map[string]int `json:"onlyRoccaByClass"`
	OnlyOSVClass   map[string]int `json:"onlyOsvScannerByClass"`
}

func run(o options, stdout io.Writer) error {
	s, err := readSBOM(o.sbom)
	if err != nil {
		return err
	}
	r, err := readRocca(o.rocca)
	if err != nil {
		return err
	}
	ov, err := readOSV(o.osv, s)
	if err != nil {
		return err
	}
	rej, err := rejectedPURLs(o.osvLog)
	if err != nil {
		return err
	}
	c := &classifier{s: s, r: r, o: ov, rejected: rej}
	if o.importReport != "" {
		b, err := os.ReadFile(o.importReport)
		if err != nil {
			return err
		}
		c.imported = string(b)
	}

	var rows []diffRow
	sum := summary{Label: o.label, Other: o.other, Components: len(s.comps), RoccaPairs: len(r.pairs), OSVPairs: len(ov.pairs),
		RoccaFindings: r.findings, OSVGroups: ov.groups, OSVUnmapped: len(ov.unmapped),
		OnlyRoccaClass: map[string]int{}, OnlyOSVClass: map[string]int{}}
	need := map[string]bool{}
	for p := range r.pairs {
		if ov.pairs[p] {
			sum.Both++
		} else {
			rows = append(rows, diffRow{side: "only-rocca", purl: p.purl, id: p.id})
			need[p.id] = true
		}
	}
	for p := range ov.pairs {
		if !r.pairs[p] {
			rows = append(rows, diffRow{side: "only-osv-scanner", purl: p.purl, id: p.id})
			need[p.id] = true
		}
	}
	if c.recs, err = loadRecords(o.zips, need); err != nil {
		return err
	}
	for i := range rows {
		side := rows[i].side
		if side == "only-osv-scanner" {
			side = "only-osv"
		}
		rows[i].class, rows[i].detail = c.classify(side, pair{rows[i].purl, rows[i].id})
		if o.other != "osv-scanner" {
			rows[i].class = strings.Replace(rows[i].class, "osv-scanner", o.other, 1)
			rows[i].side = strings.Replace(rows[i].side, "osv-scanner", o.other, 1)
		}
		if rows[i].side == "only-rocca" {
			sum.OnlyRocca++
			sum.OnlyRoccaClass[rows[i].class]++
		} else {
			sum.OnlyOSV++
			sum.OnlyOSVClass[rows[i].class]++
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.side != b.side {
			return a.side < b.side
		}
		if a.class != b.class {
			return a.class < b.class
		}
		if a.purl != b.purl {
			return a.purl < b.purl
		}
		return a.id < b.id
	})

	fmt.Fprintf(stdout, "== %s: %d components\n", sum.Label, sum.Components)
	fmt.Fprintf(stdout, "(purl, advisory) pairs: rocca %d, %s %d; both %d, only rocca %d, only %s %d\n",
		sum.RoccaPairs, o.other, sum.OSVPairs, sum.Both, sum.OnlyRocca, o.other, sum.OnlyOSV)
	if sum.OSVGroups > 0 {
		fmt.Fprintf(stdout, "vulnerabilities (alias groups): rocca %d findings, %s %d groups\n", sum.RoccaFindings, o.other, sum.OSVGroups)
	}
	if len(ov.unmapped) > 0 {
		fmt.Fprintf(stdout, "%s packages not mapped to an SBOM component: %d (e.g. %s)\n", o.other, len(ov.unmapped), ov.unmapped[0])
	}
	printClasses(stdout, "only rocca", sum.OnlyRoccaClass)
	printClasses(stdout, "only "+o.other, sum.OnlyOSVClass)
	shown := map[string]int{}
	for _, row := range rows {
		if shown[row.side] == 0 {
			fmt.Fprintf(stdout, "-- %s (first %d):\n", row.side, o.max)
		}
		shown[row.side]++
		if shown[row.side] > o.max {
			continue
		}
		fmt.Fprintf(stdout, "  %s %s  [%s%s]\n", row.purl, row.id, row.class, detail(row.detail))
	}
	if o.out != "" {
		if err := writeRows(o.out, rows); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "all %d differences: %s\n", len(rows), o.out)
	}
	if o.summary != "" {
		b, err := json.MarshalIndent(sum, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.summary, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

func printClasses(w io.Writer, title string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintf(w, "%s by class:\n", title)
	for _, k := range keys {
		fmt.Fprintf(w, "  %6d  %s\n", m[k], k)
	}
}

func writeRows(path string, rows []diffRow) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "side\tpurl\tadvisory\tclass\tdetail")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.side, r.purl, r.id, r.class, r.detail)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
