package vexchange

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vex"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Name names the document: the decisions' source and the prefix of
	// errors ("vex import" when empty).
	Name string
	// Scope of the decisions recorded: version by default for a version's
	// import, product for a product's.
	Scope model.AnalysisScope
}

// ImportResult says what an import did with each statement.
type ImportResult struct {
	Document DocumentInfo        `json:"document"`
	Scope    model.AnalysisScope `json:"scope"`
	// Applied lists each finding a statement covers, in version then
	// finding order.
	Applied []Applied `json:"applied"`
	// Superseded lists statements that cover a finding but lose to
	// another statement of the document (older, or earlier).
	Superseded []Applied `json:"superseded"`
	// Unmatched lists every statement that covers no finding, and why.
	Unmatched []Unmatched `json:"unmatched"`
	// Recorded counts the decisions written (one per finding, or one per
	// package and vulnerability for a product- or organisation-wide
	// decision); FindingsUpdated the findings whose effective analysis
	// changed.
	Recorded        int `json:"recorded"`
	FindingsUpdated int `json:"findingsUpdated"`
}

// DocumentInfo describes the imported document.
type DocumentInfo struct {
	Name       string     `json:"name"`
	Format     vex.Format `json:"format"`
	ID         string     `json:"id,omitempty"`
	Author     string     `json:"author,omitempty"`
	Statements int        `json:"statements"`
}

// Applied is a statement applied to a finding.
type Applied struct {
	Statement     int          `json:"statement"`
	Where         string       `json:"where,omitempty"`
	Vulnerability string       `json:"vulnerability"`
	FindingID     string       `json:"findingId"`
	VersionID     string       `json:"versionId"`
	Component     string       `json:"component"`
	Status        model.Status `json:"status"`
	Justification string       `json:"justification,omitempty"`
	// Scope and ComponentRange are the decision's (see docs/vex.md for
	// when a product-wide import bounds a decision to a component
	// version).
	Scope          model.AnalysisScope `json:"scope,omitempty"`
	ComponentRange string              `json:"componentRange,omitempty"`
	// DecisionID is the decision recorded for the finding (or the one
	// product- or organisation-wide decision covering it); empty when
	// Unchanged.
	DecisionID string `json:"decisionId,omitempty"`
	// Unchanged: the finding already carries this decision; nothing was
	// recorded.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Unmatched is a statement that covers no finding.
type Unmatched struct {
	Statement     int    `json:"statement"`
	Where         string `json:"where,omitempty"`
	Vulnerability string `json:"vulnerability"`
	Reason        string `json:"reason"`
	// Why is Reason's code and arguments, for translation.
	Why msg.Text `json:"-"`
}

// matched is one statement covering one finding of one version.
type matched struct {
	stmt int
	v    *versionData
	f    int
}

// ImportVersion reads a VEX document from r and records its statements
// as decisions on the findings of one of org's versions they cover (by
// vulnerability alias and product or component identifiers, vex.Match),
// all in one transaction. A document that cannot be read is an input
// error giving the place of the fault; one about other products is a
// ForeignError; either records nothing.
func (s *Service) ImportVersion(ctx context.Context, org string, actor triage.Actor, versionID string, r io.Reader, o ImportOptions) (ImportResult, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return ImportResult{}, err
	}
	if o.Scope == "" {
		o.Scope = model.ScopeVersion
	}
	doc, err := s.read(r, &o)
	if err != nil {
		return ImportResult{}, err
	}
	d, err := s.load(ctx, org, v, nil)
	if err != nil {
		return ImportResult{}, err
	}
	res := vex.Match(doc.Statements, target(d))
	if err := res.Err(); err != nil {
		return ImportResult{}, &ForeignError{Err: fmt.Errorf("%s: %w", o.Name, err)}
	}
	var ms, sup []matched
	for _, p := range res.Matches {
		ms = append(ms, matched{stmt: p.Statement, v: d, f: p.Finding})
	}
	for _, p := range res.Superseded {
		sup = append(sup, matched{stmt: p.Statement, v: d, f: p.Finding})
	}
	out := newResult(doc, &o)
	for _, u := range res.Unmatched {
		out.Unmatched = append(out.Unmatched, unmatched(doc, u.Statement, u.Why))
	}
	return s.record(ctx, org, actor, doc, &o, ms, sup, out, []*versionData{d})
}

