package purl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	packageurl "github.com/package-url/packageurl-go"
)

// MaxLength is the longest purl, in bytes, that Parse accepts. Real purls
// stay far below it; the bound keeps a hostile SBOM from feeding
// megabyte-long identifiers to the parser and to everything after it.
const MaxLength = 4096

var errMissingName = errors.New("missing name")

// Parse parses a Package URL and returns its components in canonical form:
// percent-decoded, the type lowercased, qualifier keys lowercased and sorted
// (qualifiers with an empty value dropped), and the registered type's rules
// applied (see the package documentation). Leniencies of the specification
// are accepted: an uppercase scheme or type, slashes after "pkg:", an
// unencoded '@' in an npm scope, uppercase qualifier keys.
//
// The error names the purl and says what is wrong with it, for example
// `purl "pkg:maven/@1.3.4": missing name`. Inputs longer than MaxLength
// bytes, and inputs holding an unencoded space or control character, are
// rejected.
func Parse(s string) (packageurl.PackageURL, error) {
	if len(s) > MaxLength {
		return packageurl.PackageURL{}, fmt.Errorf("purl %q is %d bytes, longer than the %d-byte limit", clip(s, 48), len(s), MaxLength)
	}
	p, err := parse(s)
	if err == nil {
		err = normalize(&p)
	}
	if err == nil {
		// Percent-encoding can triple a component; keep the promise that
		// every canonical form parses again.
		if n := canonicalLen(p); n > MaxLength {
			err = fmt.Errorf("canonical form is %d bytes, longer than the %d-byte limit", n, MaxLength)
		}
	}
	if err != nil {
		return packageurl.PackageURL{}, fmt.Errorf("purl %q: %w", clip(s, 200), err)
	}
	return p, nil
}

// Canonical returns the canonical string form of a Package URL: Parse's
// components, percent-encoded as the specification requires (everything but
// ASCII letters, digits, ".-_~" and ':' is encoded) and joined. Canonical is
// idempotent, and spellings of a purl that the specification and the type's
// rules treat as equal have the same canonical form.
func Canonical(s string) (string, error) {
	p, err := Parse(s)
	if err != nil {
		return "", err
	}
	return format(p), nil
}

// parse splits a purl string into percent-decoded components without
// applying any normalisation beyond what the split itself implies.
func parse(s string) (packageurl.PackageURL, error) {
	var p packageurl.PackageURL
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return p, fmt.Errorf("unencoded space or control character at byte %d (percent-encode it)", i)
		}
	}
	if len(s) < 4 || !strings.EqualFold(s[:4], "pkg:") {
		return p, errors.New(`missing the "pkg:" scheme`)
	}
	rest := s[4:]

	// Subpath: after the last '#'.
	if i := strings.LastIndexByte(rest, '#'); i >= 0 {
		sub, err := parseSubpath(rest[i+1:])
		if err != nil {
			return p, err
		}
		p.Subpath = sub
		rest = rest[:i]
	}
	// Qualifiers: after the first '?' (no path component may hold an
	// unencoded '?', while a lenient qualifier value, a URL, might).
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		qs, err := parseQualifiers(rest[i+1:])
		if err != nil {
			return p, err
		}
		p.Qualifiers = qs
		rest = rest[:i]
	}

	rest = strings.TrimLeft(rest, "/")
	typ, path, found := strings.Cut(rest, "/")
	if err := checkType(typ); err != nil {
		return p, err
	}
	if !found {
		return p, errMissingName
	}
	p.Type = lowerASCII(typ)

	// Version: after the last '@', unless that '@' opens a namespace
	// segment, as an unencoded npm scope does ("@babel/core").
	hasVersion := false
	if at := strings.LastIndexByte(path, '@'); at >= 0 {
		opensSegment := at == 0 || path[at-1] == '/'
		if !opensSegment || strings.IndexByte(path[at+1:], '/') < 0 {
			v, err := decode(path[at+1:])
			if err != nil {
				return p, fmt.Errorf("version: %w", err)
			}
			p.Version = v
			path = path[:at]
			hasVersion = true
		}
	}
	// "ns/name/" has a trailing slash, but in "ns/@1.0" the name is empty.
	if !hasVersion {
		path = strings.TrimRight(path, "/")
	}

	if p.Type == typeGit {
		// A git purl's namespace is the host; its name is the whole
		// repository path on that host ("forgejo/forgejo").
		segs, err := decodeSegments(path, "name")
		if err != nil {
			return p, err
		}
		switch len(segs) {
		case 0:
			return p, errMissingName
		case 1:
			p.Name = segs[0]
		default:
			p.Namespace, p.Name = segs[0], strings.Join(segs[1:], "/")
		}
		return p, nil
	}

	nsPart, namePart := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		nsPart, namePart = path[:i], path[i+1:]
	}
	if namePart == "" {
		return p, errMissingName
	}
	name, err := decode(namePart)
	if err != nil {
		return p, fmt.Errorf("name: %w", err)
	}
	p.Name = name
	segs, err := decodeSegments(nsPart, "namespace")
	if err != nil {
		return p, err
	}
	p.Namespace = strings.Join(segs, "/")
	return p, nil
}

