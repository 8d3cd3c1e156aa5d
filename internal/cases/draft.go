package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
)

// Draft returns the SRP form of a case's stage, pre-filled from rocca's
// data (REPORTING.md §3): the organisation's profile, the products'
// markets and classification, the versions concerned, the findings, the
// fix, the awareness. Fields copied from an earlier stage take the value
// that stage was submitted with. Text is English: the SRP is.
func (s *Service) Draft(ctx context.Context, org, id string, stage reporting.Stage) (*srp.Draft, error) {
	if !slices.Contains(srp.Stages, stage) {
		return nil, inputf("cases.draft_stage", "stage: %q has no SRP form (early_warning, notification or final_report)", stage)
	}
	c, err := s.store.Case(ctx, org, id)
	if err != nil {
		return nil, err
	}
	d, err := s.matrix.NewDraft(stage, reporting.Kind(c.Kind))
	if err != nil {
		return nil, err
	}
	vals, err := s.prefill(ctx, org, c)
	if err != nil {
		return nil, err
	}
	// Copied fields: the value an earlier stage was submitted with.
	for _, st := range srp.Stages {
		if st == stage {
			break
		}
		sub, ok := submission(c, st)
		if !ok || len(sub.Content) == 0 {
			continue
		}
		var prev srp.Draft
		if err := json.Unmarshal(sub.Content, &prev); err != nil {
			return nil, fmt.Errorf("case %s: submitted %s: %w", c.ID, st, err)
		}
		for _, f := range prev.Fields {
			if f.Value != "" {
				vals[f.ID] = f.Value
			}
		}
	}
	for _, f := range d.Fields {
		v := vals[f.ID]
		if v == "" {
			continue
		}
		if f.Limit > 0 && utf8.RuneCountInString(v) > f.Limit {
			v = truncate(v, f.Limit)
		}
		if err := d.Set(f.ID, v); err != nil {
			// A value rocca made that the field refuses (an EUVD id of an
			// unexpected form): left for the person to fill.
			s.log.Warn("SRP draft: pre-filled value refused", "case", c.ID, "field", f.ID, "error", err)
		}
	}
	return d, nil
}

// prefill maps rocca's data to SRP field values by Glossary id.
func (s *Service) prefill(ctx context.Context, org string, c model.Case) (map[string]string, error) {
	v := map[string]string{}
	o, err := s.store.Org(ctx, org)
	if err != nil {
		return nil, err
	}
	prof, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return nil, err
	}
	v["1"] = "Vulnerability"
	if c.Kind == string(reporting.KindSI) {
		v["1"] = "Incident"
	}
	v["2"] = c.Title
	v["4"] = prof.LegalName
	if v["4"] == "" {
		v["4"] = o.Name
	}
	// Products and versions concerned, in the case's order.
	var products []model.Product
	versions := map[string][]string{}
	eos := false
	now := s.Now()
	for _, cv := range c.Versions {
		if _, seen := versions[cv.ProductID]; !seen {
			p, err := s.store.Product(ctx, org, cv.ProductID)
			if err != nil {
				return nil, err
			}
			products = append(products, p)
			if !p.SupportEnd.IsZero() && p.SupportEnd.Before(now) {
				eos = true
			}
		}
		versions[cv.ProductID] = append(versions[cv.ProductID], cv.VersionName)
		if cv.Lifecycle == model.LifecycleEndOfSupport {
			eos = true
		}
	}
	var markets, names, vers []string
	types := map[string]bool{}
	for _, p := range products {
		for _, m := range p.Markets {
			if !slices.Contains(markets, m) {
				markets = append(markets, m)
			}
		}
		names = append(names, p.Name)
		vs := versionText(versions[p.ID])
		if len(products) > 1 {
			vs = p.Name + ": " + vs
		}
		vers = append(vers, vs)
		types[p.CRAType+"/"+p.CRAClass+"/"+p.CRACategory] = true
	}
	if len(markets) == 0 && prof.CSIRTState != "" {
		markets = []string{prof.CSIRTState}
	}
	v["5"] = strings.Join(markets, ", ")
	v["6"] = strings.Join(names, ", ")
	v["7"] = strings.Join(vers, "; ")
	if len(products) > 0 {
		v["11"] = "No"
		if eos {
			v["11"] = "Yes"
		}
	}
	// Classification only when the products concerned agree on it.
	if len(types) == 1 && len(products) > 0 {
		p := products[0]
		v["8"] = map[string]string{model.CRATypeDefault: "Default", model.CRATypeImportant: "Important", model.CRATypeCritical: "Critical"}[p.CRAType]
		v["9"] = map[string]string{model.CRAClassI: "Class I", model.CRAClassII: "Class II"}[p.CRAClass]
		v["10"] = p.CRACategory
	}
	if c.Kind == string(reporting.KindSI) {
		v["i37"] = stampOf(c.Awareness)
		v["3"] = c.Title
		v["i34"], v["i35"] = c.Statement, c.Statement
		return v, nil
	}
	// AEV: the vulnerability, from the findings that opened the case.
	v["v26"] = stampOf(c.Awareness)
	for _, id := range c.VulnIDs {
		if v["v19"] == "" && strings.HasPrefix(id, "CVE-") {
			v["v19"] = id
		}
		if v["v20"] == "" && strings.HasPrefix(id, "EUVD-") {
			v["v20"] = id
		}
	}
	f, comps, fixed, err := s.caseFindings(ctx, org, c)
	if err != nil {
		return nil, err
	}
	listed, err := s.store.Exploitations(ctx, cveIDs(c))
	if err != nil {
		return nil, err
	}
	v["12"] = strings.Join(comps, ", ")
	if f != nil {
		info := f.Summary
		if !f.KEVAdded.IsZero() {
			info = strings.TrimSpace(info + " Listed as known exploited since " + f.KEVAdded.Format(time.DateOnly) + ".")
		}
		v["v21"] = info
		v["v24"] = severityText(f, listed, c.Statement)
	}
	v["3"] = summaryText(c, v["6"], v["12"])
	v["v25"] = c.Statement
	if !c.FixAvailable.IsZero() {
		v["v22"] = stampOf(c.FixAvailable)
		v["v23"] = c.FixDetails
		v["16"] = c.FixDetails
	}
	if len(fixed) > 0 {
		v["17"] = "Update the affected component to a fixed version: " + strings.Join(fixed, ", ") + "."
	}
	return v, nil
}

