package msg_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/rocca-project/rocca/internal/msg"
)

func TestErrorf(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		code, txt string
		nargs     int
		wraps     error
	}{
		{"plain", msg.Errorf("x.required", "title: required"), "x.required", "title: required", 0, nil},
		{"args", msg.Errorf("x.long", "title: %d characters, at most %d", 300, 255), "x.long", "title: 300 characters, at most 255", 2, nil},
		{"wrapped by context", fmt.Errorf("case 1: %w", msg.Errorf("x.quoted", "state: %q is unknown", "open")), "x.quoted", `state: "open" is unknown`, 1, nil},
		{"wrapping", msg.Errorf("x.read", "read: %w", io.ErrUnexpectedEOF), "x.read", "read: unexpected EOF", 1, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := msg.Of(tt.err)
			if !ok {
				t.Fatalf("Of(%v) found no sentence", tt.err)
			}
			if m.Code != tt.code || m.English != tt.txt || len(m.Args) != tt.nargs {
				t.Errorf("Of = %+v, want code %q, English %q, %d args", m, tt.code, tt.txt, tt.nargs)
			}
			if tt.wraps != nil && !errors.Is(tt.err, tt.wraps) {
				t.Errorf("%v does not wrap %v", tt.err, tt.wraps)
			}
		})
	}
	if _, ok := msg.Of(errors.New("plain")); ok {
		t.Error("Of found a sentence in a plain error")
	}
	if _, ok := msg.Of(nil); ok {
		t.Error("Of found a sentence in nil")
	}
}

func TestNew(t *testing.T) {
	m := msg.New("x.cap", "%s has filed %d of %d", "Ada", 15, 20)
	if m.String() != "Ada has filed 15 of 20" || m.Code != "x.cap" || len(m.Args) != 3 {
		t.Errorf("New = %+v", m)
	}
}

func TestList(t *testing.T) {
	l := msg.List{msg.New("x.since", "%s since %s", "CISA KEV", "2026-12-06"), "EUVD"}
	if got := msg.New("x.listed", "listed in %s", l).English; got != "listed in CISA KEV since 2026-12-06; EUVD" {
		t.Errorf("List worded %q", got)
	}
	if got := (msg.List{}).String(); got != "" {
		t.Errorf("empty List worded %q", got)
	}
}
