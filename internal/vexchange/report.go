package vexchange

import (
	"context"
	"io"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/output"
)

// ReportFormat is a report of a version's findings.
type ReportFormat string

// The report formats: SARIF 2.1.0, a CycloneDX 1.6 vulnerability
// disclosure report, rocca's JSON (what rocca scan writes).
const (
	ReportSARIF        ReportFormat = "sarif"
	ReportCycloneDXVDR ReportFormat = "cyclonedx-vdr"
	ReportJSON         ReportFormat = "json"
)

// ParseReportFormat maps a format name (as in ?format=) to a ReportFormat.
func ParseReportFormat(s string) (ReportFormat, error) {
	switch f := ReportFormat(strings.ToLower(strings.TrimSpace(s))); f {
	case ReportSARIF, ReportCycloneDXVDR, ReportJSON:
		return f, nil
	case "cyclonedx", "vdr":
		return ReportCycloneDXVDR, nil
	}
	return "", inputf("vexchange.report_format", "format: %q is not one of sarif, cyclonedx-vdr, json", s)
}

// Report writes the open findings of one of org's versions, each with its
// effective analysis (status, justification, impact and action
// statements, responses, detail, who and when), as a report in format f.
// tool is rocca's version.
func (s *Service) Report(ctx context.Context, org, versionID string, w io.Writer, f ReportFormat, tool string) error {
	of := map[ReportFormat]output.Format{ReportSARIF: output.FormatSARIF, ReportCycloneDXVDR: output.FormatCycloneDX,
		ReportJSON: output.FormatJSON}[f]
	if of == "" {
		return inputf("vexchange.report_format", "format: %q is not one of sarif, cyclonedx-vdr, json", f)
	}
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return err
	}
	d, err := s.load(ctx, org, v, nil)
	if err != nil {
		return err
	}
	res := &model.ScanResult{Source: d.product.Name + " " + v.Name, Subject: d.subject, Components: len(d.comps),
		Findings: d.findings, Unmatched: []model.Unmatched{}, Undetermined: []model.Undetermined{},
		Generated: s.now().UTC(), Tool: tool}
	if res.Findings == nil {
		res.Findings = []model.Finding{}
	}
	if v.CurrentSBOM != "" {
		b, err := s.store.SBOM(ctx, org, v.CurrentSBOM)
		if err != nil {
			return err
		}
		res.Source, res.Format, res.SpecVersion = b.Name, b.Format, b.SpecVersion
	}
	if res.Subject == nil {
		res.Subject = &model.Component{Name: d.product.Name, Version: v.Name}
	}
	return output.Write(w, of, res)
}
