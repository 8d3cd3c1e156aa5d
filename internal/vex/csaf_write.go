package vex

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/purl"
)

var cveRe = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// WriteCSAF writes stmts as a CSAF 2.0 document of the VEX profile
// (document.category csaf_vex):
//
//   - the product tree holds the document's product (and the other
//     products or versions named with InProduct) under a vendor branch
//     (the author) with product_name and product_version branches, each
//     component under product_name and product_version branches (its purl
//     and CPE as identification helpers), and one default_component_of
//     relationship per component and product: statements are about
//     these relationship products;
//   - one vulnerability per vulnerability id, with cve (when the id or an
//     alias is a CVE) and ids (the other ids), a summary note (the
//     summary given in meta.Summaries, else the id) and a details note
//     per distinct statement detail;
//   - product_status lists known_not_affected, known_affected, fixed and
//     under_investigation;
//   - a flag per not_affected product with a justification (its label),
//     an impact threat per not_affected product with an impact statement
//     or without a justification (its detail or a fixed text), a
//     remediation per affected product (category from the first response:
//     update → vendor_fix, workaround_available → workaround, rollback →
//     mitigation, will_not_fix → no_fix_planned, can_not_fix or none →
//     none_available; details the action statement, or a text made of
//     the responses) and per fixed product with an action statement
//     (vendor_fix).
//
// When two statements give one component different statuses for one
// vulnerability, the one Match would apply wins (the most recent, else
// the last).
func WriteCSAF(w io.Writer, meta Meta, stmts []Statement) error {
	if err := meta.check(FormatCSAF); err != nil {
		return err
	}
	if err := checkStatements(stmts, FormatCSAF); err != nil {
		return err
	}
	initial := meta.InitialTimestamp
	if initial.IsZero() || initial.After(meta.Timestamp) {
		initial = meta.Timestamp
	}
	version := meta.version()
	title := meta.Title
	if title == "" {
		title = "VEX for " + strings.TrimSpace(meta.Product.Name+" "+meta.Product.Version)
	}
	doc := csafDocument{Document: csafMeta{
		Category:    "csaf_vex",
		CSAFVersion: "2.0",
		Lang:        "en",
		Publisher:   csafPublisher{Category: "vendor", Name: meta.Author, Namespace: meta.Namespace},
		Title:       title,
		Tracking: csafTracking{
			ID:                 strings.TrimSpace(meta.ID),
			Status:             "final",
			Version:            strconv.Itoa(version),
			InitialReleaseDate: formatTime(initial),
			CurrentReleaseDate: formatTime(meta.Timestamp),
		},
	}}
	for n := 1; n <= version; n++ {
		r := csafRevision{Number: strconv.Itoa(n), Date: formatTime(initial), Summary: "Initial version."}
		if n > 1 {
			r.Summary = "Updated analysis."
		}
		if n == version {
			r.Date = formatTime(meta.Timestamp)
		}
		doc.Document.Tracking.RevisionHistory = append(doc.Document.Tracking.RevisionHistory, r)
	}
	if meta.Tool != "" {
		g := &csafGenerator{Date: formatTime(meta.Timestamp)}
		g.Engine.Name, g.Engine.Version = meta.Tool, meta.ToolVersion
		doc.Document.Tracking.Generator = g
	}

	tb := newCSAFTreeBuilder(&meta)
	type vulnGroup struct {
		id      string
		aliases []string
		stmt    map[string]int // relationship product id → statement index
		order   []string
	}
	var groups []*vulnGroup
	byKey := map[string]*vulnGroup{}
	for i := range stmts {
		s := &stmts[i]
		k := vulnKey(s.Vulnerability)
		g := byKey[k]
		if g == nil {
			g = &vulnGroup{id: strings.TrimSpace(s.Vulnerability), stmt: map[string]int{}}
			byKey[k] = g
			groups = append(groups, g)
		}
		for _, a := range s.Aliases {
			if vulnKey(a) != k {
				g.aliases = appendUnique(g.aliases, a)
			}
		}
		for _, pl := range placementsIn(s, &meta) {
			pid := tb.componentIn(pl.parent, &pl.comp)
			if prev, ok := g.stmt[pid]; ok {
				g.stmt[pid] = latest(stmts, []int{prev, i})
				continue
			}
			g.stmt[pid] = i
			g.order = append(g.order, pid)
		}
	}
	doc.ProductTree = tb.tree()

	usedCVE := map[string]bool{}
	for _, g := range groups {
		v := csafVulnerability{ProductStatus: &csafProductStatus{}}
		ids := append([]string{g.id}, g.aliases...)
		for _, id := range ids {
			if u := strings.ToUpper(id); v.CVE == "" && cveRe.MatchString(u) && !usedCVE[u] {
				v.CVE = u
				usedCVE[u] = true
				continue
			}
			if strings.EqualFold(id, v.CVE) {
				continue
			}
			v.IDs = append(v.IDs, csafID{SystemName: idSystem(id), Text: id})
		}
		summary := meta.Summaries[g.id]
		if summary == "" {
			summary = "Vulnerability " + strings.Join(ids, ", ") + "."
		}
		v.Notes = append(v.Notes, csafNote{Category: "summary", Title: "Summary", Text: summary})
		var details []string
		flags := map[Justification][]string{}
		var flagOrder []Justification
		for _, pid := range g.order {
			s := &stmts[g.stmt[pid]]
			if s.Detail != "" {
				details = appendUnique(details, s.Detail)
			}
			ps := v.ProductStatus
			date := ""
			if !s.Timestamp.IsZero() {
				date = formatTime(s.Timestamp)
			}
			switch s.Status {
			case model.StatusNotAffected:
				ps.KnownNotAffected = append(ps.KnownNotAffected, pid)
				if s.Justification != "" {
					if _, ok := flags[s.Justification]; !ok {
						flagOrder = append(flagOrder, s.Justification)
					}
					flags[s.Justification] = append(flags[s.Justification], pid)
				}
				if s.Justification == "" || s.Impact != "" {
					v.Threats = append(v.Threats, csafThreat{Category: "impact", Details: impactText(s), ProductIDs: []string{pid}, Date: date})
				}
			case model.StatusAffected:
				ps.KnownAffected = append(ps.KnownAffected, pid)
				v.Remediations = append(v.Remediations, csafRemediation{Category: remediationCategory(s.Response), Details: actionText(s), ProductIDs: []string{pid}, Date: date})
			case model.StatusFixed:
				ps.Fixed = append(ps.Fixed, pid)
				if s.Action != "" {
					v.Remediations = append(v.Remediations, csafRemediation{Category: csafVendorFix, Details: s.Action, ProductIDs: []string{pid}, Date: date})
				}
			case model.StatusUnderInvestigation:
				ps.UnderInvestigation = append(ps.UnderInvestigation, pid)
			}
		}
		for _, j := range flagOrder {
			v.Flags = append(v.Flags, csafFlag{Label: string(j), ProductIDs: flags[j]})
		}
		for _, d := range details {
			v.Notes = append(v.Notes, csafNote{Category: "details", Title: "Analysis", Text: d})
		}
		doc.Vulnerabilities = append(doc.Vulnerabilities, v)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("write CSAF VEX: %w", err)
	}
	return nil
}

