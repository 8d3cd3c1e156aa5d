package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// MaxBytes is the largest VEX document Read accepts.
const MaxBytes = 64 << 20

// Statement says what a VEX document claims about a vulnerability in
// products.
type Statement struct {
	// Vulnerability is the id the statement is about (CVE, GHSA...).
	Vulnerability string
	// Aliases are other ids of the same vulnerability.
	Aliases []string
	// Products identify what the statement is about: purls, CycloneDX
	// bom-refs, CPEs or other identifiers, as written (a CycloneDX BOM-Link
	// is reduced to the bom-ref it points at).
	Products []string
	// Status is what the statement claims.
	Status model.Status
	// Justification says why (a justification code, or else the impact
	// statement or analysis detail); may be empty.
	Justification string
	// Source is the name of the document the statement comes from.
	Source string
	// Timestamp is when the statement was made or last updated, zero when
	// the document does not say. Apply uses it to order statements.
	Timestamp time.Time
}

// Read reads the statements of a VEX document: OpenVEX (JSON whose
// @context is an openvex.dev namespace) or CycloneDX VEX (a CycloneDX JSON
// or XML document whose vulnerabilities carry an analysis). The format is
// detected from the content; name becomes the statements' Source.
//
// Errors give the position (line:column) and the element at fault but not
// name, which the caller knows and is expected to prefix.
func Read(r io.Reader, name string) ([]Statement, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("VEX document larger than the %d MiB limit", MaxBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty VEX document")
	}
	switch trimmed[0] {
	case '{':
		return readJSON(data, name)
	case '<':
		return readCycloneDXXML(data, name)
	}
	return nil, fmt.Errorf("not a VEX document: expected OpenVEX JSON or CycloneDX VEX (JSON or XML), found content starting with %q", clip(string(trimmed), 24))
}

// readJSON detects the JSON flavour from the root object's members.
func readJSON(data []byte, name string) ([]Statement, error) {
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
	case bytes.Contains(probe.Document, []byte("csaf")):
		return nil, errors.New("CSAF documents are not supported; use OpenVEX or CycloneDX VEX")
	case probe.SPDXVersion != nil:
		return nil, errors.New("an SPDX document is not a VEX document; use OpenVEX or CycloneDX VEX")
	case probe.Context != nil:
		return nil, fmt.Errorf("not a VEX document: @context %s is not OpenVEX's", clip(string(probe.Context), 80))
	}
	return nil, errors.New("not a VEX document: JSON without an OpenVEX @context or a CycloneDX bomFormat")
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

// addProduct appends id to products unless it is empty or already there.
func addProduct(products []string, id string) []string {
	id = strings.TrimSpace(id)
	if id == "" {
		return products
	}
	for _, p := range products {
		if p == id {
			return products
		}
	}
	return append(products, id)
}

// Apply sets the Status, Justification and StatusSource of every finding
// that a statement covers, in place. A statement covers a finding when:
//
//   - one of the finding's vulnerability ids (Vulnerability.ID and IDs) is
//     the statement's Vulnerability or one of its Aliases, compared
//     ignoring case; and
//   - one of the statement's Products identifies the finding's component:
//     it equals the component's bom-ref (Ref) or CPE, or it is a purl
//     matching the component's purl.
//
// Purls are compared in canonical form (internal/purl), and the statement's
// purl acts as a pattern: type, namespace and name
// must be equal; a version, when the statement gives one, must be equal
// (a statement without a version covers every version); each qualifier
// the statement gives must be present with the same value on the
// component (qualifiers the component has and the statement does not are
// ignored, so pkg:maven/g/a@1 covers pkg:maven/g/a@1?type=jar but
// pkg:deb/debian/x@1?arch=amd64 does not cover arch=arm64); a subpath the
// statement gives must be equal. A purl that does not parse is compared as
// a plain string.
//
// When several statements cover a finding, the last one in stmts wins,
// unless all of them carry a Timestamp: then the most recent one wins (the
// last one among equals). Statements with a Status other than the four
// model statuses are ignored.
func Apply(findings []model.Finding, stmts []Statement) {
	if len(findings) == 0 || len(stmts) == 0 {
		return
	}
	byVuln := map[string][]int{}
	prepared := make([]preparedStatement, len(stmts))
	for i := range stmts {
		s := &stmts[i]
		if !validStatus(s.Status) {
			continue
		}
		prepared[i] = prepare(s)
		seen := map[string]bool{}
		for _, id := range append([]string{s.Vulnerability}, s.Aliases...) {
			k := vulnKey(id)
			if k != "" && !seen[k] {
				seen[k] = true
				byVuln[k] = append(byVuln[k], i)
			}
		}
	}
	purls := purlCache{}
	for i := range findings {
		f := &findings[i]
		cands := candidates(byVuln, f.Vulnerability)
		if len(cands) == 0 {
			continue
		}
		comp := componentKeys{ref: f.Component.Ref, cpe: f.Component.CPE, purlRaw: f.Component.PURL, purl: purls.get(f.Component.PURL)}
		covering := cands[:0]
		for _, c := range cands {
			if prepared[c].covers(&comp) {
				covering = append(covering, c)
			}
		}
		if len(covering) == 0 {
			continue
		}
		best := latest(stmts, covering)
		s := &stmts[best]
		f.Status, f.Justification, f.StatusSource = s.Status, s.Justification, s.Source
	}
}

// latest picks the winning statement among idx (ascending indices into
// stmts): the most recent when all are timestamped, else the last.
func latest(stmts []Statement, idx []int) int {
	for _, i := range idx {
		if stmts[i].Timestamp.IsZero() {
			return idx[len(idx)-1]
		}
	}
	best := idx[0]
	for _, i := range idx[1:] {
		if !stmts[i].Timestamp.Before(stmts[best].Timestamp) {
			best = i
		}
	}
	return best
}

func validStatus(s model.Status) bool {
	switch s {
	case model.StatusAffected, model.StatusNotAffected, model.StatusFixed, model.StatusUnderInvestigation:
		return true
	}
	return false
}

// vulnKey is the form vulnerability ids are compared in.
func vulnKey(id string) string {
	return strings.ToUpper(strings.TrimSpace(id))
}

// candidates returns the indices of the statements about any id of v,
// ascending and without duplicates.
func candidates(byVuln map[string][]int, v model.Vulnerability) []int {
	var out []int
	add := func(id string) {
		out = append(out, byVuln[vulnKey(id)]...)
	}
	add(v.ID)
	for _, id := range v.IDs {
		add(id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
