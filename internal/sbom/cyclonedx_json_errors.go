package sbom

import (
	"encoding/json"
	"errors"
	"reflect"
)

// Positions and descriptions of encoding/json errors, shared by the JSON
// readers.

// jsonError turns an encoding/json error into an *Error with a position.
func (d *document) jsonError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return d.errorf(int(se.Offset)-1, "", "%w: %v", ErrSyntax, se)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return d.errorf(valueStart(d.data, int(te.Offset)), te.Field, "expected %s, found %s", kindName(te.Type), jsonValueName(te.Value))
	}
	return d.errorf(-1, "", "%w", err)
}

// valueStart returns where the JSON value ends at data[end-1] starts:
// encoding/json reports type errors after a scalar value, or after the
// opening bracket of an object or array.
func valueStart(data []byte, end int) int {
	i := min(end, len(data)) - 1
	if i < 0 {
		return 0
	}
	switch data[i] {
	case '{', '[':
		return i
	case '"':
		for j := i - 1; j >= 0; j-- {
			if data[j] != '"' {
				continue
			}
			n := 0
			for b := j - 1; b >= 0 && data[b] == '\\'; b-- {
				n++
			}
			if n%2 == 0 {
				return j
			}
		}
		return i
	}
	for i > 0 && isScalarByte(data[i-1]) {
		i--
	}
	return i
}

// isScalarByte reports whether c can be part of a JSON number or literal.
func isScalarByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '.' || c == '-' || c == '+' || c == 'E'
}

// kindName describes the JSON value a Go type decodes from.
func kindName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

// jsonValueName describes the JSON value encoding/json found ("number",
// "number 1.5", "object"...).
func jsonValueName(v string) string {
	switch {
	case v == "object" || v == "array":
		return "an " + v
	case v == "":
		return "another value"
	}
	return "a " + v
}
