package store

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// Ingester writes an SBOM ingestion (or a re-match) in one transaction.
type Ingester interface {
	// Ingest runs fn in one transaction scoped to org: when fn returns an
	// error nothing it wrote is kept. fn must use only the IngestTx.
	Ingest(ctx context.Context, org string, fn func(IngestTx) error) error
}

// IngestTx is the write side of one SBOM ingestion, bound to one
// organisation.
type IngestTx interface {
	// MarkUpload records on an asynchronous upload's token the SBOM its
	// ingestion stored, in the ingestion's transaction: a re-run of the
	// upload's job then knows it is done.
	MarkUpload(ctx context.Context, token, sbomID string) error
	// SBOMByDigest returns the version's SBOM with that SHA-256 hex
	// digest, or ErrNotFound.
	SBOMByDigest(ctx context.Context, versionID, digest string) (model.StoredSBOM, error)
	// Version returns the version, locked for update where the engine
	// supports it, or ErrNotFound.
	Version(ctx context.Context, versionID string) (model.Version, error)
	// PutSBOM stores an SBOM record and its original bytes.
	PutSBOM(ctx context.Context, s *model.StoredSBOM, content []byte) error
	// PutComponents stores components of an SBOM, cs[i] with the ordinal
	// first+i (IDs filled in when empty). A large SBOM's components are
	// put a slice at a time, so that they are never all copied at once.
	PutComponents(ctx context.Context, first int, cs []model.StoredComponent) error
	// PutEdges stores an SBOM's dependency graph.
	PutEdges(ctx context.Context, versionID, sbomID string, deps []model.Dependency) error
	// SetCurrentSBOM makes sbomID the version's current SBOM.
	SetCurrentSBOM(ctx context.Context, versionID, sbomID string) error
	// VersionFindings returns every finding of the version, open or resolved.
	VersionFindings(ctx context.Context, versionID string) ([]model.TrackedFinding, error)
	// PutFinding inserts or updates a finding (by ID).
	PutFinding(ctx context.Context, f *model.TrackedFinding) error
	// PutFindings inserts or updates findings (by ID) in batches.
	PutFindings(ctx context.Context, fs []*model.TrackedFinding) error
	// AddEvents appends finding events.
	AddEvents(ctx context.Context, evs []model.FindingEvent) error
	// AddOutbox writes notification events (the outbox), committed or
	// rolled back with the change they describe.
	AddOutbox(ctx context.Context, evs []model.OutboxEvent) error
	// CurrentSBOMs returns the current SBOM id of each of the versions
	// that exist, locked for update where the engine supports it (in id
	// order); versions not found are left out.
	CurrentSBOMs(ctx context.Context, versionIDs []string) (map[string]string, error)
	// FindingsOfVersions returns the findings, open or resolved, of the
	// versions by version id: every finding, or, when componentKeys is not
	// nil, those of the given component keys.
	FindingsOfVersions(ctx context.Context, versionIDs, componentKeys []string) (map[string][]model.TrackedFinding, error)
	// ApplicableAnalyses returns the product-scope triage decisions of
	// productID and the organisation-scope ones whose package key is one
	// of pkgKeys, in the order they were recorded; a triage of the
	// organisation in progress is waited for.
	ApplicableAnalyses(ctx context.Context, productID string, pkgKeys []string) ([]model.Analysis, error)
	// FlagReview records on findings why their analysis needs review.
	FlagReview(ctx context.Context, flags []model.ReviewFlag) error
}
