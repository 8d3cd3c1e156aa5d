package kb

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A summary made from the details is cut at a character boundary: a cut
// inside a UTF-8 sequence (BIT-mlflow-2024-37052 has "’" at byte 198)
// made invalid text, which PostgreSQL refused, failing the whole
// Bitnami.zip import there.
func TestFirstLineCutsAtCharacterBoundary(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"first line\nsecond", 20, "first line"},
		{strings.Repeat("a", 198) + "’s end", 200, strings.Repeat("a", 198) + "…"},
		{strings.Repeat("a", 199) + "é", 200, strings.Repeat("a", 199) + "…"},
		{strings.Repeat("a", 200) + "é", 200, strings.Repeat("a", 200) + "…"},
		{"’’’", 4, "’…"},
	}
	for _, c := range cases {
		got := firstLine(c.in, c.max)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("firstLine(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
