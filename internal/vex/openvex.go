package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// OpenVEX documents are decoded into the types below rather than with
// github.com/openvex/go-vex, which the tests use to check what WriteOpenVEX
// writes: these types also accept the v0.0.1 shapes still in circulation
// (a vulnerability given as a string, products and subcomponents given as
// strings) and let errors name the statement and product at fault.

type ovDocument struct {
	ID          string        `json:"@id"`
	Author      string        `json:"author"`
	Timestamp   string        `json:"timestamp"`
	LastUpdated string        `json:"last_updated"`
	Statements  []ovStatement `json:"statements"`
}

type ovStatement struct {
	Vulnerability   ovVulnerability `json:"vulnerability"`
	Products        []ovProduct     `json:"products"`
	Subcomponents   []ovComponent   `json:"subcomponents"` // v0.0.1: at statement level
	Status          string          `json:"status"`
	StatusNotes     string          `json:"status_notes"`
	Justification   string          `json:"justification"`
	ImpactStatement string          `json:"impact_statement"`
	ActionStatement string          `json:"action_statement"`
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

// product returns the component as a Product: its @id, and its purl and
// CPE identifiers (a purl or CPE @id serves as one).
func (c *ovComponent) product(where string) Product {
	p := productFromID(c.ID, where)
	if v := strings.TrimSpace(c.Identifiers["purl"]); v != "" {
		p.PURL = v
	}
	for _, k := range []string{"cpe23", "cpe22"} {
		if v := strings.TrimSpace(c.Identifiers[k]); v != "" && p.CPE == "" {
			p.CPE = v
		}
	}
	return p
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

func readOpenVEX(data []byte, name string) (*Document, error) {
	var doc ovDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, err)
	}
	docTime, err := latestTime(doc.LastUpdated, "last_updated", doc.Timestamp, "timestamp")
	if err != nil {
		return nil, err
	}
	out := &Document{Format: FormatOpenVEX, ID: doc.ID, Author: strings.TrimSpace(doc.Author), Timestamp: docTime}
	out.Statements = make([]Statement, 0, len(doc.Statements))
	for i := range doc.Statements {
		st := &doc.Statements[i]
		where := fmt.Sprintf("statements[%d]", i)
		s := Statement{
			Vulnerability: strings.TrimSpace(st.Vulnerability.Name),
			Source:        name,
			Status:        model.Status(strings.TrimSpace(st.Status)),
			Impact:        strings.TrimSpace(st.ImpactStatement),
			Action:        strings.TrimSpace(st.ActionStatement),
			Detail:        strings.TrimSpace(st.StatusNotes),
			Author:        out.Author,
			Where:         where,
		}
		if s.Vulnerability == "" {
			s.Vulnerability = strings.TrimSpace(st.Vulnerability.ID)
		}
		if s.Vulnerability == "" {
			return nil, fmt.Errorf("%s.vulnerability: neither a name nor an @id", where)
		}
		for _, a := range st.Vulnerability.Aliases {
			if a = strings.TrimSpace(a); a != "" && !strings.EqualFold(a, s.Vulnerability) {
				s.Aliases = appendUnique(s.Aliases, a)
			}
		}
		if !ValidStatus(s.Status) {
			return nil, fmt.Errorf("%s.status: unknown status %q (want not_affected, affected, fixed or under_investigation)", where, clip(st.Status, 40))
		}
		if j := strings.TrimSpace(st.Justification); j != "" {
			s.Justification = Justification(j)
			if !s.Justification.Valid() {
				return nil, fmt.Errorf("%s.justification: unknown justification %q (want one of %s)", where, clip(j, 60), justificationList())
			}
		}
		for j := range st.Products {
			p := &st.Products[j]
			pw := fmt.Sprintf("%s.products[%d]", where, j)
			prod := p.product(pw)
			for k := range p.Subcomponents {
				sub := p.Subcomponents[k].product(fmt.Sprintf("%s.subcomponents[%d]", pw, k))
				if sub.empty() {
					return nil, fmt.Errorf("%s.subcomponents[%d]: no identifier (@id, identifiers.purl or identifiers.cpe23)", pw, k)
				}
				prod.Subcomponents = append(prod.Subcomponents, sub)
			}
			if prod.empty() {
				return nil, fmt.Errorf("%s: no identifier (@id, identifiers.purl or identifiers.cpe23)", pw)
			}
			s.Products = append(s.Products, prod)
		}
		// v0.0.1: subcomponents at the statement level belong to every
		// product.
		for k := range st.Subcomponents {
			sub := st.Subcomponents[k].product(fmt.Sprintf("%s.subcomponents[%d]", where, k))
			if sub.empty() {
				continue
			}
			for j := range s.Products {
				s.Products[j].Subcomponents = append(s.Products[j].Subcomponents, sub)
			}
		}
		if len(s.Products) == 0 {
			return nil, fmt.Errorf("%s.products: no product", where)
		}
		s.Timestamp, err = latestTime(st.LastUpdated, where+".last_updated", st.Timestamp, where+".timestamp")
		if err != nil {
			return nil, err
		}
		if s.Timestamp.IsZero() {
			s.Timestamp = docTime
		}
		out.Statements = append(out.Statements, s)
	}
	return out, nil
}

func justificationList() string {
	var b strings.Builder
	for i, j := range Justifications() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(j))
	}
	return b.String()
}