// caseFindings returns the most severe open finding of the case's
// vulnerability in its versions, the components concerned and the fixed
// versions known.
func (s *Service) caseFindings(ctx context.Context, org string, c model.Case) (*model.TrackedFinding, []string, []string, error) {
	cands, err := s.store.CaseCandidates(ctx, org)
	if err != nil {
		return nil, nil, nil, err
	}
	var best *model.TrackedFinding
	var comps, fixed []string
	for i := range cands {
		f := &cands[i].Finding
		if !sharesID(c, append([]string{f.VulnID}, f.VulnIDs...)) || !hasVersion(c, f.VersionID) {
			continue
		}
		name := f.Component.Name
		if f.Component.Group != "" {
			name = f.Component.Group + "/" + name
		}
		if name == "" {
			name = f.ComponentKey
		}
		if n := strings.TrimSpace(name + " " + f.Component.Version); !slices.Contains(comps, n) {
			comps = append(comps, n)
		}
		for _, fv := range f.FixedVersions {
			if !slices.Contains(fixed, fv) {
				fixed = append(fixed, fv)
			}
		}
		if best == nil || f.Severity.Rating.Rank() > best.Severity.Rating.Rank() ||
			(f.Severity.Rating.Rank() == best.Severity.Rating.Rank() && f.Severity.Score > best.Severity.Score) {
			best = f
		}
	}
	return best, comps, fixed, nil
}

// listNames are the known-exploited lists' names in the SRP's English.
var listNames = map[string]string{model.ExploitedCISAKEV: "CISA KEV", model.ExploitedEUKEV: "EU KEV", model.ExploitedEUVD: "EUVD"}

// exploitedText names the lists marking the vulnerability exploited, with
// their dates: "Known exploited: CISA KEV since 2026-12-06 (known
// ransomware campaign use); EU KEV since 2026-12-05."
func exploitedText(listed []model.Exploitation) string {
	parts := make([]string, 0, len(listed))
	for _, e := range listed {
		p := listNames[e.Source]
		if p == "" {
			p = e.Source
		}
		if !e.Since.IsZero() {
			p += " since " + e.Since.Format(time.DateOnly)
		}
		if e.Ransomware {
			p += " (known ransomware campaign use)"
		}
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return "Known exploited: " + strings.Join(parts, "; ") + "."
}

func severityText(f *model.TrackedFinding, listed []model.Exploitation, statement string) string {
	var parts []string
	if f.Severity.Score > 0 {
		p := fmt.Sprintf("CVSS %.1f (%s)", f.Severity.Score, f.Severity.Rating)
		if f.Severity.Vector != "" {
			p += " " + f.Severity.Vector
		}
		if f.Severity.Source != "" {
			p += ", source " + f.Severity.Source
		}
		parts = append(parts, p+".")
	} else if f.Severity.Rating != "" {
		parts = append(parts, "Severity "+string(f.Severity.Rating)+".")
	}
	switch {
	case len(listed) > 0:
		parts = append(parts, exploitedText(listed))
	case f.KEV:
		parts = append(parts, "Known exploited (KEV).")
	}
	if f.EPSS > 0 {
		parts = append(parts, fmt.Sprintf("EPSS %.1f%% (percentile %.0f).", f.EPSS*100, f.EPSSPercentile*100))
	}
	if statement != "" {
		parts = append(parts, statement)
	}
	return strings.Join(parts, " ")
}

func summaryText(c model.Case, products, comps string) string {
	ids := strings.Join(c.VulnIDs, ", ")
	s := "Actively exploited vulnerability " + ids
	if comps != "" {
		s += " in " + comps
	}
	if products != "" {
		s += ", a component of " + products
	}
	return s + "."
}

// versionText writes a product's versions: exact when they fit the SRP
// field, else as a range from the first to the last.
func versionText(vs []string) string {
	exact := strings.Join(vs, ", ")
	if utf8.RuneCountInString(exact) <= 255 || len(vs) < 2 {
		return exact
	}
	return vs[0] + " to " + vs[len(vs)-1]
}

func stampOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