// decodeSegments splits a '/'-separated path, drops empty segments and
// percent-decodes the others, which must not decode to a slash.
func decodeSegments(path, what string) ([]string, error) {
	var segs []string
	for path != "" {
		var seg string
		seg, path, _ = strings.Cut(path, "/")
		if seg == "" {
			continue
		}
		d, err := decode(seg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if strings.IndexByte(d, '/') >= 0 {
			return nil, fmt.Errorf("%s segment %q holds an encoded '/'", what, clip(seg, 64))
		}
		segs = append(segs, d)
	}
	return segs, nil
}

func parseSubpath(raw string) (string, error) {
	segs, err := decodeSegments(raw, "subpath")
	if err != nil {
		return "", err
	}
	return cleanSubpath(strings.Join(segs, "/")), nil
}

func parseQualifiers(raw string) (packageurl.Qualifiers, error) {
	var qs packageurl.Qualifiers
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		d, err := decode(v)
		if err != nil {
			return nil, fmt.Errorf("qualifier %q: %w", clip(k, 64), err)
		}
		qs = append(qs, packageurl.Qualifier{Key: k, Value: d})
	}
	return qs, nil
}

// decode percent-decodes s. Unlike URL query decoding, '+' stays '+'.
func decode(s string) (string, error) {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			end := min(i+3, len(s))
			return "", fmt.Errorf("invalid percent-encoding %q", s[i:end])
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), nil
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// checkType validates a type as written: an ASCII letter, then ASCII
// letters, digits, '.' and '-'. It is never percent-encoded.
func checkType(t string) error {
	if t == "" {
		return errors.New("missing type")
	}
	if !isLetter(t[0]) {
		return fmt.Errorf("type %q must start with an ASCII letter", clip(t, 64))
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !isLetter(c) && !isDigit(c) && c != '.' && c != '-' {
			return fmt.Errorf("type %q holds %q; only ASCII letters, digits, '.' and '-' are allowed", clip(t, 64), c)
		}
	}
	return nil
}

// checkKey validates a lowercased qualifier key: an ASCII letter, then
// lowercase ASCII letters, digits, '.', '-' and '_'.
func checkKey(k string) error {
	if k == "" {
		return errors.New("qualifier with an empty key")
	}
	if !isLetter(k[0]) {
		return fmt.Errorf("qualifier key %q must start with an ASCII letter", clip(k, 64))
	}
	for i := 1; i < len(k); i++ {
		if c := k[i]; !isLetter(c) && !isDigit(c) && c != '.' && c != '-' && c != '_' {
			return fmt.Errorf("qualifier key %q holds %q; only ASCII letters, digits, '.', '-' and '_' are allowed", clip(k, 64), c)
		}
	}
	return nil
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// normalize validates decoded components and brings them to canonical form.
// It is shared by Parse and by building a purl from components.
func normalize(p *packageurl.PackageURL) error {
	if err := checkType(p.Type); err != nil {
		return err
	}
	p.Type = lowerASCII(p.Type)
	for _, c := range [...]struct{ what, s string }{
		{"namespace", p.Namespace}, {"name", p.Name}, {"version", p.Version}, {"subpath", p.Subpath},
	} {
		if !utf8.ValidString(c.s) {
			return fmt.Errorf("%s is not valid UTF-8", c.what)
		}
	}
	p.Namespace = cleanPath(p.Namespace)
	if p.Type == typeGit {
		p.Name = cleanPath(p.Name)
	} else {
		p.Name = strings.Trim(p.Name, "/")
	}
	if p.Name == "" {
		return errMissingName
	}
	qs, err := normalizeQualifiers(p.Qualifiers)
	if err != nil {
		return err
	}
	p.Qualifiers = qs
	p.Subpath = cleanSubpath(p.Subpath)
	return applyTypeRules(p)
}

// cleanPath drops empty segments of a '/'-separated path.
func cleanPath(s string) string {
	if !strings.HasPrefix(s, "/") && !strings.HasSuffix(s, "/") && !strings.Contains(s, "//") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '/' }), "/")
}

