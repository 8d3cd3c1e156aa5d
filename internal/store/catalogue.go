package store

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// Catalogue holds an organisation and what it ships: its products and
// their versions.
type Catalogue interface {
	// Org returns the organisation itself.
	Org(ctx context.Context, org string) (model.Organisation, error)

	// CreateProduct stores a new product of org; ErrConflict when the name
	// is taken.
	CreateProduct(ctx context.Context, org string, p *model.Product) error
	// Product returns one of org's products by id.
	Product(ctx context.Context, org, id string) (model.Product, error)
	// ProductByName returns one of org's products by name.
	ProductByName(ctx context.Context, org, name string) (model.Product, error)
	// UpdateProduct saves a product's editable attributes (everything but
	// its id, organisation and creation time); ErrNotFound when not org's,
	// ErrConflict when the new name is taken.
	UpdateProduct(ctx context.Context, org string, p *model.Product) error
	// Products lists org's products by name.
	Products(ctx context.Context, org string) ([]model.Product, error)

	// CreateVersion stores a new version of one of org's products;
	// ErrNotFound when the product is not org's, ErrConflict when the
	// product already has a version of that name.
	CreateVersion(ctx context.Context, org string, v *model.Version) error
	// Version returns one of org's versions by id.
	Version(ctx context.Context, org, id string) (model.Version, error)
	// VersionByName returns a version of one of org's products by name.
	VersionByName(ctx context.Context, org, productID, name string) (model.Version, error)
	// UpdateVersion saves a version's name, lifecycle and release date;
	// ErrNotFound when not org's, ErrConflict when the name is taken.
	UpdateVersion(ctx context.Context, org string, v *model.Version) error
	// Versions lists a product's versions (none for a product that is
	// not org's).
	Versions(ctx context.Context, org, productID string) ([]model.Version, error)
}
