// Command refmatch matches an SBOM's components against OSV zips with
// osv-scalibr's local matcher (the engine behind osv-scanner's offline
// mode, at the version rocca's go.mod pins), feeding it the OSV
// coordinates of each purl directly.
//
//	go run ./bench/refmatch -sbom S.cdx.json -zips DIR -o ref.json
//
// osv-scanner itself cannot be asked about many of a CycloneDX SBOM's
// components (it matches on the CycloneDX name without the group, rejects
// pkg:julia and pkg:bitnami purls, and has no ecosystem for pkg:rpm outside
// an image scan), so this is an engine-level reference: same records, same
// version comparison code, coordinates as rocca derives them. Records are
// parsed with protojson as osv-scanner parses them (ignoring unknown
// fields; the ids that still fail are listed). Ecosystems the engine has no mapping for (Bitnami)
// and components that make it panic (opam) are reported, not matched.
//
// The output has the shape of osv-scanner's JSON (results[].packages[])
// with one extra field per package, "purl", for bench/diff.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/google/osv-scalibr/enricher/vulnmatch/osvlocal"
	"github.com/google/osv-scalibr/extractor"
	rpmmeta "github.com/google/osv-scalibr/extractor/filesystem/os/rpm/metadata"
	osvpb "github.com/ossf/osv-schema/bindings/go/osvschema"
	packageurl "github.com/package-url/packageurl-go"
	"google.golang.org/protobuf/encoding/protojson"
)

const maxEntryBytes = 16 << 20

// bitnamiStandIn is the ecosystem Bitnami records are matched under.
const bitnamiStandIn = "crates.io"

// unmarshal parses records as osv-scanner does (protojson), except that
// fields unknown to the schema bindings rocca's go.mod pins are dropped:
// osv-scanner v2.5.0 has newer bindings (it knows severity[].source of
// schema 1.8, which the pinned ones reject).
var unmarshal = protojson.UnmarshalOptions{DiscardUnknown: true}

func main() {
	sbomPath := flag.String("sbom", "", "CycloneDX JSON SBOM (required)")
	zips := flag.String("zips", "", "directory of OSV zips named <Ecosystem>.zip (required)")
	out := flag.String("o", "-", "output file")
	flag.Parse()
	if *sbomPath == "" || *zips == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*sbomPath, *zips, *out); err != nil {
		fmt.Fprintln(os.Stderr, "refmatch:", err)
		os.Exit(1)
	}
}

type component struct {
	BOMRef     string      `json:"bom-ref"`
	Name       string      `json:"name"`
	Version    string      `json:"version"`
	PURL       string      `json:"purl"`
	Components []component `json:"components"`
}

// target is a component with its OSV coordinates.
type target struct {
	purl, ecosystem, name, version string
	pkg                            *extractor.Package
	skip                           string
}

type outPackage struct {
	Package struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		Ecosystem string `json:"ecosystem"`
		PURL      string `json:"purl"`
	} `json:"package"`
	Vulnerabilities []outVuln `json:"vulnerabilities"`
	Error           string    `json:"error,omitempty"`
}

type outVuln struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
}

type output struct {
	Results []struct {
		Packages []outPackage `json:"packages"`
	} `json:"results"`
	// Unparsable lists, per zip, the record ids strict protojson rejects
	// (osv-scanner silently ignores them).
	Unparsable map[string][]string `json:"unparsable"`
	Skipped    map[string]int      `json:"skipped"`
}

