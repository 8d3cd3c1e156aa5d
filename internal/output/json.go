package output

import (
	"encoding/json"
	"io"

	"github.com/rocca-project/rocca/internal/model"
)

// writeJSON writes res as indented JSON. Lists that the schema always
// carries (findings, unmatched, undetermined, ids, advisories) are written as [] when
// empty, never null; res itself is not modified. The order of findings is
// the result's own.
func writeJSON(w io.Writer, res *model.ScanResult) error {
	out := *res
	out.Findings = make([]model.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.Advisories = nonNil(f.Advisories)
		f.Vulnerability.IDs = nonNil(f.Vulnerability.IDs)
		out.Findings[i] = f
	}
	out.Unmatched = nonNil(res.Unmatched)
	out.Undetermined = nonNil(res.Undetermined)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
