package version

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/osv-scalibr/semantic"
)

// ErrUnsupported is wrapped by the errors of ecosystems rocca cannot order.
var ErrUnsupported = errors.New("unsupported ecosystem")

// ErrInvalid is wrapped by the errors of strings that are not a version of
// the ecosystem.
var ErrInvalid = errors.New("invalid version")

// MaxLen bounds a version string. Real versions are far shorter (the longest
// distribution versions are under 100 bytes); the bound keeps hostile input
// from costing big-number arithmetic.
const MaxLen = 256

// Version is a parsed version of one ecosystem.
//
// It is a small value, cheap to copy: parse once, compare many times. A
// Version returned with an ErrInvalid or ErrUnsupported error still carries
// its string and ecosystem, so it can be matched literally (Evaluate does so
// against an advisory's versions list), but it is not Valid and does not
// compare.
type Version struct {
	sch *scheme // nil when the ecosystem is unsupported
	eco string  // canonical ecosystem name; the base name as given when unsupported
	s   string  // the version as given
	ok  bool

	// SemVer-shaped versions: s[start:core] is the dotted numeric release,
	// s[core+1:pre] the pre-release (empty when pre == core) and s[pre+1:]
	// the build metadata (empty when pre == len(s)).
	start, core, pre int32

	// Other versions: the comparator of osv-scalibr's semantic package. It
	// is boxed so that Version stays comparable with == (the semantic
	// values hold slices).
	sem *semBox
}

type semBox struct{ v semantic.Version }

// kind selects the parser and comparator of an ecosystem.
type kind uint8

const (
	kindSemver    kind = iota + 1 // rocca's own SemVer 2.0 comparator, with the knobs below
	kindPyPI                      // PEP 440, via semantic
	kindMaven                     // Maven ComparableVersion, via semantic
	kindRubyGems                  // Gem::Version, via semantic
	kindPackagist                 // Composer, via semantic after normalising
	kindCRAN                      // R package_version, via semantic
	kindHackage                   // Haskell PVP, via semantic
	kindDebian                    // dpkg, via semantic
	kindOpam                      // opam: dpkg ordering of the whole string, via semantic
	kindRPM                       // rpmvercmp, via semantic
	kindAlpine                    // apk-tools, rocca's own comparator
)

// scheme is how one ecosystem spells and orders versions.
type scheme struct {
	name string
	kind kind

	// SemVer knobs.
	allowV   bool // a leading "v" is accepted and ignored
	maxParts int  // most numeric release components; 0 means no limit
	foldPre  bool // pre-release identifiers compare without regard to ASCII case
	cmpBuild bool // build metadata takes part in the ordering
}

// semverScheme orders the versions of SEMVER ranges (SemVer 2.0 precedence).
// It accepts any number of numeric components, missing ones counting as 0,
// and a leading "v".
var semverScheme = scheme{name: "SEMVER", kind: kindSemver, allowV: true}

// schemes are the supported ecosystems, read-only.
var schemes = [...]scheme{
	// SemVer proper: at most three numeric components.
	{name: "npm", kind: kindSemver, allowV: true, maxParts: 3},
	{name: "crates.io", kind: kindSemver, maxParts: 3},
	{name: "Go", kind: kindSemver, allowV: true, maxParts: 3},
	// SemVer-like: as semantic orders them, but any number of numeric
	// components (semantic would turn a fourth one into a pre-release).
	{name: "Bitnami", kind: kindSemver, allowV: true},
	{name: "ConanCenter", kind: kindSemver, allowV: true},
	{name: "Docker Hardened Images", kind: kindSemver, allowV: true},
	{name: "GHC", kind: kindSemver, allowV: true},
	{name: "Hex", kind: kindSemver, allowV: true},
	{name: "Julia", kind: kindSemver, allowV: true},
	{name: "SwiftURL", kind: kindSemver, allowV: true},
	// NuGet: up to four numeric components, pre-release case-insensitive.
	{name: "NuGet", kind: kindSemver, maxParts: 4, foldPre: true},
	// Pub (pub_semver): build metadata orders after the bare version.
	{name: "Pub", kind: kindSemver, maxParts: 3, cmpBuild: true},

	{name: "PyPI", kind: kindPyPI},
	{name: "Maven", kind: kindMaven},
	{name: "RubyGems", kind: kindRubyGems},
	{name: "Packagist", kind: kindPackagist},
	{name: "CRAN", kind: kindCRAN},
	{name: "Bioconductor", kind: kindCRAN},
	{name: "Hackage", kind: kindHackage},
	{name: "Debian", kind: kindDebian},
	{name: "Ubuntu", kind: kindDebian},
	{name: "opam", kind: kindOpam},
	{name: "AlmaLinux", kind: kindRPM},
	{name: "Mageia", kind: kindRPM},
	{name: "openEuler", kind: kindRPM},
	{name: "openSUSE", kind: kindRPM},
	{name: "Photon OS", kind: kindRPM},
	{name: "Red Hat", kind: kindRPM},
	{name: "Rocky Linux", kind: kindRPM},
	{name: "SUSE", kind: kindRPM},
	{name: "Alpine", kind: kindAlpine},
	{name: "Alpaquita", kind: kindAlpine},
	{name: "BellSoft Hardened Containers", kind: kindAlpine},
	{name: "Chainguard", kind: kindAlpine},
	{name: "MinimOS", kind: kindAlpine},
	{name: "Wolfi", kind: kindAlpine},
}

