package output

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
)

// jsonEncoder appends JSON to b, byte for byte what encoding/json (HTML
// escaping off) followed by json.Indent with the prefix and "  " would
// produce, without reflection nor re-indenting: a scan's report holds tens
// of thousands of findings and the generic path was a fifth of the scan's
// time. TestFindingEncoderMatchesEncodingJSON holds its finding method to
// encoding/json's output for every field of model.Finding; the SARIF and
// CycloneDX writers build their documents from its members.
//
// With marshal set it writes what json.Marshal writes instead: no
// insignificant space, '<', '>' and '&' escaped in strings, and nil lists
// as null (the CycloneDX serial number hashes that form of the result).
type jsonEncoder struct {
	b       []byte
	prefix  string
	marshal bool
	err     error
	// scratch holds text a writer composes before it is quoted (SARIF
	// messages), reused from one element to the next.
	scratch [2][]byte
}

// nl starts a new line at the given depth.
func (e *jsonEncoder) nl(depth int) {
	if e.marshal {
		return
	}
	e.b = append(e.b, '\n')
	e.b = append(e.b, e.prefix...)
	const spaces = "                                " // 16 levels
	for ; depth > len(spaces)/2; depth -= len(spaces) / 2 {
		e.b = append(e.b, spaces...)
	}
	e.b = append(e.b, spaces[:2*depth]...)
}

// key starts a member: the separator from the previous one unless first,
// a new line and the quoted key.
func (e *jsonEncoder) key(first *bool, depth int, k string) {
	if !*first {
		e.b = append(e.b, ',')
	}
	*first = false
	e.nl(depth)
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
	if !e.marshal {
		e.b = append(e.b, ' ')
	}
}

// value appends a string value.
func (e *jsonEncoder) value(v string) {
	e.b = appendJSONStringMode(e.b, v, e.marshal)
}

// elem opens an object or list that is the i-th element of a list, on a
// new line at depth, after a comma unless first.
func (e *jsonEncoder) elem(i, depth int, open byte) {
	if i > 0 {
		e.b = append(e.b, ',')
	}
	e.nl(depth)
	e.b = append(e.b, open)
}

// close appends the closing bracket of an object or list opened at depth.
func (e *jsonEncoder) close(depth int, c byte) {
	e.nl(depth)
	e.b = append(e.b, c)
}

func (e *jsonEncoder) int(first *bool, depth int, k string, v int) {
	e.key(first, depth, k)
	e.b = strconv.AppendInt(e.b, int64(v), 10)
}

func (e *jsonEncoder) bool(first *bool, depth int, k string, v bool) {
	e.key(first, depth, k)
	e.b = strconv.AppendBool(e.b, v)
}

func (e *jsonEncoder) str(first *bool, depth int, k, v string) {
	e.key(first, depth, k)
	e.value(v)
}

func (e *jsonEncoder) strOmit(first *bool, depth int, k, v string) {
	if v != "" {
		e.str(first, depth, k, v)
	}
}

func (e *jsonEncoder) strings(first *bool, depth int, k string, vs []string) {
	e.key(first, depth, k)
	if vs == nil && e.marshal {
		e.b = append(e.b, "null"...)
		return
	}
	if len(vs) == 0 {
		e.b = append(e.b, '[', ']')
		return
	}
	e.b = append(e.b, '[')
	for i, v := range vs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.nl(depth + 1)
		e.value(v)
	}
	e.nl(depth)
	e.b = append(e.b, ']')
}

func (e *jsonEncoder) stringsOmit(first *bool, depth int, k string, vs []string) {
	if len(vs) > 0 {
		e.strings(first, depth, k, vs)
	}
}

func (e *jsonEncoder) float(first *bool, depth int, k string, f float64) {
	e.key(first, depth, k)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if e.err == nil {
			e.err = fmt.Errorf("json output: unsupported value %s for %s", strconv.FormatFloat(f, 'g', -1, 64), k)
		}
		e.b = append(e.b, '0')
		return
	}
	e.b = appendJSONFloat(e.b, f)
}

func (e *jsonEncoder) time(first *bool, depth int, k string, t time.Time) {
	e.key(first, depth, k)
	j, err := t.MarshalJSON()
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("json output: %s: %w", k, err)
	}
	e.b = append(e.b, j...)
}

// finding appends one finding at depth 0 (its lines carry the prefix).
func (e *jsonEncoder) finding(f *model.Finding) {
	first := true
	e.b = append(e.b, '{')
	e.key(&first, 1, "component")
	e.component(&f.Component, 1)
	e.str(&first, 1, "ecosystem", f.Ecosystem)
	e.str(&first, 1, "package", f.Package)
	e.key(&first, 1, "vulnerability")
	e.vulnerability(&f.Vulnerability, 1)
	e.strings(&first, 1, "advisories", f.Advisories)
	e.stringsOmit(&first, 1, "fixedVersions", f.FixedVersions)
	e.str(&first, 1, "status", string(f.Status))
	e.strOmit(&first, 1, "justification", f.Justification)
	e.strOmit(&first, 1, "statusSource", f.StatusSource)
	if a := f.Analysis; a != nil {
		e.key(&first, 1, "analysis")
		af := true
		e.b = append(e.b, '{')
		e.strOmit(&af, 2, "impact", a.Impact)
		e.strOmit(&af, 2, "action", a.Action)
		e.stringsOmit(&af, 2, "response", a.Response)
		e.strOmit(&af, 2, "detail", a.Detail)
		e.strOmit(&af, 2, "author", a.Author)
		if !a.Timestamp.IsZero() {
			e.time(&af, 2, "timestamp", a.Timestamp)
		}
		if af {
			e.b = append(e.b, '}')
		} else {
			e.close(1, '}')
		}
	}
	e.nl(0)
	e.b = append(e.b, '}')
}

