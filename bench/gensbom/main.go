// Command gensbom writes a synthetic CycloneDX 1.6 JSON SBOM for
// benchmarks. Its components are packages named in OSV advisories, so a
// scanner run against a knowledge base built from the same OSV zips has
// something to find: about a fraction -vuln of the components carry a
// version an advisory lists as affected, the rest a version past every
// known fix (the highest fixed version, or one just above it).
//
//	go run ./bench/gensbom -n 10000 -seed 1 -o out.cdx.json osv/*.zip
//
// The output depends only on the zips, -n, -seed and -vuln. Each
// component has a unique bom-ref (its purl), a name, a version and a
// Package URL of the ecosystem's purl type; a property
// "rocca:bench:intent" records whether the version was picked as
// "vulnerable" or "safe" (safe means: not affected by the advisories the
// package was collected from; the generator does not do full matching).
//
// Memory is bounded: each zip entry is read through a size cap, at most
// -max-packages packages are kept per ecosystem (the first ones in zip
// order) and at most a few candidate versions per package.
package main

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

const (
	// maxEntryBytes caps one decompressed zip entry (an OSV record).
	maxEntryBytes = 16 << 20
	// maxVulnCandidates caps the affected versions kept per package.
	maxVulnCandidates = 8
	// intentProperty is the CycloneDX property naming why a version was
	// chosen.
	intentProperty = "rocca:bench:intent"
)

func main() {
	var opt options
	flag.IntVar(&opt.n, "n", 10000, "number of components")
	flag.Uint64Var(&opt.seed, "seed", 1, "random seed (same seed, same zips: same SBOM)")
	flag.Float64Var(&opt.vulnRatio, "vuln", 0.4, "fraction of components given an affected version")
	flag.IntVar(&opt.maxPackages, "max-packages", 50000, "packages kept per ecosystem (bounds memory)")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gensbom [-n N] [-seed S] [-vuln F] [-o FILE] OSV-ZIP...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(opt, flag.Args(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "gensbom:", err)
		os.Exit(1)
	}
}

type options struct {
	n           int
	seed        uint64
	vulnRatio   float64
	maxPackages int
}

func run(opt options, zips []string, out string) error {
	c := newCollector(opt.maxPackages)
	for _, z := range zips {
		if err := c.readZip(z); err != nil {
			return err
		}
	}
	bom, stats, err := generate(c, opt)
	if err != nil {
		return err
	}
	var w io.Writer = os.Stdout
	var f *os.File
	if out != "-" {
		f, err = os.Create(out)
		if err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	err = enc.Encode(bom)
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gensbom: candidate packages (with an affected/safe version): %s\n", stats.pools)
	fmt.Fprintf(os.Stderr, "gensbom: %d components (%d vulnerable, %d safe) from %d packages; per ecosystem: %s\n",
		len(bom.Components), stats.vulnerable, stats.safe, c.total(), stats.perEcosystem())
	return nil
}

// ---- OSV input ----

type osvRecord struct {
	ID        string        `json:"id"`
	Withdrawn string        `json:"withdrawn"`
	Affected  []osvAffected `json:"affected"`
}

type osvAffected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
		PURL      string `json:"purl"`
	} `json:"package"`
	Ranges []struct {
		Type   string     `json:"type"`
		Events []osvEvent `json:"events"`
	} `json:"ranges"`
	Versions []string `json:"versions"`
}

type osvEvent struct {
	Introduced   string `json:"introduced"`
	Fixed        string `json:"fixed"`
	LastAffected string `json:"last_affected"`
	Limit        string `json:"limit"`
}

// pkgKey identifies a package: the full OSV ecosystem (with its release
// suffix, e.g. "AlmaLinux:8") and the name as OSV spells it.
type pkgKey struct {
	Ecosystem string
	Name      string
}

type pkgInfo struct {
	// vulnerable are versions some advisory says are affected.
	vulnerable []string
	// fixed is the highest fix version seen (natural order); "" if none.
	fixed string
	// open is set when some advisory leaves the package affected with no
	// fix (a range without a closing "fixed", or a versions[]-only
	// entry): then no version can be called safe.
	open bool
	// listed are versions[] entries, which a safe version must avoid.
	listed map[string]bool
	// uuid is the Julia package UUID, from the record's purl.
	uuid string
}