// lookup returns the scheme of an ecosystem, with or without its ":suffix".
// Names are matched exactly first, then without regard to ASCII case.
func lookup(ecosystem string) *scheme {
	base := baseName(ecosystem)
	for i := range schemes {
		if schemes[i].name == base {
			return &schemes[i]
		}
	}
	for i := range schemes {
		if strings.EqualFold(schemes[i].name, base) {
			return &schemes[i]
		}
	}
	return nil
}

func baseName(ecosystem string) string {
	if i := strings.IndexByte(ecosystem, ':'); i >= 0 {
		return ecosystem[:i]
	}
	return ecosystem
}

// Supported reports whether versions of the ecosystem can be parsed and
// ordered. A ":suffix" ("Debian:12", "Alpine:v3.19") is ignored.
func Supported(ecosystem string) bool { return lookup(ecosystem) != nil }

// Canonical returns the ecosystem's name as rocca spells it (the OSV
// spelling, without suffix), and whether it is supported.
func Canonical(ecosystem string) (string, bool) {
	if sch := lookup(ecosystem); sch != nil {
		return sch.name, true
	}
	return baseName(ecosystem), false
}

// Parse parses s as a version of the ecosystem, which may carry a suffix
// ("Debian:12"). The error wraps ErrUnsupported when the ecosystem is
// unknown and ErrInvalid when s is not a valid version of it; in both cases
// the returned Version still holds s (see Version).
func Parse(ecosystem, s string) (Version, error) {
	sch := lookup(ecosystem)
	if sch == nil {
		base := baseName(ecosystem)
		return Version{eco: base, s: s}, fmt.Errorf("%w %q", ErrUnsupported, base)
	}
	return sch.parse(s)
}

// ParseSemver parses s as a SemVer 2.0 version, as the events of OSV SEMVER
// ranges are: MAJOR[.MINOR[.PATCH[...]]][-PRERELEASE][+BUILD], missing
// numeric components counting as 0 and a leading "v" ignored. Its Ecosystem
// is "SEMVER".
func ParseSemver(s string) (Version, error) { return semverScheme.parse(s) }

// String returns the version as it was given.
func (v Version) String() string { return v.s }

// Ecosystem returns the canonical name of the version's ecosystem ("Debian"
// for "Debian:12"), "SEMVER" for ParseSemver, or the base name as given when
// the ecosystem is unsupported.
func (v Version) Ecosystem() string { return v.eco }

// Valid reports whether v was parsed successfully and can be compared.
func (v Version) Valid() bool { return v.ok }

// Parse parses s in v's ecosystem (or as SemVer when v came from
// ParseSemver or Semver).
func (v Version) Parse(s string) (Version, error) {
	if v.sch == nil {
		return Version{eco: v.eco, s: s}, fmt.Errorf("%w %q", ErrUnsupported, v.eco)
	}
	return v.sch.parse(s)
}

