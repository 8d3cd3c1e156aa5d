package vex

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/purl"
)

// ErrForeignDocument: none of a VEX document's products is the version's
// product or one of its components.
var ErrForeignDocument = errors.New("the VEX document is about other products")

// Target is what statements are matched against: one version of a
// product, with its components and findings.
type Target struct {
	// Product identifies the version's product (purl, CPE, name and
	// version); may be zero when unknown (rocca scan without a subject).
	Product Product
	// Components are the version's components. When nil, the components
	// of Findings are used.
	Components []model.Component
	// Findings are the version's findings.
	Findings []model.Finding
}

// Pair is a statement (index into the statements) covering a finding
// (index into Target.Findings).
type Pair struct {
	Statement int `json:"statement"`
	Finding   int `json:"finding"`
}

// UnmatchedStatement is a statement that covers no finding, and why.
type UnmatchedStatement struct {
	Statement int    `json:"statement"`
	Where     string `json:"where,omitempty"`
	Reason    string `json:"reason"`
	// Why is Reason's code and arguments, for translation.
	Why msg.Text `json:"-"`
}

// MatchResult is what Match found.
type MatchResult struct {
	// Matches pairs each covered finding with the statement that applies
	// to it (at most one pair per finding), in finding order.
	Matches []Pair `json:"matches"`
	// Superseded lists the other statements that cover a finding but lose
	// to the one in Matches (older, or earlier in the document).
	Superseded []Pair `json:"superseded,omitempty"`
	// Unmatched lists every statement that covers no finding, with the
	// reason, in statement order.
	Unmatched []UnmatchedStatement `json:"unmatched,omitempty"`
	// Foreign is true when no product of any statement is the target's
	// product or one of its components: the document is probably about
	// another product. ForeignProducts then lists the products named.
	Foreign         bool     `json:"foreign"`
	ForeignProducts []string `json:"foreignProducts,omitempty"`
}

// Err returns an error wrapping ErrForeignDocument when the document is
// foreign, naming the products it is about; nil otherwise.
func (r *MatchResult) Err() error {
	if !r.Foreign {
		return nil
	}
	names := r.ForeignProducts
	more := ""
	if len(names) > 5 {
		more = fmt.Sprintf(" and %d more", len(names)-5)
		names = names[:5]
	}
	return msg.Errorf("vex.foreign", "%w: none of its products (%s%s) is this version's product or one of its components", ErrForeignDocument, strings.Join(names, ", "), more)
}

