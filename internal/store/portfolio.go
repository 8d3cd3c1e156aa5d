package store

import (
	"context"
	"errors"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// ErrConflict is returned when a row would duplicate a unique name.
var ErrConflict = errors.New("already exists")

// ErrBusy is returned by best-effort writes that gave up waiting for the
// database's writer.
var ErrBusy = errors.New("database busy")

// ErrInvalidCursor is returned for a pagination cursor this store did not
// issue for the same query.
var ErrInvalidCursor = errors.New("invalid cursor")

// Tenants holds what lies above the organisations: the organisations
// themselves and API-key authentication. It serves administrators (the
// CLI) and the authentication step, never a tenant's request.
type Tenants interface {
	// CreateOrg stores a new organisation (ID and Created are filled in
	// when empty); ErrConflict when the name is taken.
	CreateOrg(ctx context.Context, o *model.Organisation) error
	// Orgs lists every organisation by name.
	Orgs(ctx context.Context) ([]model.Organisation, error)
	// OrgByName returns an organisation by name, or ErrNotFound.
	OrgByName(ctx context.Context, name string) (model.Organisation, error)
	// APIKeyByHash returns the key whose secret has the given SHA-256 hex
	// digest, revoked or not, or ErrNotFound. It authenticates a request.
	APIKeyByHash(ctx context.Context, hash string) (model.APIKey, error)
	// RevokeAPIKey marks a key revoked at at; ErrNotFound when no such key.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
}

// Portfolio stores an organisation's products, versions, SBOMs, findings,
// API keys and upload tokens. Every method takes the organisation id and
// only ever reads or writes that organisation's rows: a row of another
// organisation is reported as ErrNotFound.
type Portfolio interface {
	// Org returns the organisation itself.
	Org(ctx context.Context, org string) (model.Organisation, error)

	// CreateProduct stores a new product of org; ErrConflict when the name
	// is taken.
	CreateProduct(ctx context.Context, org string, p *model.Product) error
	Product(ctx context.Context, org, id string) (model.Product, error)
	ProductByName(ctx context.Context, org, name string) (model.Product, error)
	Products(ctx context.Context, org string) ([]model.Product, error)

	// CreateVersion stores a new version of one of org's products;
	// ErrNotFound when the product is not org's, ErrConflict when the
	// product already has a version of that name.
	CreateVersion(ctx context.Context, org string, v *model.Version) error
	Version(ctx context.Context, org, id string) (model.Version, error)
	VersionByName(ctx context.Context, org, productID, name string) (model.Version, error)
	Versions(ctx context.Context, org, productID string) ([]model.Version, error)

	SBOM(ctx context.Context, org, id string) (model.StoredSBOM, error)
	// SBOMs lists a version's SBOMs, newest first.
	SBOMs(ctx context.Context, org, versionID string) ([]model.StoredSBOM, error)
	// SBOMContent returns an SBOM's original bytes.
	SBOMContent(ctx context.Context, org, id string) ([]byte, error)
	// Components lists an SBOM's components in document order, the root
	// (subject) included.
	Components(ctx context.Context, org, sbomID string) ([]model.StoredComponent, error)
	Component(ctx context.Context, org, id string) (model.StoredComponent, error)
	// Edges returns an SBOM's dependency graph.
	Edges(ctx context.Context, org, sbomID string) ([]model.Dependency, error)

	// Findings returns one page of a version's findings.
	Findings(ctx context.Context, org string, q FindingQuery) (FindingPage, error)
	// FindingEvents returns up to limit events of a version with a
	// sequence number above after, oldest first.
	FindingEvents(ctx context.Context, org, versionID string, after int64, limit int) ([]model.FindingEvent, error)

	// Ingest runs fn in one transaction scoped to org: when fn returns an
	// error nothing it wrote is kept. fn must use only the IngestTx.
	Ingest(ctx context.Context, org string, fn func(IngestTx) error) error

	// CreateAPIKey stores a key of org with the SHA-256 hex digest of its
	// secret.
	CreateAPIKey(ctx context.Context, org string, k *model.APIKey, hash string) error
	APIKeys(ctx context.Context, org string) ([]model.APIKey, error)
	// TouchAPIKey records that the key was used at at.
	TouchAPIKey(ctx context.Context, org, id string, at time.Time) error

	// CreateUploadToken stores a new upload token.
	CreateUploadToken(ctx context.Context, org string, t *model.UploadToken) error
	UploadToken(ctx context.Context, org, token string) (model.UploadToken, error)
	// SetUploadState updates a token's state, SBOM id and error message.
	SetUploadState(ctx context.Context, org, token, state, sbomID, errMsg string, at time.Time) error
}

// IngestTx is the write side of one SBOM ingestion, bound to one
// organisation.
type IngestTx interface {
	// SBOMByDigest returns the version's SBOM with that SHA-256 hex
	// digest, or ErrNotFound.
	SBOMByDigest(ctx context.Context, versionID, digest string) (model.StoredSBOM, error)
	// Version returns the version, locked for update where the engine
	// supports it, or ErrNotFound.
	Version(ctx context.Context, versionID string) (model.Version, error)
	// PutSBOM stores an SBOM record and its original bytes.
	PutSBOM(ctx context.Context, s *model.StoredSBOM, content []byte) error
	// PutComponents stores components of an SBOM (IDs filled in when empty).
	PutComponents(ctx context.Context, cs []model.StoredComponent) error
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
}

// FindingSort orders a findings list.
type FindingSort string

// Finding orders. Ties are broken by finding id.
const (
	// SortSeverity: most severe first (rating, then score).
	SortSeverity FindingSort = "severity"
	// SortEPSS: highest EPSS score first.
	SortEPSS FindingSort = "epss"
	// SortFirstSeen: newest first.
	SortFirstSeen FindingSort = "first_seen"
	// SortComponent: by component key, then vulnerability id.
	SortComponent FindingSort = "component"
)

// FindingQuery selects a page of a version's findings.
type FindingQuery struct {
	VersionID string
	// MinSeverity keeps findings rated at least this (by Rating.Rank);
	// empty keeps all.
	MinSeverity model.Rating
	// KEV, when set, keeps only findings whose KEV flag equals *KEV.
	KEV *bool
	// MinEPSS keeps findings with an EPSS score ≥ MinEPSS.
	MinEPSS float64
	// State keeps findings in that state; empty keeps all.
	State model.FindingState
	Sort  FindingSort
	// Cursor continues a previous page (FindingPage.Next) of the same query.
	Cursor string
	// Limit is the page size (1 or more).
	Limit int
}

// FindingPage is one page of findings.
type FindingPage struct {
	Findings []model.TrackedFinding
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// AliasIndex finds knowledge-base advisories by any of their ids.
type AliasIndex interface {
	// AdvisoriesKnownAs returns the ids of the advisories (withdrawn ones
	// excluded) whose id or one of whose aliases is id.
	AdvisoriesKnownAs(ctx context.Context, id string) ([]string, error)
}
