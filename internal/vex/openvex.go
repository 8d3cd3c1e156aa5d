package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// OpenVEX documents are decoded into the types below rather than with
// github.com/openvex/go-vex: its pkg/vex imports
// github.com/in-toto/attestation, which go.sum does not hold. The types
// cover what rocca uses of OpenVEX v0.2.0, and the v0.0.1 shapes still in
// circulation (a vulnerability given as a string, products and
// subcomponents given as strings).

type ovDocument struct {
	Timestamp   string        `json:"timestamp"`
	LastUpdated string        `json:"last_updated"`
	Statements  []ovStatement `json:"statements"`
}

type ovStatement struct {
	Vulnerability   ovVulnerability `json:"vulnerability"`
	Products        []ovProduct     `json:"products"`
	Subcomponents   []ovComponent   `json:"subcomponents"` // v0.0.1: at statement level
	Status          string          `json:"status"`
	Justification   string          `json:"justification"`
	ImpactStatement string          `json:"impact_statement"`
	Timestamp       string          `json:"timestamp"`
	LastUpdated     string          `json:"last_updated"`
}

type ovVulnerability struct {
	ID      string   `json:"@id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

// UnmarshalJSON accepts the v0.0.1 form, a bare id string.
func (v *ovVulnerability) UnmarshalJSON(b []byte) error {
	if s, ok, err := jsonString(b); ok || err != nil {
		*v = ovVulnerability{Name: s}
		return err
	}
	type plain ovVulnerability
	return innerError(json.Unmarshal(b, (*plain)(v)))
}

type ovComponent struct {
	ID          string            `json:"@id"`
	Identifiers map[string]string `json:"identifiers"`
}

// UnmarshalJSON accepts the v0.0.1 form, a bare identifier string.
func (c *ovComponent) UnmarshalJSON(b []byte) error {
	if s, ok, err := jsonString(b); ok || err != nil {
		*c = ovComponent{ID: s}
		return err
	}
	type plain ovComponent
	return innerError(json.Unmarshal(b, (*plain)(c)))
}

// ids returns the identifiers of a component rocca can match: its @id and
// its purl and CPE identifiers.
func (c *ovComponent) ids(out []string) []string {
	out = addProduct(out, c.ID)
	for _, k := range []string{"purl", "cpe23", "cpe22"} {
		out = addProduct(out, c.Identifiers[k])
	}
	return out
}

type ovProduct struct {
	ovComponent
	Subcomponents []ovComponent `json:"subcomponents"`
}

// UnmarshalJSON accepts the v0.0.1 form, a bare identifier string.
func (p *ovProduct) UnmarshalJSON(b []byte) error {
	if s, ok, err := jsonString(b); ok || err != nil {
		*p = ovProduct{ovComponent: ovComponent{ID: s}}
		return err
	}
	var raw struct {
		ID            string            `json:"@id"`
		Identifiers   map[string]string `json:"identifiers"`
		Subcomponents []ovComponent     `json:"subcomponents"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return innerError(err)
	}
	*p = ovProduct{ovComponent: ovComponent{ID: raw.ID, Identifiers: raw.Identifiers}, Subcomponents: raw.Subcomponents}
	return nil
}

// innerError drops the offset of a type error found by a nested
// json.Unmarshal: it counts from the start of the nested value, not of the
// document, so it would give a wrong position.
func innerError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		te.Offset = 0
	}
	return err
}

// jsonString decodes b when it is a JSON string: ok reports whether it was.
func jsonString(b []byte) (s string, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '"' {
		return "", false, nil
	}
	err = json.Unmarshal(b, &s)
	return s, true, err
}

func readOpenVEX(data []byte, name string) ([]Statement, error) {
	var doc ovDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, err)
	}
	docTime, err := latestTime(doc.LastUpdated, "last_updated", doc.Timestamp, "timestamp")
	if err != nil {
		return nil, err
	}
	out := make([]Statement, 0, len(doc.Statements))
	for i := range doc.Statements {
		st := &doc.Statements[i]
		where := fmt.Sprintf("statements[%d]", i)
		s := Statement{
			Vulnerability: st.Vulnerability.Name,
			Source:        name,
			Status:        model.Status(st.Status),
			Justification: st.Justification,
		}
		if s.Vulnerability == "" {
			s.Vulnerability = st.Vulnerability.ID
		}
		if s.Vulnerability == "" {
			return nil, fmt.Errorf("%s: the vulnerability has neither a name nor an @id", where)
		}
		where += " (" + clip(s.Vulnerability, 40) + ")"
		for _, a := range st.Vulnerability.Aliases {
			if a != "" {
				s.Aliases = append(s.Aliases, a)
			}
		}
		if !validStatus(s.Status) {
			return nil, fmt.Errorf("%s: unknown status %q (want not_affected, affected, fixed or under_investigation)", where, clip(st.Status, 40))
		}
		if s.Justification == "" {
			s.Justification = st.ImpactStatement
		}
		for j := range st.Products {
			p := &st.Products[j]
			s.Products = p.ids(s.Products)
			for k := range p.Subcomponents {
				s.Products = p.Subcomponents[k].ids(s.Products)
			}
		}
		for k := range st.Subcomponents {
			s.Products = st.Subcomponents[k].ids(s.Products)
		}
		if len(s.Products) == 0 {
			return nil, fmt.Errorf("%s: no product identifiers (@id, identifiers.purl or identifiers.cpe23)", where)
		}
		s.Timestamp, err = latestTime(st.LastUpdated, where+".last_updated", st.Timestamp, where+".timestamp")
		if err != nil {
			return nil, err
		}
		if s.Timestamp.IsZero() {
			s.Timestamp = docTime
		}
		out = append(out, s)
	}
	return out, nil
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
