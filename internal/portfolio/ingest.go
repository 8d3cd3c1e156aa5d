package portfolio

import (
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
	doc, err := sbom.ReadBytes(raw, name, s.Limits)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return doc, nil
}

// Check checks an SBOM cheaply with the service's limits (sbom.Check):
// what can be refused without parsing it. Errors are InputErrors.
func (s *Service) Check(raw []byte, name string) error {
	if err := sbom.Check(raw, name, s.Limits); err != nil {
		return &InputError{Err: err}
	}
	return nil
}

// Ingest parses raw as an SBOM of one of org's versions, stores it with
// its components and dependency edges, matches it against the knowledge
// base and reconciles the version's findings. Every write happens in one
// transaction; an invalid SBOM stores nothing and returns an InputError
// with the precise reason. Uploading bytes the version already has returns
// the existing SBOM (Duplicate) without processing it again.
func (s *Service) Ingest(ctx context.Context, org, versionID string, raw []byte, name string) (IngestResult, error) {
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
	res.Unmatched = mr.UnmatchedCount
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
		compID, err := putComponents(ctx, tx, doc, versionID, res.SBOM.ID, findingComponents(mr.Findings))
		if err != nil {
			return err
		}
		if err := tx.PutEdges(ctx, versionID, res.SBOM.ID, doc.Dependencies); err != nil {
			return err
		}
		if err := tx.SetCurrentSBOM(ctx, versionID, res.SBOM.ID); err != nil {
			return err
		}
		return s.reconcile(ctx, tx, &res, compID, mr.Findings, at)
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

// componentChunk is how many components are laid out for storage at a
// time: an SBOM's components are never all copied at once.
const componentChunk = 1000

// findingComponents returns the keys of the components with findings.
func findingComponents(fs []model.Finding) map[string]bool {
	keys := make(map[string]bool)
	for _, f := range fs {
		keys[f.Component.Key()] = true
	}
	return keys
}

// putComponents stores an SBOM's components, the subject first (as the
// graph's root), then the components in document order, a chunk at a
// time. It returns the id of the first component (other than the root) of
// each key of want.
func putComponents(ctx context.Context, tx store.IngestTx, doc *model.SBOM, versionID, sbomID string, want map[string]bool) (map[string]string, error) {
	ids := make(map[string]string, len(want))
	buf := make([]model.StoredComponent, 0, min(componentChunk, len(doc.Components)+1))
	first := 0
	flush := func() error {
		if err := tx.PutComponents(ctx, first, buf); err != nil {
			return err
		}
		for i := range buf {
			if c := &buf[i]; !c.Root && len(want) > 0 {
				if k := c.Key(); want[k] && ids[k] == "" {
					ids[k] = c.ID
				}
			}
		}
		first += len(buf)
		clear(buf)
		buf = buf[:0]
		return nil
	}
	if doc.Subject != nil {
		buf = append(buf, model.StoredComponent{SBOMID: sbomID, VersionID: versionID, Root: true, Component: *doc.Subject})
	}
	for i := range doc.Components {
		if len(buf) == cap(buf) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		buf = append(buf, model.StoredComponent{SBOMID: sbomID, VersionID: versionID, Component: doc.Components[i]})
	}
	if len(buf) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