func run(sbomPath, zipDir, outPath string) error {
	comps, err := readSBOM(sbomPath)
	if err != nil {
		return err
	}
	var targets []*target
	byEco := map[string]map[string]bool{} // base ecosystem → names
	res := output{Unparsable: map[string][]string{}, Skipped: map[string]int{}}
	for _, c := range comps {
		t := resolve(c.PURL)
		targets = append(targets, t)
		if t.skip != "" {
			res.Skipped[t.skip]++
			continue
		}
		base, _, _ := strings.Cut(t.ecosystem, ":")
		if byEco[base] == nil {
			byEco[base] = map[string]bool{}
		}
		byEco[base][t.name] = true
	}
	// Load only the records that name a package of the SBOM, per ecosystem.
	index := map[string][]*osvpb.Vulnerability{}
	ecos := make([]string, 0, len(byEco))
	for e := range byEco {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	for _, e := range ecos {
		bad, err := loadZip(filepath.Join(zipDir, e+".zip"), e, byEco[e], index)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			res.Unparsable[e] = bad
		}
	}
	res.Results = make([]struct {
		Packages []outPackage `json:"packages"`
	}, 1)
	for _, t := range targets {
		var p outPackage
		p.Package.Name, p.Package.Version, p.Package.Ecosystem, p.Package.PURL = t.name, t.version, t.ecosystem, t.purl
		p.Vulnerabilities = []outVuln{}
		if t.skip != "" {
			p.Error = t.skip
		} else {
			base, _, _ := strings.Cut(t.ecosystem, ":")
			vs, err := match(index[base+"\x00"+t.name], t.pkg)
			if err != nil {
				p.Error = err.Error()
			}
			for _, v := range vs {
				p.Vulnerabilities = append(p.Vulnerabilities, outVuln{ID: v.GetId(), Aliases: v.GetAliases()})
			}
		}
		res.Results[0].Packages = append(res.Results[0].Packages, p)
	}
	w := os.Stdout
	if outPath != "-" {
		f, err := os.Create(outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", " ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	return bw.Flush()
}

// match calls the engine, turning a panic (an ecosystem its version parser
// does not know) into an error.
func match(vs []*osvpb.Vulnerability, pkg *extractor.Package) (out []*osvpb.Vulnerability, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine panic: %v", r)
		}
	}()
	return osvlocal.VulnerabilitiesAffectingPackage(vs, pkg), nil
}

// loadZip indexes the records of one ecosystem's zip that name one of
// names, by "<ecosystem>\x00<name>".
func loadZip(path, eco string, names map[string]bool, index map[string][]*osvpb.Vulnerability) ([]string, error) {
	zr, err := zip.OpenReader(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var bad []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxEntryBytes))
		rc.Close()
		if err != nil {
			return nil, err
		}
		v := &osvpb.Vulnerability{}
		if err := unmarshal.Unmarshal(data, v); err != nil {
			bad = append(bad, strings.TrimSuffix(filepath.Base(f.Name), ".json"))
			continue
		}
		seen := map[string]bool{}
		for _, a := range v.GetAffected() {
			n := a.GetPackage().GetName()
			if eco == "Bitnami" && a.GetPackage().GetEcosystem() == "Bitnami" {
				a.GetPackage().Ecosystem = bitnamiStandIn
			}
			if names[n] && !seen[n] {
				seen[n] = true
				index[eco+"\x00"+n] = append(index[eco+"\x00"+n], v)
			}
		}
	}
	return bad, nil
}