// ImportProduct is ImportVersion for every version of one of org's
// products: each version's findings are matched against the document
// with the version as the product, the decisions (product scope by
// default) recorded in one transaction. The document is foreign when it
// is foreign to every version; a statement is unmatched when it covers
// no finding of any version.
func (s *Service) ImportProduct(ctx context.Context, org string, actor triage.Actor, productID string, r io.Reader, o ImportOptions) (ImportResult, error) {
	p, err := s.store.Product(ctx, org, productID)
	if err != nil {
		return ImportResult{}, err
	}
	if o.Scope == "" {
		o.Scope = model.ScopeProduct
	}
	doc, err := s.read(r, &o)
	if err != nil {
		return ImportResult{}, err
	}
	vs, err := s.store.Versions(ctx, org, p.ID)
	if err != nil {
		return ImportResult{}, err
	}
	if len(vs) == 0 {
		return ImportResult{}, inputf("vexchange.no_versions", "product %s has no version to apply the document to", p.Name)
	}
	out := newResult(doc, &o)
	var ms, sup []matched
	var loaded []*versionData
	covered := make([]bool, len(doc.Statements))
	reasons := make([]msg.Text, len(doc.Statements))
	foreign := true
	var foreignErr error
	for i := range vs {
		d, err := s.load(ctx, org, vs[i], &p)
		if err != nil {
			return ImportResult{}, err
		}
		loaded = append(loaded, d)
		res := vex.Match(doc.Statements, target(d))
		if err := res.Err(); err != nil {
			foreignErr = err
		} else {
			foreign = false
		}
		for _, pr := range res.Matches {
			covered[pr.Statement] = true
			ms = append(ms, matched{stmt: pr.Statement, v: d, f: pr.Finding})
		}
		for _, pr := range res.Superseded {
			sup = append(sup, matched{stmt: pr.Statement, v: d, f: pr.Finding})
		}
		for _, u := range res.Unmatched {
			reasons[u.Statement] = msg.New("vexchange.in_version", "version %s: %s", vs[i].Name, u.Why)
		}
	}
	if foreign && foreignErr != nil {
		return ImportResult{}, &ForeignError{Err: fmt.Errorf("%s: %w (in every version of %s)", o.Name, foreignErr, p.Name)}
	}
	for i := range doc.Statements {
		if !covered[i] {
			out.Unmatched = append(out.Unmatched, unmatched(doc, i, msg.New("vexchange.in_no_version", "in no version of %s; %s", p.Name, reasons[i])))
		}
	}
	return s.record(ctx, org, actor, doc, &o, ms, sup, out, loaded)
}

// read reads the document; its errors are input errors prefixed with the
// document's name.
func (s *Service) read(r io.Reader, o *ImportOptions) (*vex.Document, error) {
	if o.Name == "" {
		o.Name = "vex import"
	}
	switch o.Scope {
	case model.ScopeVersion, model.ScopeProduct, model.ScopeOrganisation:
	default:
		return nil, inputf("vexchange.scope", "scope: %q is not one of version, product, organisation", o.Scope)
	}
	doc, err := vex.ReadDocument(r, o.Name)
	if err != nil {
		return nil, &portfolio.InputError{Err: fmt.Errorf("%s: %w", o.Name, err)}
	}
	if len(doc.Statements) == 0 {
		return nil, inputf("vexchange.empty", "%s: the %s document holds no VEX statement", o.Name, doc.Format)
	}
	if doc.Format == vex.FormatOpenVEX {
		for i := range doc.Statements {
			for k := range doc.Statements[i].Products {
				p := &doc.Statements[i].Products[k]
				nameFromID(p)
				for j := range p.Subcomponents {
					nameFromID(&p.Subcomponents[j])
				}
			}
		}
	}
	return doc, nil
}

