package web

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/sbom/strict"
)

// TestProblemsOf lists a reader error with its position, every issue of
// a conformance error with its line and pointer, and any other error as
// its message.
func TestProblemsOf(t *testing.T) {
	conf := &sbom.Error{Name: "x.json", Offset: -1, Err: &sbom.ConformanceError{Issues: []strict.Issue{
		{Pointer: "/components/0/type", Line: 4, Message: "not one of library, ..."},
		{Pointer: "/components/1/hashes/0/alg", Line: 9, Message: "unknown algorithm"}}}}
	for _, tc := range []struct {
		name string
		err  error
		want []problem
	}{
		{"reader", fmt.Errorf("ingest: %w", &sbom.Error{Name: "x.json", Line: 3, Column: 35, Field: "components.name", Err: errors.New("expected a string")}),
			[]problem{{Line: 3, Column: 35, Where: "components.name", Message: "expected a string"}}},
		{"conformance", conf, []problem{{Line: 4, Where: "/components/0/type", Message: "not one of library, ..."},
			{Line: 9, Where: "/components/1/hashes/0/alg", Message: "unknown algorithm"}}},
		{"other", errors.New("empty document"), []problem{{Message: "empty document"}}},
	} {
		if got := problemsOf(tc.err); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
