package sbom

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom/strict"
)

// ErrNotConforming is wrapped by the error ReadStrict returns for a
// document that reads but does not conform to its specification.
var ErrNotConforming = errors.New("the document does not conform to its specification")

// Validate reads the document like Read and also checks that it conforms
// to the specification version it declares (package strict). It returns
// the SBOM, the conformance issues (nil when it conforms) and an error only
// when the document cannot be read at all, as Read would.
func Validate(r io.Reader, name string, lim Limits) (*model.SBOM, []strict.Issue, error) {
	d, rd, err := load(r, name, lim)
	if err != nil {
		return nil, nil, err
	}
	s, err := rd.decode(d)
	if err != nil {
		return nil, nil, err
	}
	return s, d.conformance(rd), nil
}

// ReadStrict is Read for strict mode: a document that does not conform is
// an error wrapping ErrNotConforming that lists the first issues.
func ReadStrict(r io.Reader, name string, lim Limits) (*model.SBOM, error) {
	s, issues, err := Validate(r, name, lim)
	if err != nil {
		return nil, err
	}
	if len(issues) > 0 {
		return nil, &Error{Name: name, Offset: -1, Err: &ConformanceError{Issues: issues}}
	}
	return s, nil
}

// ConformanceError lists the issues of a non-conforming document.
type ConformanceError struct {
	Issues []strict.Issue
}

// maxListed bounds the issues an error message spells out.
const maxListed = 10

func (e *ConformanceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %d issue(s)", ErrNotConforming, len(e.Issues))
	for i, is := range e.Issues {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Issues)-maxListed)
			break
		}
		b.WriteString("\n  " + is.String())
	}
	return b.String()
}

func (e *ConformanceError) Unwrap() error { return ErrNotConforming }

// conformance runs the strict validator of d's format.
func (d *document) conformance(rd *reader) []strict.Issue {
	switch rd.format {
	case cyclonedxJSON.format:
		return strict.CycloneDXJSON(d.data)
	case cyclonedxXML.format:
		return strict.CycloneDXXML(d.data)
	}
	return d.spdxConformance(rd)
}