func readSBOM(path string) ([]component, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var doc struct {
		Components []component `json:"components"`
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []component
	var walk func([]component)
	walk = func(cs []component) {
		for _, c := range cs {
			if c.PURL != "" {
				out = append(out, c)
			}
			walk(c.Components)
		}
	}
	walk(doc.Components)
	return out, nil
}

// resolve maps a purl to OSV coordinates and an engine package.
func resolve(s string) *target {
	t := &target{purl: s}
	p, err := packageurl.FromString(s)
	if err != nil {
		t.skip = "invalid purl"
		return t
	}
	q := p.Qualifiers.Map()
	name, version := p.Name, p.Version
	var eco, ptype string
	var meta *rpmmeta.Metadata
	switch p.Type {
	case "golang":
		eco, ptype = "Go", "golang"
		if p.Namespace != "" {
			name = p.Namespace + "/" + p.Name
		}
		// packageurl-go lowercases golang namespaces; take the path as
		// written in the purl.
		if i := strings.Index(s, "pkg:golang/"); i == 0 {
			path := s[len("pkg:golang/"):]
			if j := strings.IndexAny(path, "@?#"); j >= 0 {
				path = path[:j]
			}
			if u, err := unescapePath(path); err == nil {
				name = u
			}
		}
		if name == "stdlib" || name == "std" {
			name, version = "stdlib", goToolchainSemver(version)
		} else {
			version = strings.TrimPrefix(version, "v")
		}
		if strings.Contains(name, "/") && name != strings.ToLower(name) {
			// osv-scalibr v0.5.3 rebuilds the name from the package's purl,
			// whose golang namespace it lowercases, and then prefixes it
			// again ("github.com/0xerr0r/github.com/0xERR0R/blocky"): such
			// modules can never match. Left to osv-scanner itself.
			t.ecosystem, t.name, t.version = eco, name, version
			t.skip = "mixed-case Go module path (osv-scalibr v0.5.3 mangles it)"
			return t
		}
	case "pypi":
		eco, ptype = "PyPI", "pypi"
	case "cargo":
		eco, ptype = "crates.io", "cargo"
	case "npm":
		eco, ptype = "npm", "npm"
		if p.Namespace != "" {
			name = p.Namespace + "/" + p.Name
		}
	case "composer":
		eco, ptype = "Packagist", "composer"
		name = p.Namespace + "/" + p.Name
	case "maven":
		eco, ptype = "Maven", "maven"
		name = p.Namespace + ":" + p.Name
	case "gem":
		eco, ptype = "RubyGems", "gem"
	case "nuget":
		eco, ptype = "NuGet", "nuget"
	case "cran":
		eco, ptype = "CRAN", "cran"
	case "julia":
		eco, ptype = "Julia", "julia"
	case "hackage":
		eco, ptype = "Hackage", "hackage"
	case "opam":
		eco, ptype = "opam", "opam"
	case "rpm":
		if p.Namespace != "almalinux" || !strings.HasPrefix(q["distro"], "almalinux-") {
			t.skip = "rpm other than almalinux with a distro qualifier"
			return t
		}
		rel, _, _ := strings.Cut(strings.TrimPrefix(q["distro"], "almalinux-"), ".")
		eco, ptype = "AlmaLinux:"+rel, "rpm"
		m := &rpmmeta.Metadata{PackageName: p.Name, OSID: "almalinux", OSVersionID: rel}
		if e := q["epoch"]; e != "" {
			n, err := strconv.Atoi(e)
			if err != nil {
				t.skip = "bad epoch"
				return t
			}
			m.Epoch = n
		}
		meta = m
	case "bitnami":
		// osv-scalibr has no ecosystem for pkg:bitnami; its version parser
		// treats Bitnami as SEMVER, like crates.io, so Bitnami records are
		// matched under that stand-in ecosystem (see loadZip).
		eco, ptype = "Bitnami", "cargo"
	default:
		t.skip = "purl type " + p.Type + " not mapped"
		return t
	}
	t.ecosystem, t.name, t.version = eco, name, version
	t.pkg = &extractor.Package{Name: name, Version: version, PURLType: ptype}
	if meta != nil {
		t.pkg.Metadata = meta
	}
	return t
}

func unescapePath(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", err
			}
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

// goToolchainSemver turns a Go toolchain version into the semantic version
// the Go vulnerability database uses: go1.20 → 1.20.0, go1.21rc2 →
// 1.21.0-rc.2, go1.19.3 → 1.19.3.
func goToolchainSemver(v string) string {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "go"), "v")
	core, pre := v, ""
	for _, tag := range []string{"rc", "beta"} {
		if i := strings.Index(v, tag); i > 0 {
			core, pre = v[:i], "-"+tag+"."+v[i+len(tag):]
			break
		}
	}
	if strings.Count(core, ".") == 1 {
		core += ".0"
	}
	return core + pre
}
