package portfolio

import (
	"encoding/base64"
	"strconv"
	"testing"

	"github.com/rocca-project/rocca/internal/uid"
)

// FuzzDecodeOffsetCursor: the components cursor never panics, accepts only
// a UUID and an offset from 0 to maxOffset, and reads back what
// encodeOffsetCursor wrote.
func FuzzDecodeOffsetCursor(f *testing.F) {
	id := "3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81"
	for _, seed := range []string{
		encodeOffsetCursor(id, 0),
		encodeOffsetCursor(id, 100),
		encodeOffsetCursor(id, maxOffset),
		base64.RawURLEncoding.EncodeToString([]byte("9223372036854775807")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":9223372036854775807")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":-1")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":007")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":1:2")),
		base64.RawURLEncoding.EncodeToString([]byte(":1")),
		"", "!!!", "MTAw",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sbom, off, err := decodeOffsetCursor(s)
		if err != nil {
			return
		}
		if !uid.Valid(sbom) || off < 0 || off > maxOffset {
			t.Fatalf("decoded %q: %q %d", s, sbom, off)
		}
		if again, off2, err := decodeOffsetCursor(encodeOffsetCursor(sbom, off)); err != nil || again != sbom || off2 != off {
			t.Fatalf("round trip of %q %d: %q %d %v", sbom, off, again, off2, err)
		}
	})
}

// FuzzDecodeSeqCursor: the finding-events cursor is a canonical
// non-negative decimal; anything else is refused, nothing panics.
func FuzzDecodeSeqCursor(f *testing.F) {
	for _, seed := range []string{"0", "1", "42", "9223372036854775807", "9223372036854775808", "-1", "+1", "007", "1e3", " 1", "", "\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := decodeSeqCursor(s)
		if err != nil {
			return
		}
		if n < 0 || strconv.FormatInt(n, 10) != s {
			t.Fatalf("decoded %q as %d", s, n)
		}
	})
}