// Compare compares v with another version string of the same ecosystem,
// such as an OSV event value: -1 if v sorts before other, 0 if they are
// equal, +1 if v sorts after. The error wraps ErrInvalid when other (or v)
// is not a valid version of the ecosystem.
func (v Version) Compare(other string) (int, error) {
	if !v.ok {
		return 0, v.notComparable()
	}
	w, err := v.sch.parse(other)
	if err != nil {
		return 0, err
	}
	return v.cmp(w)
}

// CompareVersion is Compare for an already parsed version. Both must be
// valid and of the same ecosystem (suffixes aside).
func (v Version) CompareVersion(w Version) (int, error) {
	if !v.ok {
		return 0, v.notComparable()
	}
	if !w.ok {
		return 0, w.notComparable()
	}
	if v.sch != w.sch {
		return 0, fmt.Errorf("cannot compare a %s version with a %s version", v.eco, w.eco)
	}
	return v.cmp(w)
}

// Equal reports whether other is v's string or a valid version of v's
// ecosystem that compares equal to v ("1.0" and "1.0.0" in PyPI, "0:1.2-1"
// and "1.2-1" in Debian). Strings that cannot be equal are rejected before
// they are parsed, which makes Equal cheap over long version lists.
func (v Version) Equal(other string) bool {
	if other == v.s {
		return true
	}
	if !v.ok || !sameNumbers(v.sch, v.s, other) {
		return false
	}
	c, err := v.Compare(other)
	return err == nil && c == 0
}

// Semver returns v as a SemVer version, for evaluating SEMVER ranges: the
// same version re-tagged when its ecosystem's versions are SemVer-shaped,
// otherwise v's string parsed by ParseSemver.
func (v Version) Semver() (Version, error) {
	if v.sch == &semverScheme {
		return v, nil
	}
	if v.ok && v.sch.kind == kindSemver {
		w := v
		w.sch, w.eco = &semverScheme, semverScheme.name
		return w, nil
	}
	return ParseSemver(v.s)
}

func (v Version) notComparable() error {
	if v.sch == nil {
		if v.eco == "" && v.s == "" {
			return fmt.Errorf("%w: zero Version", ErrInvalid)
		}
		return fmt.Errorf("%w %q", ErrUnsupported, v.eco)
	}
	return fmt.Errorf("%w %s for %s", ErrInvalid, quote(v.s), v.eco)
}

// cmp compares two valid versions of the same scheme.
func (v Version) cmp(w Version) (c int, err error) {
	switch v.sch.kind {
	case kindSemver:
		return cmpSemver(v, w), nil
	case kindAlpine:
		return cmpApk(v.s, w.s), nil
	}
	defer func() {
		if r := recover(); r != nil {
			c, err = 0, fmt.Errorf("%w: comparing %s %s with %s panicked: %v", ErrInvalid, v.eco, quote(v.s), quote(w.s), r)
		}
	}()
	c, err = v.sem.v.Compare(w.sem.v)
	if err != nil {
		return 0, fmt.Errorf("%w: comparing %s %s with %s: %v", ErrInvalid, v.eco, quote(v.s), quote(w.s), err)
	}
	return sign(c), nil
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// invalid returns the error for s, with the reason it is not a version.
func (sch *scheme) invalid(s, reason string) error {
	return fmt.Errorf("%w %s for %s: %s", ErrInvalid, quote(s), sch.name, reason)
}

// quote quotes s for an error message, clipped to 64 bytes.
func quote(s string) string {
	if len(s) > 64 {
		return fmt.Sprintf("%q...", s[:64])
	}
	return fmt.Sprintf("%q", s)
}

// parse validates s against the scheme's grammar and parses it.
func (sch *scheme) parse(s string) (Version, error) {
	v := Version{sch: sch, eco: sch.name, s: s}
	if s == "" {
		return v, sch.invalid(s, "empty")
	}
	if len(s) > MaxLen {
		return v, sch.invalid(s, fmt.Sprintf("longer than %d bytes", MaxLen))
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return v, sch.invalid(s, fmt.Sprintf("character %q not allowed", s[i]))
		}
	}
	var reason string
	var norm string // the string handed to semantic, when it differs from s
	switch sch.kind {
	case kindSemver:
		var start, core, pre int
		start, core, pre, reason = scanSemver(s, sch.allowV, sch.maxParts)
		if reason == "" {
			v.start, v.core, v.pre = int32(start), int32(core), int32(pre)
			v.ok = true
			return v, nil
		}
	case kindPyPI:
		if !pep440.MatchString(s) {
			reason = "not a PEP 440 version"
		}
	case kindMaven:
		reason = checkMaven(s)
	case kindRubyGems:
		if !gemVersion.MatchString(s) {
			reason = "not a Gem::Version"
		}
		// Gem::Version reads "-" as ".pre.": 1.0-1 is 1.0.pre.1.
		norm = strings.ReplaceAll(s, "-", ".pre.")
	case kindPackagist:
		norm, reason = normalizeComposer(s)
	case kindCRAN:
		if !cranVersion.MatchString(s) {
			reason = "not two or more numbers separated by '.' or '-'"
		}
	case kindHackage:
		if !hackageVersion.MatchString(s) {
			reason = "not numbers separated by '.'"
		}
	case kindDebian:
		reason = checkDebian(s)
	case kindOpam:
		reason = checkOpam(s)
	case kindRPM:
		reason = checkRPM(s)
	case kindAlpine:
		if !apkVersion.MatchString(s) {
			reason = "not number{.number}{letter[number{.number}]}{_suffix[number]}[~hash][-rN]"
			break
		}
		v.ok = true
		return v, nil
	}
	if reason != "" {
		return v, sch.invalid(s, reason)
	}
	if norm == "" {
		norm = s
	}
	sv, err := parseSemantic(sch, norm)
	if err != nil {
		return v, sch.invalid(s, err.Error())
	}
	v.sem = &semBox{sv}
	v.ok = true
	return v, nil
}

