package sqlstore

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
)

// Raw advisory documents are stored deflate-compressed: OSV JSON shrinks
// about five times, which keeps the database file a fraction of the feeds'
// uncompressed size.

func compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decompress inflates a stored document, refusing more than max bytes.
func decompress(data []byte, max int64) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(data))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if int64(len(out)) > max {
		return nil, fmt.Errorf("inflate: larger than %d bytes", max)
	}
	return out, nil
}
