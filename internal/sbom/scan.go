package sbom

import (
	"bytes"
	"fmt"
	"strings"
)

// This file holds the structural pre-scans run before any decoding: one
// pass over the bytes that enforces Limits.MaxDepth and, for XML, refuses
// DTD declarations, and that collects what format detection needs (the
// members of a JSON root object, the name of an XML root element). They do
// not validate the grammar: the decoders do that afterwards.

// scanError is a problem found by a pre-scan, at byte offset off.
type scanError struct {
	off int
	err error
}

// jsonMember is one member of a JSON document's root object: the key as
// written (escapes are not decoded) and the raw value, a sub-slice of the
// document.
type jsonMember struct {
	key string
	val []byte
}

// jsonStructural marks the bytes the JSON scan stops at; every other byte
// outside strings is skipped.
var jsonStructural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, ':': true, ',': true}

// scanJSON checks that the nesting of data stays within maxDepth and that
// brackets balance, and returns the members of the root object (nil when
// the root is not an object). It looks at each byte once, and skips string
// contents with bytes.IndexByte, so it costs a fraction of a decode.
func scanJSON(data []byte, maxDepth int) ([]jsonMember, *scanError) {
	var (
		stack   = make([]byte, 0, min(maxDepth, 64)) // open brackets
		members []jsonMember
		// Root object member tracking: the key just read and where its
		// value starts, or -1 while a key (not a value) is expected.
		rootObject bool
		key        []byte
		valStart   = -1
		start      = firstNonSpace(data)
	)
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !jsonStructural[c] {
			continue
		}
		switch c {
		case '"':
			end := jsonStringEnd(data, i)
			if end < 0 {
				return nil, &scanError{i, fmt.Errorf("%w: unterminated string", ErrSyntax)}
			}
			if rootObject && len(stack) == 1 && valStart < 0 && key == nil {
				key = data[i+1 : end]
			}
			i = end
		case '{', '[':
			if len(stack) >= maxDepth {
				return nil, &scanError{i, wrapf(ErrTooDeep, "sbom.too_deep", "nesting deeper than %d levels", maxDepth)}
			}
			if c == '{' && i == start {
				rootObject = true
			}
			stack = append(stack, c)
		case '}', ']':
			if len(stack) == 0 {
				return nil, &scanError{i, fmt.Errorf("%w: unexpected %q", ErrSyntax, c)}
			}
			if open := stack[len(stack)-1]; open+2 != c { // '{'+2 == '}', '['+2 == ']'
				return nil, &scanError{i, fmt.Errorf("%w: %q closed by %q", ErrSyntax, open, c)}
			}
			if rootObject && len(stack) == 1 && valStart >= 0 {
				members = append(members, jsonMember{string(key), bytes.TrimSpace(data[valStart:i])})
				key, valStart = nil, -1
			}
			stack = stack[:len(stack)-1]
		case ':':
			if rootObject && len(stack) == 1 && key != nil && valStart < 0 {
				valStart = i + 1
			}
		case ',':
			if rootObject && len(stack) == 1 && valStart >= 0 {
				members = append(members, jsonMember{string(key), bytes.TrimSpace(data[valStart:i])})
				key, valStart = nil, -1
			}
		}
	}
	if len(stack) > 0 {
		return nil, &scanError{len(data), fmt.Errorf("%w: unexpected end of document (%d unclosed brackets)", ErrSyntax, len(stack))}
	}
	return members, nil
}

// jsonStringEnd returns the index of the quote closing the string whose
// opening quote is at data[open], or -1 when the string is unterminated.
func jsonStringEnd(data []byte, open int) int {
	j := open + 1
	for {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for b := j - 1; b > open && data[b] == '\\'; b-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		j++
	}
}

// firstNonSpace returns the index of the first byte of data that is not
// JSON or XML white space, or len(data).
func firstNonSpace(data []byte) int {
	for i, c := range data {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i
		}
	}
	return len(data)
}

// xmlRoot describes the root element of an XML document.
type xmlRoot struct {
	// local is the element's local name, e.g. "bom".
	local string
	// ns is its namespace URI, from the xmlns (or xmlns:prefix)
	// attribute of the root element itself; empty when not declared there.
	ns string
}

// dtdDeclarations are the markup declarations refused anywhere in a
// document. Go's encoding/xml never expands entities declared in a DTD,
// but refusing them keeps the reader safe whatever decoder runs later and
// tells the user at once why the document is rejected.
var dtdDeclarations = []string{"DOCTYPE", "ENTITY", "ELEMENT", "ATTLIST", "NOTATION"}