// parseSemantic runs semantic's parser for a string the scheme's grammar
// accepted, turning a panic into an error.
func parseSemantic(sch *scheme, s string) (sv semantic.Version, err error) {
	defer func() {
		if r := recover(); r != nil {
			sv, err = nil, fmt.Errorf("parser panicked: %v", r)
		}
	}()
	switch sch.kind {
	case kindPyPI:
		return semantic.ParsePyPIVersion(s)
	case kindMaven:
		return semantic.ParseMavenVersion(s), nil
	case kindRubyGems:
		return semantic.ParseRubyGemsVersion(s), nil
	case kindPackagist:
		return semantic.ParsePackagistVersion(s), nil
	case kindCRAN:
		return semantic.ParseCRANVersion(s)
	case kindHackage:
		return semantic.ParseHackageVersion(s)
	case kindDebian, kindOpam:
		return semantic.ParseDebianVersion(s)
	case kindRPM:
		return semantic.ParseRedHatVersion(s), nil
	}
	return nil, fmt.Errorf("no parser for %s", sch.name)
}

// Grammars checked before semantic parses (semantic itself, CRAN and
// Hackage aside, accepts nearly any string). All are anchored; the parse has
// already rejected whitespace and non-ASCII bytes.
var (
	// PEP 440 (public and local versions), as packaging parses them: any
	// case, alternative spellings and separators, optional "v".
	pep440 = regexp.MustCompile(`(?i)^v?` +
		`(?:[0-9]+!)?` + // epoch
		`[0-9]+(?:\.[0-9]+)*` + // release
		`(?:[-_.]?(?:alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?:[0-9]+)?)?` + // pre-release
		`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?(?:[0-9]+)?)?` + // post-release
		`(?:[-_.]?dev[-_.]?(?:[0-9]+)?)?` + // development release
		`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$`) // local version

	// Gem::Version's pattern.
	gemVersion = regexp.MustCompile(`^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$`)

	// R's package_version: at least two numbers.
	cranVersion = regexp.MustCompile(`^[0-9]+(?:[.-][0-9]+)+$`)

	// The Haskell Package Versioning Policy: numbers only.
	hackageVersion = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*$`)

	// apk-tools 2.x's tokenizer: number{.number}..., then letters, each
	// optionally followed by digits (and more dotted numbers after those
	// digits: "6.6.2p1", "1.2a3.4"), then {_suffix{number}}...{~hash}{-r#}.
	// A letter cannot follow a letter, nor a '.' a letter.
	apkVersion = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*(?:[a-z][0-9]+(?:\.[0-9]+)*)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(?:~[0-9a-f]+)?(?:-r[0-9]+)?$`)

	// Composer's classical versions: up to any number of numeric parts, an
	// optional stability modifier with optional number, an optional dev
	// suffix. Branch names ("dev-main", "1.x-dev") have no order and are
	// rejected.
	composerVersion = regexp.MustCompile(`(?i)^v?([0-9]+(?:\.[0-9]+)*)(?:[._-]?(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*))?([.-]?dev)?$`)
)