// Match matches statements to the target's findings.
//
// A statement covers a finding when one of the finding's vulnerability
// ids (Vulnerability.ID and IDs) is the statement's Vulnerability or one
// of its Aliases, compared ignoring case, and one of the statement's
// products covers the finding's component:
//
//   - the product identifies the component (see below); or
//   - the product identifies the target's product: without subcomponents
//     it covers every component; with subcomponents, those that one of
//     them identifies; or
//   - a subcomponent identifies the component, when its product
//     identifies the target's product or one of its components, or when
//     the target's product is unknown.
//
// A product identifies a component by the strongest identifier both have:
// purls when both have one, else CPEs, else name and version. Purls are
// compared in canonical form (internal/purl), the statement's purl acting
// as a pattern: type, namespace and name must be equal; a version, when the
// statement gives one, must be equal (a statement without a version covers
// every version); each qualifier the statement gives must be present with
// the same value on the component (so pkg:maven/g/a@1 covers
// pkg:maven/g/a@1?type=jar but pkg:deb/debian/x@1?arch=amd64 does not
// cover arch=arm64); a subpath the statement gives must be equal. A purl
// that does not parse is compared as a string. CPEs (2.3, or 2.2 URIs)
// are compared field by field ignoring case, a statement field * matching
// any value. Names are compared ignoring case, with the component's group
// ("group/name" or "group:name") or without; a statement version must
// then be equal. Independently, a product whose ID is a bom-ref equal to
// the component's (not a CSAF product id) identifies it.
//
// When several statements cover a finding, the last one wins, unless all
// of them carry a Timestamp: then the most recent one wins (the last one
// among equals). Products marked Unsupported cover nothing.
func Match(stmts []Statement, t Target) *MatchResult {
	comps := t.Components
	if comps == nil {
		comps = make([]model.Component, len(t.Findings))
		for i := range t.Findings {
			comps[i] = t.Findings[i].Component
		}
	}
	m := newMatcher(t.Product)
	res := &MatchResult{}
	compKeys := make([]*componentKeys, len(comps))
	for i := range comps {
		compKeys[i] = m.component(&comps[i])
	}
	// known reports whether p names the version's product or one of its
	// components.
	ix := m.index(compKeys)
	known := func(p *Product) bool {
		if m.identifiesTarget(p) {
			return true
		}
		for _, ci := range ix.candidates(m, p) {
			if m.identifies(p, compKeys[ci]) {
				return true
			}
		}
		return false
	}
	// inside[si][pi]: the subcomponents of that product apply here.
	inside := make([][]bool, len(stmts))
	byVuln := map[string][]int{}
	for i := range stmts {
		s := &stmts[i]
		for _, k := range stmtVulnKeys(s) {
			byVuln[k] = append(byVuln[k], i)
		}
		inside[i] = make([]bool, len(s.Products))
		for pi := range s.Products {
			p := &s.Products[pi]
			inside[i][pi] = len(p.Subcomponents) > 0 && (m.target == nil || known(p))
		}
	}
	covering := make([][]int, len(t.Findings))
	covered := make([]bool, len(stmts))
	for fi := range t.Findings {
		f := &t.Findings[fi]
		cands := candidates(byVuln, f.Vulnerability.ID, f.Vulnerability.IDs)
		if len(cands) == 0 {
			continue
		}
		ck := m.component(&f.Component)
		for _, si := range cands {
			s := &stmts[si]
			if !ValidStatus(s.Status) {
				continue
			}
			for pi := range s.Products {
				if m.productCovers(&s.Products[pi], ck, inside[si][pi]) {
					covering[fi] = append(covering[fi], si)
					covered[si] = true
					break
				}
			}
		}
	}
	for fi, idx := range covering {
		if len(idx) == 0 {
			continue
		}
		best := latest(stmts, idx)
		res.Matches = append(res.Matches, Pair{Statement: best, Finding: fi})
		for _, si := range idx {
			if si != best {
				res.Superseded = append(res.Superseded, Pair{Statement: si, Finding: fi})
			}
		}
	}

	findingsByVuln := map[string][]int{}
	for fi := range t.Findings {
		v := &t.Findings[fi].Vulnerability
		for _, k := range append([]string{v.ID}, v.IDs...) {
			if k = vulnKey(k); k != "" {
				findingsByVuln[k] = append(findingsByVuln[k], fi)
			}
		}
	}
	anyKnown := false
	var named []string
	namedSeen := map[string]bool{}
	for si := range stmts {
		s := &stmts[si]
		for pi := range s.Products {
			p := &s.Products[pi]
			if known(p) {
				anyKnown = true
			}
			for k := range p.Subcomponents {
				if known(&p.Subcomponents[k]) {
					anyKnown = true
				}
			}
			if l := p.label(); l != "" && !namedSeen[l] {
				namedSeen[l] = true
				named = append(named, l)
			}
		}
		if !covered[si] {
			why := m.reason(s, t.Findings, findingsByVuln, known)
			res.Unmatched = append(res.Unmatched, UnmatchedStatement{Statement: si, Where: s.Where, Reason: why.English, Why: why})
		}
	}
	if len(stmts) > 0 && !anyKnown && len(named) > 0 {
		res.Foreign = true
		res.ForeignProducts = named
	}
	return res
}