// nameFromID reads an OpenVEX @id that is neither a purl, a CPE nor an IRI
// as NAME@VERSION (or NAME): what rocca writes for a product or component
// without purl or CPE, such as a version of a product whose SBOM subject
// has neither. The @id is kept (it may be a bom-ref).
func nameFromID(p *vex.Product) {
	id := p.ID
	if id == "" || p.PURL != "" || p.CPE != "" || p.Name != "" || strings.Contains(id, ":") {
		return
	}
	p.Name = id
	if at := strings.LastIndexByte(id, '@'); at > 0 && at < len(id)-1 {
		p.Name, p.Version = id[:at], id[at+1:]
	}
}

func target(d *versionData) vex.Target {
	return vex.Target{Product: d.identity(), Components: d.comps, Findings: d.findings}
}

func newResult(doc *vex.Document, o *ImportOptions) ImportResult {
	return ImportResult{Document: DocumentInfo{Name: o.Name, Format: doc.Format, ID: doc.ID, Author: doc.Author, Statements: len(doc.Statements)},
		Scope: o.Scope, Applied: []Applied{}, Superseded: []Applied{}, Unmatched: []Unmatched{}}
}

func unmatched(doc *vex.Document, i int, why msg.Text) Unmatched {
	st := &doc.Statements[i]
	return Unmatched{Statement: i, Where: st.Where, Vulnerability: st.Vulnerability, Reason: why.English, Why: why}
}

// decision is a decision to record and the matches it answers.
type decision struct {
	triage.Decision
	applied []int // indices into the result's Applied
}

