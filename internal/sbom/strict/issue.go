package strict

import (
	"strconv"
	"strings"
)

// Issue is one way a document departs from its specification.
type Issue struct {
	// Pointer is a JSON pointer (RFC 6901) to the value at fault in a JSON
	// document ("/components/3/type"; "" is the root), or the element path
	// in an XML document ("/bom/components/component[4]/hashes/hash[1]").
	Pointer string `json:"pointer"`
	// Line is the 1-based line of the value at fault, 0 when unknown.
	// XML issues always carry one.
	Line int `json:"line,omitempty"`
	// Message says what is wrong, e.g. `"framework2" is not one of
	// application, framework, library, ...`.
	Message string `json:"message"`
}

// String renders the issue as "line 12: /components/3/type: message".
func (i Issue) String() string {
	var b strings.Builder
	if i.Line > 0 {
		b.WriteString("line " + strconv.Itoa(i.Line) + ": ")
	}
	p := i.Pointer
	if p == "" {
		p = "/"
	}
	b.WriteString(p + ": " + i.Message)
	return b.String()
}