type collector struct {
	maxPerEco int
	pkgs      map[pkgKey]*pkgInfo
	perEco    map[string]int
	skipped   map[string]int
}

func newCollector(maxPerEco int) *collector {
	if maxPerEco <= 0 {
		maxPerEco = math.MaxInt
	}
	return &collector{maxPerEco: maxPerEco, pkgs: map[pkgKey]*pkgInfo{}, perEco: map[string]int{}, skipped: map[string]int{}}
}

func (c *collector) total() int { return len(c.pkgs) }

func (c *collector) readZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		rec, err := readEntry(f)
		if err != nil {
			// A bad record is not fatal for a benchmark input generator.
			c.skipped["unreadable record"]++
			continue
		}
		c.add(rec)
	}
	return nil
}

func readEntry(f *zip.File) (*osvRecord, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var rec osvRecord
	dec := json.NewDecoder(io.LimitReader(rc, maxEntryBytes))
	if err := dec.Decode(&rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

func (c *collector) add(rec *osvRecord) {
	if rec.Withdrawn != "" {
		return
	}
	for _, a := range rec.Affected {
		eco, name := a.Package.Ecosystem, a.Package.Name
		if eco == "" || name == "" || purlType(baseEcosystem(eco)) == "" {
			continue
		}
		if baseEcosystem(eco) == "Go" && name == "toolchain" {
			continue // versions are toolchain names; not a module
		}
		var semRanges int
		for _, r := range a.Ranges {
			if r.Type == "SEMVER" || r.Type == "ECOSYSTEM" {
				semRanges++
			}
		}
		if semRanges == 0 && len(a.Versions) == 0 {
			continue // GIT-only: nothing an SBOM version could match
		}
		k := pkgKey{eco, name}
		p := c.pkgs[k]
		if p == nil {
			if c.perEco[eco] >= c.maxPerEco {
				continue
			}
			c.perEco[eco]++
			p = &pkgInfo{}
			c.pkgs[k] = p
		}
		if p.uuid == "" && a.Package.PURL != "" {
			if u, err := packageurl.FromString(a.Package.PURL); err == nil {
				p.uuid = u.Qualifiers.Map()["uuid"]
			}
		}
		for _, v := range a.Versions {
			if p.listed == nil {
				p.listed = map[string]bool{}
			}
			p.listed[v] = true
			p.addVulnerable(v)
		}
		if semRanges == 0 {
			p.open = true // versions[] only: every other version unknown
		}
		for _, r := range a.Ranges {
			if r.Type != "SEMVER" && r.Type != "ECOSYSTEM" {
				continue
			}
			p.addRange(baseEcosystem(eco), r.Events)
		}
	}
}

func (p *pkgInfo) addVulnerable(v string) {
	if v == "" || v == "0" || len(p.vulnerable) >= maxVulnCandidates {
		return
	}
	for _, have := range p.vulnerable {
		if have == v {
			return
		}
	}
	p.vulnerable = append(p.vulnerable, v)
}

// addRange walks one range's events in order: introduced opens an
// affected interval, fixed/last_affected closes it.
func (p *pkgInfo) addRange(base string, events []osvEvent) {
	introduced, openRange := "", false
	for _, e := range events {
		switch {
		case e.Introduced != "":
			introduced, openRange = e.Introduced, true
			p.addVulnerable(e.Introduced)
		case e.Fixed != "":
			if below := justBelow(base, e.Fixed); below != "" && (introduced == "0" || introduced == "" || naturalLess(introduced, below)) {
				p.addVulnerable(below)
			}
			if p.fixed == "" || naturalLess(p.fixed, e.Fixed) {
				p.fixed = e.Fixed
			}
			openRange = false
		case e.LastAffected != "":
			p.addVulnerable(e.LastAffected)
			// Affected up to and including it; the next version is not
			// known, so treat the package as having no safe version.
			p.open = true
			openRange = false
		case e.Limit != "":
			openRange = false
		}
	}
	if openRange {
		p.open = true
	}
}

// safeVersions returns versions past every fix: the highest fixed
// version, then up to two versions just above it (its last number raised
// by one and two). None when some advisory leaves the package without a
// fix.
func (p *pkgInfo) safeVersions() []string {
	if p.open || p.fixed == "" || p.listed[p.fixed] {
		return nil
	}
	out := []string{p.fixed}
	for d := 1; d <= 2; d++ {
		if v := bumpLast(p.fixed, d); v != "" && !p.listed[v] {
			out = append(out, v)
		}
	}
	return out
}

// bumpLast raises the last number of v by d (1.4.2 → 1.4.3), or returns
// "" when v has no short number to raise.
func bumpLast(v string, d int) string {
	end := len(v)
	for end > 0 && !isDigit(v[end-1]) {
		end--
	}
	start := end
	for start > 0 && isDigit(v[start-1]) {
		start--
	}
	if start == end || end-start > 6 || (end < len(v) && v[end] == ':') || inHash(v, start, end) {
		return ""
	}
	n, err := strconv.Atoi(v[start:end])
	if err != nil {
		return ""
	}
	return v[:start] + strconv.Itoa(n+d) + v[end:]
}

// justBelow returns a version ordered just before v by lowering its last
// non-zero number (1.4.2 → 1.4.1, 2.0 → 1.0, 1:2.3-4.el8_5 → 1:2.3-4.el8_4),
// or "" when that is not safe to do (no small number to lower, long
// numbers that may be dates; digits of commit hashes are skipped).
func justBelow(base, v string) string {
	type run struct{ start, end int }
	var runs []run
	for i := 0; i < len(v); {
		if v[i] < '0' || v[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	for k := len(runs) - 1; k >= 0; k-- {
		r := runs[k]
		if inHash(v, r.start, r.end) {
			continue
		}
		digits := v[r.start:r.end]
		if len(digits) > 6 {
			return ""
		}
		// An epoch ("1:") must not be touched.
		if r.end < len(v) && v[r.end] == ':' {
			return ""
		}
		n, err := strconv.Atoi(digits)
		if err != nil {
			return ""
		}
		if n == 0 {
			continue
		}
		s := strconv.Itoa(n - 1)
		if pad := len(digits) - len(s); pad > 0 && digits[0] == '0' {
			s = strings.Repeat("0", pad) + s
		}
		return v[:r.start] + s + v[r.end:]
	}
	return ""
}

// naturalLess orders versions by their runs of digits and of letters
// (separators only delimit runs): numbers compare numerically, words
// bytewise, a number sorts after a word (1.0rc1 < 1.0.1, 553.el8 <
// 553.1.el8 as in rpm), and a version that goes on with a word is older
// than one that stops (1.0.0-rc1 < 1.0.0), with a number newer. It is a
// heuristic, not an ecosystem's ordering.
func naturalLess(a, b string) bool {
	ta, tb := tokens(a), tokens(b)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		x, y := ta[i], tb[i]
		dx, dy := isDigit(x[0]), isDigit(y[0])
		switch {
		case dx && dy:
			nx, ny := strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
			if len(nx) != len(ny) {
				return len(nx) < len(ny)
			}
			if nx != ny {
				return nx < ny
			}
		case dx != dy:
			return dy
		case x != y:
			return x < y
		}
	}
	switch {
	case len(ta) > len(tb):
		return !isDigit(ta[len(tb)][0]) // a goes on with a word: older
	case len(tb) > len(ta):
		return isDigit(tb[len(ta)][0]) // b goes on with a number: newer
	}
	return false
}

// tokens splits a version into runs of digits and runs of letters.
func tokens(v string) []string {
	var out []string
	for i := 0; i < len(v); {
		if !isAlnum(v[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(v) && isAlnum(v[j]) && isDigit(v[j]) == isDigit(v[i]) {
			j++
		}
		out = append(out, v[i:j])
		i = j
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// inHash reports whether v[start:end] lies in an alphanumeric word that
// looks like a commit hash (7+ hex characters, some of them letters), as
// in Go pseudo-versions: its digits must not be changed.
func inHash(v string, start, end int) bool {
	for start > 0 && isAlnum(v[start-1]) {
		start--
	}
	for end < len(v) && isAlnum(v[end]) {
		end++
	}
	w := v[start:end]
	if len(w) < 7 {
		return false
	}
	letters := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isDigit(c):
		case 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F':
			letters = true
		default:
			return false
		}
	}
	return letters
}

// ---- purls ----

func baseEcosystem(eco string) string {
	if i := strings.IndexByte(eco, ':'); i >= 0 {
		return eco[:i]
	}
	return eco
}

// purlType maps a base OSV ecosystem to its purl type, "" when the
// generator does not emit it (OSS-Fuzz and GIT ranges have no package
// coordinates; GHC is a compiler, not a package of a registry).
func purlType(base string) string {
	switch base {
	case "Go":
		return packageurl.TypeGolang
	case "PyPI":
		return packageurl.TypePyPi
	case "crates.io":
		return packageurl.TypeCargo
	case "npm":
		return packageurl.TypeNPM
	case "Packagist":
		return packageurl.TypeComposer
	case "Bitnami":
		return packageurl.TypeBitnami
	case "AlmaLinux":
		return packageurl.TypeRPM
	case "Julia":
		return packageurl.TypeJulia
	case "Hackage":
		return packageurl.TypeHackage
	case "CRAN":
		return packageurl.TypeCran
	case "NuGet":
		return packageurl.TypeNuget
	case "RubyGems":
		return packageurl.TypeGem
	case "Maven":
		return packageurl.TypeMaven
	case "opam":
		return packageurl.TypeOpam
	}
	return ""
}

// component is a CycloneDX 1.6 component, reduced to what the SBOM uses.
type component struct {
	Type       string     `json:"type"`
	BOMRef     string     `json:"bom-ref,omitempty"`
	Group      string     `json:"group,omitempty"`
	Name       string     `json:"name"`
	Version    string     `json:"version"`
	PURL       string     `json:"purl,omitempty"`
	Properties []property `json:"properties,omitempty"`
}

type property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// makeComponent builds the component of (ecosystem, name) at an OSV
// version, or an error when the version cannot be written for the type.
func makeComponent(k pkgKey, osvVersion, uuid string) (component, error) {
	base := baseEcosystem(k.Ecosystem)
	c := component{Type: "library", Name: k.Name, Version: osvVersion}
	var ns, name, version = "", k.Name, osvVersion
	var q packageurl.Qualifiers
	switch base {
	case "Go":
		if k.Name == "stdlib" {
			v, err := goToolchainVersion(osvVersion)
			if err != nil {
				return c, err
			}
			version = v
		} else {
			version = "v" + osvVersion
			if i := strings.LastIndexByte(k.Name, '/'); i >= 0 {
				ns, name = k.Name[:i], k.Name[i+1:]
			}
		}
		c.Version = version
	case "npm":
		if strings.HasPrefix(k.Name, "@") {
			i := strings.IndexByte(k.Name, '/')
			if i < 0 {
				return c, fmt.Errorf("npm name %q: scope without package", k.Name)
			}
			ns, name = k.Name[:i], k.Name[i+1:]
			c.Group, c.Name = ns, name
		}
	case "Packagist", "Maven":
		sep := "/"
		if base == "Maven" {
			sep = ":"
		}
		i := strings.Index(k.Name, sep)
		if i <= 0 || i == len(k.Name)-1 {
			return c, fmt.Errorf("%s name %q has no %q", base, k.Name, sep)
		}
		ns, name = k.Name[:i], k.Name[i+1:]
		c.Group, c.Name = ns, name
	case "AlmaLinux":
		release := strings.TrimPrefix(k.Ecosystem, "AlmaLinux")
		release = strings.TrimPrefix(release, ":")
		if release == "" {
			return c, errors.New("AlmaLinux without a release")
		}
		ns = "almalinux"
		m := map[string]string{"distro": "almalinux-" + release}
		if i := strings.IndexByte(osvVersion, ':'); i > 0 {
			m["epoch"], version = osvVersion[:i], osvVersion[i+1:]
		}
		q = packageurl.QualifiersFromMap(m)
		c.Version = version
	case "Julia":
		if uuid != "" {
			q = packageurl.QualifiersFromMap(map[string]string{"uuid": uuid})
		}
	}
	p := packageurl.NewPackageURL(purlType(base), ns, name, version, q, "")
	c.PURL = p.ToString()
	if _, err := packageurl.FromString(c.PURL); err != nil {
		return c, err
	}
	c.BOMRef = c.PURL
	return c, nil
}

// goToolchainVersion turns the semantic version the Go vulnerability
// database uses for the standard library into a toolchain name:
// 1.20.0 → go1.20, 1.21.0 → go1.21.0, 1.19.3 → go1.19.3,
// 1.21.0-rc.2 → go1.21rc2.
func goToolchainVersion(v string) (string, error) {
	core, pre, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("stdlib version %q is not major.minor.patch", v)
	}
	minor, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", fmt.Errorf("stdlib version %q: %w", v, err)
	}
	if pre != "" {
		tag, n, ok := strings.Cut(pre, ".")
		if !ok || (tag != "rc" && tag != "beta") || parts[2] != "0" {
			return "", fmt.Errorf("stdlib version %q: unexpected pre-release", v)
		}
		return "go" + parts[0] + "." + parts[1] + tag + n, nil
	}
	if parts[2] == "0" && parts[0] == "1" && minor < 21 {
		return "go" + parts[0] + "." + parts[1], nil
	}
	return "go" + core, nil
}

// ---- generation ----

type bomDoc struct {
	BOMFormat    string      `json:"bomFormat"`
	SpecVersion  string      `json:"specVersion"`
	SerialNumber string      `json:"serialNumber"`
	Version      int         `json:"version"`
	Metadata     bomMetadata `json:"metadata"`
	Components   []component `json:"components"`
}

type bomMetadata struct {
	Tools struct {
		Components []component `json:"components"`
	} `json:"tools"`
	Component  component  `json:"component"`
	Properties []property `json:"properties,omitempty"`
}

type genStats struct {
	vulnerable, safe int
	byEco            map[string]int
	// pools describes the candidate packages: eco=vulnerable/safe.
	pools string
}

func (s genStats) perEcosystem() string {
	keys := make([]string, 0, len(s.byEco))
	for k := range s.byEco {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, s.byEco[k])
	}
	return strings.Join(parts, " ")
}

// pool is the packages of one base ecosystem that can give a vulnerable
// (or a safe) version, sorted for determinism.
type pool struct {
	eco  string
	keys []pkgKey
}

func buildPools(c *collector, safe bool) []pool {
	by := map[string][]pkgKey{}
	for k, p := range c.pkgs {
		if safe && len(p.safeVersions()) == 0 || !safe && len(p.vulnerable) == 0 {
			continue
		}
		b := baseEcosystem(k.Ecosystem)
		by[b] = append(by[b], k)
	}
	pools := make([]pool, 0, len(by))
	for eco, keys := range by {
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].Ecosystem != keys[j].Ecosystem {
				return keys[i].Ecosystem < keys[j].Ecosystem
			}
			return keys[i].Name < keys[j].Name
		})
		pools = append(pools, pool{eco, keys})
	}
	sort.Slice(pools, func(i, j int) bool { return pools[i].eco < pools[j].eco })
	return pools
}

