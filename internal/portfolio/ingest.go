package portfolio

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
)

// IngestResult tells what an ingestion stored.
type IngestResult struct {
	SBOM model.StoredSBOM `json:"sbom"`
	// Duplicate is true when the SBOM is the version's current one, byte
	// for byte: it is returned and nothing was processed.
	Duplicate bool `json:"duplicate"`
	// Reused is true when the version had these bytes as an earlier SBOM:
	// that SBOM became current again and the findings were reconciled
	// with it (no second copy is stored).
	Reused bool `json:"reused,omitempty"`
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
		s.UploadFailed(ctx, org, versionID, name, err)
		return IngestResult{}, err
	}
	return s.ingestParsed(ctx, org, versionID, raw, name, doc)
}

// UploadNotice is the payload of the upload.processed and upload.failed
// notifications.
type UploadNotice struct {
	ProductID string `json:"productId,omitempty"`
	VersionID string `json:"versionId"`
	SBOMID    string `json:"sbomId,omitempty"`
	Name      string `json:"name,omitempty"`
	// Detail is the error of a failed upload, or a summary.
	Detail   string `json:"detail"`
	New      int    `json:"new"`
	Changed  int    `json:"changed"`
	Resolved int    `json:"resolved"`
	Open     int    `json:"open"`
}

func uploadEvent(typ string, n UploadNotice, at time.Time) (model.OutboxEvent, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return model.OutboxEvent{}, fmt.Errorf("upload notice: %w", err)
	}
	return model.OutboxEvent{Type: typ, ProductID: n.ProductID, VersionID: n.VersionID, Payload: b, Created: at}, nil
}

// UploadFailed records an upload.failed notification for an upload of
// one of org's versions that was refused or failed. Best effort: a
// version that does not exist, or a database that refuses, is logged.
func (s *Service) UploadFailed(ctx context.Context, org, versionID, name string, cause error) {
	err := s.Store.Ingest(ctx, org, func(tx store.IngestTx) error {
		v, err := tx.Version(ctx, versionID)
		if err != nil {
			return err
		}
		ev, err := uploadEvent("upload.failed", UploadNotice{ProductID: v.ProductID, VersionID: versionID, Name: name, Detail: cause.Error()}, s.now())
		if err != nil {
			return err
		}
		return tx.AddOutbox(ctx, []model.OutboxEvent{ev})
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.Log.Warn("upload.failed notification not recorded", "org", org, "version", versionID, "error", err)
	}
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
	v, err := s.Store.Version(ctx, org, versionID)
	if err != nil {
		return res, err
	}
	// The version's current SBOM sent again: recognised before any matching.
	if v.CurrentSBOM != "" {
		cur, err := s.Store.SBOM(ctx, org, v.CurrentSBOM)
		if err != nil {
			return res, err
		}
		if cur.Digest == d {
			res.SBOM, res.Duplicate = cur, true
			return res, nil
		}
	}
	// Matching reads the knowledge base; it runs before the write
	// transaction (SQLite has a single writer, and the transaction should
	// hold locks as briefly as possible).
	mr, err := s.findings().Match(ctx, doc.Components)
	if err != nil {
		return res, fmt.Errorf("match: %w", err)
	}
	res.Unmatched = len(mr.Unmatched)
	at := s.now()
	err = s.Store.Ingest(ctx, org, func(tx store.IngestTx) error {
		locked, err := tx.Version(ctx, versionID)
		if err != nil {
			return err
		}
		var comps []model.StoredComponent
		old, err := tx.SBOMByDigest(ctx, versionID, d)
		switch {
		case err == nil && old.ID == locked.CurrentSBOM:
			// Stored and made current by a concurrent upload of the same bytes.
			res.SBOM, res.Duplicate = old, true
			return errDuplicate
		case err == nil:
			// An earlier SBOM sent again: "this is what we ship now". It
			// becomes current again; no second copy is stored.
			res.SBOM, res.Reused = old, true
			comps = storedComponents(doc, versionID, old.ID)
		case errors.Is(err, store.ErrNotFound):
			res.SBOM = model.StoredSBOM{VersionID: versionID, Name: name, Digest: d, Size: int64(len(raw)),
				Format: doc.Format, SpecVersion: doc.SpecVersion, Encoding: doc.Encoding, Serial: doc.Serial,
				Components: len(doc.Components), Created: at}
			if err := tx.PutSBOM(ctx, &res.SBOM, raw); err != nil {
				return err
			}
			comps = storedComponents(doc, versionID, res.SBOM.ID)
			if err := tx.PutComponents(ctx, comps); err != nil {
				return err
			}
			if err := tx.PutEdges(ctx, versionID, res.SBOM.ID, doc.Dependencies); err != nil {
				return err
			}
		default:
			return err
		}
		if err := tx.SetCurrentSBOM(ctx, versionID, res.SBOM.ID); err != nil {
			return err
		}
		sc := findings.Scope{ProductID: locked.ProductID, VersionID: versionID, SBOMID: res.SBOM.ID, Components: comps, Cause: "the current SBOM"}
		out, err := s.findings().Reconcile(ctx, tx, sc, mr.Findings, at)
		if err != nil {
			return err
		}
		res.New, res.Changed, res.Resolved, res.Open = out.New, out.Changed, out.Resolved, out.Open
		ev, err := uploadEvent("upload.processed", UploadNotice{ProductID: locked.ProductID, VersionID: versionID,
			SBOMID: res.SBOM.ID, Name: name, Detail: fmt.Sprintf("%d components; %d new, %d changed, %d resolved findings; %d open",
				res.SBOM.Components, res.New, res.Changed, res.Resolved, res.Open),
			New: res.New, Changed: res.Changed, Resolved: res.Resolved, Open: res.Open}, at)
		if err != nil {
			return err
		}
		return tx.AddOutbox(ctx, []model.OutboxEvent{ev})
	})
	if errors.Is(err, errDuplicate) {
		return res, nil
	}
	if err != nil {
		return IngestResult{}, err
	}
	s.Log.Info("SBOM ingested", "org", org, "version", versionID, "sbom", res.SBOM.ID, "reused", res.Reused,
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
		out = append(out, model.StoredComponent{SBOMID: sbomID, VersionID: versionID, Component: c, PkgKey: match.PackageKey(c)})
	}
	return out
}
