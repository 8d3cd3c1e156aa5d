package vex

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// CSAF 2.0 documents are decoded into, and written from, the types below:
// the parts of the CSAF JSON schema a VEX document uses. No Go library
// was taken for them: github.com/gocsaf/csaf/v3 brings a large dependency
// tree for its provider tooling, and its types would not give errors
// located at the product and vulnerability at fault.

type csafDocument struct {
	Document        csafMeta            `json:"document"`
	ProductTree     *csafProductTree    `json:"product_tree,omitempty"`
	Vulnerabilities []csafVulnerability `json:"vulnerabilities,omitempty"`
}

type csafMeta struct {
	Category     string        `json:"category"`
	CSAFVersion  string        `json:"csaf_version"`
	Distribution *csafDistrib  `json:"distribution,omitempty"`
	Lang         string        `json:"lang,omitempty"`
	Notes        []csafNote    `json:"notes,omitempty"`
	Publisher    csafPublisher `json:"publisher"`
	Title        string        `json:"title"`
	Tracking     csafTracking  `json:"tracking"`
}

type csafDistrib struct {
	Text string `json:"text,omitempty"`
	TLP  *struct {
		Label string `json:"label"`
		URL   string `json:"url,omitempty"`
	} `json:"tlp,omitempty"`
}