// record turns the matches into decisions and records them in one
// transaction.
//
// A version-scope decision is recorded per finding. Product and
// organisation decisions reach every finding of the package and
// vulnerability, so the matches are grouped by package key and
// vulnerability: when the document says the same of all of them, one
// decision is recorded (on the first finding); when it says different
// things of different component versions, a product-scope decision per
// component version, bounded to it (componentRange "=<version>"), else
// (organisation scope, a version the ecosystem cannot compare, or
// different things said of one component version in different product
// versions) a version-scope decision per finding.
func (s *Service) record(ctx context.Context, org string, actor triage.Actor, doc *vex.Document, o *ImportOptions,
	ms, sup []matched, out ImportResult, loaded []*versionData) (ImportResult, error) {
	for _, m := range sup {
		out.Superseded = append(out.Superseded, appliedOf(doc, m, model.Status(""), ""))
	}
	type group struct {
		key string
		ms  []int // indices into ms
	}
	var groups []*group
	byKey := map[string]*group{}
	stmts := make([]triage.Statement, len(ms))
	for i, m := range ms {
		st, err := statementOf(&doc.Statements[m.stmt], o.Name, o.Scope)
		if err != nil {
			return ImportResult{}, err
		}
		t := &m.v.tracked[m.f]
		if err := st.Check(t.Ecosystem); err != nil {
			return ImportResult{}, inputf("vexchange.statement", "%s: %s (%s): %v", o.Name, where(doc, m.stmt), doc.Statements[m.stmt].Vulnerability, err)
		}
		stmts[i] = st
		out.Applied = append(out.Applied, appliedOf(doc, m, st.Status, st.Justification))
		key := t.ID
		if o.Scope != model.ScopeVersion {
			key = findings.PackageKey(t) + "\x00" + t.VulnID
		}
		g := byKey[key]
		if g == nil {
			g = &group{key: key}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.ms = append(g.ms, i)
	}
	// others lists the loaded findings by group key, for telling whether
	// a product- or organisation-wide decision stands already.
	others := map[string][]*model.TrackedFinding{}
	if o.Scope != model.ScopeVersion {
		for _, d := range loaded {
			for i := range d.tracked {
				t := &d.tracked[i]
				k := findings.PackageKey(t) + "\x00" + t.VulnID
				if byKey[k] != nil {
					others[k] = append(others[k], t)
				}
			}
		}
	}
	var ds []decision
	// add records st on the finding of ms[at] for the matches idx, unless
	// it stands already.
	add := func(st triage.Statement, at int, idx []int, key string) {
		for _, i := range idx {
			out.Applied[i].Scope, out.Applied[i].ComponentRange = st.Scope, st.ComponentRange
		}
		// Unchanged when every match carries st already or a narrower
		// decision, and one finding (for a wider decision: one of the
		// versions read) carries st.
		same, stands := true, false
		for _, i := range idx {
			t := &ms[i].v.tracked[ms[i].f]
			switch {
			case carries(t, &st):
				stands = true
			case !narrower(t, st.Scope):
				same = false
			}
		}
		if st.Scope != model.ScopeVersion {
			for _, t := range others[key] {
				stands = stands || carries(t, &st)
			}
		}
		if same && stands {
			for _, i := range idx {
				out.Applied[i].Unchanged = true
			}
			return
		}
		t := &ms[at].v.tracked[ms[at].f]
		ds = append(ds, decision{Decision: triage.Decision{FindingID: t.ID, Statement: st, Source: o.Name}, applied: idx})
	}
	for _, g := range groups {
		if o.Scope == model.ScopeVersion {
			for _, i := range g.ms {
				add(stmts[i], i, []int{i}, g.key)
			}
			continue
		}
		// Sub-groups of matches the document says the same of.
		var subs [][]int
		for _, i := range g.ms {
			k := slices.IndexFunc(subs, func(sub []int) bool { return sameStatement(&stmts[sub[0]], &stmts[i]) })
			if k < 0 {
				subs = append(subs, []int{i})
			} else {
				subs[k] = append(subs[k], i)
			}
		}
		if len(subs) == 1 {
			add(stmts[g.ms[0]], g.ms[0], g.ms, g.key)
			continue
		}
		// Different statements about one package: bound each to its
		// component version, unless the document says different things
		// of one component version (in different product versions).
		byVersion := map[string][]int{}
		said := map[string]map[string]bool{} // component version → statements
		var order []string
		for _, i := range g.ms {
			t := &ms[i].v.tracked[ms[i].f]
			sk := statementKey(&stmts[i])
			k := t.Component.Version + "\x00" + sk
			if _, ok := byVersion[k]; !ok {
				order = append(order, k)
			}
			byVersion[k] = append(byVersion[k], i)
			if said[t.Component.Version] == nil {
				said[t.Component.Version] = map[string]bool{}
			}
			said[t.Component.Version][sk] = true
		}
		for _, k := range order {
			idx := byVersion[k]
			first := idx[0]
			t := &ms[first].v.tracked[ms[first].f]
			st := stmts[first]
			if st.Scope == model.ScopeProduct && t.Component.Version != "" && len(said[t.Component.Version]) == 1 {
				st.ComponentRange = "=" + t.Component.Version
				if st.Check(t.Ecosystem) == nil {
					add(st, first, idx, g.key)
					continue
				}
				st.ComponentRange = ""
			}
			st.Scope = model.ScopeVersion
			for _, i := range idx {
				add(st, i, []int{i}, g.key)
			}
		}
	}
	if len(ds) == 0 {
		return out, nil
	}
	tds := make([]triage.Decision, len(ds))
	for i := range ds {
		tds[i] = ds[i].Decision
	}
	res, err := s.triage.Record(ctx, org, actor, tds)
	if err != nil {
		return ImportResult{}, fmt.Errorf("%s: %w", o.Name, err)
	}
	for i := range ds {
		for _, a := range ds[i].applied {
			out.Applied[a].DecisionID = res.Decisions[i].ID
		}
	}
	out.Recorded, out.FindingsUpdated = res.Recorded, res.Updated
	return out, nil
}

func where(doc *vex.Document, i int) string {
	if w := doc.Statements[i].Where; w != "" {
		return w
	}
	return fmt.Sprintf("statement %d", i)
}

func appliedOf(doc *vex.Document, m matched, status model.Status, justification string) Applied {
	t := &m.v.tracked[m.f]
	if status == "" {
		status = doc.Statements[m.stmt].Status
	}
	return Applied{Statement: m.stmt, Where: doc.Statements[m.stmt].Where, Vulnerability: t.VulnID, FindingID: t.ID,
		VersionID: t.VersionID, Component: componentLabel(&t.Component), Status: status, Justification: justification}
}

func componentLabel(c *model.Component) string {
	switch {
	case c.PURL != "":
		return c.PURL
	case c.Version != "":
		return c.Name + "@" + c.Version
	}
	return c.Name
}

// statementOf maps a VEX statement onto a triage statement. What the CISA
// minimum requires but the document does not give is filled visibly: a
// not_affected statement with neither justification nor impact statement
// gets an impact statement saying so, an affected one without an action
// statement one made of its responses, or saying there is none.
func statementOf(s *vex.Statement, name string, scope model.AnalysisScope) (triage.Statement, error) {
	st := triage.Statement{Status: s.Status, Impact: strings.TrimSpace(s.Impact), Action: strings.TrimSpace(s.Action),
		Detail: strings.TrimSpace(s.Detail), Scope: scope}
	if s.Status == model.StatusNotAffected {
		st.Justification = string(s.Justification)
	}
	for _, r := range s.Response {
		if !slices.Contains(st.Response, string(r)) {
			st.Response = append(st.Response, string(r))
		}
	}
	switch {
	case st.Status == model.StatusNotAffected && st.Justification == "" && st.Impact == "":
		st.Impact = "The VEX document " + name + " gives no justification or impact statement."
	case st.Status == model.StatusAffected && st.Action == "":
		var parts []string
		for _, r := range st.Response {
			parts = append(parts, responseText[r])
		}
		st.Action = strings.Join(parts, " ")
		if st.Action == "" {
			st.Action = "The VEX document " + name + " gives no action statement."
		}
	}
	return st, nil
}

var responseText = map[string]string{
	"can_not_fix":          "The vulnerability cannot be fixed.",
	"will_not_fix":         "The vulnerability will not be fixed.",
	"update":               "Update to a version that fixes the vulnerability.",
	"rollback":             "Roll back to a version without the vulnerability.",
	"workaround_available": "A workaround is available.",
}

// sameStatement reports whether a and b say the same (scope and range
// aside).
func sameStatement(a, b *triage.Statement) bool {
	return statementKey(a) == statementKey(b)
}

func statementKey(s *triage.Statement) string {
	return strings.Join([]string{string(s.Status), s.Justification, s.Impact, s.Action, strings.Join(s.Response, ","), s.Detail}, "\x00")
}

// carries reports whether the finding's effective decision is st: same
// scope and range, same statement, and for a version-scope decision made
// on the finding itself.
func carries(t *model.TrackedFinding, st *triage.Statement) bool {
	a := t.Analysis
	if a == nil || a.Scope != st.Scope || a.ComponentRange != st.ComponentRange || a.NeedsReview {
		return false
	}
	if st.Scope == model.ScopeVersion && a.Origin.FindingID != t.ID {
		return false
	}
	cur := triage.Statement{Status: a.Status, Justification: a.Justification, Impact: a.Impact, Action: a.Action,
		Response: a.Response, Detail: a.Detail}
	return sameStatement(&cur, st)
}

// narrower reports whether the finding's effective decision is narrower
// than scope (a version decision under a product-wide one): a wider
// decision does not replace it.
func narrower(t *model.TrackedFinding, scope model.AnalysisScope) bool {
	a := t.Analysis
	if a == nil || a.NeedsReview {
		return false
	}
	rank := map[model.AnalysisScope]int{model.ScopeVersion: 3, model.ScopeProduct: 2, model.ScopeOrganisation: 1}
	return rank[a.Scope] > rank[scope]
}
