package purl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/ecosystem"
)

// Coordinates are the OSV coordinates of a component.
type Coordinates struct {
	// Ecosystem is the full OSV ecosystem, with the release suffix of a
	// distribution ("Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS").
	Ecosystem string
	// Name is the package name as OSV spells it, already passed through
	// ecosystem.NormalizeName.
	Name string
	// Version is the version in the form OSV ranges use for the ecosystem.
	Version string
}

// ToOSV maps a parsed purl to OSV coordinates; the error explains why a component cannot be looked up ("purl type \"cocoapods\" has no OSV ecosystem", "no version", ...).
//
// p is expected to come from Parse. The mapping per type:
//
//   - npm → npm, "@scope/name"; pypi → PyPI; cargo → crates.io; gem →
//     RubyGems; nuget → NuGet; hex → Hex; pub → Pub; hackage → Hackage;
//     cran → CRAN; bitnami → Bitnami; julia → Julia; opam → opam; conan →
//     ConanCenter.
//   - maven → Maven, "groupId:artifactId"; composer → Packagist,
//     "vendor/name"; swift → SwiftURL, "host/owner/repo"; githubactions →
//     GitHub Actions, "owner/repo"; vscode-extension → VSCode,
//     "publisher.name".
//   - golang → Go; the name is the module path (namespace/name), and
//     pkg:golang/std or pkg:golang/stdlib is "stdlib". Versions lose their
//     "v"; standard library versions lose "go" and become semantic
//     versions as OSV records them (go1.20 → 1.20.0, go1.21rc2 →
//     1.21.0-rc.2).
//   - deb, rpm and apk need the distro qualifier to pick the release:
//     deb/debian with distro=debian-11 or bullseye → Debian:11; deb/ubuntu
//     with distro=ubuntu-22.04 or jammy → Ubuntu:22.04:LTS (OSV's spelling
//     of LTS releases); apk/alpine with distro=3.19.1 or alpine-3.19 →
//     Alpine:v3.19; rpm/almalinux, rocky, redhat with distro=almalinux-8 or
//     el8 → AlmaLinux:8, Rocky Linux:8, Red Hat:enterprise_linux:8;
//     rpm/opensuse → openSUSE:Leap 15.5 or openSUSE:Tumbleweed; rpm/suse
//     with distro=sles-15.5 → SUSE:Linux Enterprise Server 15 SP5;
//     rpm/mageia → Mageia:9; rpm/photon → Photon OS:5.0. apk/wolfi,
//     chainguard and minimos need no release. The rpm epoch qualifier is
//     prepended to the version ("1:2.3-4"). An upstream qualifier, as
//     SBOM generators record the source package of a binary package,
//     supplies the name OSV uses (OSV distribution records name source
//     packages): deb upstream=openssl or openssl@3.0.11-1, rpm
//     upstream=openssl-3.0.7-1.el9.src.rpm, apk upstream=openssl.
func ToOSV(p packageurl.PackageURL) (Coordinates, error) {
	typ := lowerASCII(p.Type)
	var co Coordinates
	var err error
	switch typ {
	case packageurl.TypeNPM:
		co.Ecosystem, co.Name = ecosystem.NPM, p.Name
		if p.Namespace != "" {
			scope := p.Namespace
			if !strings.HasPrefix(scope, "@") {
				scope = "@" + scope
			}
			co.Name = scope + "/" + p.Name
		}
	case packageurl.TypePyPi:
		co.Ecosystem, co.Name = ecosystem.PyPI, p.Name
	case packageurl.TypeMaven:
		if p.Namespace == "" {
			return co, errors.New("maven purl has no namespace (groupId)")
		}
		co.Ecosystem, co.Name = ecosystem.Maven, p.Namespace+":"+p.Name
	case packageurl.TypeGolang:
		co.Ecosystem, co.Name = ecosystem.Go, joinPath(p.Namespace, p.Name)
		if co.Name == "std" {
			co.Name = "stdlib"
		}
	case packageurl.TypeCargo:
		co.Ecosystem, co.Name = ecosystem.CratesIO, p.Name
	case packageurl.TypeGem:
		co.Ecosystem, co.Name = ecosystem.RubyGems, p.Name
	case packageurl.TypeNuget:
		co.Ecosystem, co.Name = ecosystem.NuGet, p.Name
	case packageurl.TypeComposer:
		if p.Namespace == "" {
			return co, errors.New("composer purl has no namespace (vendor)")
		}
		co.Ecosystem, co.Name = ecosystem.Packagist, p.Namespace+"/"+p.Name
	case packageurl.TypeHex:
		if p.Namespace != "" {
			return co, fmt.Errorf("hex package of organisation %q is private; OSV covers public hex.pm packages only", clip(p.Namespace, 64))
		}
		co.Ecosystem, co.Name = ecosystem.Hex, p.Name
	case packageurl.TypePub:
		co.Ecosystem, co.Name = ecosystem.Pub, p.Name
	case packageurl.TypeHackage:
		co.Ecosystem, co.Name = ecosystem.Hackage, p.Name
	case packageurl.TypeCran:
		co.Ecosystem, co.Name = ecosystem.CRAN, p.Name
	case packageurl.TypeSwift:
		if p.Namespace == "" {
			return co, errors.New("swift purl has no namespace (source host and owner)")
		}
		co.Ecosystem, co.Name = ecosystem.SwiftURL, p.Namespace+"/"+p.Name
	case packageurl.TypeBitnami:
		co.Ecosystem, co.Name = ecosystem.Bitnami, p.Name
	case packageurl.TypeJulia:
		co.Ecosystem, co.Name = ecosystem.Julia, p.Name
	case packageurl.TypeOpam:
		co.Ecosystem, co.Name = ecosystem.Opam, p.Name
	case packageurl.TypeConan:
		co.Ecosystem, co.Name = ecosystem.ConanCenter, p.Name
	case "githubactions":
		if p.Namespace == "" {
			return co, errors.New("githubactions purl has no namespace (owner)")
		}
		co.Ecosystem, co.Name = ecosystem.GitHubActions, p.Namespace+"/"+p.Name
	case packageurl.TypeVSCodeExtension:
		if p.Namespace == "" {
			return co, errors.New("vscode-extension purl has no namespace (publisher)")
		}
		co.Ecosystem, co.Name = ecosystem.VSCode, p.Namespace+"."+p.Name
	case packageurl.TypeDebian:
		co, err = debCoordinates(p)
	case packageurl.TypeRPM:
		co, err = rpmCoordinates(p)
	case packageurl.TypeApk:
		co, err = apkCoordinates(p)
	default:
		return co, fmt.Errorf("purl type %q has no OSV ecosystem", clip(typ, 64))
	}
	if err != nil {
		return Coordinates{}, err
	}
	if co.Name == "" {
		return Coordinates{}, errors.New("no name")
	}

	if co.Version == "" {
		co.Version = p.Version
	}
	if co.Version == "" {
		return Coordinates{}, errors.New("no version")
	}
	switch typ {
	case packageurl.TypeGolang:
		co.Version = goVersion(co.Version, co.Name == "stdlib" || co.Name == "toolchain")
	case "githubactions":
		co.Version = trimV(co.Version)
	case packageurl.TypeRPM:
		if epoch := qualifier(p, "epoch"); epoch != "" && !strings.Contains(co.Version, ":") {
			co.Version = epoch + ":" + co.Version
		}
	}
	co.Name = ecosystem.NormalizeName(co.Ecosystem, co.Name)
	return co, nil
}

