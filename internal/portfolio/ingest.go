package portfolio

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
)

// IngestResult tells what an ingestion stored.
type IngestResult struct {
	SBOM model.StoredSBOM `json:"sbom"`
	// Duplicate is true when the version already had an SBOM with the same
	// digest: that SBOM is returned and nothing was processed.
	Duplicate bool `json:"duplicate"`
	// New, Changed and Resolved count the finding events written; Open is
	// the number of open findings after reconciliation.
	New      int `json:"new"`
	Changed  int `json:"changed"`
	Resolved int `json:"resolved"`
	Open     int `json:"open"`
	// Unmatched counts components that could not be looked up (no purl...).
	Unmatched int      `json:"unmatched"`
	Warnings  []string `json:"warnings,omitempty"`
}

// Parse reads an SBOM with the service's limits. Errors are InputErrors
// wrapping the reader's *sbom.Error, which says where and why.
func (s *Service) Parse(raw []byte, name string) (*model.SBOM, error) {
	doc, err := sbom.Read(bytes.NewReader(raw), name, s.Limits)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return doc, nil
}

// Ingest parses raw as an SBOM of one of org's versions, stores it with
// its components and dependency edges, matches it against the knowledge
// base and reconciles the version's findings. Every write happens in one
// transaction; an invalid SBOM stores nothing and returns an InputError
// with the precise reason. Uploading bytes the version already has returns
// the existing SBOM (Duplicate) without processing it again. name (the
// SBOM's name, shown in lists) must pass CheckName.
func (s *Service) Ingest(ctx context.Context, org, versionID string, raw []byte, name string) (IngestResult, error) {
	if err := CheckName("name", name); err != nil {
		return IngestResult{}, err
	}
	doc, err := s.Parse(raw, name)
	if err != nil {
		return IngestResult{}, err
	}
	return s.ingestParsed(ctx, org, versionID, raw, name, doc)
}

func digest(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// errDuplicate ends a transaction that found the digest already stored.
var errDuplicate = errors.New("duplicate SBOM")

func (s *Service) ingestParsed(ctx context.Context, org, versionID string, raw []byte, name string, doc *model.SBOM) (IngestResult, error) {
	res := IngestResult{Warnings: doc.Warnings}
	d := digest(raw)
	if _, err := s.Store.Version(ctx, org, versionID); err != nil {
		return res, err
	}
	// Matching reads the knowledge base; it runs before the write
	// transaction (SQLite has a single connection, and the transaction
	// should hold locks as briefly as possible).
	mr, err := s.matcher().Match(ctx, doc.Components)
	if err != nil {
		return res, fmt.Errorf("match: %w", err)
	}
	res.Unmatched = len(mr.Unmatched)
	at := s.now()
	err = s.Store.Ingest(ctx, org, func(tx store.IngestTx) error {
		if _, err := tx.Version(ctx, versionID); err != nil {
			return err
		}
		if old, err := tx.SBOMByDigest(ctx, versionID, d); err == nil {
			res.SBOM, res.Duplicate = old, true
			return errDuplicate
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		res.SBOM = model.StoredSBOM{VersionID: versionID, Name: name, Digest: d, Size: int64(len(raw)),
			Format: doc.Format, SpecVersion: doc.SpecVersion, Encoding: doc.Encoding, Serial: doc.Serial,
			Components: len(doc.Components), Created: at}
		if err := tx.PutSBOM(ctx, &res.SBOM, raw); err != nil {
			return err
		}
		comps := storedComponents(doc, versionID, res.SBOM.ID)
		if err := tx.PutComponents(ctx, comps); err != nil {
			return err
		}
		if err := tx.PutEdges(ctx, versionID, res.SBOM.ID, doc.Dependencies); err != nil {
			return err
		}
		if err := tx.SetCurrentSBOM(ctx, versionID, res.SBOM.ID); err != nil {
			return err
		}
		return s.reconcile(ctx, tx, &res, comps, mr.Findings, at)
	})
	if errors.Is(err, errDuplicate) {
		return res, nil
	}
	if err != nil {
		return IngestResult{}, err
	}
	s.Log.Info("SBOM ingested", "org", org, "version", versionID, "sbom", res.SBOM.ID,
		"components", res.SBOM.Components, "new", res.New, "changed", res.Changed, "resolved", res.Resolved)
	return res, nil
}

// storedComponents lays out an SBOM's components for storage: the subject
// first (as the graph's root), then the components in document order.
func storedComponents(doc *model.SBOM, versionID, sbomID string) []model.StoredComponent {
	out := make([]model.StoredComponent, 0, len(doc.Components)+1)
	if doc.Subject != nil {
		out = append(out, model.StoredComponent{SBOMID: sbomID, VersionID: versionID, Root: true, Component: *doc.Subject})
	}
	for _, c := range doc.Components {
		out = append(out, model.StoredComponent{SBOMID: sbomID, VersionID: versionID, Component: c})
	}
	return out
}
