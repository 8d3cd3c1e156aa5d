package portfolio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/crashpoint"
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
	return s.ingestParsed(ctx, org, versionID, raw, name, "", doc)
}

// ingestTo is Ingest for a target that may name a version to create:
// the document is read first, and the version created only for a
// readable one.
func (s *Service) ingestTo(ctx context.Context, org string, t Target, raw []byte, name, token string) (IngestResult, error) {
	doc, err := s.Parse(raw, name)
	if err != nil {
		if t.VersionID != "" {
			s.UploadFailed(ctx, org, t.VersionID, name, err)
		}
		return IngestResult{}, err
	}
	versionID, err := s.resolve(ctx, org, t)
	if err != nil {
		return IngestResult{}, err
	}
	return s.ingestParsed(ctx, org, versionID, raw, name, token, doc)
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
	err := s.store.Ingest(ctx, org, func(tx store.IngestTx) error {
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

func (s *Service) ingestParsed(ctx context.Context, org, versionID string, raw []byte, name, token string, doc *model.SBOM) (IngestResult, error) {
	res := IngestResult{Warnings: doc.Warnings}
	d := digest(raw)
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return res, err
	}
	// The version's current SBOM sent again: recognised before any matching.
	if v.CurrentSBOM != "" {
		cur, err := s.store.SBOM(ctx, org, v.CurrentSBOM)
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
	// hold locks as briefly as possible). A knowledge-base change committed
	// meanwhile may be processed by the watch before this SBOM is current:
	// the version is then matched again below.
	seen, err := s.store.LatestChange(ctx)
	if err != nil {
		return res, err
	}
	mr, err := s.findings().Match(ctx, doc.Components)
	if err != nil {
		return res, fmt.Errorf("match: %w", err)
	}
	res.Unmatched = mr.UnmatchedCount
	at := s.now()
	err = s.store.Ingest(ctx, org, func(tx store.IngestTx) error {
		locked, err := tx.Version(ctx, versionID)
		if err != nil {
			return err
		}
		var compID map[string]string
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
			stored, err := s.store.Components(ctx, org, old.ID)
			if err != nil {
				return err
			}
			compID = findings.ComponentIDs(stored)
		case errors.Is(err, store.ErrNotFound):
			res.SBOM = model.StoredSBOM{VersionID: versionID, Name: name, Digest: d, Size: int64(len(raw)),
				Format: doc.Format, SpecVersion: doc.SpecVersion, Encoding: doc.Encoding, Serial: doc.Serial,
				Components: len(doc.Components), Created: at}
			if err := tx.PutSBOM(ctx, &res.SBOM, raw); err != nil {
				return err
			}
			if compID, err = putComponents(ctx, tx, doc, versionID, res.SBOM.ID, findingComponents(mr.Findings)); err != nil {
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
		sc := findings.Scope{ProductID: locked.ProductID, VersionID: versionID, SBOMID: res.SBOM.ID, ComponentIDs: compID, Cause: findings.CauseSBOM}
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
		if err := tx.AddOutbox(ctx, []model.OutboxEvent{ev}); err != nil {
			return err
		}
		if token != "" {
			if err := tx.MarkUpload(ctx, token, res.SBOM.ID); err != nil {
				return err
			}
		}
		crashpoint.Hit("upload.before-commit")
		return nil
	})
	if errors.Is(err, errDuplicate) {
		return res, nil
	}
	if err != nil {
		return IngestResult{}, err
	}
	if latest, err := s.store.LatestChange(ctx); err != nil {
		return res, err
	} else if latest > seen {
		out, err := s.findings().Rematch(ctx, org, versionID, nil)
		if err != nil && !errors.Is(err, findings.ErrVersionMoved) {
			return res, fmt.Errorf("re-match after a knowledge-base change: %w", err)
		}
		res.New, res.Changed, res.Resolved = res.New+out.New, res.Changed+out.Changed, res.Resolved+out.Resolved
	}
	if s.OnIngested != nil {
		s.OnIngested(ctx, org, res)
	}
	s.Log.Info("SBOM ingested", "org", org, "version", versionID, "sbom", res.SBOM.ID, "reused", res.Reused,
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
		c := doc.Components[i]
		buf = append(buf, model.StoredComponent{SBOMID: sbomID, VersionID: versionID, Component: c, PkgKey: match.PackageKey(c)})
	}
	if len(buf) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
