package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
)

// Read reads an SBOM from r. The format is detected from the content (see
// the package documentation); name only labels the document in errors.
// Zero fields of lim take their DefaultLimits value.
//
// Errors are *Error values naming the document and, when known, the
// position and field at fault; they wrap ErrTooLarge, ErrTooDeep,
// ErrTooManyComponents, ErrForbiddenXML, ErrUnsupported, ErrUnknownFormat
// or ErrSyntax where one applies, and the reader's error when reading r
// fails.
func Read(r io.Reader, name string, lim Limits) (*model.SBOM, error) {
	d, rd, err := load(r, name, lim)
	if err != nil {
		return nil, err
	}
	return rd.decode(d)
}

// ReadBytes is Read for a document already in memory. data is read in
// place, not copied (unless it is gzip), and must not change until
// ReadBytes returns.
func ReadBytes(data []byte, name string, lim Limits) (*model.SBOM, error) {
	d, rd, err := loadData(data, name, lim, inputBytes)
	if err != nil {
		return nil, err
	}
	return rd.decode(d)
}

// Check is what ReadBytes checks before decoding, at a small fraction of
// its cost in memory: the size limits (gzip content is decompressed and
// counted, not kept), and for content that is not compressed the depth
// limit, the refusal of DTDs and the detection of a supported format. A
// document Check accepts may still be refused by ReadBytes; the errors
// are those ReadBytes gives.
func Check(data []byte, name string, lim Limits) error {
	lim = lim.withDefaults()
	if int64(len(data)) <= lim.MaxBytes && bytes.HasPrefix(data, gzipMagic) {
		if _, err := gzipSize(data, lim.MaxBytes); err != nil {
			return &Error{Name: name, Offset: -1, Err: err}
		}
		return nil
	}
	_, _, err := loadData(data, name, lim, inputBytes)
	return err
}

// load reads and probes the document and finds the reader of its format.
// The reader returned has a decode function: a format that is recognised
// but not supported is an error wrapping ErrUnsupported.
func load(r io.Reader, name string, lim Limits) (*document, *reader, error) {
	return loadData(r, name, lim, readInput)
}

// loadData is load with the input's reading function.
func loadData[In any](in In, name string, lim Limits, read func(In, int64) ([]byte, bool, error)) (*document, *reader, error) {
	lim = lim.withDefaults()
	data, gzipped, err := read(in, lim.MaxBytes)
	if err != nil {
		return nil, nil, &Error{Name: name, Offset: -1, Err: err}
	}
	d := &document{name: name, data: data, gzipped: gzipped, lim: lim}
	if err := d.probe(); err != nil {
		return nil, nil, err
	}
	for i := range readers {
		rd := &readers[i]
		version, ok := rd.detect(d)
		if !ok {
			continue
		}
		if rd.decode == nil {
			what := rd.format
			if version != "" {
				what += " " + version
			}
			return nil, nil, d.errorAt(-1, "", wrapf(ErrUnsupported, "sbom.unsupported_serialisation", "%s document detected: this serialisation is not supported (rocca reads CycloneDX JSON and XML, SPDX 2.2/2.3 JSON, YAML and tag-value, and SPDX 3 JSON-LD)", what))
		}
		return d, rd, nil
	}
	return nil, nil, d.unknownFormat()
}

// A reader recognises one document format and, when the format is
// supported, decodes it. To add a format, write its detect and decode
// functions in a file of its own and list the reader in readers.
type reader struct {
	// format names the format in messages, e.g. "CycloneDX JSON".
	format string
	// detect reports whether d is in this format, and the format version
	// it declares (for messages; may be empty). It sees the document after
	// probing and must be cheap: every reader's detect may run.
	detect func(d *document) (version string, ok bool)
	// decode reads d; nil means the format is recognised but not supported.
	decode func(d *document) (*model.SBOM, error)
}

// readers are tried in order; the first whose detect accepts the document
// reads it. Detection rules are mutually exclusive, so the order only
// matters for speed.
var readers = []reader{
	cyclonedxJSON,
	cyclonedxXML,
	spdxJSON,
	spdx3JSONLD,
	spdxTagValue,
	spdxYAML,
	spdxRDFXML,
	spdxXML,
}

// syntax is the surface syntax of a document, found from its first byte.
type syntax int

const (
	syntaxText syntax = iota
	syntaxJSON
	syntaxXML
)

// document is an input being read: its bytes and what probing found.
type document struct {
	name    string
	data    []byte // the (decompressed) content, without a UTF-8 byte order mark
	skipped int    // bytes dropped from the front of data (a byte order mark)
	gzipped bool
	lim     Limits

	syntax syntax
	// members are the members of a JSON document's root object.
	members []jsonMember
	// root is an XML document's root element.
	root xmlRoot
}

