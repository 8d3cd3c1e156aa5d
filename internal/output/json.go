package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/rocca-project/rocca/internal/model"
)

// writeJSON writes res as indented JSON. Lists that the schema always
// carries (findings, unmatched, undetermined, ids, advisories) are written
// as [] when empty, never null; res itself is not modified. The order of
// findings is the result's own.
//
// The document around the findings is written by encoding/json; the
// findings, tens of thousands in a scan of a large SBOM, by jsonEncoder,
// in blocks encoded on every CPU and written in order.
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
		if err := writeFindings(bw, res.Findings); err != nil {
			return err
		}
		bw.WriteString("\n  ],\n")
	}
	bw.Write(frame[at+len(slot):])
	return bw.Flush()
}

// findingsPerBlock is the number of list elements (findings, SARIF
// results, CycloneDX vulnerabilities) one goroutine encodes at a time; a
// round of blocks (one per CPU) is held in memory at once.
const findingsPerBlock = 1024

// writeFindings writes the findings as the elements of an array opened
// by the caller ("[\n    " written), separated by ",\n    ".
func writeFindings(w io.Writer, fs []model.Finding) error {
	return writeBlocks(w, len(fs), jsonEncoder{prefix: "    "}, func(e *jsonEncoder, i int) {
		if i > 0 {
			e.b = append(e.b, ",\n    "...)
		}
		e.finding(&fs[i])
	})
}

// writeBlocks writes n list elements, encoded by encode(e, i) for i in
// 0..n-1 (each writes its own separator), to w in order. The elements are
// encoded in blocks of findingsPerBlock on every CPU, each block by a copy
// of tmpl, so that the encoding of a large list takes the time of a part
// of it and the memory of a round of blocks. encode must be safe to call
// from several goroutines at once.
func writeBlocks(w io.Writer, n int, tmpl jsonEncoder, encode func(e *jsonEncoder, i int)) error {
	var bufs blockBuffers
	return bufs.write(w, n, tmpl, encode)
}

// blockBuffers are the buffers of writeBlocks, one per CPU, kept from one
// list of a document to the next so that each list does not grow its own.
type blockBuffers [][]byte

// write is writeBlocks with the buffers of bufs.
func (bufs *blockBuffers) write(w io.Writer, n int, tmpl jsonEncoder, encode func(e *jsonEncoder, i int)) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/findingsPerBlock))
	for len(*bufs) < workers {
		*bufs = append(*bufs, nil)
	}
	b := *bufs
	errs := make([]error, workers)
	for lo := 0; lo < n; lo += workers * findingsPerBlock {
		var wg sync.WaitGroup
		for k := range workers {
			from := min(n, lo+k*findingsPerBlock)
			to := min(n, from+findingsPerBlock)
			wg.Go(func() {
				e := tmpl
				e.b = b[k][:0]
				for i := from; i < to; i++ {
					encode(&e, i)
				}
				b[k], errs[k] = e.b, e.err
			})
		}
		wg.Wait()
		for k := range workers {
			if errs[k] != nil {
				return errs[k]
			}
			if _, err := w.Write(b[k]); err != nil {
				return err
			}
		}
	}
	return nil
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