// reason explains why statement s covers no finding.
func (m *matcher) reason(s *Statement, findings []model.Finding, findingsByVuln map[string][]int, known func(*Product) bool) msg.Text {
	if !ValidStatus(s.Status) {
		return msg.New("vex.status", "unknown status %q", s.Status)
	}
	if len(s.Products) == 0 {
		return msg.New("vex.no_product", "the statement names no product")
	}
	var unsupported []string
	for i := range s.Products {
		if u := s.Products[i].Unsupported; u != "" {
			unsupported = append(unsupported, s.Products[i].label()+": "+u)
		}
	}
	if len(unsupported) == len(s.Products) {
		return msg.New("vex.unsupported", "%s", strings.Join(unsupported, "; "))
	}
	var on []string
	seen := map[string]bool{}
	for _, fi := range candidates(findingsByVuln, s.Vulnerability, s.Aliases) {
		if l := componentLabel(&findings[fi].Component); !seen[l] {
			seen[l] = true
			on = append(on, l)
		}
	}
	var labels, partOf []string
	anyKnown := false
	for i := range s.Products {
		p := &s.Products[i]
		labels = append(labels, p.label())
		pk := known(p)
		subKnown := slices.ContainsFunc(p.Subcomponents, func(c Product) bool { return known(&c) })
		if pk || subKnown {
			anyKnown = true
		}
		if !pk && subKnown && m.target != nil {
			var subs []string
			for k := range p.Subcomponents {
				subs = append(subs, p.Subcomponents[k].label())
			}
			partOf = append(partOf, strings.Join(subs, ", ")+" as a part of "+p.label())
		}
	}
	vuln := s.Vulnerability
	if len(s.Aliases) > 0 {
		vuln += " (" + strings.Join(s.Aliases, ", ") + ")"
	}
	switch {
	case len(partOf) > 0 && len(on) > 0:
		return msg.New("vex.part_of", "%s is a finding of %s, but the statement is about %s, which is not this version's product or one of its components", vuln, strings.Join(clipList(on, 5), ", "), strings.Join(partOf, "; "))
	case len(on) == 0 && anyKnown:
		return msg.New("vex.not_finding_of", "%s is not a finding of %s in this version", vuln, strings.Join(labels, ", "))
	case len(on) == 0:
		return msg.New("vex.unknown_product", "%s is not a finding of this version, and %s is not this version's product or one of its components", vuln, strings.Join(labels, ", "))
	case anyKnown:
		return msg.New("vex.finding_of_other", "%s is a finding of %s, not of %s", vuln, strings.Join(clipList(on, 5), ", "), strings.Join(labels, ", "))
	}
	return msg.New("vex.other_product", "%s is a finding of %s, but %s is not this version's product or one of its components", vuln, strings.Join(clipList(on, 5), ", "), strings.Join(labels, ", "))
}

