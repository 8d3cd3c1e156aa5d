package portfolio

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the names and texts a client gives rocca, in characters
// (Unicode code points). They keep one request from storing megabytes in a
// name that every list then repeats, and they keep names printable.
const (
	// MaxNameLen bounds a name or label: a product's or version's name,
	// an SBOM's name, an organisation's name, an API key's label, a
	// product's security contact.
	MaxNameLen = 200
	// MaxTextLen bounds a free text: a product's intended purpose.
	MaxTextLen = 4000
)

// CheckName validates a required name or label: at most MaxNameLen
// characters of valid UTF-8 with no control characters (NUL, escape,
// line breaks...). field names it in the error, an InputError.
func CheckName(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return inputf("portfolio.required", "%s: required", field)
	}
	return checkText(field, s, MaxNameLen, false)
}

// checkText validates an optional text of at most max characters. With
// multiline, line breaks and tabs are allowed; other control characters
// never are.
func checkText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return inputf("portfolio.utf8", "%s: not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return inputf("portfolio.long", "%s: %d characters, more than the limit of %d", field, n, max)
	}
	for i, r := range s {
		if !unicode.IsControl(r) || multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		return inputf("portfolio.control", "%s: control character %U at byte %d; names and texts must be printable", field, r, i)
	}
	return nil
}
