package strict

import (
	"math/big"
	"strconv"
	"strings"
)

// xCheck checks the text of a simple-typed value and returns what is
// wrong with it, "" when it conforms.
type xCheck func(s string) string

// xCollapse applies the XML Schema whiteSpace="collapse" facet that all
// non-string types have: trim, and fold inner runs of white space.
func xCollapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// xEnum checks membership of a collapsed value in the values of version v.
// vals lists values of the first version; a mark "@15" starts the values
// added in that version, "-15" the ones removed from it.
func xEnum(v xVersion, vals ...string) xCheck {
	allowed := make([]string, 0, len(vals))
	active := true
	for _, s := range vals {
		switch {
		case strings.HasPrefix(s, "@"):
			n, _ := strconv.Atoi(s[1:])
			active = v >= xVersion(n)
			continue
		}
		if active {
			allowed = append(allowed, s)
		}
	}
	return func(s string) string {
		s = xCollapse(s)
		for _, a := range allowed {
			if s == a {
				return ""
			}
		}
		return strconv.Quote(s) + " is not one of " + strings.Join(allowed, ", ")
	}
}

// xOK accepts any text (xs:string, xs:normalizedString, xs:token, …).
func xOK(string) string { return "" }

// xDateTime checks xs:dateTime: RFC 3339 layout with the time zone optional.
func xDateTime(s string) string {
	s = xCollapse(s)
	if isDateTime(s) || isDateTime(s+"Z") {
		return ""
	}
	return strconv.Quote(s) + " is not an xs:dateTime (YYYY-MM-DDThh:mm:ss with optional fraction and zone)"
}

// xBoolean checks xs:boolean.
func xBoolean(s string) string {
	switch xCollapse(s) {
	case "true", "false", "1", "0":
		return ""
	}
	return strconv.Quote(s) + " is not an xs:boolean (true, false, 1, 0)"
}

// xInteger checks xs:integer with a lower bound (min<0: none).
func xInteger(min int) xCheck {
	return func(s string) string {
		t := xCollapse(s)
		n, ok := new(big.Int).SetString(strings.TrimPrefix(t, "+"), 10)
		if !ok || strings.HasPrefix(t, "+-") || strings.HasPrefix(t, "+") && strings.HasPrefix(t[1:], "+") {
			return strconv.Quote(t) + " is not an integer"
		}
		if min >= 0 && n.Cmp(big.NewInt(int64(min))) < 0 {
			return strconv.Quote(t) + " is below the minimum " + strconv.Itoa(min)
		}
		return ""
	}
}

// xDecimal checks xs:decimal, optionally within [lo, hi].
func xDecimal(bounded bool, lo, hi float64) xCheck {
	return func(s string) string {
		t := xCollapse(s)
		body := strings.TrimLeft(t, "+-")
		if len(t)-len(body) > 1 || body == "" || body == "." || strings.ContainsAny(body, "eE") {
			return strconv.Quote(t) + " is not an xs:decimal"
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return strconv.Quote(t) + " is not an xs:decimal"
		}
		if bounded && (f < lo || f > hi) {
			return strconv.Quote(t) + " is outside " + strconv.FormatFloat(lo, 'g', -1, 64) + "…" + strconv.FormatFloat(hi, 'g', -1, 64)
		}
		return ""
	}
}

// xLength checks a string type's minLength/maxLength (in characters;
// max<0: none).
func xLength(min, max int, collapse bool) xCheck {
	return func(s string) string {
		if collapse {
			s = xCollapse(s)
		}
		n := len([]rune(s))
		switch {
		case n < min:
			return "must not be empty"
		case max >= 0 && n > max:
			return "is longer than " + strconv.Itoa(max) + " characters"
		}
		return ""
	}
}

// xAnyURI checks xs:anyURI loosely, as schema processors do: no control
// characters.
func xAnyURI(s string) string {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return "contains a control character, not an xs:anyURI"
		}
	}
	return ""
}

// xSerial checks the bom serialNumber: "urn:uuid:<uuid>" or "{<uuid>}".
func xSerial(s string) string {
	if isSerialNumber(s) || len(s) == 38 && s[0] == '{' && s[37] == '}' && isLowerUUID(s[1:37]) {
		return ""
	}
	return strconv.Quote(s) + " is not a urn:uuid serial number (lower-case RFC 4122 UUID)"
}

// xRefOrLink accepts a non-empty bom-ref or a BOM-Link (refLinkType or
// bomLinkType; both are non-empty strings).
func xRefOrLink(s string) string {
	if s == "" {
		return "reference must not be empty"
	}
	return ""
}

// xBOMLinkOnly accepts a BOM-Link (document or element).
func xBOMLinkOnly(s string) string {
	if isBOMLink(xCollapse(s)) {
		return ""
	}
	return strconv.Quote(s) + " is not a BOM-Link (urn:cdx:<uuid>/<version>[#<bom-ref>])"
}

// xMime checks the mime-type pattern.
func xMime(s string) string {
	if isMediaType(xCollapse(s)) {
		return ""
	}
	return strconv.Quote(s) + " is not a media type (type/subtype, lower case)"
}

// xLocaleCheck checks the locale pattern (en, en-US).
func xLocaleCheck(s string) string {
	if isLocale(xCollapse(s)) {
		return ""
	}
	return strconv.Quote(s) + " is not a locale (ll or ll-CC)"
}

// xSPDXID checks a licence id against the SPDX licence and exception lists.
func xSPDXID(s string) string {
	if isSPDXLicenseID(xCollapse(s)) {
		return ""
	}
	return strconv.Quote(xCollapse(s)) + " is not an SPDX licence identifier"
}

// xHashValue checks the hash content pattern (32/40/64/96/128 hex digits).
func xHashValue(s string) string {
	if isHashContent(xCollapse(s)) {
		return ""
	}
	return strconv.Quote(xCollapse(s)) + " is not a hash value (32, 40, 64, 96 or 128 hexadecimal digits)"
}

// xCPE checks the two CPE forms the specification allows: a CPE 2.2 URI
// ("cpe:/a:vendor:product…", at most seven parts) or a CPE 2.3 formatted
// string (thirteen colon-separated fields, escapes with "\").
func xCPE(s string) string {
	bad := strconv.Quote(s) + " is not a CPE 2.2 URI or CPE 2.3 formatted string"
	if rest, ok := strings.CutPrefix(s, "cpe:2.3:"); ok {
		fields := xSplitCPE(rest)
		if len(fields) != 11 || len(fields[0]) != 1 || !strings.Contains("aho*-", fields[0]) {
			return bad
		}
		for _, f := range fields[1:] {
			if f == "" {
				return bad
			}
		}
		return ""
	}
	if len(s) >= 5 && strings.EqualFold(s[:5], "cpe:/") && s[0] == 'c' {
		if strings.Count(s[5:], ":") > 6 {
			return bad
		}
		for _, r := range s[5:] {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":._-~%", r)) {
				return bad
			}
		}
		return ""
	}
	return bad
}

// xSplitCPE splits a CPE 2.3 string on unescaped colons.
func xSplitCPE(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
