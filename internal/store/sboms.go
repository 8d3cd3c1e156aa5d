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
	// ComponentPage returns, in document order and without the root, the
	// components of an SBOM that keep accepts (every one when keep is
	// nil), from offset, at most limit, and how many it accepts in all.
	// keep sees only the name, group, version and package URL, so that
	// a search reads no more of every component than those.
	ComponentPage(ctx context.Context, org, sbomID string, keep func(name, group, version, purl string) bool, offset, limit int) ([]model.StoredComponent, int, error)
	// Component returns one of org's stored components by id.
	Component(ctx context.Context, org, id string) (model.StoredComponent, error)
	// Edges returns an SBOM's dependency graph.
	Edges(ctx context.Context, org, sbomID string) ([]model.Dependency, error)
}
