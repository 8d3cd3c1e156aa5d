package termtext

import (
	"strings"
	"unicode/utf8"
)

// Escape returns s with every character a terminal could act on replaced
// by a visible escape: the C0 controls (tab, newline and carriage return
// too, so that one value stays on one line and cannot forge a line of the
// report: \t, \n, \r), DEL and the other C0 controls as \xHH, bytes that
// are not UTF-8 as \xHH (a lone 0x9B byte is CSI to a terminal in an 8-bit
// mode), and the C1 controls, the line and paragraph separators and the
// bidirectional formatting characters as \uHHHH. A backslash is left as
// it is: the result is for reading, not for parsing back. s is returned
// unchanged, without a copy, when it has nothing to escape.
func Escape(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
		case unsafeRune(r):
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

// firstUnsafe returns the index of the first byte of s that Escape must
// look at, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports whether a terminal may act on r rather than show it
// (all of them lie below U+10000, so \uHHHH spells each).
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, // arabic letter mark, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	}
	return false
}

// EscapeLines is Escape for multi-line text that rocca composed itself
// from outside values (an import summary, an error listing several
// problems): each line is escaped and the line breaks are kept.
func EscapeLines(s string) string {
	if firstUnsafe(s) < 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}