// utf8BOM is the UTF-8 encoding of U+FEFF, which some tools write first.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// probe finds the document's syntax and runs the matching pre-scan, which
// enforces the depth limit (and refuses DTDs in XML) before any decoding.
func (d *document) probe() error {
	if bytes.HasPrefix(d.data, utf8BOM) {
		d.data, d.skipped = d.data[len(utf8BOM):], len(utf8BOM)
	}
	start := firstNonSpace(d.data)
	if start == len(d.data) {
		return d.errorAt(-1, "", wrapf(ErrUnknownFormat, "sbom.empty", "the document is empty"))
	}
	switch d.data[start] {
	case '{', '[':
		d.syntax = syntaxJSON
		members, serr := scanJSON(d.data, d.lim.MaxDepth)
		if serr != nil {
			return d.errorAt(serr.off, "", serr.err)
		}
		d.members = members
	case '<':
		d.syntax = syntaxXML
		root, serr := scanXML(d.data, d.lim.MaxDepth)
		if serr != nil {
			return d.errorAt(serr.off, "", serr.err)
		}
		d.root = root
	}
	return nil
}

// member returns the raw value of the root object's member key, or nil.
func (d *document) member(key string) []byte {
	for _, m := range d.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// memberString returns the value of the root object's member key when it is
// a JSON string.
func (d *document) memberString(key string) (string, bool) {
	raw := d.member(key)
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// unknownFormat explains why no reader took the document.
func (d *document) unknownFormat() error {
	var what string
	switch d.syntax {
	case syntaxJSON:
		switch {
		case d.data[firstNonSpace(d.data)] == '[':
			what = "a JSON array"
		case bytes.Contains(d.member("@context"), []byte("openvex")):
			what = "an OpenVEX document, not an SBOM (VEX documents are read separately)"
		case d.member("bomFormat") != nil:
			f, _ := d.memberString("bomFormat")
			what = fmt.Sprintf("JSON with bomFormat %q", clip(f, 40))
		default:
			what = "JSON without a bomFormat or spdxVersion member"
		}
	case syntaxXML:
		what = fmt.Sprintf("XML with root element <%s>", clip(d.root.local, 40))
		if d.root.ns != "" {
			what += fmt.Sprintf(" in namespace %q", clip(d.root.ns, 80))
		}
	default:
		what = fmt.Sprintf("content starting with %s", quoteStart(d.data, 24))
	}
	return d.errorAt(-1, "", wrapf(ErrUnknownFormat, "sbom.unknown_format", "unrecognised format: %s; rocca reads CycloneDX JSON and XML, SPDX JSON, YAML, tag-value and SPDX 3 JSON-LD (optionally gzip-compressed)", what))
}

// Error is an error reading a document.
type Error struct {
	// Name is the document's name as given to Read.
	Name string
	// Line and Column locate the problem (1-based; Column counts bytes);
	// zero when unknown. XML errors carry a line only.
	Line, Column int
	// Offset is the byte offset of the problem in the document
	// (decompressed when the input was gzip), or -1 when unknown.
	Offset int64
	// Field is the document field at fault, e.g. "components.version".
	Field string
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Name == "" {
		b.WriteString("SBOM")
	} else {
		b.WriteString(e.Name)
	}
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	if e.Offset >= 0 && e.Column > 0 {
		fmt.Fprintf(&b, " (byte %d)", e.Offset)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// errorf builds an *Error at byte offset off of d.data (-1 when there is
// no position) for field, with a formatted message.
func (d *document) errorf(off int, field, format string, args ...any) *Error {
	return d.errorAt(off, field, fmt.Errorf(format, args...))
}

// errorAt builds an *Error for err at byte offset off of d.data (-1 when
// there is no position) for field.
func (d *document) errorAt(off int, field string, err error) *Error {
	e := &Error{Name: d.name, Offset: -1, Field: field, Err: err}
	if off >= 0 {
		off = min(off, len(d.data))
		e.Line = 1 + bytes.Count(d.data[:off], []byte{'\n'})
		e.Column = off - (bytes.LastIndexByte(d.data[:off], '\n') + 1) + 1
		e.Offset = int64(off + d.skipped)
	}
	return e
}

// lineError builds an *Error at a line of d (XML decoders report lines).
func (d *document) lineError(line int, err error) *Error {
	return &Error{Name: d.name, Line: line, Offset: -1, Err: err}
}

// clip shortens user-supplied text quoted in messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// quoteStart quotes the first n bytes of data for a message.
func quoteStart(data []byte, n int) string {
	if len(data) > n {
		return strconv.Quote(string(data[:n])) + "…"
	}
	return strconv.Quote(string(data))
}