func (e *jsonEncoder) component(c *model.Component, depth int) {
	first := true
	d := depth + 1
	e.b = append(e.b, '{')
	e.strOmit(&first, d, "ref", c.Ref)
	e.str(&first, d, "name", c.Name)
	e.strOmit(&first, d, "version", c.Version)
	e.strOmit(&first, d, "group", c.Group)
	e.strOmit(&first, d, "purl", c.PURL)
	e.strOmit(&first, d, "cpe", c.CPE)
	e.strOmit(&first, d, "type", c.Type)
	e.strOmit(&first, d, "purlDerivedFrom", c.PURLDerivedFrom)
	e.strOmit(&first, d, "supplier", c.Supplier)
	e.strOmit(&first, d, "author", c.Author)
	if len(c.Hashes) > 0 {
		e.key(&first, d, "hashes")
		e.b = append(e.b, '[')
		for i, h := range c.Hashes {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.nl(d + 1)
			hf := true
			e.b = append(e.b, '{')
			e.str(&hf, d+2, "alg", h.Alg)
			e.str(&hf, d+2, "value", h.Value)
			e.nl(d + 1)
			e.b = append(e.b, '}')
		}
		e.nl(d)
		e.b = append(e.b, ']')
	}
	e.stringsOmit(&first, d, "licenses", c.Licenses)
	e.strOmit(&first, d, "scope", c.Scope)
	e.nl(depth)
	e.b = append(e.b, '}')
}

func (e *jsonEncoder) vulnerability(v *model.Vulnerability, depth int) {
	first := true
	d := depth + 1
	e.b = append(e.b, '{')
	e.str(&first, d, "id", v.ID)
	e.strings(&first, d, "ids", v.IDs)
	e.strOmit(&first, d, "summary", v.Summary)
	e.key(&first, d, "severity")
	sf := true
	e.b = append(e.b, '{')
	e.str(&sf, d+1, "rating", string(v.Severity.Rating))
	if v.Severity.Score != 0 {
		e.float(&sf, d+1, "score", v.Severity.Score)
	}
	e.strOmit(&sf, d+1, "vector", v.Severity.Vector)
	e.str(&sf, d+1, "source", v.Severity.Source)
	e.nl(d)
	e.b = append(e.b, '}')
	if k := v.KEV; k != nil {
		e.key(&first, d, "kev")
		kf := true
		e.b = append(e.b, '{')
		e.str(&kf, d+1, "cve", k.CVE)
		e.time(&kf, d+1, "dateAdded", k.DateAdded)
		e.key(&kf, d+1, "knownRansomwareCampaignUse")
		e.b = strconv.AppendBool(e.b, k.Ransomware)
		if !k.DueDate.IsZero() {
			e.time(&kf, d+1, "dueDate", k.DueDate)
		}
		e.strOmit(&kf, d+1, "name", k.Name)
		e.nl(d)
		e.b = append(e.b, '}')
	}
	if p := v.EPSS; p != nil {
		e.key(&first, d, "epss")
		pf := true
		e.b = append(e.b, '{')
		e.str(&pf, d+1, "cve", p.CVE)
		e.float(&pf, d+1, "score", p.Score)
		e.float(&pf, d+1, "percentile", p.Percentile)
		e.nl(d)
		e.b = append(e.b, '}')
	}
	if len(v.Exploited) > 0 {
		e.key(&first, d, "exploited")
		e.b = append(e.b, '[')
		for i := range v.Exploited {
			m := &v.Exploited[i]
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.nl(d + 1)
			mf := true
			e.b = append(e.b, '{')
			e.str(&mf, d+2, "source", m.Source)
			e.str(&mf, d+2, "cve", m.CVE)
			if !m.DateAdded.IsZero() {
				e.time(&mf, d+2, "dateAdded", m.DateAdded)
			}
			e.nl(d + 1)
			e.b = append(e.b, '}')
		}
		e.nl(d)
		e.b = append(e.b, ']')
	}
	e.stringsOmit(&first, d, "references", v.References)
	e.nl(depth)
	e.b = append(e.b, '}')
}

// appendJSONString appends s quoted as encoding/json does with HTML
// escaping off: '"', '\\' and control characters escaped, invalid UTF-8
// replaced by U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	return appendJSONStringMode(b, s, false)
}

// appendJSONStringMode is appendJSONString, with '<', '>' and '&'
// escaped too when html is set (as json.Marshal does). s may be text
// composed in a byte slice, quoted without a copy to a string.
func appendJSONStringMode[S string | []byte](b []byte, s S, html bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if !html {
			// Skip eight plain bytes at a time: most text needs no escape.
			for i+8 <= len(s) && plain8(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
				uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
				i += 8
			}
			if i == len(s) {
				break
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plain8 reports whether none of the eight bytes packed in x needs a
// look in appendJSONStringMode: no control character, quote, backslash
// nor byte of a multi-byte UTF-8 sequence (the usual bit tricks: a byte
// below n sets its high bit in x-n and not in x; a zero byte stays one
// after xor with its own value).
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	control := (x - ones*0x20) &^ x
	q := x ^ (ones * '"')
	quote := (q - ones) &^ q
	bs := x ^ (ones * '\\')
	backslash := (bs - ones) &^ bs
	return (control|quote|backslash|x)&highs == 0
}

// appendJSONFloat appends a finite float64 as encoding/json does (the
// ES6 number format: plain below 1e21 and from 1e-6, else exponent
// without padding).
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
