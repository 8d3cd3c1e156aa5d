package store

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// SBOMs holds the SBOMs stored for an organisation's versions: their
// records and original bytes, their components and dependency graphs.
// They are written through Ingester.
type SBOMs interface {
	// SBOM returns one of org's SBOMs (the record, not its bytes).
	SBOM(ctx context.Context, org, id string) (model.StoredSBOM, error)
	// SBOMs lists a version's SBOMs, newest first.
	SBOMs(ctx context.Context, org, versionID string) ([]model.StoredSBOM, error)
	// SBOMContent returns an SBOM's original bytes.
	SBOMContent(ctx context.Context, org, id string) ([]byte, error)
	// Components lists an SBOM's components in document order, the root
	// (subject) included.
	Components(ctx context.Context, org, sbomID string) ([]model.StoredComponent, error)
	// Component returns one of org's stored components by id.
	Component(ctx context.Context, org, id string) (model.StoredComponent, error)
	// Edges returns an SBOM's dependency graph.
	Edges(ctx context.Context, org, sbomID string) ([]model.Dependency, error)
}
