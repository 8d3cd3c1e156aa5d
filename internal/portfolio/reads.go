package portfolio

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// The reads of an organisation's catalogue, SBOMs and uploads. Every one
// takes the organisation id and sees only that organisation's rows: a row
// of another organisation is store.ErrNotFound.

// Organisation returns the organisation org itself.
func (s *Service) Organisation(ctx context.Context, org string) (model.Organisation, error) {
	return s.store.Org(ctx, org)
}

// Products lists org's products by name.
func (s *Service) Products(ctx context.Context, org string) ([]model.Product, error) {
	return s.store.Products(ctx, org)
}

// Product returns one of org's products by id.
func (s *Service) Product(ctx context.Context, org, id string) (model.Product, error) {
	return s.store.Product(ctx, org, id)
}

// ProductByName returns one of org's products by name.
func (s *Service) ProductByName(ctx context.Context, org, name string) (model.Product, error) {
	return s.store.ProductByName(ctx, org, name)
}

// Versions lists the versions of one of org's products; ErrNotFound when
// the product is not org's (rather than an empty list).
func (s *Service) Versions(ctx context.Context, org, productID string) ([]model.Version, error) {
	p, err := s.store.Product(ctx, org, productID)
	if err != nil {
		return nil, err
	}
	return s.store.Versions(ctx, org, p.ID)
}

// Version returns one of org's versions by id.
func (s *Service) Version(ctx context.Context, org, id string) (model.Version, error) {
	return s.store.Version(ctx, org, id)
}

// VersionByName returns the version of one of org's products by name.
func (s *Service) VersionByName(ctx context.Context, org, productID, name string) (model.Version, error) {
	return s.store.VersionByName(ctx, org, productID, name)
}

// LookupVersion returns org's version named version of the product named
// product (Dependency-Track names projects so); ErrNotFound when either
// is missing.
func (s *Service) LookupVersion(ctx context.Context, org, product, version string) (model.Version, error) {
	p, err := s.store.ProductByName(ctx, org, product)
	if err != nil {
		return model.Version{}, err
	}
	return s.store.VersionByName(ctx, org, p.ID, version)
}

// SBOMs lists the SBOMs of one of org's versions, newest first;
// ErrNotFound when the version is not org's.
func (s *Service) SBOMs(ctx context.Context, org, versionID string) ([]model.StoredSBOM, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return nil, err
	}
	return s.store.SBOMs(ctx, org, v.ID)
}

// SBOM returns one of org's SBOMs (its record, not its content).
func (s *Service) SBOM(ctx context.Context, org, id string) (model.StoredSBOM, error) {
	return s.store.SBOM(ctx, org, id)
}

// SBOMContent returns one of org's SBOMs with its bytes exactly as
// uploaded.
func (s *Service) SBOMContent(ctx context.Context, org, id string) (model.StoredSBOM, []byte, error) {
	b, err := s.store.SBOM(ctx, org, id)
	if err != nil {
		return b, nil, err
	}
	content, err := s.store.SBOMContent(ctx, org, b.ID)
	return b, content, err
}

// ComponentPage is one page of a version's components.
type ComponentPage struct {
	Components []model.StoredComponent
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// Components returns a page of the components of the version's current
// SBOM, in document order, the root (subject) excluded. The cursor names
// the SBOM it was read from and an offset in it: once the version's
// current SBOM changes, its cursors are refused rather than continuing in
// another document.
func (s *Service) Components(ctx context.Context, org, versionID, cursor string, limit int) (ComponentPage, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return ComponentPage{}, err
	}
	if err := checkLimit(limit); err != nil {
		return ComponentPage{}, err
	}
	start := 0
	if cursor != "" {
		var cursorSBOM string
		if cursorSBOM, start, err = decodeOffsetCursor(cursor); err != nil {
			return ComponentPage{}, err
		}
		if cursorSBOM != v.CurrentSBOM {
			return ComponentPage{}, inputf("portfolio.cursor_sbom", "cursor: the version's current SBOM changed since this cursor was given; start again without it")
		}
	}
	if v.CurrentSBOM == "" {
		if start > 0 {
			return ComponentPage{}, errBadCursor()
		}
		return ComponentPage{}, nil
	}
	// One pass over the SBOM's components, decoding only the page's in
	// full (licences, hashes: store.ComponentPage).
	comps, total, err := s.store.ComponentPage(ctx, org, v.CurrentSBOM, nil, start, limit)
	if err != nil {
		return ComponentPage{}, err
	}
	if start > total {
		return ComponentPage{}, errBadCursor()
	}
	page := ComponentPage{Components: comps}
	if end := start + len(comps); end < total {
		page.Next = encodeOffsetCursor(v.CurrentSBOM, end)
	}
	return page, nil
}

// Component returns one of org's stored components by id.
func (s *Service) Component(ctx context.Context, org, id string) (model.StoredComponent, error) {
	return s.store.Component(ctx, org, id)
}

// UploadToken returns the state of one of org's queued uploads.
func (s *Service) UploadToken(ctx context.Context, org, token string) (model.UploadToken, error) {
	return s.store.UploadToken(ctx, org, token)
}
