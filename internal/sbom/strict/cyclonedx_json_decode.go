package strict

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// jsonMaxDepth bounds the nesting the decoder accepts; package sbom
// limits depth before this, but the validator does not rely on it.
const jsonMaxDepth = 256

// jsonKind is the JSON type of a decoded value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// String names the kind as the specification's types are named.
func (k jsonKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// jsonNode is a decoded JSON value with the byte offset where it starts.
type jsonNode struct {
	kind  jsonKind
	off   int
	str   string // string value, or the number's text
	b     bool
	keys  []string    // object keys in document order
	vals  []*jsonNode // object values, parallel to keys
	elems []*jsonNode // array elements
}

// get returns the value of key in an object (the last one if repeated).
func (n *jsonNode) get(key string) (*jsonNode, bool) {
	if n == nil || n.kind != jsonObject {
		return nil, false
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.vals[i], true
		}
	}
	return nil, false
}

// jsonDecodeError is a document that is not JSON, with the offset of the
// fault.
type jsonDecodeError struct {
	off int
	msg string
}

func (e *jsonDecodeError) Error() string { return e.msg }

// jsonDecode parses data into a tree of nodes carrying their offsets.
func jsonDecode(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	d := jsonDecoder{dec: dec, data: data}
	root, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &jsonDecodeError{off: d.start(), msg: "data after the end of the JSON document"}
	}
	return root, nil
}

// jsonDecoder walks the token stream of one document.
type jsonDecoder struct {
	dec  *json.Decoder
	data []byte
}

// start returns the offset of the next token: the decoder's position
// after skipping white space and separators.
func (d *jsonDecoder) start() int {
	off := int(d.dec.InputOffset())
	for off < len(d.data) {
		switch d.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// token reads the next token, turning decoder errors into positioned ones.
func (d *jsonDecoder) token() (json.Token, int, error) {
	off := d.start()
	tok, err := d.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, int(se.Offset), &jsonDecodeError{off: int(se.Offset), msg: "not valid JSON: " + se.Error()}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, len(d.data), &jsonDecodeError{off: len(d.data), msg: "not valid JSON: unexpected end of input"}
		}
		return nil, off, &jsonDecodeError{off: off, msg: "not valid JSON: " + err.Error()}
	}
	return tok, off, nil
}

// value decodes one value at the given nesting depth.
func (d *jsonDecoder) value(depth int) (*jsonNode, error) {
	tok, off, err := d.token()
	if err != nil {
		return nil, err
	}
	n := &jsonNode{off: off}
	switch t := tok.(type) {
	case nil:
		n.kind = jsonNull
	case bool:
		n.kind, n.b = jsonBool, t
	case json.Number:
		n.kind, n.str = jsonNumber, string(t)
	case string:
		n.kind, n.str = jsonString, t
	case json.Delim:
		if depth >= jsonMaxDepth {
			return nil, &jsonDecodeError{off: off, msg: fmt.Sprintf("nesting deeper than %d levels", jsonMaxDepth)}
		}
		if t == '[' {
			return n, d.array(n, depth)
		}
		return n, d.object(n, depth)
	}
	return n, nil
}

// array decodes the elements of an array whose '[' was read.
func (d *jsonDecoder) array(n *jsonNode, depth int) error {
	n.kind = jsonArray
	for d.dec.More() {
		e, err := d.value(depth + 1)
		if err != nil {
			return err
		}
		n.elems = append(n.elems, e)
	}
	_, _, err := d.token() // ']'
	return err
}

// object decodes the members of an object whose '{' was read.
func (d *jsonDecoder) object(n *jsonNode, depth int) error {
	n.kind = jsonObject
	for d.dec.More() {
		tok, _, err := d.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		v, err := d.value(depth + 1)
		if err != nil {
			return err
		}
		n.keys = append(n.keys, key)
		n.vals = append(n.vals, v)
	}
	_, _, err := d.token() // '}'
	return err
}

// jsonCanon renders a value canonically (sorted keys, numbers by value),
// so that equal values, as JSON Schema's uniqueItems compares them, render
// equally.
func jsonCanon(n *jsonNode, b *strings.Builder) {
	switch n.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(n.b))
	case jsonNumber:
		if f, err := strconv.ParseFloat(n.str, 64); err == nil {
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		} else {
			b.WriteString(n.str)
		}
	case jsonString:
		b.WriteString(strconv.Quote(n.str))
	case jsonArray:
		b.WriteByte('[')
		for _, e := range n.elems {
			jsonCanon(e, b)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case jsonObject:
		idx := make([]int, len(n.keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, c int) bool { return n.keys[idx[a]] < n.keys[idx[c]] })
		b.WriteByte('{')
		for _, i := range idx {
			b.WriteString(strconv.Quote(n.keys[i]) + ":")
			jsonCanon(n.vals[i], b)
			b.WriteByte(',')
		}
		b.WriteByte('}')
	}
}

// jsonLines maps byte offsets to 1-based line numbers.
type jsonLines []int

// newJSONLines records where each line starts.
func newJSONLines(data []byte) jsonLines {
	starts := jsonLines{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// line returns the line holding offset off.
func (l jsonLines) line(off int) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > off })
}
