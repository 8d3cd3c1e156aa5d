// Package vexchange exchanges the analysis of an organisation's findings
// with the outside: it imports VEX documents (OpenVEX, CycloneDX VEX,
// CSAF VEX) into a version's or a product's findings as triage decisions,
// exports the effective analysis of a version or of a product's on-market
// versions as VEX documents, and writes a version's findings with their
// analysis as reports (SARIF, CycloneDX VDR, JSON), as `rocca scan` does
// for a file.
//
// The formats are package vex's; the decisions are recorded through the
// triage use case (triage.Service.Record), in one transaction per import.
// docs/vex.md describes the behaviour.
package vexchange

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vex"
)

// Store is what the exchange needs of the storage: the catalogue, the
// current SBOM's components and the findings.
type Store interface {
	Org(ctx context.Context, org string) (model.Organisation, error)
	Product(ctx context.Context, org, id string) (model.Product, error)
	Version(ctx context.Context, org, id string) (model.Version, error)
	Versions(ctx context.Context, org, productID string) ([]model.Version, error)
	SBOM(ctx context.Context, org, id string) (model.StoredSBOM, error)
	Components(ctx context.Context, org, sbomID string) ([]model.StoredComponent, error)
	Findings(ctx context.Context, org string, q store.FindingQuery) (store.FindingPage, error)
}

// Service implements the import, export and report use cases.
type Service struct {
	store  Store
	triage *triage.Service
	log    *slog.Logger
	now    func() time.Time
}

// New returns the service; tr records the imported decisions; now is the
// clock (time.Now when nil).
func New(st Store, tr *triage.Service, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, triage: tr, log: log, now: now}
}

// pageSize is how many findings are read at a time.
const pageSize = 1000

// ForeignError refuses a document about other products; it wraps
// vex.ErrForeignDocument.
type ForeignError struct{ Err error }

func (e *ForeignError) Error() string { return e.Err.Error() }
func (e *ForeignError) Unwrap() error { return e.Err }

// IsForeign reports whether err refuses a foreign document.
func IsForeign(err error) bool { return errors.Is(err, vex.ErrForeignDocument) }

// inputf returns an input error worded in English by format, coded for
// translation (msg.Of finds the code).
func inputf(code, format string, a ...any) error {
	return &portfolio.InputError{Err: msg.Errorf(code, format, a...)}
}

// versionData is one version as the exchange sees it: its product, its
// current SBOM's subject and components, and its open findings.
type versionData struct {
	product  model.Product
	version  model.Version
	subject  *model.Component
	comps    []model.Component
	tracked  []model.TrackedFinding
	findings []model.Finding
}

// load reads a version of org with its product, components and open
// findings (each with its effective analysis).
func (s *Service) load(ctx context.Context, org string, v model.Version, p *model.Product) (*versionData, error) {
	d := &versionData{version: v}
	if p != nil {
		d.product = *p
	} else {
		var err error
		if d.product, err = s.store.Product(ctx, org, v.ProductID); err != nil {
			return nil, fmt.Errorf("product of version %s: %w", v.ID, err)
		}
	}
	if v.CurrentSBOM != "" {
		cs, err := s.store.Components(ctx, org, v.CurrentSBOM)
		if err != nil {
			return nil, fmt.Errorf("components of version %s: %w", v.ID, err)
		}
		for i := range cs {
			if cs[i].Root {
				c := cs[i].Component
				d.subject = &c
				continue
			}
			d.comps = append(d.comps, cs[i].Component)
		}
	}
	q := store.FindingQuery{VersionID: v.ID, State: model.FindingOpen, Sort: store.SortComponent, Limit: pageSize}
	for {
		page, err := s.store.Findings(ctx, org, q)
		if err != nil {
			return nil, fmt.Errorf("findings of version %s: %w", v.ID, err)
		}
		d.tracked = append(d.tracked, page.Findings...)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	d.findings = make([]model.Finding, len(d.tracked))
	for i := range d.tracked {
		d.findings[i] = Finding(&d.tracked[i])
	}
	return d, nil
}

// identity is the VEX product naming the version: the SBOM subject's purl
// and CPE when it has them, the product's name and the version's name.
func (d *versionData) identity() vex.Product {
	p := vex.Product{Name: d.product.Name, Version: d.version.Name}
	if d.subject != nil {
		p.PURL, p.CPE = d.subject.PURL, d.subject.CPE
	}
	return p
}

// Finding is a tracked finding as the reports and VEX writers see it: its
// component and vulnerability, and its effective analysis as status,
// justification and analysis detail (untriaged: no status, which reports
// read as affected).
func Finding(t *model.TrackedFinding) model.Finding {
	f := model.Finding{Component: t.Component, Ecosystem: t.Ecosystem, Package: t.Package,
		Vulnerability: model.Vulnerability{ID: t.VulnID, IDs: t.VulnIDs, Summary: t.Summary, Severity: t.Severity},
		Advisories:    t.Advisories, FixedVersions: t.FixedVersions}
	if t.KEV {
		f.Vulnerability.KEV = &model.KEV{CVE: cveOf(t), DateAdded: t.KEVAdded}
	}
	if t.EPSS > 0 || t.EPSSPercentile > 0 {
		f.Vulnerability.EPSS = &model.EPSS{CVE: cveOf(t), Score: t.EPSS, Percentile: t.EPSSPercentile}
	}
	if a := t.Analysis; a != nil {
		f.Status, f.Justification = a.Status, a.Justification
		f.StatusSource = source(a)
		f.Analysis = &model.AnalysisDetail{Impact: a.Impact, Action: a.Action, Response: a.Response, Detail: a.Detail,
			Author: a.DecidedBy, Timestamp: a.DecidedAt}
	}
	return f
}

// source says where a finding's decision comes from, for reports: "rocca
// triage (product scope, api)".
func source(a *model.FindingAnalysis) string {
	s := "rocca triage (" + string(a.Scope) + " scope"
	if a.Source != "" {
		s += ", " + a.Source
	}
	if a.Inherited {
		s += ", inherited from version " + a.Origin.VersionID
	}
	return s + ")"
}

// cveOf returns the finding's CVE id: its preferred id when a CVE, else the
// first CVE among its ids.
func cveOf(t *model.TrackedFinding) string {
	if isCVE(t.VulnID) {
		return t.VulnID
	}
	for _, id := range t.VulnIDs {
		if isCVE(id) {
			return id
		}
	}
	return ""
}

func isCVE(id string) bool { return len(id) > 4 && id[:4] == "CVE-" }
