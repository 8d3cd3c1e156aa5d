package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Limits of what ReadDocument accepts.
const (
	// MaxBytes is the largest VEX document accepted.
	MaxBytes = 64 << 20
	// MaxDepth is the deepest nesting accepted (JSON objects and arrays,
	// XML elements; the root is level 1). Real documents stay under 15;
	// CSAF product-tree branches are the deepest part.
	MaxDepth = 64
)

// Errors that ReadDocument's errors wrap, for errors.Is.
var (
	ErrTooLarge = errors.New("VEX document too large")
	ErrTooDeep  = errors.New("VEX document nested too deeply")
	// ErrNotVEX: the input is not a document of a VEX format rocca reads.
	ErrNotVEX = errors.New("not a VEX document")
)

// Format is a VEX document format.
type Format string

// Formats read and written.
const (
	FormatOpenVEX       Format = "openvex"
	FormatCycloneDXJSON Format = "cyclonedx"
	FormatCycloneDXXML  Format = "cyclonedx-xml"
	FormatCSAF          Format = "csaf"
)

// Justification is one of the five CISA justifications of a not_affected
// status (the OpenVEX justifications, and the CSAF VEX flag labels).
type Justification string

// The CISA justifications.
const (
	ComponentNotPresent                         Justification = "component_not_present"
	VulnerableCodeNotPresent                    Justification = "vulnerable_code_not_present"
	VulnerableCodeNotInExecutePath              Justification = "vulnerable_code_not_in_execute_path"
	VulnerableCodeCannotBeControlledByAdversary Justification = "vulnerable_code_cannot_be_controlled_by_adversary"
	InlineMitigationsAlreadyExist               Justification = "inline_mitigations_already_exist"
)

// Justifications lists the CISA justifications.
func Justifications() []Justification {
	return []Justification{ComponentNotPresent, VulnerableCodeNotPresent, VulnerableCodeNotInExecutePath,
		VulnerableCodeCannotBeControlledByAdversary, InlineMitigationsAlreadyExist}
}

// Valid reports whether j is one of the CISA justifications.
func (j Justification) Valid() bool {
	switch j {
	case ComponentNotPresent, VulnerableCodeNotPresent, VulnerableCodeNotInExecutePath,
		VulnerableCodeCannotBeControlledByAdversary, InlineMitigationsAlreadyExist:
		return true
	}
	return false
}

// Response is a CycloneDX analysis response: what the vendor does about
// the vulnerability.
type Response string

// The CycloneDX responses.
const (
	ResponseCanNotFix           Response = "can_not_fix"
	ResponseWillNotFix          Response = "will_not_fix"
	ResponseUpdate              Response = "update"
	ResponseRollback            Response = "rollback"
	ResponseWorkaroundAvailable Response = "workaround_available"
)

// Valid reports whether r is one of the CycloneDX responses.
func (r Response) Valid() bool {
	switch r {
	case ResponseCanNotFix, ResponseWillNotFix, ResponseUpdate, ResponseRollback, ResponseWorkaroundAvailable:
		return true
	}
	return false
}

// ValidStatus reports whether s is one of the four VEX statuses.
func ValidStatus(s model.Status) bool {
	switch s {
	case model.StatusAffected, model.StatusNotAffected, model.StatusFixed, model.StatusUnderInvestigation:
		return true
	}
	return false
}

// Product identifies a product or component a statement is about. Any of
// the identifiers may be empty; Match uses those that are set.
type Product struct {
	// ID is the document's own identifier of the product: an OpenVEX
	// @id, a CycloneDX bom-ref (a BOM-Link reduced to its bom-ref) or a
	// CSAF product_id. It is compared with the components' bom-refs
	// (CSAF product ids excepted, which are local to their document).
	ID string `json:"id,omitempty"`
	// PURL and CPE identify the product globally.
	PURL string `json:"purl,omitempty"`
	CPE  string `json:"cpe,omitempty"`
	// Name and Version as the document gives them (CSAF: the product
	// name and version branches, or the full product name).
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	// Subcomponents are parts of the product the statement is about
	// (OpenVEX subcomponents; CSAF relationships).
	Subcomponents []Product `json:"subcomponents,omitempty"`
	// Unsupported, when set, says why rocca cannot apply the statement to
	// this product (e.g. a CycloneDX target restricted to version ranges);
	// Match reports it instead of matching.
	Unsupported string `json:"unsupported,omitempty"`
	// Where locates the product in its document, e.g.
	// "statements[3].products[0]".
	Where string `json:"-"`
	// localID is set when ID is local to the document (a CSAF product
	// id), so not compared with bom-refs.
	localID bool
}