// scanXML checks that element nesting in data stays within maxDepth and that
// no DTD declaration appears, and returns the root element. Comments,
// CDATA sections and processing instructions are skipped whole; the
// grammar is left to encoding/xml.
func scanXML(data []byte, maxDepth int) (xmlRoot, *scanError) {
	var root xmlRoot
	seenRoot := false
	depth := 0
	i := 0
	for {
		k := bytes.IndexByte(data[i:], '<')
		if k < 0 {
			break
		}
		i += k
		rest := data[i+1:]
		switch {
		case bytes.HasPrefix(rest, []byte("!--")):
			end := bytes.Index(rest[3:], []byte("-->"))
			if end < 0 {
				return root, &scanError{i, fmt.Errorf("%w: unterminated comment", ErrSyntax)}
			}
			i += 1 + 3 + end + 3
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			end := bytes.Index(rest[8:], []byte("]]>"))
			if end < 0 {
				return root, &scanError{i, fmt.Errorf("%w: unterminated CDATA section", ErrSyntax)}
			}
			i += 1 + 8 + end + 3
		case bytes.HasPrefix(rest, []byte("!")):
			for _, d := range dtdDeclarations {
				if len(rest) > len(d) && string(rest[1:1+len(d)]) == d {
					return root, &scanError{i, wrapf(ErrForbiddenXML, "sbom.dtd", "<!%s> declaration refused: DTDs are not accepted", d)}
				}
			}
			return root, &scanError{i, fmt.Errorf("%w: unexpected \"<!\"", ErrSyntax)}
		case bytes.HasPrefix(rest, []byte("?")):
			end := bytes.Index(rest[1:], []byte("?>"))
			if end < 0 {
				return root, &scanError{i, fmt.Errorf("%w: unterminated processing instruction", ErrSyntax)}
			}
			i += 1 + 1 + end + 2
		case bytes.HasPrefix(rest, []byte("/")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return root, &scanError{i, fmt.Errorf("%w: unterminated end tag", ErrSyntax)}
			}
			if depth == 0 {
				return root, &scanError{i, fmt.Errorf("%w: end tag without start tag", ErrSyntax)}
			}
			depth--
			i += 1 + end + 1
		default:
			end := xmlTagEnd(rest)
			if end < 0 {
				return root, &scanError{i, fmt.Errorf("%w: unterminated start tag", ErrSyntax)}
			}
			tag := rest[:end]
			if !seenRoot {
				root = parseRootTag(tag)
				seenRoot = true
			}
			if end == 0 || tag[end-1] != '/' { // not self-closing
				if depth >= maxDepth {
					return root, &scanError{i, wrapf(ErrTooDeep, "sbom.too_deep_xml", "elements nested deeper than %d levels", maxDepth)}
				}
				depth++
			}
			i += 1 + end + 1
		}
	}
	return root, nil
}

// xmlTagEnd returns the index in tag (the bytes after '<') of the '>' ending
// a start tag, skipping quoted attribute values, or -1.
func xmlTagEnd(tag []byte) int {
	for j := 0; j < len(tag); j++ {
		switch c := tag[j]; c {
		case '>':
			return j
		case '"', '\'':
			k := bytes.IndexByte(tag[j+1:], c)
			if k < 0 {
				return -1
			}
			j += 1 + k
		}
	}
	return -1
}

// parseRootTag reads the name of a start tag and the namespace it declares
// for itself. tag is the text between '<' and '>'.
func parseRootTag(tag []byte) xmlRoot {
	tag = bytes.TrimSuffix(tag, []byte("/"))
	n := bytes.IndexAny(tag, " \t\r\n")
	if n < 0 {
		n = len(tag)
	}
	name, attrs := string(tag[:n]), tag[n:]
	prefix, local := "", name
	if p, l, ok := strings.Cut(name, ":"); ok {
		prefix, local = p, l
	}
	nsAttr := "xmlns"
	if prefix != "" {
		nsAttr = "xmlns:" + prefix
	}
	root := xmlRoot{local: local}
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			break
		}
		key := string(bytes.TrimSpace(attrs[:eq]))
		attrs = bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(attrs) == 0 || (attrs[0] != '"' && attrs[0] != '\'') {
			break
		}
		end := bytes.IndexByte(attrs[1:], attrs[0])
		if end < 0 {
			break
		}
		if key == nsAttr {
			root.ns = string(attrs[1 : 1+end])
		}
		attrs = attrs[1+end+1:]
	}
	return root
}