// cleanSubpath drops empty, "." and ".." segments of a subpath.
func cleanSubpath(s string) string {
	if s == "" {
		return s
	}
	segs := strings.Split(s, "/")
	out := segs[:0]
	for _, seg := range segs {
		if seg != "" && seg != "." && seg != ".." {
			out = append(out, seg)
		}
	}
	if len(out) == len(segs) {
		return s
	}
	return strings.Join(out, "/")
}

func normalizeQualifiers(qs packageurl.Qualifiers) (packageurl.Qualifiers, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	out := make(packageurl.Qualifiers, 0, len(qs))
	for _, q := range qs {
		k := lowerASCII(q.Key)
		if err := checkKey(k); err != nil {
			return nil, err
		}
		if !utf8.ValidString(q.Value) {
			return nil, fmt.Errorf("qualifier %q: value is not valid UTF-8", clip(k, 64))
		}
		if q.Value != "" {
			out = append(out, packageurl.Qualifier{Key: k, Value: q.Value})
		}
	}
	slices.SortStableFunc(out, func(a, b packageurl.Qualifier) int { return strings.Compare(a.Key, b.Key) })
	for i := 1; i < len(out); i++ {
		if out[i].Key == out[i-1].Key {
			return nil, fmt.Errorf("qualifier %q appears more than once", clip(out[i].Key, 64))
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// qualifier returns the value of a (normalised) qualifier key, or "".
func qualifier(p packageurl.PackageURL, key string) string {
	for _, q := range p.Qualifiers {
		if q.Key == key {
			return q.Value
		}
	}
	return ""
}

// presence says whether a type requires, allows or prohibits a namespace.
type presence uint8

const (
	optional presence = iota
	required
	prohibited
)

// typeRule is the part of a registered type definition that is shared by
// several types.
type typeRule struct {
	namespace      presence
	lowerNamespace bool
	lowerName      bool
	lowerVersion   bool
}

// ruleFor returns the rule of a registered purl type, taken from the type
// definitions of the purl-spec repository (types/*-definition.json):
// "requirement" of the namespace, and "case_sensitive": false or "shall be
// lowercased" of namespace, name and version. Types that are not registered
// get no rule.
func ruleFor(typ string) typeRule {
	switch typ {
	case "alpm", "apk", "bitbucket", "composer", "deb", "github", "vscode-extension":
		return typeRule{namespace: required, lowerNamespace: true, lowerName: true}
	case "qpkg", "rpm":
		return typeRule{namespace: required, lowerNamespace: true}
	case "huggingface":
		return typeRule{namespace: required, lowerVersion: true}
	case "git", "maven", "swift":
		return typeRule{namespace: required}
	case "brew", "hex", "luarocks":
		return typeRule{lowerNamespace: true, lowerName: true}
	case "yocto":
		return typeRule{lowerNamespace: true}
	case "bitnami", "chrome-extension", "otp", "pub", "pypi":
		return typeRule{namespace: prohibited, lowerName: true}
	case "oci":
		return typeRule{namespace: prohibited, lowerName: true, lowerVersion: true}
	case "bazel", "cargo", "cocoapods", "conda", "cran", "gem", "hackage", "julia", "mlflow", "nuget", "opam", "vcpkg":
		return typeRule{namespace: prohibited}
	}
	// conan, cpan, docker, generic, npm and swid have an optional,
	// case-sensitive namespace. golang is here too: its definition
	// requires a namespace and asks for lowercasing, but Go module paths
	// are case-sensitive and the standard library is "pkg:golang/stdlib".
	return typeRule{}
}

func applyTypeRules(p *packageurl.PackageURL) error {
	r := ruleFor(p.Type)
	switch {
	case r.namespace == required && p.Namespace == "":
		return fmt.Errorf("type %q needs a namespace", clip(p.Type, 64))
	case r.namespace == prohibited && p.Namespace != "":
		return fmt.Errorf("type %q does not allow a namespace, got %q", clip(p.Type, 64), clip(p.Namespace, 64))
	}
	if r.lowerNamespace {
		p.Namespace = lower(p.Namespace)
	}
	if r.lowerName {
		p.Name = lower(p.Name)
	}
	if r.lowerVersion {
		p.Version = lower(p.Version)
	}

	switch p.Type {
	case "pypi":
		// PyPI treats '-' and '_' alike; the purl form uses '-'.
		p.Name = strings.ReplaceAll(p.Name, "_", "-")
	case "pub":
		// Pub names hold only [a-z0-9_]; anything else becomes '_'.
		p.Name = pubName(p.Name)
	case "mlflow":
		// Databricks model names are case-insensitive, Azure ML ones are
		// not; the repository_url qualifier tells which server it is.
		if strings.Contains(lower(qualifier(*p, "repository_url")), "databricks") {
			p.Name = lower(p.Name)
		}
	case "cpan":
		p.Namespace = strings.ToUpper(p.Namespace)
		if strings.Contains(p.Name, "::") {
			return fmt.Errorf("cpan name %q is a module name; use the distribution name (no \"::\")", clip(p.Name, 64))
		}
	case "chrome-extension":
		if !isChromeID(p.Name) {
			return fmt.Errorf("chrome-extension name %q is not an extension id (32 letters a-p)", clip(p.Name, 64))
		}
		if p.Version != "" && !isChromeVersion(p.Version) {
			return fmt.Errorf("chrome-extension version %q is not 1 to 4 dot-separated integers", clip(p.Version, 64))
		}
	case "cocoapods":
		if strings.HasPrefix(p.Name, ".") || strings.ContainsAny(p.Name, "+ \t\r\n\v\f") {
			return fmt.Errorf("cocoapods name %q may not start with '.' or hold '+' or whitespace", clip(p.Name, 64))
		}
	case "julia":
		if qualifier(*p, "uuid") == "" {
			return errors.New("a julia purl needs a uuid qualifier")
		}
	case "swid":
		if qualifier(*p, "tag_id") == "" {
			return errors.New("a swid purl needs a tag_id qualifier")
		}
		if strings.Count(p.Namespace, "/") > 1 {
			return fmt.Errorf("swid namespace %q has more than two segments", clip(p.Namespace, 64))
		}
	}
	return nil
}

func pubName(s string) string {
	ok := func(r rune) bool { return ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r == '_' }
	if strings.IndexFunc(s, func(r rune) bool { return !ok(r) }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if ok(r) {
			return r
		}
		return '_'
	}, s)
}

func isChromeID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'p' {
			return false
		}
	}
	return true
}