// label is a short text naming the product in messages.
func (p *Product) label() string {
	switch {
	case p.PURL != "":
		return p.PURL
	case p.CPE != "":
		return p.CPE
	case p.Name != "" && p.Version != "":
		return p.Name + "@" + p.Version
	case p.Name != "":
		return p.Name
	}
	return p.ID
}

// Statement says what a VEX document claims about a vulnerability in
// products: the neutral form of an OpenVEX statement, a CycloneDX
// vulnerability analysis and a CSAF vulnerability's product status.
type Statement struct {
	// Vulnerability is the id the statement is about (CVE, GHSA...).
	Vulnerability string `json:"vulnerability"`
	// Aliases are other ids of the same vulnerability.
	Aliases []string `json:"aliases,omitempty"`
	// Products are what the statement is about.
	Products []Product `json:"products"`
	// Status is what the statement claims.
	Status model.Status `json:"status"`
	// Justification is the CISA justification of a not_affected status,
	// mapped from the format's own (CycloneDX justifications map as in
	// docs/vex.md); empty when the document gives none.
	Justification Justification `json:"justification,omitempty"`
	// CycloneDXJustification is the CycloneDX justification as read (or
	// to write), kept because several map to one CISA justification.
	CycloneDXJustification string `json:"cyclonedxJustification,omitempty"`
	// Impact is the impact statement: why the product is not affected.
	Impact string `json:"impact,omitempty"`
	// Action is the action statement: what users should do (affected).
	Action string `json:"action,omitempty"`
	// Response lists the CycloneDX responses.
	Response []Response `json:"response,omitempty"`
	// Detail is free text (CycloneDX analysis detail, OpenVEX
	// status_notes, CSAF vulnerability notes).
	Detail string `json:"detail,omitempty"`
	// Timestamp is when the statement was made or last updated, zero when
	// the document does not say.
	Timestamp time.Time `json:"timestamp,omitzero"`
	// Author is who made the statement (the document's author or
	// publisher when the statement does not say).
	Author string `json:"author,omitempty"`
	// Source is the name of the document the statement comes from.
	Source string `json:"source,omitempty"`
	// Where locates the statement in its document, e.g. "statements[3]"
	// or "vulnerabilities[2]".
	Where string `json:"where,omitempty"`
}

// Document is a VEX document read by ReadDocument.
type Document struct {
	Format Format
	// ID is the document's id (OpenVEX @id, CycloneDX serialNumber, CSAF
	// tracking.id).
	ID string
	// Author is the OpenVEX author, the CSAF publisher name or the
	// CycloneDX metadata supplier/manufacturer/author.
	Author string
	// Timestamp is the document's last update (or issue) time.
	Timestamp time.Time
	// Subject is the product the document describes when it says so
	// (CycloneDX metadata.component); nil otherwise.
	Subject *Product
	// Statements in document order.
	Statements []Statement
}

// Read reads the statements of a VEX document: OpenVEX, CycloneDX VEX
// (JSON or XML) or CSAF 2.0 (any category with product statuses; the VEX
// profile csaf_vex is the one meant for this). The format is detected from
// the content; name becomes the statements' Source.
//
// Errors give the place in the document (line:column for syntax errors,
// a path such as statements[3].products[0] for content errors) but not
// name, which the caller knows and is expected to prefix.
func Read(r io.Reader, name string) ([]Statement, error) {
	doc, err := ReadDocument(r, name)
	if err != nil {
		return nil, err
	}
	return doc.Statements, nil
}

