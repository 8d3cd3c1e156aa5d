package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/spdx/tools-golang/spdx/v2/v2_2"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// The library's JSON types decode packages (and their external references)
// with UnmarshalJSON methods of their own, so a type error inside a package
// carries an offset relative to that package's object, and the errors its
// identifier, supplier and creator types return carry no position at all.
// The functions below recover a position: by finding the package whose own
// decoding fails the same way, or by finding the offending value in the
// document.

// spdxJSONError turns an error decoding data (the document, or the JSON
// form of a YAML document) into an *Error with the best position known.
func (d *document) spdxJSONError(err error, data []byte, version string) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return d.errorf(int(se.Offset)-1, "", "%w: %v", ErrSyntax, se)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		msg := fmt.Sprintf("expected %s, found %s", kindName(te.Type), jsonValueName(te.Value))
		off := int(te.Offset)
		if base, found := packageStart(data, version, err); found {
			off += base
		} else if len(te.Field) > len("packages.") && te.Field[:len("packages.")] == "packages." {
			off = -1
		}
		if off >= 0 {
			off = valueStart(data, off)
		}
		return d.errorf(off, te.Field, "%s", msg)
	}
	// Errors of the identifier, agent and creator types quote the value.
	if v, _ := quotedValue(err.Error()); v != "" {
		if i := bytes.Index(data, []byte(strconv.Quote(v))); i >= 0 {
			return d.errorf(i, fieldBefore(data, i, ""), "%v", err)
		}
	}
	return d.errorf(-1, "", "%v", err)
}

// packageStart returns the offset in data of the package whose own
// decoding fails with err, when err arose inside a package.
func packageStart(data []byte, version string, err error) (int, bool) {
	var root struct {
		Packages json.RawMessage `json:"packages"`
	}
	if json.Unmarshal(data, &root) != nil || len(root.Packages) == 0 {
		return 0, false
	}
	// root.Packages is a copy; find where it sits in data.
	arrStart := bytes.Index(data, root.Packages)
	if arrStart < 0 {
		return 0, false
	}
	dec := json.NewDecoder(bytes.NewReader(root.Packages))
	if t, e := dec.Token(); e != nil || t != json.Delim('[') {
		return 0, false
	}
	for dec.More() {
		start := int(dec.InputOffset())
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return 0, false
		}
		start += firstNonSpaceOrComma(root.Packages[start:])
		var perr error
		if version == v2_3.Version {
			perr = json.Unmarshal(raw, &v2_3.Package{})
		} else {
			perr = json.Unmarshal(raw, &v2_2.Package{})
		}
		if sameTypeError(perr, err) {
			return arrStart + start, true
		}
	}
	return 0, false
}

// sameTypeError reports whether a and b are type errors about the same
// value (the package's own decoding names its struct differently).
func sameTypeError(a, b error) bool {
	ta, okA := errors.AsType[*json.UnmarshalTypeError](a)
	tb, okB := errors.AsType[*json.UnmarshalTypeError](b)
	return okA && okB && ta.Offset == tb.Offset && ta.Value == tb.Value && ta.Type == tb.Type
}

func firstNonSpaceOrComma(b []byte) int {
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' {
			return i
		}
	}
	return len(b)
}

// quotedValueRE matches the library's messages that quote a value:
// "failed to parse ElementID: x", "failed to parse Supplier 'x'".
var quotedValueRE = regexp.MustCompile(`^failed to parse (\w+)(?:: (.*)| '(.*)')$`)

// quotedValue returns the value an error message quotes, and the field
// kind it names.
func quotedValue(msg string) (value, kind string) {
	m := quotedValueRE.FindStringSubmatch(msg)
	if m == nil {
		return "", ""
	}
	if m[2] != "" {
		return m[2], m[1]
	}
	return m[3], m[1]
}

// fieldBefore returns the JSON member key whose value starts at data[i],
// or def when there is none.
func fieldBefore(data []byte, i int, def string) string {
	j := i - 1
	for j >= 0 && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
		j--
	}
	if j < 0 || data[j] != ':' {
		return def
	}
	j--
	for j >= 0 && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
		j--
	}
	if j < 0 || data[j] != '"' {
		return def
	}
	k := bytes.LastIndexByte(data[:j], '"')
	if k < 0 {
		return def
	}
	return string(data[k+1 : j])
}

// yamlLineRE finds the line yaml.v2 errors name: "yaml: line 12: ...".
var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlError turns an error converting YAML to JSON into an *Error.
func (d *document) yamlError(err error) error {
	line := 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	return d.lineError(line, fmt.Errorf("%w: %v", ErrSyntax, err))
}

// spdxYAMLDecodeError locates an error decoding the JSON form of a YAML
// document: JSON offsets mean nothing in the YAML text, so only a quoted
// value found in the YAML gives a line, and type errors name their field.
func (d *document) spdxYAMLDecodeError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return d.errorf(-1, te.Field, "expected %s, found %s", kindName(te.Type), jsonValueName(te.Value))
	}
	if v, _ := quotedValue(err.Error()); v != "" {
		if i := bytes.Index(d.data, []byte(v)); i >= 0 {
			e := d.errorf(i, yamlKeyBefore(d.data, i), "%v", err)
			e.Column, e.Offset = 0, -1
			return e
		}
		return d.errorf(-1, "", "%v", err)
	}
	return d.errorf(-1, "", "%v", err)
}

// yamlKeyBefore returns the key of the YAML mapping entry whose value
// starts at data[i] ("SPDXID" in "  - SPDXID: x"), or "".
func yamlKeyBefore(data []byte, i int) string {
	line := data[bytes.LastIndexByte(data[:i], '\n')+1 : i]
	line = bytes.TrimSpace(line)
	line = bytes.TrimPrefix(line, []byte("- "))
	key, ok := bytes.CutSuffix(line, []byte(":"))
	if !ok || bytes.ContainsAny(key, " :") {
		return ""
	}
	return string(bytes.Trim(key, `"'`))
}

// nullPackage finds a null entry of the packages array arr, a sub-slice of
// data, and returns its offset in data and index. The library's decoder
// dereferences package entries without checking them for null, so such a
// document is refused here, before decoding, with the place named.
func nullPackage(data, arr []byte) (off, index int, found bool) {
	if len(arr) == 0 || arr[0] != '[' {
		return 0, 0, false
	}
	base := cap(data) - cap(arr)
	dec := json.NewDecoder(bytes.NewReader(arr))
	if _, err := dec.Token(); err != nil {
		return 0, 0, false
	}
	for i := 0; dec.More(); i++ {
		start := int(dec.InputOffset())
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return 0, 0, false
		}
		if string(raw) == "null" {
			return base + start + firstNonSpaceOrComma(arr[start:]), i, true
		}
	}
	return 0, 0, false
}