// remediationCategory maps the first response to a CSAF remediation
// category.
func remediationCategory(rs []Response) string {
	if len(rs) == 0 {
		return csafNoneAvailable
	}
	switch rs[0] {
	case ResponseUpdate:
		return csafVendorFix
	case ResponseWorkaroundAvailable:
		return csafWorkaround
	case ResponseRollback:
		return csafMitigation
	case ResponseWillNotFix:
		return csafNoFixPlanned
	}
	return csafNoneAvailable
}

// idSystem names the system a vulnerability id belongs to.
func idSystem(id string) string {
	u := strings.ToUpper(id)
	switch {
	case strings.HasPrefix(u, "GHSA-"):
		return "GitHub Security Advisory"
	case strings.HasPrefix(u, "GO-"):
		return "Go Vulnerability Database"
	case strings.HasPrefix(u, "EUVD-"):
		return "EU Vulnerability Database"
	case strings.HasPrefix(u, "CVE-"):
		return "CVE"
	}
	if p, _, ok := strings.Cut(id, "-"); ok && p != "" {
		return p
	}
	return "other"
}

// csafTreeBuilder builds the product tree: the document's product (and
// other products or versions the statements name) under the vendor
// branch, the components under their own product_name branches, and a
// relationship per component and product.
type csafTreeBuilder struct {
	vendorName string
	// products: product_name branches under the vendor, in order.
	products  []*csafBranch
	prodNames map[string]*csafBranch
	prodIDs   map[string]string // product key → product id
	prodLabel map[string]string // product id → label
	mainID    string
	// components: product_name branches of the components, in order.
	compNames []*csafBranch
	byName    map[string]*csafBranch
	compIDs   map[string]string // product key → component product id
	rels      []csafRelationship
	relIDs    map[string]string // component id + product id → relationship product id
	next      int
}

func newCSAFTreeBuilder(meta *Meta) *csafTreeBuilder {
	b := &csafTreeBuilder{vendorName: meta.Author, prodNames: map[string]*csafBranch{}, prodIDs: map[string]string{},
		prodLabel: map[string]string{}, byName: map[string]*csafBranch{}, compIDs: map[string]string{}, relIDs: map[string]string{}}
	b.mainID = b.product(&meta.Product)
	return b
}

