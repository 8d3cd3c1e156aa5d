package notify

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/rocca-project/rocca/internal/model"
)

// FuzzRecipients: an accepted address has nothing a header or the stored
// list could trip on (no comma, space or control character), and the
// stored list reads back as it was given.
func FuzzRecipients(f *testing.F) {
	for _, seed := range []string{
		"security@example.com", `"a, b"@example.com`, "a@example.com, b@example.com", "Ann <ann@example.com>",
		"a@[127.0.0.1]", "ü@example.com", "a@example.com\r\nBcc: x@example.com", "(comment)a@example.com", "a@b",
	} {
		f.Add(seed, "ops@example.org")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		got, err := recipients([]string{a, b})
		if err != nil {
			return
		}
		for _, r := range got {
			if strings.ContainsFunc(r, func(c rune) bool { return c == ',' || unicode.IsSpace(c) || unicode.IsControl(c) }) {
				t.Fatalf("accepted %q", r)
			}
		}
		sub := model.Subscription{Channel: model.ChannelEmail, Target: strings.Join(got, ", ")}
		if back := Recipients(sub); !slices.Equal(back, []string{a, b}) {
			t.Fatalf("stored %q, read back %q", []string{a, b}, back)
		}
	})
}
