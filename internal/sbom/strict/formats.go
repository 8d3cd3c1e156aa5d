package strict

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// The checkers below implement the value formats the CycloneDX
// specification names (JSON schema "format" keywords and the patterns it
// spells out). They are shared by the JSON and XML validators, take the
// value as text and never panic.

// isDateTime reports whether s is an RFC 3339 date-time
// ("2006-01-02T15:04:05Z", fractional seconds and a numeric offset
// allowed; "T" and "Z" in either case, leap second 60 accepted as RFC
// 3339 allows).
func isDateTime(s string) bool {
	if len(s) < len("2006-01-02T15:04:05Z") {
		return false
	}
	if !isFullDate(s[:10]) || (s[10] != 'T' && s[10] != 't') {
		return false
	}
	return isFullTime(s[11:])
}

// isFullDate checks "YYYY-MM-DD" with a day valid for its month.
func isFullDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(m, y)
}

// isFullTime checks "HH:MM:SS[.frac](Z|±HH:MM)".
func isFullTime(s string) bool {
	if len(s) < 9 || s[2] != ':' || s[5] != ':' {
		return false
	}
	h, ok1 := digits(s[0:2])
	mi, ok2 := digits(s[3:5])
	sec, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 60 {
		return false
	}
	rest := s[8:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z" || rest == "z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		return ok1 && ok2 && oh <= 23 && om <= 59
	}
	return false
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

// daysIn returns the number of days of month m in year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// isEmail reports whether s is an (internationalised) e-mail address as
// the "idn-email" format has it: a non-empty local part of at most 64
// bytes without spaces or dots at its ends or doubled, "@", and a domain of
// non-empty labels.
func isEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || !utf8.ValidString(s) {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") ||
		strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`(),:;<>@[\]"`, r) {
			return false
		}
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		return len(domain) > 2
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// isIRIReference reports whether s is an IRI reference (RFC 3987): any
// Unicode text without spaces, control characters or the delimiters "<",
// ">" and '"', with "%" followed by two hex digits, and with at most one
// "#". Like the reference JSON Schema validators, it lets through the
// characters RFC 3987 excludes but real tools emit in templated URLs
// ("{}|\\^`", as in Maven's "${project.url}").
func isIRIReference(s string) bool {
	if !utf8.ValidString(s) || strings.Count(s, "#") > 1 {
		return false
	}
	for i, r := range s {
		switch {
		case r <= ' ' || r == 0x7f || unicode.IsControl(r) || unicode.IsSpace(r):
			return false
		case r == '<' || r == '>' || r == '"':
			return false
		case r == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
		}
	}
	return true
}

// isSerialNumber reports whether s is a BOM serial number:
// "urn:uuid:" and a lower-case RFC 4122 UUID.
func isSerialNumber(s string) bool {
	rest, ok := strings.CutPrefix(s, "urn:uuid:")
	return ok && isLowerUUID(rest)
}

// isLowerUUID checks the 8-4-4-4-12 lower-case hexadecimal layout.
func isLowerUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// isBOMLink reports whether s is a CycloneDX BOM-Link (1.5+):
// "urn:cdx:<uuid>/<version>" naming a document, optionally followed by
// "#<bom-ref>" naming an element of it.
func isBOMLink(s string) bool {
	rest, ok := strings.CutPrefix(s, "urn:cdx:")
	if !ok || len(rest) < 38 || !isLowerUUID(rest[:36]) || rest[36] != '/' {
		return false
	}
	rest = rest[37:]
	ver, frag, hasFrag := strings.Cut(rest, "#")
	if ver == "" || ver[0] == '0' {
		return false
	}
	if _, ok := digits(ver); !ok {
		return false
	}
	return !hasFrag || frag != ""
}

// hashHexLen returns the number of hexadecimal digits a hash of algorithm
// alg has, and whether alg is an algorithm the specification knows (of
// any version). Length 0 means the algorithm has no fixed length (BLAKE3),
// so any of the lengths isHashContent accepts will do.
func hashHexLen(alg string) (int, bool) {
	switch alg {
	case "MD5":
		return 32, true
	case "SHA-1":
		return 40, true
	case "SHA-256", "SHA3-256", "BLAKE2b-256", "Streebog-256":
		return 64, true
	case "SHA-384", "SHA3-384", "BLAKE2b-384":
		return 96, true
	case "SHA-512", "SHA3-512", "BLAKE2b-512", "Streebog-512":
		return 128, true
	case "BLAKE3":
		return 0, true
	}
	return 0, false
}

// isHashContent reports whether s is a hash value as the specification
// allows: 32, 40, 64, 96 or 128 hexadecimal digits (either case).
func isHashContent(s string) bool {
	switch len(s) {
	case 32, 40, 64, 96, 128:
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isSPDXLicenseID reports whether s is, with exactly this spelling, an
// SPDX licence identifier (current or deprecated) or an SPDX licence
// exception identifier, the values the CycloneDX "license.id" enumeration
// takes.
func isSPDXLicenseID(s string) bool {
	for _, lookup := range []func(string) (bool, string){
		spdxlicenses.IsActiveLicense, spdxlicenses.IsDeprecatedLicense, spdxlicenses.IsException,
	} {
		if ok, id := lookup(s); ok && id == s {
			return true
		}
	}
	return false
}

// isMediaType reports whether s has the "type/subtype" form the
// specification's pattern requires (lower-case letters, digits, "-+.").
func isMediaType(s string) bool {
	typ, sub, ok := strings.Cut(s, "/")
	return ok && isMediaToken(typ) && isMediaToken(sub)
}

// isMediaToken checks one side of a media type.
func isMediaToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
			return false
		}
	}
	return true
}

// isLocale reports whether s is a language code with an optional region
// ("en", "en-US"), as the specification's pattern (1.4+) requires.
func isLocale(s string) bool {
	lower := func(b string) bool { return b[0] >= 'a' && b[0] <= 'z' && b[1] >= 'a' && b[1] <= 'z' }
	upper := func(b string) bool { return b[0] >= 'A' && b[0] <= 'Z' && b[1] >= 'A' && b[1] <= 'Z' }
	switch len(s) {
	case 2:
		return lower(s)
	case 5:
		return lower(s[:2]) && s[2] == '-' && upper(s[3:])
	}
	return false
}
