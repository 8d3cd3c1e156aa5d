package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// decodeJSON reads a bounded JSON body into v, refusing unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &errProblem{problem{Status: http.StatusUnsupportedMediaType, Detail: "Content-Type must be application/json"}}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError("request body", err)
	}
	if dec.More() {
		return badRequest("request body: more than one JSON value")
	}
	return nil
}

// readBody reads a bounded raw body.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := readAll(http.MaxBytesReader(w, r.Body, limit), r.ContentLength, limit)
	if err != nil {
		return nil, bodyError("reading the request body", err)
	}
	if len(b) == 0 {
		return nil, badRequest("empty request body: send the SBOM document as the body")
	}
	return b, nil
}

// readAll is io.ReadAll with the buffer sized for the declared length
// (at most limit), so that a large body is not copied while it grows.
func readAll(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared <= 0 {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(declared, limit)+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}
