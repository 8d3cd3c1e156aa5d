package strict

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonMaxDepth bounds the nesting the scanner accepts; package sbom
// limits depth before this, but the validator does not rely on it.
const jsonMaxDepth = 256

// jsonKind is the JSON type of a value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// String names the kind as the specification's types are named.
func (k jsonKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// jsonDecodeError is a document that is not JSON (or nests too deeply),
// with the offset of the fault.
type jsonDecodeError struct {
	off int
	msg string
}

func (e *jsonDecodeError) Error() string { return e.msg }

// jsonScanner reads the tokens of a JSON document held in memory, checking
// the grammar of RFC 8259 as encoding/json does (strings may hold invalid
// UTF-8, which decodes to U+FFFD). After the first fault err is set and
// every further read fails, so callers check err once per loop.
type jsonScanner struct {
	data []byte
	pos  int
	err  *jsonDecodeError
	// notes, on the walk's scanner only, collects invalid UTF-8 and
	// repeated keys (see jsonNotes); bad says the last string read was
	// not UTF-8.
	notes *jsonNotes
	bad   bool
}

// jsonTok is a scalar read by the scanner, or the opening of a container
// (kind jsonArray or jsonObject, with the scanner still at the delimiter).
type jsonTok struct {
	kind jsonKind
	off  int
	raw  []byte // a string's contents between the quotes, or a number's text
	esc  bool   // a string whose raw contents differ from its value (escapes or invalid UTF-8)
	b    bool   // a boolean's value
}

// str returns the value of a string token.
func (t *jsonTok) str() string {
	if !t.esc {
		return string(t.raw)
	}
	return string(jsonUnescape(nil, t.raw))
}

// fail records the first fault.
func (s *jsonScanner) fail(off int, msg string) {
	if s.err == nil {
		s.err = &jsonDecodeError{off: off, msg: msg}
	}
}

// unexpected records a fault at the current byte, or the end of input.
func (s *jsonScanner) unexpected(context string) {
	if s.pos >= len(s.data) {
		s.fail(len(s.data), "not valid JSON: unexpected end of input")
		return
	}
	s.fail(s.pos, "not valid JSON: invalid character "+jsonQuoteChar(s.data[s.pos])+" "+context)
}

// jsonQuoteChar renders a byte for an error message.
func jsonQuoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	if c >= utf8.RuneSelf {
		q = fmt.Sprintf(`"\x%02x"`, c)
	}
	return "'" + q[1:len(q)-1] + "'"
}

// ws skips white space.
func (s *jsonScanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
			continue
		}
		return
	}
}

// next skips white space and reads a scalar, or the opening of a
// container at depth (which fails when depth reaches jsonMaxDepth); ok is
// false on a fault.
func (s *jsonScanner) next(depth int) (t jsonTok, ok bool) {
	s.ws()
	t.off = s.pos
	if s.err != nil || s.pos >= len(s.data) {
		s.unexpected("")
		return t, false
	}
	switch c := s.data[s.pos]; {
	case c == '{' || c == '[':
		if depth >= jsonMaxDepth {
			s.fail(s.pos, fmt.Sprintf("nesting deeper than %d levels", jsonMaxDepth))
			return t, false
		}
		t.kind = jsonObject
		if c == '[' {
			t.kind = jsonArray
		}
		return t, true
	case c == '"':
		t.kind = jsonString
		t.raw, t.esc = s.str()
		if s.bad && s.notes != nil {
			s.notes.add(jsonNote{off: t.off})
		}
	case c == '-' || (c >= '0' && c <= '9'):
		t.kind = jsonNumber
		t.raw = s.number()
	case c == 't':
		t.kind, t.b = jsonBool, true
		s.literal("true")
	case c == 'f':
		t.kind = jsonBool
		s.literal("false")
	case c == 'n':
		t.kind = jsonNull
		s.literal("null")
	default:
		s.unexpected("looking for beginning of value")
	}
	return t, s.err == nil
}

// literal reads true, false or null.
func (s *jsonScanner) literal(word string) {
	for i := 0; i < len(word); i++ {
		if s.pos >= len(s.data) || s.data[s.pos] != word[i] {
			s.unexpected("in literal " + word + " (expecting " + jsonQuoteChar(word[i]) + ")")
			return
		}
		s.pos++
	}
}

// number reads a number and returns its text.
func (s *jsonScanner) number() []byte {
	d, start := s.data, s.pos
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		s.unexpected("in numeric literal")
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			s.unexpected("after decimal point in numeric literal")
			return nil
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			s.unexpected("in exponent of numeric literal")
			return nil
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return d[start:i]
}

// str reads a string whose opening quote is at the scanner's position and
// returns its raw contents; esc says they need jsonUnescape.
func (s *jsonScanner) str() (raw []byte, esc bool) {
	d := s.data
	start := s.pos + 1
	i := start
	ascii := true
	s.bad = false
	for i < len(d) {
		c := d[i]
		if jsonPlain[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			s.pos = i + 1
			if !ascii && !utf8.Valid(d[start:i]) {
				esc, s.bad = true, true
			}
			return d[start:i], esc
		case c == '\\':
			esc = true
			n, ok := jsonEscapeLen(d[i:])
			if !ok {
				s.pos = i + n
				s.unexpected(jsonEscapeContext(n))
				return nil, false
			}
			i += n
		case c < 0x20:
			s.pos = i
			s.unexpected("in string literal")
			return nil, false
		default:
			ascii = false
			i++
		}
	}
	s.pos = len(d)
	s.unexpected("")
	return nil, false
}

