package sbom

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/rocca-project/rocca/internal/msg"
)

// Limits bound what Read accepts, so that a hostile or broken document
// costs a bounded amount of memory and time. A zero or negative field means
// the default of DefaultLimits.
type Limits struct {
	// MaxBytes is the largest document accepted, in bytes. For a gzip
	// input it bounds both the compressed and the decompressed size.
	MaxBytes int64
	// MaxDepth is the deepest nesting accepted: JSON objects and arrays,
	// XML elements. The root object or element is level 1.
	MaxDepth int
	// MaxComponents is the most component entries accepted, counting
	// nested ones and the subject's subcomponents (before those already
	// listed elsewhere are dropped).
	MaxComponents int
	// MaxDependencies is the most dependency-graph items accepted: the
	// document's dependency entries plus the refs they list, plus one entry
	// and one ref per nesting edge (a component nested in another). The
	// graph is built in memory with a map, so it is bounded apart from
	// the components.
	MaxDependencies int
}

// Default limits. A nested CycloneDX component costs two levels (the
// "components" array and the component object), so MaxDepth 64 allows
// about thirty levels of nested components, far more than real SBOMs use.
const (
	DefaultMaxBytes      = 512 << 20
	DefaultMaxDepth      = 64
	DefaultMaxComponents = 1_000_000
	// DefaultMaxDependencies allows ten graph items per component of a
	// document at DefaultMaxComponents.
	DefaultMaxDependencies = 10_000_000
)

// DefaultLimits returns the limits Read applies when given zero Limits:
// 512 MiB, 64 levels of nesting, one million components and ten million
// dependency-graph items.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxDepth: DefaultMaxDepth, MaxComponents: DefaultMaxComponents, MaxDependencies: DefaultMaxDependencies}
}

// withDefaults replaces the unset fields of l by the defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	// Keep limit+1 and buffer size arithmetic from overflowing.
	l.MaxBytes = min(l.MaxBytes, math.MaxInt64-2*bytes.MinRead)
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxComponents <= 0 {
		l.MaxComponents = d.MaxComponents
	}
	if l.MaxDependencies <= 0 {
		l.MaxDependencies = d.MaxDependencies
	}
	return l
}

// Errors that Read's errors wrap, for errors.Is.
var (
	// ErrTooLarge: the document (or its decompressed content) is larger
	// than Limits.MaxBytes.
	ErrTooLarge = errors.New("document too large")
	// ErrTooDeep: the document nests deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("document nested too deeply")
	// ErrTooManyComponents: the document holds more than
	// Limits.MaxComponents components.
	ErrTooManyComponents = errors.New("too many components")
	// ErrTooManyDependencies: the document's dependency graph holds more
	// than Limits.MaxDependencies entries and references.
	ErrTooManyDependencies = errors.New("too many dependencies")
	// ErrForbiddenXML: an XML document holds a DOCTYPE or another DTD
	// declaration (ENTITY, ELEMENT...), which rocca refuses.
	ErrForbiddenXML = errors.New("DTD declarations are not accepted")
	// ErrUnsupported: the format was recognised but cannot be read yet
	// (SPDX).
	ErrUnsupported = errors.New("format not supported")
	// ErrUnknownFormat: the content is not a format rocca recognises.
	ErrUnknownFormat = errors.New("unrecognised document format")
	// ErrSyntax: the document is not well-formed JSON or XML.
	ErrSyntax = errors.New("syntax error")
)

// kindError is an error whose message is its sentence alone and which
// wraps one of the Err* values, so that messages do not repeat the
// sentinel's text, and the sentence (msg.Of finds its code).
type kindError struct {
	kind error
	text *msg.Error
}

func (e *kindError) Error() string   { return e.text.English }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.text} }

// wrapf returns a *kindError of kind with a sentence: code, worded in
// English by format.
func wrapf(kind error, code, format string, args ...any) error {
	return &kindError{kind: kind, text: &msg.Error{Text: msg.New(code, format, args...)}}
}

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// readInput reads the whole document from r, decompressing it when it is
// gzip, and enforces limit on both the raw and the decompressed size.
func readInput(r io.Reader, limit int64) (data []byte, gzipped bool, err error) {
	raw, err := readBounded(r, limit, sizeHint(r, limit))
	if err != nil {
		return nil, false, err
	}
	return inputBytes(raw, limit)
}

// inputBytes is readInput for a document already in memory: raw itself
// when it is not gzip (the caller must not change it while it is used).
func inputBytes(raw []byte, limit int64) (data []byte, gzipped bool, err error) {
	if int64(len(raw)) > limit {
		return nil, false, wrapf(ErrTooLarge, "sbom.too_large", "document larger than the %s limit", formatBytes(limit))
	}
	if !bytes.HasPrefix(raw, gzipMagic) {
		return raw, false, nil
	}
	data, err = gunzip(raw, limit)
	if err != nil {
		return nil, true, err
	}
	if bytes.HasPrefix(data, gzipMagic) {
		return nil, true, wrapf(ErrUnknownFormat, "sbom.gzip_in_gzip", "gzip inside gzip is not accepted")
	}
	return data, true, nil
}

// gunzip decompresses raw, refusing content larger than limit. The size
// is found first by decompressing into nothing (the size a gzip trailer
// states can lie), and the content is then decompressed into a buffer of
// exactly that size: a gzip bomb costs time, never more memory than its
// compressed bytes.
func gunzip(raw []byte, limit int64) ([]byte, error) {
	n, err := gzipSize(raw, limit)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrSyntax, err)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(zr, data); err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrSyntax, err)
	}
	return data, nil
}

// gzipSize returns the size of the content of the gzip stream raw, which
// must be at most limit; it keeps none of the content.
func gzipSize(raw []byte, limit int64) (int64, error) {
	cr := &countingReader{r: bytes.NewReader(raw)}
	zr, err := gzip.NewReader(cr)
	if err != nil {
		return 0, fmt.Errorf("%w: gzip: %v", ErrSyntax, err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	if err != nil {
		return 0, fmt.Errorf("%w: gzip: %v", ErrSyntax, err)
	}
	if n > limit {
		return 0, wrapf(ErrTooLarge, "sbom.decompressed_too_large", "decompressed content larger than the %s limit (decompression stopped after %d of %d compressed bytes)",
			formatBytes(limit), cr.n, len(raw))
	}
	return n, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// sizeHint guesses how many bytes r holds, to allocate once: the length of
// an in-memory reader or the size of a regular file, capped at limit+1.
func sizeHint(r io.Reader, limit int64) int64 {
	var n int64
	switch v := r.(type) {
	case interface{ Len() int }:
		n = int64(v.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			n = fi.Size()
		}
	}
	return min(max(n, 0), limit+1)
}

// readBounded reads r to its end into a buffer sized for hint bytes
// and fails with ErrTooLarge as soon as more than limit bytes arrive.
// The buffer doubles when full but never grows past limit+1 bytes (plus
// room for one read), so that an input of unknown size costs at most
// about one and a half times the limit while it is read.
func readBounded(r io.Reader, limit, hint int64) ([]byte, error) {
	buf := make([]byte, 0, hint+bytes.MinRead)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1+bytes.MinRead))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, wrapf(ErrTooLarge, "sbom.too_large", "document larger than the %s limit", formatBytes(limit))
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// formatBytes renders a byte count for messages: "512 MiB", "1500 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}