func clipList(l []string, n int) []string {
	if len(l) <= n {
		return l
	}
	return append(slices.Clone(l[:n]), fmt.Sprintf("%d more", len(l)-n))
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

// Apply sets the Status, Justification, StatusSource and AnalysisDetail of
// every finding a statement covers, in place (see Match).
func Apply(findings []model.Finding, stmts []Statement) {
	if len(findings) == 0 || len(stmts) == 0 {
		return
	}
	res := Match(stmts, Target{Findings: findings})
	for _, p := range res.Matches {
		ApplyStatement(&findings[p.Finding], &stmts[p.Statement])
	}
}

// ApplyStatement sets the finding's status and analysis from s. The
// Justification is the CycloneDX justification when s was read from
// CycloneDX, else the CISA one, else the impact statement.
func ApplyStatement(f *model.Finding, s *Statement) {
	f.Status, f.StatusSource = s.Status, s.Source
	f.Justification = s.CycloneDXJustification
	if f.Justification == "" {
		f.Justification = string(s.Justification)
	}
	if f.Justification == "" && s.Status == model.StatusNotAffected {
		f.Justification = s.Impact
	}
	d := &model.AnalysisDetail{Impact: s.Impact, Action: s.Action, Detail: s.Detail, Author: s.Author, Timestamp: s.Timestamp}
	for _, r := range s.Response {
		d.Response = append(d.Response, string(r))
	}
	f.Analysis = d
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

// vulnKey is the form vulnerability ids are compared in.
func vulnKey(id string) string {
	return strings.ToUpper(strings.TrimSpace(id))
}

// stmtVulnKeys returns the distinct keys of a statement's vulnerability
// and aliases.
func stmtVulnKeys(s *Statement) []string {
	var out []string
	for _, id := range append([]string{s.Vulnerability}, s.Aliases...) {
		if k := vulnKey(id); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// candidates returns the indices listed under id or any of ids in byVuln,
// ascending and without duplicates.
func candidates(byVuln map[string][]int, id string, ids []string) []int {
	var out []int
	out = append(out, byVuln[vulnKey(id)]...)
	for _, id := range ids {
		out = append(out, byVuln[vulnKey(id)]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// matcher holds parsed identifiers, each parsed once.
type matcher struct {
	purls  map[string]*packageurl.PackageURL
	target *componentKeys
}

// componentKeys are the identifiers of a component or product.
type componentKeys struct {
	ref, cpe, purlRaw, name, altName, altName2, version string
	purl                                                *packageurl.PackageURL
}

func newMatcher(product Product) *matcher {
	m := &matcher{purls: map[string]*packageurl.PackageURL{}}
	if !product.empty() {
		m.target = &componentKeys{cpe: product.CPE, purlRaw: product.PURL, purl: m.parse(product.PURL),
			name: strings.ToLower(product.Name), version: product.Version}
	}
	return m
}

func (m *matcher) parse(s string) *packageurl.PackageURL {
	if !strings.HasPrefix(s, "pkg:") {
		return nil
	}
	if p, ok := m.purls[s]; ok {
		return p
	}
	var p *packageurl.PackageURL
	if u, err := purl.Parse(s); err == nil {
		p = &u
	}
	m.purls[s] = p
	return p
}

func (m *matcher) component(c *model.Component) *componentKeys {
	k := &componentKeys{ref: c.Ref, cpe: c.CPE, purlRaw: c.PURL, purl: m.parse(c.PURL),
		name: strings.ToLower(c.Name), version: c.Version}
	if c.Group != "" {
		g := strings.ToLower(c.Group)
		k.altName, k.altName2 = g+"/"+k.name, g+":"+k.name
	}
	return k
}

// productCovers reports whether statement product p covers component c;
// subsApply tells whether p's subcomponents apply to this version (p is
// its product or one of its components, or its product is unknown).
func (m *matcher) productCovers(p *Product, c *componentKeys, subsApply bool) bool {
	if p.Unsupported != "" {
		return false
	}
	if m.identifies(p, c) {
		return true
	}
	if len(p.Subcomponents) == 0 {
		return m.identifiesTarget(p)
	}
	if !subsApply {
		return false
	}
	for k := range p.Subcomponents {
		sub := &p.Subcomponents[k]
		if sub.Unsupported == "" && m.identifies(sub, c) {
			return true
		}
	}
	return false
}

func (m *matcher) identifiesTarget(p *Product) bool {
	if m.target == nil {
		return false
	}
	return m.identifiesKeys(p, m.target)
}

func (m *matcher) identifies(p *Product, c *componentKeys) bool {
	if p.ID != "" && !p.localID && c.ref != "" && p.ID == c.ref {
		return true
	}
	return m.identifiesKeys(p, c)
}

// identifiesKeys compares by the strongest identifier both sides have.
func (m *matcher) identifiesKeys(p *Product, c *componentKeys) bool {
	if p.PURL != "" && c.purlRaw != "" {
		pp := m.parse(p.PURL)
		if pp != nil && c.purl != nil {
			return purlCovers(pp, c.purl)
		}
		return p.PURL == c.purlRaw
	}
	if p.CPE != "" && c.cpe != "" {
		return cpeCovers(p.CPE, c.cpe)
	}
	if p.Name == "" || c.name == "" {
		return false
	}
	n := strings.ToLower(p.Name)
	if n != c.name && n != c.altName && n != c.altName2 {
		return false
	}
	return p.Version == "" || p.Version == c.version
}

// purlCovers reports whether the statement's purl pattern covers the
// component's purl (see Match).
func purlCovers(pattern, comp *packageurl.PackageURL) bool {
	if pattern.Type != comp.Type || pattern.Namespace != comp.Namespace || pattern.Name != comp.Name {
		return false
	}
	if pattern.Version != "" && pattern.Version != comp.Version {
		return false
	}
	if pattern.Subpath != "" && pattern.Subpath != comp.Subpath {
		return false
	}
	for _, q := range pattern.Qualifiers {
		found := false
		for _, cq := range comp.Qualifiers {
			if cq.Key == q.Key {
				found = cq.Value == q.Value
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// cpeFields splits a CPE 2.3 formatted string, or a CPE 2.2 URI, into its
// eleven attributes after the part (part first), lower-cased; nil when s
// is not a CPE.
func cpeFields(s string) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	var f []string
	switch {
	case strings.HasPrefix(s, "cpe:2.3:"):
		rest := s[len("cpe:2.3:"):]
		start, esc := 0, false
		for i := 0; i < len(rest); i++ {
			switch {
			case esc:
				esc = false
			case rest[i] == '\\':
				esc = true
			case rest[i] == ':':
				f = append(f, rest[start:i])
				start = i + 1
			}
		}
		f = append(f, rest[start:])
	case strings.HasPrefix(s, "cpe:/"):
		f = strings.Split(s[len("cpe:/"):], ":")
		for i := range f {
			if f[i] == "" {
				f[i] = "*"
			}
		}
	default:
		return nil
	}
	for len(f) < 11 {
		f = append(f, "*")
	}
	return f
}

// cpeCovers reports whether the statement's CPE covers the component's.
func cpeCovers(pattern, comp string) bool {
	p, c := cpeFields(pattern), cpeFields(comp)
	if p == nil || c == nil {
		return strings.EqualFold(pattern, comp)
	}
	if len(p) != len(c) {
		return false
	}
	for i := range p {
		if p[i] != "*" && p[i] != c[i] {
			return false
		}
	}
	return true
}

// componentIndex finds the components a product may identify without
// comparing it with every component.
type componentIndex struct {
	all                                []int
	byRef, byPkg, byRaw, byCPE, byName map[string][]int
}

func pkgKey(p *packageurl.PackageURL) string {
	return p.Type + "\x00" + p.Namespace + "\x00" + p.Name
}

// cpeKey is part:vendor:product of a CPE, "" when one of them is a
// wildcard (or the CPE does not parse), raw text when not a CPE at all.
func cpeKey(s string) (key string, wildcard bool) {
	f := cpeFields(s)
	if f == nil {
		return "raw:" + strings.ToLower(s), false
	}
	if f[0] == "*" || f[1] == "*" || f[2] == "*" {
		return "", true
	}
	return f[0] + ":" + f[1] + ":" + f[2], false
}

func (m *matcher) index(comps []*componentKeys) *componentIndex {
	ix := &componentIndex{byRef: map[string][]int{}, byPkg: map[string][]int{}, byRaw: map[string][]int{}, byCPE: map[string][]int{}, byName: map[string][]int{}}
	for i, c := range comps {
		ix.all = append(ix.all, i)
		if c.ref != "" {
			ix.byRef[c.ref] = append(ix.byRef[c.ref], i)
		}
		if c.purl != nil {
			k := pkgKey(c.purl)
			ix.byPkg[k] = append(ix.byPkg[k], i)
		}
		if c.purlRaw != "" {
			ix.byRaw[c.purlRaw] = append(ix.byRaw[c.purlRaw], i)
		}
		if c.cpe != "" {
			if k, _ := cpeKey(c.cpe); k != "" {
				ix.byCPE[k] = append(ix.byCPE[k], i)
			}
		}
		for _, n := range []string{c.name, c.altName, c.altName2} {
			if n != "" {
				ix.byName[n] = append(ix.byName[n], i)
			}
		}
	}
	return ix
}

// candidates returns the indices of the components p may identify (a
// superset; every component when p's CPE has a wildcard vendor or
// product).
func (ix *componentIndex) candidates(m *matcher, p *Product) []int {
	var out []int
	if p.ID != "" && !p.localID {
		out = append(out, ix.byRef[p.ID]...)
	}
	if p.PURL != "" {
		if pp := m.parse(p.PURL); pp != nil {
			out = append(out, ix.byPkg[pkgKey(pp)]...)
		}
		out = append(out, ix.byRaw[p.PURL]...)
	}
	if p.CPE != "" {
		k, wildcard := cpeKey(p.CPE)
		if wildcard {
			return ix.all
		}
		out = append(out, ix.byCPE[k]...)
	}
	if p.Name != "" {
		out = append(out, ix.byName[strings.ToLower(p.Name)]...)
	}
	return out
}