func describePools(vuln, safe []pool) string {
	n := map[string][2]int{}
	for _, p := range vuln {
		x := n[p.eco]
		x[0] = len(p.keys)
		n[p.eco] = x
	}
	for _, p := range safe {
		x := n[p.eco]
		x[1] = len(p.keys)
		n[p.eco] = x
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d/%d", k, n[k][0], n[k][1])
	}
	return strings.Join(parts, " ")
}

// pickPool chooses an ecosystem with weight √(packages), capped at
// maxPoolWeight, so that small ecosystems are represented without the
// largest ones (AlmaLinux counts each package once per release) dominating.
func pickPool(r *rand.Rand, pools []pool) *pool {
	var total float64
	for _, p := range pools {
		total += poolWeight(p)
	}
	x := r.Float64() * total
	for i := range pools {
		x -= poolWeight(pools[i])
		if x < 0 {
			return &pools[i]
		}
	}
	return &pools[len(pools)-1]
}

const maxPoolWeight = 40

func poolWeight(p pool) float64 {
	return math.Min(math.Sqrt(float64(len(p.keys))), maxPoolWeight)
}

func generate(c *collector, opt options) (*bomDoc, genStats, error) {
	st := genStats{byEco: map[string]int{}}
	if opt.n <= 0 {
		return nil, st, errors.New("-n must be positive")
	}
	vulnPools, safePools := buildPools(c, false), buildPools(c, true)
	st.pools = describePools(vulnPools, safePools)
	if len(vulnPools) == 0 {
		return nil, st, errors.New("no package with an affected version in the input")
	}
	r := rand.New(rand.NewPCG(opt.seed, 0x726f636361))
	seen := map[string]bool{}
	comps := make([]component, 0, opt.n)
	for len(comps) < opt.n {
		wantVuln := len(safePools) == 0 || r.Float64() < opt.vulnRatio
		comp, eco, ok := pickComponent(r, c, vulnPools, safePools, wantVuln, seen)
		if !ok {
			// That kind is exhausted (or nearly): try the other one.
			wantVuln = !wantVuln
			comp, eco, ok = pickComponent(r, c, vulnPools, safePools, wantVuln, seen)
		}
		if !ok {
			return nil, st, fmt.Errorf("could only make %d distinct components", len(comps))
		}
		comps = append(comps, comp)
		st.byEco[eco]++
		if wantVuln {
			st.vulnerable++
		} else {
			st.safe++
		}
	}
	doc := &bomDoc{
		BOMFormat:    "CycloneDX",
		SpecVersion:  "1.6",
		SerialNumber: serialNumber(opt),
		Version:      1,
		Components:   comps,
	}
	doc.Metadata.Tools.Components = []component{{Type: "application", Name: "rocca-bench-gensbom", Version: "1"}}
	doc.Metadata.Component = component{Type: "application", BOMRef: "rocca-bench-synthetic", Name: "rocca-bench-synthetic", Version: strconv.FormatUint(opt.seed, 10)}
	doc.Metadata.Tools.Components[0].BOMRef = "rocca-bench-gensbom"
	doc.Metadata.Properties = []property{
		{"rocca:bench:seed", strconv.FormatUint(opt.seed, 10)},
		{"rocca:bench:vuln-ratio", strconv.FormatFloat(opt.vulnRatio, 'f', -1, 64)},
	}
	return doc, st, nil
}