// checkMaven rejects what is not a version in any reading: Maven orders
// every string, "${project.version}" and "LATEST" included, but those are
// unresolved properties and meta-versions, not versions.
func checkMaven(s string) string {
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digit = true
		case isLetter(c):
		case i > 0 && (c == '.' || c == '-' || c == '_' || c == '+'):
		default:
			return fmt.Sprintf("character %q not allowed", c)
		}
	}
	if !digit {
		return "no digit"
	}
	return ""
}

// normalizeComposer returns a Composer version in the form semantic orders
// as Composer does: lowercase, no "v", at least four numeric components
// (Composer normalises 1.2 to 1.2.0.0, so 1.2 == 1.2.0.0 and 1.2 >
// 1.2.0-beta), no "stable" modifier, and no build metadata: Composer drops
// a non-empty "+..." suffix before it parses the rest, so
// "2.65.2+170606" is 2.65.2 and "v6.13.7-beta1+EZP-30823.preview" is
// 6.13.7-beta1.
func normalizeComposer(s string) (string, string) {
	if base, build, ok := strings.Cut(s, "+"); ok {
		if build == "" {
			return "", "empty build metadata after '+'"
		}
		s = base
	}
	m := composerVersion.FindStringSubmatch(s)
	if m == nil {
		return "", "not a Composer version (branch names such as dev-main have no order)"
	}
	var b strings.Builder
	b.WriteString(m[1])
	for n := strings.Count(m[1], ".") + 1; n < 4; n++ {
		b.WriteString(".0")
	}
	mod := strings.ToLower(m[2])
	switch {
	case mod == "stable" && m[3] != "":
		return "", "a number after \"stable\""
	case mod != "" && mod != "stable":
		b.WriteString("-")
		b.WriteString(mod)
		b.WriteString(m[3])
	}
	if m[4] != "" {
		b.WriteString("-dev")
	}
	return b.String(), ""
}

// checkDebian applies dpkg's rules: [epoch:]upstream[-revision], a numeric
// epoch, an upstream version that starts with a digit and holds only
// alphanumerics and ".+~-:" ('-' only with a revision, ':' only with an
// epoch), a non-empty revision of alphanumerics and "+.~".
func checkDebian(s string) string {
	rest := s
	epoch := false
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if i == 0 || !allDigits(s[:i]) {
			return "epoch is not a number"
		}
		epoch = true
		rest = s[i+1:]
	}
	upstream, revision := rest, ""
	hasRevision := false
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		upstream, revision, hasRevision = rest[:i], rest[i+1:], true
	}
	if upstream == "" {
		return "empty upstream version"
	}
	if !isDigit(upstream[0]) {
		return "upstream version does not start with a digit"
	}
	for i := 0; i < len(upstream); i++ {
		c := upstream[i]
		if !isAlnum(c) && c != '.' && c != '+' && c != '~' && c != '-' && !(c == ':' && epoch) {
			return fmt.Sprintf("character %q not allowed in the upstream version", c)
		}
	}
	if hasRevision {
		if revision == "" {
			return "empty revision"
		}
		for i := 0; i < len(revision); i++ {
			c := revision[i]
			if !isAlnum(c) && c != '.' && c != '+' && c != '~' {
				return fmt.Sprintf("character %q not allowed in the revision", c)
			}
		}
	}
	return ""
}

// checkOpam applies the opam manual: letters, digits and "-_+.~", with at
// least one letter or digit. (No ':', so no Debian epoch can arise.)
func checkOpam(s string) string {
	alnum := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c):
			alnum = true
		case c == '-' || c == '_' || c == '+' || c == '.' || c == '~':
		default:
			return fmt.Sprintf("character %q not allowed", c)
		}
	}
	if !alnum {
		return "no letter or digit"
	}
	return ""
}