func (b *csafTreeBuilder) newID() string {
	b.next++
	return fmt.Sprintf("CSAFPID-%04d", b.next)
}

// addLeaf adds a product under the product_name branch nb: under a
// product_version branch when it has a version, else on nb itself (or on
// a new product_name branch appended by add when nb already has one).
func addLeaf(nb *csafBranch, version string, fp *csafFullProduct, add func(*csafBranch)) {
	switch {
	case version != "" && nb.Product == nil:
		nb.Branches = append(nb.Branches, csafBranch{Category: "product_version", Name: version, Product: fp})
	case version != "":
		add(&csafBranch{Category: "product_name", Name: nb.Name, Branches: []csafBranch{{Category: "product_version", Name: version, Product: fp}}})
	case nb.Product == nil && len(nb.Branches) == 0:
		nb.Product = fp
	default:
		// A product_name branch holds either a product or branches.
		add(&csafBranch{Category: "product_name", Name: nb.Name, Product: fp})
	}
}

// product returns the id of a product (version) under the vendor branch,
// adding it when new.
func (b *csafTreeBuilder) product(p *Product) string {
	key := productKey(p)
	if id, ok := b.prodIDs[key]; ok {
		return id
	}
	id := b.newID()
	b.prodIDs[key] = id
	label := strings.TrimSpace(p.Name + " " + p.Version)
	if label == "" {
		label = p.label()
	}
	b.prodLabel[id] = label
	fp := &csafFullProduct{Name: label, ProductID: id, Helper: csafHelperOf(p)}
	name := p.Name
	if name == "" {
		name = label
	}
	nb := b.prodNames[name]
	if nb == nil {
		nb = &csafBranch{Category: "product_name", Name: name}
		b.prodNames[name] = nb
		b.products = append(b.products, nb)
	}
	addLeaf(nb, p.Version, fp, func(x *csafBranch) { b.products = append(b.products, x) })
	return id
}

// componentIn returns the id of the relationship product "c as a
// component of parent" (nil: the document's product), adding c, parent
// and the relationship to the tree when new.
func (b *csafTreeBuilder) componentIn(parent *Product, c *Product) string {
	pid := b.mainID
	if parent != nil {
		pid = b.product(parent)
	}
	key := productKey(c)
	cid, ok := b.compIDs[key]
	name := c.Name
	if name == "" {
		name = c.label()
	}
	label := strings.TrimSpace(name + " " + c.Version)
	if !ok {
		cid = b.newID()
		b.compIDs[key] = cid
		fp := &csafFullProduct{Name: label, ProductID: cid, Helper: csafHelperOf(c)}
		nb := b.byName[name]
		if nb == nil {
			nb = &csafBranch{Category: "product_name", Name: name}
			b.byName[name] = nb
			b.compNames = append(b.compNames, nb)
		}
		addLeaf(nb, c.Version, fp, func(x *csafBranch) { b.compNames = append(b.compNames, x) })
	}
	rk := cid + "\x00" + pid
	if rid, ok := b.relIDs[rk]; ok {
		return rid
	}
	rid := cid + "-IN-" + pid
	b.relIDs[rk] = rid
	b.rels = append(b.rels, csafRelationship{
		Category:                  "default_component_of",
		ProductReference:          cid,
		RelatesToProductReference: pid,
		FullProductName:           csafFullProduct{Name: label + " as a component of " + b.prodLabel[pid], ProductID: rid},
	})
	return rid
}

func (b *csafTreeBuilder) tree() *csafProductTree {
	vendor := csafBranch{Category: "vendor", Name: b.vendorName}
	for _, nb := range b.products {
		vendor.Branches = append(vendor.Branches, *nb)
	}
	t := &csafProductTree{Branches: []csafBranch{vendor}, Relationships: b.rels}
	for _, nb := range b.compNames {
		t.Branches = append(t.Branches, *nb)
	}
	return t
}

// csafHelperOf returns the identification helper of p: its purl when it
// is a valid one, its CPE when it looks like one; nil when neither.
func csafHelperOf(p *Product) *csafHelper {
	h := &csafHelper{}
	if p.PURL != "" {
		if _, err := purl.Parse(p.PURL); err == nil {
			h.PURL = p.PURL
		}
	}
	if f := cpeFields(p.CPE); f != nil && (strings.HasPrefix(p.CPE, "cpe:/") || strings.Count(p.CPE, ":") >= 12) {
		h.CPE = p.CPE
	}
	if h.PURL == "" && h.CPE == "" {
		return nil
	}
	return h
}