// ReadDocument reads a VEX document like Read and also returns what the
// document says about itself.
func ReadDocument(r io.Reader, name string) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: larger than the %d MiB limit", ErrTooLarge, MaxBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrNotVEX)
	}
	switch trimmed[0] {
	case '{':
		if err := checkJSONDepth(data, MaxDepth); err != nil {
			return nil, err
		}
		return readJSON(data, name)
	case '<':
		return readCycloneDXXML(data, name)
	}
	return nil, fmt.Errorf("%w: expected OpenVEX, CSAF or CycloneDX VEX (JSON or XML), found content starting with %q", ErrNotVEX, clip(string(trimmed), 24))
}

// readJSON detects the JSON flavour from the root object's members.
func readJSON(data []byte, name string) (*Document, error) {
	var probe struct {
		Context     json.RawMessage `json:"@context"`
		BOMFormat   *string         `json:"bomFormat"`
		Document    json.RawMessage `json:"document"`
		SPDXVersion json.RawMessage `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonError(data, err)
	}
	switch {
	case bytes.Contains(probe.Context, []byte("openvex.dev/ns")):
		return readOpenVEX(data, name)
	case probe.BOMFormat != nil && strings.EqualFold(*probe.BOMFormat, "CycloneDX"):
		return readCycloneDXJSON(data, name)
	case probe.Document != nil && bytes.Contains(probe.Document, []byte(`"csaf_version"`)):
		return readCSAF(data, name)
	case probe.SPDXVersion != nil:
		return nil, fmt.Errorf("%w: an SPDX document carries no VEX statements; use OpenVEX, CSAF or CycloneDX VEX", ErrNotVEX)
	case probe.Context != nil:
		return nil, fmt.Errorf("%w: @context %s is not OpenVEX's", ErrNotVEX, clip(string(probe.Context), 80))
	}
	return nil, fmt.Errorf("%w: JSON without an OpenVEX @context, a CycloneDX bomFormat or a CSAF document.csaf_version", ErrNotVEX)
}

// checkJSONDepth refuses JSON nested deeper than max, before any decoding
// (encoding/json itself allows 10000 levels). It only tracks brackets
// outside strings; syntax errors are left to the decoder.
func checkJSONDepth(data []byte, maxDepth int) error {
	depth, inStr, esc := 0, false, false
	for i, c := range data {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				line := 1 + bytes.Count(data[:i], []byte{'\n'})
				return fmt.Errorf("line %d: %w (more than %d levels)", line, ErrTooDeep, maxDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// jsonError adds the position of an encoding/json error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		off = se.Offset - 1
		err = fmt.Errorf("JSON syntax error: %w", err)
	} else if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		off = te.Offset - 1
		field := te.Field
		if field == "" {
			field = "value"
		}
		err = fmt.Errorf("%s: unexpected JSON %s", field, te.Value)
	}
	if off < 0 {
		return err
	}
	off = min(off, int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := int(off) - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// clip shortens document text quoted in messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// parseTime parses an RFC 3339 timestamp; field names it in errors.
func parseTime(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 timestamp", field, clip(s, 40))
	}
	return t, nil
}

// latestTime parses a last-updated and an issued timestamp and returns the
// first one set.
func latestTime(updated, updatedField, issued, issuedField string) (time.Time, error) {
	u, err := parseTime(updated, updatedField)
	if err != nil {
		return u, err
	}
	i, err := parseTime(issued, issuedField)
	if err != nil || !u.IsZero() {
		return u, err
	}
	return i, nil
}

// productFromID makes a product of an identifier string, recognising
// purls and CPEs.
func productFromID(id, where string) Product {
	id = strings.TrimSpace(id)
	p := Product{ID: id, Where: where}
	switch {
	case strings.HasPrefix(id, "pkg:"):
		p.PURL = id
	case strings.HasPrefix(id, "cpe:"):
		p.CPE = id
	}
	return p
}

// empty reports whether the product has no identifier at all.
func (p *Product) empty() bool {
	return p.ID == "" && p.PURL == "" && p.CPE == "" && p.Name == ""
}

// appendUnique appends s to list unless it is empty or already there.
func appendUnique(list []string, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return list
	}
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}