// checkRPM applies rpm's rules: [epoch:]version[-release], a numeric epoch,
// no '-' inside version or release, only alphanumerics and "._+~^".
func checkRPM(s string) string {
	rest := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if i == 0 || !allDigits(s[:i]) {
			return "epoch is not a number"
		}
		rest = s[i+1:]
	}
	ver, rel, hasRel := strings.Cut(rest, "-")
	if ver == "" {
		return "empty version"
	}
	if hasRel && rel == "" {
		return "empty release"
	}
	for _, part := range [2]string{ver, rel} {
		alnum := false
		for i := 0; i < len(part); i++ {
			c := part[i]
			switch {
			case isAlnum(c):
				alnum = true
			case c == '.' || c == '_' || c == '+' || c == '~' || c == '^':
			case c == '-':
				return "more than one '-'"
			default:
				return fmt.Sprintf("character %q not allowed", c)
			}
		}
		if !alnum && part != "" {
			return "no letter or digit in version or release"
		}
	}
	return ""
}

// scanSemver checks MAJOR[.MINOR...][-PRE][+BUILD] and returns the offsets
// Version keeps: where the numbers start, where they end, where the
// pre-release ends.
func scanSemver(s string, allowV bool, maxParts int) (start, core, pre int, reason string) {
	i := 0
	if allowV && s[0] == 'v' {
		i = 1
	}
	start = i
	parts := 0
	for {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			if i == len(s) {
				return 0, 0, 0, "missing number"
			}
			return 0, 0, 0, fmt.Sprintf("expected a digit at %q", s[i:])
		}
		parts++
		i = j
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		break
	}
	if maxParts > 0 && parts > maxParts {
		return 0, 0, 0, fmt.Sprintf("more than %d numeric components", maxParts)
	}
	core, pre = i, i
	if i < len(s) && s[i] == '-' {
		j, ok := scanIdents(s, i+1)
		if !ok {
			return 0, 0, 0, "empty or malformed pre-release"
		}
		pre, i = j, j
	}
	if i < len(s) && s[i] == '+' {
		j, ok := scanIdents(s, i+1)
		if !ok {
			return 0, 0, 0, "empty or malformed build metadata"
		}
		i = j
	}
	if i != len(s) {
		return 0, 0, 0, fmt.Sprintf("unexpected %q", s[i:])
	}
	return start, core, pre, ""
}

// scanIdents scans dot-separated non-empty identifiers of [0-9A-Za-z-]
// from s[i:] and returns where they end.
func scanIdents(s string, i int) (int, bool) {
	for {
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			j++
		}
		if j == i {
			return i, false
		}
		if j < len(s) && s[j] == '.' {
			i = j + 1
			continue
		}
		return j, true
	}
}

func (v Version) release() string { return v.s[v.start:v.core] }

func (v Version) prerelease() string {
	if v.pre == v.core {
		return ""
	}
	return v.s[v.core+1 : v.pre]
}

func (v Version) build() string {
	if int(v.pre) == len(v.s) {
		return ""
	}
	return v.s[v.pre+1:]
}

// cmpSemver orders SemVer-shaped versions: numeric components (missing
// ones are 0), then a version with a pre-release before the same without,
// pre-releases by SemVer 2.0 §11, and build metadata only where the scheme
// says so (Pub), after the bare version.
func cmpSemver(v, w Version) int {
	if c := cmpRelease(v.release(), w.release()); c != 0 {
		return c
	}
	vp, wp := v.prerelease(), w.prerelease()
	switch {
	case vp == "" && wp != "":
		return 1
	case vp != "" && wp == "":
		return -1
	}
	if c := cmpIdents(vp, wp, v.sch.foldPre); c != 0 || !v.sch.cmpBuild {
		return c
	}
	vb, wb := v.build(), w.build()
	switch {
	case vb == "" && wb != "":
		return -1
	case vb != "" && wb == "":
		return 1
	}
	return cmpIdents(vb, wb, false)
}