func joinPath(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// trimV drops the "v" of a tag such as v1.2.3.
func trimV(v string) string {
	if len(v) > 1 && v[0] == 'v' && isDigit(v[1]) {
		return v[1:]
	}
	return v
}

// goVersion turns a Go module version into OSV's form: "v1.2.3" →
// "1.2.3", pseudo-versions alike. Toolchain versions ("go1.21.0") are
// turned into the semantic versions the Go vulnerability database records:
// "go1.20" → "1.20.0", "go1.21rc2" → "1.21.0-rc.2", "go1.9beta1" →
// "1.9.0-beta.1". Anything else is returned without its "v".
func goVersion(v string, toolchain bool) string {
	if !toolchain {
		return trimV(v)
	}
	v = trimV(strings.TrimPrefix(v, "go"))
	// major.minor[.patch][(beta|rc)N]
	nums, pre := v, ""
	for _, tag := range [...]string{"beta", "rc"} {
		if i := strings.Index(v, tag); i > 0 {
			nums, pre = v[:i], v[i:]
			n := pre[len(tag):]
			if n == "" || !allDigits(n) {
				return v
			}
			pre = "-" + tag + "." + n
			break
		}
	}
	parts := strings.Split(nums, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return v
	}
	for _, part := range parts {
		if part == "" || !allDigits(part) {
			return v
		}
	}
	if len(parts) == 2 {
		nums += ".0"
	}
	return nums + pre
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// splitDistro splits a distro qualifier into its distribution id and
// release at the last '-': "debian-11" → ("debian", "11"),
// "opensuse-leap-15.5" → ("opensuse-leap", "15.5"), "bookworm" → ("",
// "bookworm"). Both are lowercased.
func splitDistro(d string) (id, release string) {
	d = lower(d)
	if i := strings.LastIndexByte(d, '-'); i >= 0 {
		return d[:i], d[i+1:]
	}
	return "", d
}

// isNumericRelease reports whether s is a dotted release number ("12",
// "22.04", "3.19.1").
func isNumericRelease(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if !allDigits(part) {
			return false
		}
	}
	return true
}

// firstParts returns the first n dot-separated parts of a numeric release.
func firstParts(s string, n int) string {
	parts := strings.SplitN(s, ".", n+1)
	if len(parts) > n {
		parts = parts[:n]
	}
	return strings.Join(parts, ".")
}

func errNeedDistro(typ, example string) error {
	return fmt.Errorf("purl type %q needs a distro qualifier naming the release (e.g. distro=%s) to pick the OSV ecosystem", typ, example)
}

func debCoordinates(p packageurl.PackageURL) (Coordinates, error) {
	var co Coordinates
	d := qualifier(p, "distro")
	switch lower(p.Namespace) {
	case "debian":
		if d == "" {
			return co, errNeedDistro("deb", "debian-12")
		}
		rel, ok := debianRelease(d)
		if !ok {
			return co, fmt.Errorf("distro %q is not a Debian release (want e.g. debian-12 or bookworm)", clip(d, 64))
		}
		co.Ecosystem = ecosystem.Debian + ":" + rel
	case "ubuntu":
		if d == "" {
			return co, errNeedDistro("deb", "ubuntu-22.04")
		}
		rel, ok := ubuntuRelease(d)
		if !ok {
			return co, fmt.Errorf("distro %q is not an Ubuntu release (want e.g. ubuntu-22.04 or jammy)", clip(d, 64))
		}
		co.Ecosystem = ecosystem.Ubuntu + ":" + rel
	default:
		return co, fmt.Errorf("deb namespace %q has no OSV ecosystem (known: debian, ubuntu)", clip(p.Namespace, 64))
	}
	co.Name = p.Name
	if up := qualifier(p, "upstream"); up != "" {
		// Source package, optionally with its version: "openssl" or
		// "openssl@3.0.11-1".
		name, version, _ := strings.Cut(up, "@")
		if name != "" {
			co.Name, co.Version = name, version
		}
	}
	return co, nil
}

// debianRelease maps a Debian distro qualifier to OSV's release suffix,
// the version column of distro-info-data's debian.csv: the major version
// from 7 (wheezy) on, "sid" for unstable.
func debianRelease(d string) (string, bool) {
	id, rel := splitDistro(d)
	if id != "" && id != "debian" {
		return "", false
	}
	if rel == "unstable" {
		rel = "sid"
	}
	switch rel {
	case "sid":
		return rel, true
	case "buzz":
		return "1.1", true
	case "rex":
		return "1.2", true
	case "bo":
		return "1.3", true
	case "hamm":
		return "2.0", true
	case "slink":
		return "2.1", true
	case "potato":
		return "2.2", true
	case "woody":
		return "3.0", true
	case "sarge":
		return "3.1", true
	case "etch":
		return "4.0", true
	case "lenny":
		return "5.0", true
	case "squeeze":
		return "6.0", true
	case "wheezy":
		return "7", true
	case "jessie":
		return "8", true
	case "stretch":
		return "9", true
	case "buster":
		return "10", true
	case "bullseye":
		return "11", true
	case "bookworm":
		return "12", true
	case "trixie":
		return "13", true
	case "forky":
		return "14", true
	case "duke":
		return "15", true
	}
	if !isNumericRelease(rel) {
		return "", false
	}
	major := firstParts(rel, 1)
	if len(major) == 1 && major < "7" {
		// Before wheezy, releases were numbered major.minor.
		return firstParts(rel, 2), true
	}
	return major, true
}

// ubuntuRelease maps an Ubuntu distro qualifier to OSV's release suffix:
// "YY.MM", with ":LTS" appended for long-term-support releases.
func ubuntuRelease(d string) (string, bool) {
	id, rel := splitDistro(d)
	if id != "" && id != "ubuntu" {
		return "", false
	}
	if v := ubuntuCodename(rel); v != "" {
		rel = v
	}
	parts := strings.Split(rel, ".")
	if len(parts) < 2 || !isNumericRelease(rel) || len(parts[1]) != 2 {
		return "", false
	}
	rel = parts[0] + "." + parts[1]
	// LTS: 6.06, then every April release of an even year from 8.04 on.
	yy, _ := strconv.Atoi(parts[0])
	if rel == "6.06" || (parts[1] == "04" && yy >= 8 && yy%2 == 0) {
		rel += ":LTS"
	}
	return rel, true
}

func ubuntuCodename(name string) string {
	switch name {
	case "warty":
		return "4.10"
	case "hoary":
		return "5.04"
	case "breezy":
		return "5.10"
	case "dapper":
		return "6.06"
	case "edgy":
		return "6.10"
	case "feisty":
		return "7.04"
	case "gutsy":
		return "7.10"
	case "hardy":
		return "8.04"
	case "intrepid":
		return "8.10"
	case "jaunty":
		return "9.04"
	case "karmic":
		return "9.10"
	case "lucid":
		return "10.04"
	case "maverick":
		return "10.10"
	case "natty":
		return "11.04"
	case "oneiric":
		return "11.10"
	case "precise":
		return "12.04"
	case "quantal":
		return "12.10"
	case "raring":
		return "13.04"
	case "saucy":
		return "13.10"
	case "trusty":
		return "14.04"
	case "utopic":
		return "14.10"
	case "vivid":
		return "15.04"
	case "wily":
		return "15.10"
	case "xenial":
		return "16.04"
	case "yakkety":
		return "16.10"
	case "zesty":
		return "17.04"
	case "artful":
		return "17.10"
	case "bionic":
		return "18.04"
	case "cosmic":
		return "18.10"
	case "disco":
		return "19.04"
	case "eoan":
		return "19.10"
	case "focal":
		return "20.04"
	case "groovy":
		return "20.10"
	case "hirsute":
		return "21.04"
	case "impish":
		return "21.10"
	case "jammy":
		return "22.04"
	case "kinetic":
		return "22.10"
	case "lunar":
		return "23.04"
	case "mantic":
		return "23.10"
	case "noble":
		return "24.04"
	case "oracular":
		return "24.10"
	case "plucky":
		return "25.04"
	case "questing":
		return "25.10"
	case "resolute":
		return "26.04"
	}
	return ""
}

func apkCoordinates(p packageurl.PackageURL) (Coordinates, error) {
	var co Coordinates
	switch lower(p.Namespace) {
	case "alpine":
		d := qualifier(p, "distro")
		if d == "" {
			return co, errNeedDistro("apk", "alpine-3.19")
		}
		id, rel := splitDistro(d)
		rel = strings.TrimPrefix(rel, "v")
		if (id != "" && id != "alpine") || strings.Count(rel, ".") < 1 || !isNumericRelease(rel) {
			return co, fmt.Errorf("distro %q is not an Alpine release (want e.g. alpine-3.19 or 3.19.1)", clip(d, 64))
		}
		co.Ecosystem = ecosystem.Alpine + ":v" + firstParts(rel, 2)
	case "wolfi":
		co.Ecosystem = ecosystem.Wolfi
	case "chainguard":
		co.Ecosystem = ecosystem.Chainguard
	case "minimos":
		co.Ecosystem = ecosystem.MinimOS
	default:
		return co, fmt.Errorf("apk namespace %q has no OSV ecosystem (known: alpine, wolfi, chainguard, minimos)", clip(p.Namespace, 64))
	}
	co.Name = p.Name
	if up := qualifier(p, "upstream"); up != "" {
		co.Name = up // the origin (source) package
	}
	return co, nil
}

func rpmCoordinates(p packageurl.PackageURL) (Coordinates, error) {
	var co Coordinates
	d := qualifier(p, "distro")
	ns := lower(p.Namespace)
	switch ns {
	case "almalinux", "alma", "rocky", "rockylinux", "redhat", "rhel":
		if d == "" {
			return co, errNeedDistro("rpm", ns+"-9")
		}
		eco, product := ecosystem.RedHat, "Red Hat Enterprise Linux"
		switch ns {
		case "almalinux", "alma":
			eco, product = ecosystem.AlmaLinux, "AlmaLinux"
		case "rocky", "rockylinux":
			eco, product = ecosystem.RockyLinux, "Rocky Linux"
		}
		major, ok := elMajor(d, ns)
		if !ok {
			return co, fmt.Errorf("distro %q does not name a release of %s (want e.g. %s-9 or el9)", clip(d, 64), product, ns)
		}
		if eco == ecosystem.RedHat {
			// Red Hat advisories are scoped to a product stream by a CPE
			// ("Red Hat:enterprise_linux:9::appstream"); a purl names the
			// release only, which is the common prefix of its streams.
			co.Ecosystem = eco + ":enterprise_linux:" + major
		} else {
			co.Ecosystem = eco + ":" + major
		}
	case "opensuse":
		if d == "" {
			return co, errNeedDistro("rpm", "opensuse-leap-15.5")
		}
		id, rel := splitDistro(d)
		switch {
		case rel == "tumbleweed" || strings.HasSuffix(id, "tumbleweed"):
			co.Ecosystem = ecosystem.OpenSUSE + ":Tumbleweed"
		case (id == "" || id == "opensuse" || id == "opensuse-leap" || id == "leap") && strings.Count(rel, ".") == 1 && isNumericRelease(rel):
			co.Ecosystem = ecosystem.OpenSUSE + ":Leap " + rel
		default:
			return co, fmt.Errorf("distro %q is not an openSUSE release (want e.g. opensuse-leap-15.5 or opensuse-tumbleweed)", clip(d, 64))
		}
	case "suse", "sles":
		if d == "" {
			return co, errNeedDistro("rpm", "sles-15.5")
		}
		id, rel := splitDistro(d)
		var product string
		switch id {
		case "", "sles", "suse":
			product = "Linux Enterprise Server"
		case "sle-micro", "sle_micro", "suse-microos":
			product = "Linux Enterprise Micro"
		}
		if product == "" || !isNumericRelease(rel) {
			return co, fmt.Errorf("distro %q is not a SUSE Linux Enterprise release (want e.g. sles-15.5)", clip(d, 64))
		}
		major, sp, _ := strings.Cut(firstParts(rel, 2), ".")
		suffix := major
		switch {
		case product == "Linux Enterprise Micro" && sp != "":
			suffix += "." + sp
		case sp != "" && sp != "0":
			suffix += " SP" + sp
		}
		co.Ecosystem = ecosystem.SUSE + ":" + product + " " + suffix
	case "mageia":
		if d == "" {
			return co, errNeedDistro("rpm", "mageia-9")
		}
		id, rel := splitDistro(d)
		if (id != "" && id != "mageia") || !isNumericRelease(rel) {
			return co, fmt.Errorf("distro %q is not a Mageia release (want e.g. mageia-9)", clip(d, 64))
		}
		co.Ecosystem = ecosystem.Mageia + ":" + firstParts(rel, 1)
	case "photon":
		if d == "" {
			return co, errNeedDistro("rpm", "photon-5.0")
		}
		id, rel := splitDistro(d)
		if (id != "" && id != "photon") || !isNumericRelease(rel) {
			return co, fmt.Errorf("distro %q is not a Photon OS release (want e.g. photon-5.0)", clip(d, 64))
		}
		rel = firstParts(rel, 2)
		if !strings.Contains(rel, ".") {
			rel += ".0"
		}
		co.Ecosystem = ecosystem.PhotonOS + ":" + rel
	default:
		return co, fmt.Errorf("rpm namespace %q has no OSV ecosystem (known: almalinux, rocky, redhat, opensuse, suse, mageia, photon)", clip(p.Namespace, 64))
	}
	co.Name = p.Name
	if up := qualifier(p, "upstream"); up != "" {
		if name := srpmName(up); name != "" {
			co.Name = name
		}
	}
	return co, nil
}

// elMajor reads the major release of an Enterprise Linux rebuild from a
// distro qualifier: "almalinux-8", "almalinux-8.7", "rhel-9.2", "el9",
// "8". The distribution id, when present, must belong to namespace ns.
func elMajor(d, ns string) (string, bool) {
	id, rel := splitDistro(d)
	if id == "" && strings.HasPrefix(rel, "el") {
		rel = rel[2:]
	}
	switch id {
	case "":
	case "almalinux", "alma":
		if ns != "almalinux" && ns != "alma" {
			return "", false
		}
	case "rocky", "rockylinux":
		if ns != "rocky" && ns != "rockylinux" {
			return "", false
		}
	case "rhel", "redhat":
		if ns != "rhel" && ns != "redhat" {
			return "", false
		}
	default:
		return "", false
	}
	if !isNumericRelease(rel) {
		return "", false
	}
	return firstParts(rel, 1), true
}

// srpmName returns the package name of a source RPM file name
// ("openssl-3.0.7-1.el9.src.rpm" → "openssl"), or the value itself when it
// is not a file name.
func srpmName(s string) string {
	base, ok := strings.CutSuffix(s, ".src.rpm")
	if !ok {
		base, ok = strings.CutSuffix(s, ".nosrc.rpm")
	}
	if !ok {
		return s
	}
	// name-version-release: drop the last two '-' fields.
	for range 2 {
		i := strings.LastIndexByte(base, '-')
		if i <= 0 {
			return ""
		}
		base = base[:i]
	}
	return base
}
