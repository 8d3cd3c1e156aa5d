package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "log4j-core 2.14.1", "log4j-core 2.14.1"},
		{"backslash kept", `C:\sbom\a.json`, `C:\sbom\a.json`},
		{"non-Latin kept", "日本語 Ünïcödé 🐛", "日本語 Ünïcödé 🐛"},
		{"clear screen", "evil\x1b[2Jname", `evil\x1b[2Jname`},
		{"OSC title with BEL", "\x1b]0;pwned\x07x", `\x1b]0;pwned\x07x`},
		{"OSC title with ST", "\x1b]2;t\x1b\\", `\x1b]2;t\x1b\`},
		{"tab newline CR", "a\tb\nc\rd", `a\tb\nc\rd`},
		{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`},
		{"C1 CSI as UTF-8", "a\u009b31mred", `a\u009b31mred`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"lone CSI byte", "a\x9b31m", `a\x9b31m`},
		{"invalid UTF-8", "\xff\xfe", `\xff\xfe`},
		{"bidi override", "abc\u202edcba\u202c", `abc\u202edcba\u202c`},
		{"bidi isolates", "\u2066x\u2069", `\u2066x\u2069`},
		{"marks", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"line separators", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"after multi-byte", "é\x1b", `é\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzEscape checks that no character a terminal acts on survives, that
// the result is valid UTF-8 and that safe text is returned unchanged.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]0;t\x07", "\u009b", "\x9b", "\u202e", "a\xc3", "日本\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q, not UTF-8", s, got)
		}
		for _, r := range got {
			if unsafeRune(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, got, r)
			}
		}
		if firstUnsafe(s) < 0 && got != s {
			t.Fatalf("Escape(%q) = %q changed safe text", s, got)
		}
		if !strings.Contains(s, "\\") && firstUnsafe(s) >= 0 && !strings.Contains(got, "\\") {
			t.Fatalf("Escape(%q) = %q shows no escape", s, got)
		}
	})
}

func TestEscapeLines(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"one\ntwo\n":                "one\ntwo\n",
		"a\x1b[2J\n\tb\u202e\r\n":   "a\\x1b[2J\n\\tb\\u202e\\r\n",
		"rejected: \x1b]0;x\x07 id": "rejected: \\x1b]0;x\\x07 id",
	} {
		if got := EscapeLines(in); got != want {
			t.Errorf("EscapeLines(%q) = %q, want %q", in, got, want)
		}
	}
}