// cmpRelease compares dotted runs of digits numerically, component by
// component, a missing component counting as 0.
func cmpRelease(a, b string) int {
	for a != "" || b != "" {
		var x, y string
		x, a = cutDot(a)
		y, b = cutDot(b)
		if c := cmpDigits(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func cutDot(s string) (string, string) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// cmpDigits compares two runs of digits by value, at any length; an empty
// run is 0.
func cmpDigits(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// cmpIdents compares dot-separated identifiers by SemVer 2.0 §11: numeric
// ones by value and before alphanumeric ones, alphanumeric ones in ASCII
// order (ignoring case when fold is set), a longer list after its prefix.
func cmpIdents(a, b string, fold bool) int {
	for {
		if a == "" || b == "" {
			switch {
			case a != "":
				return 1
			case b != "":
				return -1
			}
			return 0
		}
		var x, y string
		x, a = cutDot(a)
		y, b = cutDot(b)
		xn, yn := allDigits(x), allDigits(y)
		var c int
		switch {
		case xn && yn:
			c = cmpDigits(x, y)
		case xn:
			c = -1
		case yn:
			c = 1
		case fold:
			c = cmpFold(x, y)
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
}

// cmpFold compares ASCII strings as if both were lowercase.
func cmpFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := lower(a[i]), lower(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// sameNumbers is a necessary condition for two strings to be equal
// versions of the scheme: the same sequence of non-zero numbers, leading
// zeros aside. Every supported ordering compares digit runs by value, and
// versions that differ only by zero components ("1.0" and "1.0.0", epoch
// "0:", "-r0") are the only equal spellings with different digits, except
// for parts the ordering ignores, which are cut first: SemVer build
// metadata (unless the scheme orders it), Composer build metadata and apk
// commit hashes.
func sameNumbers(sch *scheme, a, b string) bool {
	a1, a2 := ignoredCut(sch, a)
	b1, b2 := ignoredCut(sch, b)
	x := numbers{s: a1, t: a2}
	y := numbers{s: b1, t: b2}
	for {
		p, q := x.next(), y.next()
		if p != q {
			return false
		}
		if p == "" {
			return true
		}
	}
}

// ignoredCut returns s without the part its scheme's ordering ignores, as
// the text before and after that part.
func ignoredCut(sch *scheme, s string) (string, string) {
	switch {
	case sch.kind == kindSemver && !sch.cmpBuild, sch.kind == kindPackagist:
		if i := strings.IndexByte(s, '+'); i >= 0 {
			return s[:i], ""
		}
	case sch.kind == kindAlpine:
		if i := strings.IndexByte(s, '~'); i >= 0 {
			j := strings.Index(s[i:], "-r")
			if j < 0 {
				return s[:i], ""
			}
			return s[:i], s[i+j:]
		}
	}
	return s, ""
}

// numbers iterates over the non-zero digit runs of s then t, without
// leading zeros.
type numbers struct{ s, t string }

func (n *numbers) next() string {
	for {
		if n.s == "" {
			if n.t == "" {
				return ""
			}
			n.s, n.t = n.t, ""
		}
		i := 0
		for i < len(n.s) && !isDigit(n.s[i]) {
			i++
		}
		j := i
		for j < len(n.s) && isDigit(n.s[j]) {
			j++
		}
		run := strings.TrimLeft(n.s[i:j], "0")
		n.s = n.s[j:]
		if run != "" {
			return run
		}
	}
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// apkParts are the parts of a valid apk version, as substrings.
type apkParts struct {
	nums     string // "1.2.3"
	letters  string // "", or letters each with optional digits: "a", "p1", "p2.1b"
	suffixes string // "_rc1_p2", each starting with '_'
	rev      string // digits of "-rN", "" when absent
}

func splitApk(s string) apkParts {
	var p apkParts
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	p.nums, s = s[:i], s[i:]
	i = 0
	for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || isDigit(s[i]) || s[i] == '.') {
		i++
	}
	p.letters, s = s[:i], s[i:]
	i = 0
	for i < len(s) && s[i] != '~' && s[i] != '-' {
		i++
	}
	p.suffixes, s = s[:i], s[i:]
	if j := strings.Index(s, "-r"); j >= 0 {
		p.rev = s[j+2:]
	}
	return p
}

// apkSuffixWeight orders apk's suffixes: alpha, beta, pre, rc, no suffix,
// cvs, svn, git, hg, p. (semantic weighs "no suffix" like cvs.)
func apkSuffixWeight(name string) int {
	switch name {
	case "alpha":
		return 0
	case "beta":
		return 1
	case "pre":
		return 2
	case "rc":
		return 3
	case "":
		return 4
	case "cvs":
		return 5
	case "svn":
		return 6
	case "git":
		return 7
	case "hg":
		return 8
	}
	return 9 // p
}

// nextApkSuffix splits "_rc1_p2" into "rc", "1" and "_p2".
func nextApkSuffix(s string) (name, num, rest string) {
	if s == "" {
		return "", "", ""
	}
	s = s[1:]
	i := 0
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return s[:i], s[i:j], s[j:]
}

// cmpApk orders valid apk versions as apk-tools does, in the same reading
// as semantic (numeric components padded with zeros; after the first,
// components with a leading zero compare as strings; the commit hash is
// ignored) but with the suffix order right, and with apk-tools 2.x's
// digits after a letter: "6.6.2" < "6.6.2p" < "6.6.2p1" < "6.6.2p2" <
// "6.6.2q" < "6.6.3".
func cmpApk(a, b string) int {
	x, y := splitApk(a), splitApk(b)
	if c := cmpApkNums(x.nums, y.nums, true); c != 0 {
		return c
	}
	if c := cmpApkLetters(x.letters, y.letters); c != 0 {
		return c
	}
	for xs, ys := x.suffixes, y.suffixes; xs != "" || ys != ""; {
		var pn, pd, qn, qd string
		pn, pd, xs = nextApkSuffix(xs)
		qn, qd, ys = nextApkSuffix(ys)
		if c := apkSuffixWeight(pn) - apkSuffixWeight(qn); c != 0 {
			return sign(c)
		}
		if c := cmpDigits(pd, qd); c != 0 {
			return c
		}
	}
	return cmpDigits(x.rev, y.rev)
}

// cmpApkNums compares dot-separated numbers, a missing one counting as 0.
// A component with a leading zero that is not the version's first
// compares as a string against a present one, as apk-tools reads "1.01".
func cmpApkNums(xs, ys string, first bool) int {
	for i := 0; xs != "" || ys != ""; i++ {
		var p, q string
		p, xs = cutDot(xs)
		q, ys = cutDot(ys)
		var c int
		if (i > 0 || !first) && p != "" && q != "" && (p[0] == '0' || q[0] == '0') {
			c = strings.Compare(p, q)
		} else {
			c = cmpDigits(p, q)
		}
		if c != 0 {
			return sign(c)
		}
	}
	return 0
}

// cmpApkLetters compares the letter part of two apk versions: a sequence
// of groups, each one letter, optional digits and optional further dotted
// numbers ("p1", "a2.1"). Group by group, a missing group sorts first,
// then letters in order, then absent digits before present ones
// ("p" < "p0"), digits by value, and the dotted numbers as numbers are.
func cmpApkLetters(xs, ys string) int {
	for xs != "" || ys != "" {
		switch {
		case xs == "":
			return -1
		case ys == "":
			return 1
		}
		if xs[0] != ys[0] {
			if xs[0] < ys[0] {
				return -1
			}
			return 1
		}
		var pd, qd, pn, qn string
		pd, pn, xs = nextApkGroup(xs[1:])
		qd, qn, ys = nextApkGroup(ys[1:])
		switch {
		case pd == "" && qd != "":
			return -1
		case pd != "" && qd == "":
			return 1
		}
		if c := cmpDigits(pd, qd); c != 0 {
			return c
		}
		if c := cmpApkNums(pn, qn, false); c != 0 {
			return c
		}
	}
	return 0
}

// nextApkGroup splits what follows a letter, "2.1.3b4", into the digits
// right after the letter ("2"), the dotted numbers after those ("1.3",
// without the leading '.') and the rest ("b4").
func nextApkGroup(s string) (digits, nums, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	digits, s = s[:i], s[i:]
	if s == "" || s[0] != '.' {
		return digits, "", s
	}
	i = 1
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	return digits, s[1:i], s[i:]
}