func isChromeVersion(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return false
	}
	for _, part := range parts {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			if !isDigit(part[i]) {
				return false
			}
		}
	}
	return true
}

// lower lowercases s as the specification's case folding asks; ASCII
// strings, the common case, are folded without strings.ToLower and without
// allocating when already lowercase.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
	}
	return lowerASCII(s)
}

// lowerASCII lowercases ASCII letters only; s itself when it has none
// uppercase.
func lowerASCII(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// format renders normalised components as a canonical purl string.
func format(p packageurl.PackageURL) string {
	var b strings.Builder
	b.Grow(len(p.Type) + len(p.Namespace) + len(p.Name) + len(p.Version) + len(p.Subpath) + 32)
	b.WriteString("pkg:")
	b.WriteString(p.Type)
	for _, seg := range strings.Split(p.Namespace, "/") {
		if seg != "" {
			b.WriteByte('/')
			escape(&b, seg)
		}
	}
	b.WriteByte('/')
	if p.Type == typeGit {
		writePath(&b, p.Name)
	} else {
		escape(&b, p.Name)
	}
	if p.Version != "" {
		b.WriteByte('@')
		escape(&b, p.Version)
	}
	for i, q := range p.Qualifiers {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(q.Key)
		b.WriteByte('=')
		escape(&b, q.Value)
	}
	if p.Subpath != "" {
		b.WriteByte('#')
		writePath(&b, p.Subpath)
	}
	return b.String()
}

// canonicalLen returns len(format(p)) without building the string.
func canonicalLen(p packageurl.PackageURL) int {
	n := len("pkg:") + len(p.Type) + len("/") + escapedLen(p.Name, p.Type == typeGit)
	if p.Namespace != "" {
		n += len("/") + escapedLen(p.Namespace, true)
	}
	if p.Version != "" {
		n += len("@") + escapedLen(p.Version, false)
	}
	for _, q := range p.Qualifiers {
		n += len("?") + len(q.Key) + len("=") + escapedLen(q.Value, false)
	}
	if p.Subpath != "" {
		n += len("#") + escapedLen(p.Subpath, true)
	}
	return n
}

// escapedLen returns the length of s percent-encoded by escape; with
// slashSep, '/' separates segments and is written as is.
func escapedLen(s string, slashSep bool) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isUnreserved(c) && (c != '/' || !slashSep) {
			n += 2
		}
	}
	return n
}

// writePath writes '/'-separated segments, each percent-encoded.
func writePath(b *strings.Builder, s string) {
	for i, seg := range strings.Split(s, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		escape(b, seg)
	}
}

// escape percent-encodes every byte but ASCII letters, digits, ".-_~" and
// ':', which the specification says shall not be encoded.
func escape(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
}

// typeGit is the registered git type, which packageurl-go has no constant
// for.
const typeGit = "git"

// clip shortens s to at most n bytes, marking the cut, for quoting user data
// in error messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// isUnreserved reports whether c is written as is in a canonical purl: an
// ASCII letter or digit, '.', '-', '_', '~' or ':'.
func isUnreserved(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':'
}
