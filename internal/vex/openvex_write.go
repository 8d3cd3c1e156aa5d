package vex

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rocca-project/rocca/internal/model"
)

// OpenVEX 0.2.0 output types. Field order follows the specification's
// examples.

type ovOutDocument struct {
	Context    string           `json:"@context"`
	ID         string           `json:"@id"`
	Author     string           `json:"author"`
	Role       string           `json:"role,omitempty"`
	Timestamp  string           `json:"timestamp"`
	Version    int              `json:"version"`
	Tooling    string           `json:"tooling,omitempty"`
	Statements []ovOutStatement `json:"statements"`
}

type ovOutStatement struct {
	Vulnerability   ovOutVulnerability `json:"vulnerability"`
	Timestamp       string             `json:"timestamp,omitempty"`
	Products        []ovOutProduct     `json:"products"`
	Status          model.Status       `json:"status"`
	StatusNotes     string             `json:"status_notes,omitempty"`
	Justification   Justification      `json:"justification,omitempty"`
	ImpactStatement string             `json:"impact_statement,omitempty"`
	ActionStatement string             `json:"action_statement,omitempty"`
}

type ovOutVulnerability struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

type ovOutProduct struct {
	ID            string            `json:"@id"`
	Identifiers   map[string]string `json:"identifiers,omitempty"`
	Subcomponents []ovOutProduct    `json:"subcomponents,omitempty"`
}

// OpenVEXContext is the @context of the OpenVEX documents written.
const OpenVEXContext = "https://openvex.dev/ns/v0.2.0"

// WriteOpenVEX writes stmts as an OpenVEX 0.2.0 document: one OpenVEX
// statement per statement, its products being the document's product
// (meta.Product) with the statement's components as subcomponents when
// the product has a purl or CPE, else the components themselves; a
// component of another product or version (InProduct) is a subcomponent
// of that product.
//
// OpenVEX allows a justification and an impact statement only with
// not_affected, and an action statement only with affected: other
// combinations are left out, a not_affected statement without either
// gets its detail (or a fixed text) as impact statement, and an affected
// one without an action statement gets one made of its responses (or a
// fixed text). The detail becomes status_notes; responses are not
// written otherwise (docs/vex.md).
func WriteOpenVEX(w io.Writer, meta Meta, stmts []Statement) error {
	if err := meta.check(FormatOpenVEX); err != nil {
		return err
	}
	if err := checkStatements(stmts, FormatOpenVEX); err != nil {
		return err
	}
	doc := ovOutDocument{
		Context: OpenVEXContext, ID: meta.ID, Author: meta.Author, Role: meta.Role,
		Timestamp: formatTime(meta.Timestamp), Version: meta.version(),
		Statements: make([]ovOutStatement, 0, len(stmts)),
	}
	if meta.Tool != "" {
		doc.Tooling = meta.Tool
		if meta.ToolVersion != "" {
			doc.Tooling += " " + meta.ToolVersion
		}
	}
	var parent *ovOutProduct
	if meta.Product.PURL != "" || meta.Product.CPE != "" {
		p := ovProductOf(&meta.Product)
		parent = &p
	}
	for i := range stmts {
		s := &stmts[i]
		os := ovOutStatement{
			Vulnerability: ovOutVulnerability{Name: s.Vulnerability, Aliases: s.Aliases},
			Status:        s.Status,
			StatusNotes:   s.Detail,
		}
		if !s.Timestamp.IsZero() {
			os.Timestamp = formatTime(s.Timestamp)
		}
		// Components of the document's product first, then those of
		// other products (versions), each under its product.
		var comps []ovOutProduct
		var others []ovOutProduct
		otherIdx := map[string]int{}
		for _, pl := range placementsIn(s, &meta) {
			c := ovProductOf(&pl.comp)
			if pl.parent == nil {
				comps = append(comps, c)
				continue
			}
			k := productKey(pl.parent)
			i, ok := otherIdx[k]
			if !ok {
				i = len(others)
				otherIdx[k] = i
				others = append(others, ovProductOf(pl.parent))
			}
			others[i].Subcomponents = append(others[i].Subcomponents, c)
		}
		switch {
		case len(comps) == 0:
		case parent != nil:
			p := *parent
			p.Subcomponents = comps
			os.Products = []ovOutProduct{p}
		default:
			os.Products = comps
		}
		os.Products = append(os.Products, others...)
		switch s.Status {
		case model.StatusNotAffected:
			os.Justification = s.Justification
			if s.Justification == "" || s.Impact != "" {
				os.ImpactStatement = impactText(s)
			}
		case model.StatusAffected:
			os.ActionStatement = actionText(s)
		}
		doc.Statements = append(doc.Statements, os)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("write OpenVEX: %w", err)
	}
	return nil
}

// ovProductOf makes an OpenVEX product of p: its @id is its purl, else
// its CPE, else its own id, else name@version.
func ovProductOf(p *Product) ovOutProduct {
	out := ovOutProduct{ID: p.PURL}
	ids := map[string]string{}
	if p.PURL != "" {
		ids["purl"] = p.PURL
	}
	if p.CPE != "" {
		if len(p.CPE) > 5 && p.CPE[:5] == "cpe:/" {
			ids["cpe22"] = p.CPE
		} else {
			ids["cpe23"] = p.CPE
		}
	}
	if len(ids) > 0 {
		out.Identifiers = ids
	}
	switch {
	case out.ID != "":
	case p.CPE != "":
		out.ID = p.CPE
	case p.ID != "" && !p.localID:
		out.ID = p.ID
	case p.Version != "":
		out.ID = p.Name + "@" + p.Version
	default:
		out.ID = p.Name
	}
	return out
}