type csafPublisher struct {
	Category  string `json:"category"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type csafTracking struct {
	CurrentReleaseDate string         `json:"current_release_date"`
	Generator          *csafGenerator `json:"generator,omitempty"`
	ID                 string         `json:"id"`
	InitialReleaseDate string         `json:"initial_release_date"`
	RevisionHistory    []csafRevision `json:"revision_history"`
	Status             string         `json:"status"`
	Version            string         `json:"version"`
}

type csafGenerator struct {
	Date   string `json:"date,omitempty"`
	Engine struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
	} `json:"engine"`
}

type csafRevision struct {
	Date    string `json:"date"`
	Number  string `json:"number"`
	Summary string `json:"summary"`
}

type csafNote struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
}

type csafProductTree struct {
	Branches         []csafBranch       `json:"branches,omitempty"`
	FullProductNames []csafFullProduct  `json:"full_product_names,omitempty"`
	Relationships    []csafRelationship `json:"relationships,omitempty"`
	ProductGroups    []csafGroup        `json:"product_groups,omitempty"`
}

type csafBranch struct {
	Category string           `json:"category"`
	Name     string           `json:"name"`
	Branches []csafBranch     `json:"branches,omitempty"`
	Product  *csafFullProduct `json:"product,omitempty"`
}

type csafFullProduct struct {
	Name      string      `json:"name"`
	ProductID string      `json:"product_id"`
	Helper    *csafHelper `json:"product_identification_helper,omitempty"`
}

type csafHelper struct {
	CPE  string `json:"cpe,omitempty"`
	PURL string `json:"purl,omitempty"`
}

type csafRelationship struct {
	Category                  string          `json:"category"`
	FullProductName           csafFullProduct `json:"full_product_name"`
	ProductReference          string          `json:"product_reference"`
	RelatesToProductReference string          `json:"relates_to_product_reference"`
}

type csafGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
}

type csafVulnerability struct {
	CVE           string             `json:"cve,omitempty"`
	IDs           []csafID           `json:"ids,omitempty"`
	Notes         []csafNote         `json:"notes,omitempty"`
	ProductStatus *csafProductStatus `json:"product_status,omitempty"`
	Flags         []csafFlag         `json:"flags,omitempty"`
	Threats       []csafThreat       `json:"threats,omitempty"`
	Remediations  []csafRemediation  `json:"remediations,omitempty"`
}

type csafID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

type csafProductStatus struct {
	FirstAffected      []string `json:"first_affected,omitempty"`
	FirstFixed         []string `json:"first_fixed,omitempty"`
	Fixed              []string `json:"fixed,omitempty"`
	KnownAffected      []string `json:"known_affected,omitempty"`
	KnownNotAffected   []string `json:"known_not_affected,omitempty"`
	LastAffected       []string `json:"last_affected,omitempty"`
	Recommended        []string `json:"recommended,omitempty"`
	UnderInvestigation []string `json:"under_investigation,omitempty"`
}

type csafFlag struct {
	Date       string   `json:"date,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	Label      string   `json:"label"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

type csafThreat struct {
	Category   string   `json:"category"`
	Date       string   `json:"date,omitempty"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

type csafRemediation struct {
	Category   string   `json:"category"`
	Date       string   `json:"date,omitempty"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
	URL        string   `json:"url,omitempty"`
}

// CSAF remediation categories.
const (
	csafVendorFix     = "vendor_fix"
	csafMitigation    = "mitigation"
	csafWorkaround    = "workaround"
	csafNoneAvailable = "none_available"
	csafNoFixPlanned  = "no_fix_planned"
)

// remediationResponse maps a CSAF remediation category to a CycloneDX
// response.
func remediationResponse(category string) (Response, bool) {
	switch category {
	case csafVendorFix:
		return ResponseUpdate, true
	case csafMitigation, csafWorkaround:
		return ResponseWorkaroundAvailable, true
	case csafNoFixPlanned:
		return ResponseWillNotFix, true
	case csafNoneAvailable:
		return ResponseCanNotFix, true
	}
	return "", false
}

// csafProducts indexes the product tree: product ids to products, group
// ids to product ids.
type csafProducts struct {
	byID   map[string]*Product
	groups map[string][]string
}

func indexCSAFProducts(pt *csafProductTree) (*csafProducts, error) {
	ix := &csafProducts{byID: map[string]*Product{}, groups: map[string][]string{}}
	if pt == nil {
		return ix, nil
	}
	add := func(fp *csafFullProduct, where string, p Product) error {
		id := strings.TrimSpace(fp.ProductID)
		if id == "" {
			return fmt.Errorf("%s.product_id: empty", where)
		}
		if prev, dup := ix.byID[id]; dup {
			return fmt.Errorf("%s.product_id: %q is already defined at %s", where, clip(id, 60), prev.Where)
		}
		p.ID, p.Where, p.localID = id, where, true
		if h := fp.Helper; h != nil {
			p.PURL, p.CPE = strings.TrimSpace(h.PURL), strings.TrimSpace(h.CPE)
		}
		if p.Name == "" {
			p.Name = strings.TrimSpace(fp.Name)
		}
		ix.byID[id] = &p
		return nil
	}
	var walk func(bs []csafBranch, where string, name, version, versionRange string) error
	walk = func(bs []csafBranch, where string, name, version, versionRange string) error {
		for i := range bs {
			b := &bs[i]
			bw := fmt.Sprintf("%s[%d]", where, i)
			n, v, vr := name, version, versionRange
			switch b.Category {
			case "product_name":
				n = strings.TrimSpace(b.Name)
			case "product_version":
				v = strings.TrimSpace(b.Name)
			case "product_version_range":
				vr = strings.TrimSpace(b.Name)
			}
			if b.Product != nil {
				p := Product{Name: n, Version: v}
				if vr != "" && v == "" {
					p.Unsupported = fmt.Sprintf("the product is given by a version range (%s), which rocca does not evaluate", clip(vr, 60))
				}
				if err := add(b.Product, bw+".product", p); err != nil {
					return err
				}
				if h := b.Product.Helper; h != nil && (h.PURL != "" || h.CPE != "") {
					ix.byID[strings.TrimSpace(b.Product.ProductID)].Unsupported = ""
				}
			}
			if err := walk(b.Branches, bw+".branches", n, v, vr); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(pt.Branches, "product_tree.branches", "", "", ""); err != nil {
		return nil, err
	}
	for i := range pt.FullProductNames {
		if err := add(&pt.FullProductNames[i], fmt.Sprintf("product_tree.full_product_names[%d]", i), Product{}); err != nil {
			return nil, err
		}
	}
	// A relationship defines a product made of two: product_reference
	// (a component) as part of relates_to_product_reference (a product).
	for i := range pt.Relationships {
		r := &pt.Relationships[i]
		where := fmt.Sprintf("product_tree.relationships[%d]", i)
		comp, ok := ix.byID[strings.TrimSpace(r.ProductReference)]
		if !ok {
			return nil, fmt.Errorf("%s.product_reference: product id %q is not defined in the product_tree", where, clip(r.ProductReference, 60))
		}
		parent, ok := ix.byID[strings.TrimSpace(r.RelatesToProductReference)]
		if !ok {
			return nil, fmt.Errorf("%s.relates_to_product_reference: product id %q is not defined in the product_tree", where, clip(r.RelatesToProductReference, 60))
		}
		// A component of a product (default_, external_ and
		// optional_component_of) is identified by its parts: the
		// product's identifiers, and the component as its subcomponent.
		// A product installed on or with a platform (installed_on,
		// installed_with) is the product itself: rocca does not model
		// platforms.
		sub := *comp
		sub.Subcomponents, sub.Where = nil, where+".product_reference"
		p := *parent
		p.Subcomponents = []Product{sub}
		if strings.HasPrefix(r.Category, "installed_") {
			p = sub
		}
		fp := r.FullProductName
		fp.Helper = nil
		if err := add(&fp, where+".full_product_name", p); err != nil {
			return nil, err
		}
	}
	for i := range pt.ProductGroups {
		g := &pt.ProductGroups[i]
		where := fmt.Sprintf("product_tree.product_groups[%d]", i)
		for j, id := range g.ProductIDs {
			if _, ok := ix.byID[strings.TrimSpace(id)]; !ok {
				return nil, fmt.Errorf("%s.product_ids[%d]: product id %q is not defined in the product_tree", where, j, clip(id, 60))
			}
		}
		ix.groups[strings.TrimSpace(g.GroupID)] = g.ProductIDs
	}
	return ix, nil
}

// expand returns the product ids named directly and through groups.
func (ix *csafProducts) expand(productIDs, groupIDs []string, where string) ([]string, error) {
	out := make([]string, 0, len(productIDs))
	for i, id := range productIDs {
		id = strings.TrimSpace(id)
		if _, ok := ix.byID[id]; !ok {
			return nil, fmt.Errorf("%s.product_ids[%d]: product id %q is not defined in the product_tree", where, i, clip(id, 60))
		}
		out = append(out, id)
	}
	for i, g := range groupIDs {
		ids, ok := ix.groups[strings.TrimSpace(g)]
		if !ok {
			return nil, fmt.Errorf("%s.group_ids[%d]: group id %q is not defined in the product_tree", where, i, clip(g, 60))
		}
		for _, id := range ids {
			out = append(out, strings.TrimSpace(id))
		}
	}
	return out, nil
}

// csafProductFacts is what a vulnerability's flags, threats and
// remediations say about one product.
type csafProductFacts struct {
	justification Justification
	impact        []string
	action        []string
	response      []Response
	date          time.Time
}

func readCSAF(data []byte, name string) (*Document, error) {
	var doc csafDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, err)
	}
	d := &doc.Document
	if v := strings.TrimSpace(d.CSAFVersion); v != "2.0" {
		return nil, fmt.Errorf("document.csaf_version: %q is not supported (want 2.0)", clip(v, 20))
	}
	out := &Document{Format: FormatCSAF, ID: strings.TrimSpace(d.Tracking.ID), Author: strings.TrimSpace(d.Publisher.Name)}
	var err error
	out.Timestamp, err = latestTime(d.Tracking.CurrentReleaseDate, "document.tracking.current_release_date",
		d.Tracking.InitialReleaseDate, "document.tracking.initial_release_date")
	if err != nil {
		return nil, err
	}
	ix, err := indexCSAFProducts(doc.ProductTree)
	if err != nil {
		return nil, err
	}
	for i := range doc.Vulnerabilities {
		stmts, err := csafStatements(&doc.Vulnerabilities[i], i, ix, out, name)
		if err != nil {
			return nil, err
		}
		out.Statements = append(out.Statements, stmts...)
	}
	return out, nil
}

// csafStatements makes one statement per product named in the product
// status of vulnerability v (index i), with what the flags, threats and
// remediations say about that product.
func csafStatements(v *csafVulnerability, i int, ix *csafProducts, doc *Document, name string) ([]Statement, error) {
	where := fmt.Sprintf("vulnerabilities[%d]", i)
	id := strings.TrimSpace(v.CVE)
	var aliases []string
	for _, x := range v.IDs {
		if t := strings.TrimSpace(x.Text); t != "" {
			if id == "" {
				id = t
			} else if !strings.EqualFold(t, id) {
				aliases = appendUnique(aliases, t)
			}
		}
	}
	if v.ProductStatus == nil {
		return nil, fmt.Errorf("%s.product_status: missing (a VEX document gives a product status for every vulnerability)", where)
	}
	if id == "" {
		return nil, fmt.Errorf("%s: neither a cve nor ids", where)
	}
	facts := map[string]*csafProductFacts{}
	fact := func(pid string) *csafProductFacts {
		f := facts[pid]
		if f == nil {
			f = &csafProductFacts{}
			facts[pid] = f
		}
		return f
	}
	dated := func(f *csafProductFacts, s, field string) error {
		t, err := parseTime(strings.TrimSpace(s), field)
		if err == nil && t.After(f.date) {
			f.date = t
		}
		return err
	}
	for k := range v.Flags {
		fl := &v.Flags[k]
		fw := fmt.Sprintf("%s.flags[%d]", where, k)
		j := Justification(strings.TrimSpace(fl.Label))
		if !j.Valid() {
			return nil, fmt.Errorf("%s.label: unknown label %q (want one of %s)", fw, clip(fl.Label, 60), justificationList())
		}
		pids, err := ix.expand(fl.ProductIDs, fl.GroupIDs, fw)
		if err != nil {
			return nil, err
		}
		for _, pid := range pids {
			f := fact(pid)
			f.justification = j
			if err := dated(f, fl.Date, fw+".date"); err != nil {
				return nil, err
			}
		}
	}
	for k := range v.Threats {
		th := &v.Threats[k]
		if th.Category != "impact" {
			continue
		}
		tw := fmt.Sprintf("%s.threats[%d]", where, k)
		pids, err := ix.expand(th.ProductIDs, th.GroupIDs, tw)
		if err != nil {
			return nil, err
		}
		for _, pid := range pids {
			f := fact(pid)
			f.impact = appendUnique(f.impact, th.Details)
			if err := dated(f, th.Date, tw+".date"); err != nil {
				return nil, err
			}
		}
	}
	for k := range v.Remediations {
		r := &v.Remediations[k]
		rw := fmt.Sprintf("%s.remediations[%d]", where, k)
		resp, ok := remediationResponse(r.Category)
		if !ok {
			return nil, fmt.Errorf("%s.category: unknown remediation category %q", rw, clip(r.Category, 40))
		}
		pids, err := ix.expand(r.ProductIDs, r.GroupIDs, rw)
		if err != nil {
			return nil, err
		}
		for _, pid := range pids {
			f := fact(pid)
			f.action = appendUnique(f.action, r.Details)
			if !slices.Contains(f.response, resp) {
				f.response = append(f.response, resp)
			}
			if err := dated(f, r.Date, rw+".date"); err != nil {
				return nil, err
			}
		}
	}
	var detail []string
	for _, n := range v.Notes {
		if n.Category == "details" || n.Category == "description" {
			detail = appendUnique(detail, n.Text)
		}
	}
	ps := v.ProductStatus
	lists := []struct {
		field  string
		ids    []string
		status model.Status
	}{
		{"known_not_affected", ps.KnownNotAffected, model.StatusNotAffected},
		{"known_affected", ps.KnownAffected, model.StatusAffected},
		{"first_affected", ps.FirstAffected, model.StatusAffected},
		{"last_affected", ps.LastAffected, model.StatusAffected},
		{"fixed", ps.Fixed, model.StatusFixed},
		{"first_fixed", ps.FirstFixed, model.StatusFixed},
		{"under_investigation", ps.UnderInvestigation, model.StatusUnderInvestigation},
	}
	var out []Statement
	statusOf := map[string]struct {
		field  string
		status model.Status
	}{}
	for _, l := range lists {
		for k, pid := range l.ids {
			pw := fmt.Sprintf("%s.product_status.%s[%d]", where, l.field, k)
			pid = strings.TrimSpace(pid)
			p, ok := ix.byID[pid]
			if !ok {
				return nil, fmt.Errorf("%s: product id %q is not defined in the product_tree", pw, clip(pid, 60))
			}
			if prev, dup := statusOf[pid]; dup {
				// first_fixed and fixed (first_, known_ and last_affected)
				// say the same.
				if prev.status == l.status {
					continue
				}
				return nil, fmt.Errorf("%s: product %q is also listed as %s (contradicting statuses)", pw, clip(pid, 60), prev.field)
			}
			statusOf[pid] = struct {
				field  string
				status model.Status
			}{l.field, l.status}
			s := Statement{
				Vulnerability: id, Aliases: slices.Clone(aliases),
				Products: []Product{*p}, Status: l.status,
				Detail: strings.Join(detail, "\n\n"), Author: doc.Author, Source: name, Where: pw,
				Timestamp: doc.Timestamp,
			}
			s.Products[0].Where = pw
			if f := facts[pid]; f != nil {
				if l.status == model.StatusNotAffected {
					s.Justification = f.justification
					s.Impact = strings.Join(f.impact, "\n\n")
				}
				s.Action = strings.Join(f.action, "\n\n")
				s.Response = f.response
				if !f.date.IsZero() {
					s.Timestamp = f.date
				}
			}
			out = append(out, s)
		}
	}
	return out, nil
}
