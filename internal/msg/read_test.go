package msg_test

import (
	"regexp"
	"testing"

	"github.com/rocca-project/rocca/internal/msg"
)

func TestRead(t *testing.T) {
	readers := []msg.Reader{
		{Re: regexp.MustCompile(`^fixed in (.+)$`), Build: func(m []string) (msg.Text, bool) {
			return msg.New("t.fixed", "fixed in %s", m[1]), true
		}},
		{Re: regexp.MustCompile(`^([0-9]+) components$`), Build: func(m []string) (msg.Text, bool) {
			return msg.New("t.components", "%d components", len(m[1])), true // rebuilds another number
		}},
		{Re: regexp.MustCompile(`^(.*)$`), Build: func(m []string) (msg.Text, bool) { return msg.Text{}, false }},
	}
	for _, c := range []struct {
		in, code string
	}{
		{"fixed in 2.15.0", "t.fixed"},
		{"12 components", ""}, // matched, but the sentence would word it otherwise
		{"typed by a person", ""},
		{"", ""},
	} {
		got, ok := msg.Read(readers, c.in)
		if ok != (c.code != "") || got.Code != c.code || ok && got.English != c.in {
			t.Errorf("Read(%q) = %+v, %v; want code %q", c.in, got, ok, c.code)
		}
	}
}
