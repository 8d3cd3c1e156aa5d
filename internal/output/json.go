package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/rocca-project/rocca/internal/model"
)

// writeJSON writes res as indented JSON. Lists that the schema always
// carries (findings, unmatched, undetermined, ids, advisories) are written
// as [] when empty, never null; res itself is not modified. The order of
// findings is the result's own.
//
// Findings are streamed one at a time: a scan of a large SBOM has tens of
// thousands of them, and indenting the whole document in memory at once
// costs more than the rest of the scan's output.
func writeJSON(w io.Writer, res *model.ScanResult) error {
	out := *res
	out.Findings = []model.Finding{}
	out.Unmatched = nonNil(res.Unmatched)
	out.Undetermined = nonNil(res.Undetermined)
	frame, err := marshalIndent(&out, "")
	if err != nil {
		return err
	}
	// The frame holds `"findings": []` exactly once as a key: inside string
	// values quotes are escaped.
	const slot = "\n  \"findings\": [],\n"
	at := bytes.Index(frame, []byte(slot))
	if at < 0 || bytes.Count(frame, []byte(slot)) != 1 {
		return fmt.Errorf("json output: findings slot not found")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(frame[:at])
	if len(res.Findings) == 0 {
		bw.WriteString(slot)
	} else {
		bw.WriteString("\n  \"findings\": [\n    ")
		var raw, buf bytes.Buffer
		enc := json.NewEncoder(&raw)
		enc.SetEscapeHTML(false)
		for i, f := range res.Findings {
			f.Advisories = nonNil(f.Advisories)
			f.Vulnerability.IDs = nonNil(f.Vulnerability.IDs)
			raw.Reset()
			if err := enc.Encode(&f); err != nil {
				return err
			}
			buf.Reset()
			if err := json.Indent(&buf, bytes.TrimSuffix(raw.Bytes(), []byte("\n")), "    ", "  "); err != nil {
				return err
			}
			if i > 0 {
				bw.WriteString(",\n    ")
			}
			bw.Write(buf.Bytes())
		}
		bw.WriteString("\n  ],\n")
	}
	bw.Write(frame[at+len(slot):])
	return bw.Flush()
}

// marshalIndent is json.MarshalIndent with a trailing newline and without
// HTML escaping (purls and URLs stay readable).
func marshalIndent(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