// jsonPlain marks the ASCII bytes a string holds as they are: not a
// control character, quote or backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// jsonEscapeLen checks the escape sequence at the start of b (b[0] is the
// backslash) and returns its length; on a fault it returns the offset of
// the faulty byte instead.
func jsonEscapeLen(b []byte) (int, bool) {
	if len(b) < 2 {
		return len(b), false
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
		for i := 2; i < 6; i++ {
			if i >= len(b) || !isHex(b[i]) {
				return i, false
			}
		}
		return 6, true
	}
	return 1, false
}

// jsonEscapeContext names the place of an escape fault for the message.
func jsonEscapeContext(n int) string {
	if n <= 1 {
		return "in string escape code"
	}
	return `in \u hexadecimal character escape`
}

// jsonUnescape appends the value of a checked string's raw contents to
// dst, as encoding/json decodes it: escapes resolved, surrogate pairs
// joined, lone surrogates and invalid UTF-8 replaced by U+FFFD.
func jsonUnescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw):
			if raw[i+1] != 'u' {
				dst = append(dst, jsonEscaped(raw[i+1]))
				i += 2
				continue
			}
			r := jsonHex4(raw[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if pair := utf16.DecodeRune(r, jsonHex4(raw[i+2:])); pair != utf8.RuneError {
						dst = utf8.AppendRune(dst, pair)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		}
	}
	return dst
}

// jsonEscaped is the byte a one-character escape stands for.
func jsonEscaped(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // '"', '\\', '/'
}

// jsonHex4 reads four checked hexadecimal digits.
func jsonHex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// objectStart consumes the '{' at the scanner's position and reports
// whether the object has members.
func (s *jsonScanner) objectStart() bool {
	s.pos++
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return false
	}
	return s.err == nil
}

// key reads a member's key and the colon after it.
func (s *jsonScanner) key() (raw []byte, esc bool, off int) {
	s.ws()
	off = s.pos
	if s.err != nil {
		return nil, false, off
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.unexpected("looking for beginning of object key string")
		return nil, false, off
	}
	raw, esc = s.str()
	if s.bad && s.notes != nil {
		s.notes.add(jsonNote{off: off, key: true})
	}
	s.ws()
	if s.err == nil && (s.pos >= len(s.data) || s.data[s.pos] != ':') {
		s.unexpected("after object key")
	}
	s.pos++
	return raw, esc, off
}

// objectNext consumes the separator after a member's value and reports
// whether another member follows.
func (s *jsonScanner) objectNext() bool {
	return s.sep('}', "after object key:value pair")
}

// arrayStart consumes the '[' at the scanner's position and reports
// whether the array has elements.
func (s *jsonScanner) arrayStart() bool {
	s.pos++
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return false
	}
	return s.err == nil
}

// arrayNext consumes the separator after an element and reports whether
// another element follows.
func (s *jsonScanner) arrayNext() bool {
	return s.sep(']', "after array element")
}

// sep reads ',' (true) or the closing delimiter (false).
func (s *jsonScanner) sep(closing byte, context string) bool {
	if s.err != nil {
		return false
	}
	s.ws()
	if s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ',':
			s.pos++
			return true
		case closing:
			s.pos++
			return false
		}
	}
	s.unexpected(context)
	return false
}

// end checks that only white space follows the document's value.
func (s *jsonScanner) end() {
	s.ws()
	if s.err == nil && s.pos < len(s.data) {
		s.fail(s.pos, "data after the end of the JSON document")
	}
}

// skip reads the value at the scanner's position (at depth) without
// checking it against anything, and returns its hash under seed.
func (s *jsonScanner) skip(hs *jsonHasher, depth int) uint64 {
	t, ok := s.next(depth)
	if !ok {
		return 0
	}
	switch t.kind {
	case jsonObject:
		h := hs.objectStart()
		var keys jsonKeys
		if s.notes != nil {
			keys = s.notes.open()
		}
		if s.objectStart() {
			for {
				raw, esc, off := s.key()
				if s.notes != nil && s.err == nil {
					s.notes.noteDup(&keys, off, raw, esc)
				}
				kh := hs.str(raw, esc)
				h = hs.member(h, kh, s.skip(hs, depth+1))
				if !s.objectNext() {
					break
				}
			}
		}
		if s.notes != nil {
			s.notes.close(&keys)
		}
		return h
	case jsonArray:
		h := hs.arrayStart()
		if s.arrayStart() {
			for {
				h = hs.elem(h, s.skip(hs, depth+1))
				if !s.arrayNext() {
					break
				}
			}
		}
		return h
	}
	return hs.scalar(&t)
}

// jsonSyntax checks that data is one JSON value nesting at most maxDepth
// levels, and returns the fault otherwise.
func jsonSyntax(data []byte) *jsonDecodeError {
	s := jsonScanner{data: data}
	s.skip(nil, 0)
	s.end()
	return s.err
}

// hasKey reports whether the object at the scanner's position (at depth)
// has a member named key, without moving the scanner.
func (s *jsonScanner) hasKey(key string, depth int) bool {
	c := *s
	c.notes = nil // the walk notes what it reads itself
	if _, ok := c.next(depth); !ok || !c.objectStart() {
		return false
	}
	for {
		raw, esc, _ := c.key()
		if c.err != nil {
			return false
		}
		if jsonKeyIs(raw, esc, key) {
			return true
		}
		c.skip(nil, depth+1)
		if !c.objectNext() {
			return false
		}
	}
}

// jsonKeyIs reports whether a key read by the scanner is key.
func jsonKeyIs(raw []byte, esc bool, key string) bool {
	if !esc {
		return string(raw) == key
	}
	return string(jsonUnescape(nil, raw)) == key
}
