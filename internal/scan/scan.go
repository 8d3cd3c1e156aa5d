package scan

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/vex"
)

// InputError is an error in what the user gave (SBOM, VEX file), as
// opposed to a failure of rocca or its database.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Request describes one scan.
type Request struct {
	// SBOM is the document to scan; Name names it in messages and output.
	SBOM io.Reader
	Name string
	// VEX documents whose statements set the status of findings.
	VEX []NamedReader
	// Limits bound the SBOM reader.
	Limits sbom.Limits
	// Tool is rocca's version, recorded in the result.
	Tool string
	// Now is the scan time.
	Now time.Time
	// Strict refuses an SBOM that does not conform to its specification
	// version (sbom.ReadStrict).
	Strict bool
}

// NamedReader is an input with its name for messages.
type NamedReader struct {
	Name string
	R    io.Reader
}

// Run performs the scan against kb.
func Run(ctx context.Context, kb store.KnowledgeBase, req Request) (*model.ScanResult, error) {
	read := sbom.Read
	if req.Strict {
		read = sbom.ReadStrict
	}
	doc, err := read(req.SBOM, req.Name, req.Limits)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	var stmts []vex.Statement
	for _, v := range req.VEX {
		s, err := vex.Read(v.R, v.Name)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("VEX %s: %w", v.Name, err)}
		}
		stmts = append(stmts, s...)
	}
	m := &match.Matcher{KB: kb}
	mr, err := m.Match(ctx, doc.Components)
	if err != nil {
		return nil, err
	}
	findings, unmatched, undetermined := mr.Findings, mr.Unmatched, mr.Undetermined
	vex.Apply(findings, stmts)
	Sort(findings)
	info, err := kb.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if findings == nil {
		findings = []model.Finding{}
	}
	if unmatched == nil {
		unmatched = []model.Unmatched{}
	}
	if undetermined == nil {
		undetermined = []model.Undetermined{}
	}
	return &model.ScanResult{
		Source:       req.Name,
		Format:       doc.Format,
		SpecVersion:  doc.SpecVersion,
		Subject:      doc.Subject,
		Components:   len(doc.Components),
		Findings:     findings,
		Unmatched:    unmatched,
		Undetermined: undetermined,
		Database:     info,
		Generated:    req.Now.UTC(),
		Tool:         req.Tool,
	}, nil
}

// Sort orders findings by component, then known-exploited first, then
// severity (most severe first), then severity score, then id. It is
// stable. The findings are large structs: their indexes are sorted, then
// the findings moved once each, rather than swapped at every step.
func Sort(fs []model.Finding) {
	if len(fs) < 2 {
		return
	}
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i] = int32(i)
	}
	// Ties broken by position: the same order as a stable sort, with the
	// fewer comparisons of an unstable one.
	slices.SortFunc(idx, func(i, j int32) int {
		if c := compareFindings(&fs[i], &fs[j]); c != 0 {
			return c
		}
		return int(i - j)
	})
	sorted := make([]model.Finding, len(fs))
	for i, j := range idx {
		sorted[i] = fs[j]
	}
	copy(fs, sorted)
}

// compareFindings is Sort's order: negative when a comes first, zero when
// neither does.
func compareFindings(a, b *model.Finding) int {
	if ka, kb := a.Component.Key(), b.Component.Key(); ka != kb {
		return strings.Compare(ka, kb)
	}
	if ea, eb := a.Vulnerability.KnownExploited(), b.Vulnerability.KnownExploited(); ea != eb {
		if ea {
			return -1
		}
		return 1
	}
	if ra, rb := a.Vulnerability.Severity.Rating.Rank(), b.Vulnerability.Severity.Rating.Rank(); ra != rb {
		if ra > rb {
			return -1
		}
		return 1
	}
	if sa, sb := a.Vulnerability.Severity.Score, b.Vulnerability.Severity.Score; sa != sb {
		switch {
		case sa > sb:
			return -1
		case sb > sa:
			return 1
		}
		return 0 // NaN: neither comes first
	}
	return strings.Compare(a.Vulnerability.ID, b.Vulnerability.ID)
}