// pickComponent draws a component not yet in seen, of a vulnerable or a
// safe version; ok is false when many draws found nothing new.
func pickComponent(r *rand.Rand, c *collector, vulnPools, safePools []pool, wantVuln bool, seen map[string]bool) (component, string, bool) {
	pools, intent := safePools, "safe"
	if wantVuln {
		pools, intent = vulnPools, "vulnerable"
	}
	if len(pools) == 0 {
		return component{}, "", false
	}
	for range 1000 {
		pl := pickPool(r, pools)
		k := pl.keys[r.IntN(len(pl.keys))]
		p := c.pkgs[k]
		cands := p.safeVersions()
		if wantVuln {
			cands = p.vulnerable
		}
		v := cands[r.IntN(len(cands))]
		comp, err := makeComponent(k, v, p.uuid)
		if err != nil || seen[comp.PURL] {
			continue
		}
		seen[comp.PURL] = true
		comp.Properties = []property{{intentProperty, intent}, {"rocca:bench:osv-ecosystem", k.Ecosystem}}
		return comp, pl.eco, true
	}
	return component{}, "", false
}

// serialNumber derives a stable RFC 4122 (version 4 layout) UUID URN from
// the options, so that equal inputs give byte-identical SBOMs.
func serialNumber(opt options) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("rocca-bench-gensbom n=%d seed=%d vuln=%g", opt.n, opt.seed, opt.vulnRatio)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
