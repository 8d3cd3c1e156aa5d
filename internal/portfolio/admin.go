package portfolio

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// The administrator's use cases (the CLI, acting as the operator): they
// name organisations by name and see every organisation.

// CreateOrg validates the name and stores a new organisation;
// store.ErrConflict when the name is taken.
func (s *Service) CreateOrg(ctx context.Context, name string) (model.Organisation, error) {
	if err := CheckName("name", name); err != nil {
		return model.Organisation{}, err
	}
	o := model.Organisation{Name: name}
	err := s.store.CreateOrg(ctx, &o)
	return o, err
}

// Orgs lists every organisation by name.
func (s *Service) Orgs(ctx context.Context) ([]model.Organisation, error) { return s.store.Orgs(ctx) }

// OrgByName returns an organisation by name, or store.ErrNotFound.
func (s *Service) OrgByName(ctx context.Context, name string) (model.Organisation, error) {
	return s.store.OrgByName(ctx, name)
}

// APIKeys lists the API keys of the organisation named orgName, revoked
// ones included.
func (s *Service) APIKeys(ctx context.Context, orgName string) ([]model.APIKey, error) {
	o, err := s.store.OrgByName(ctx, orgName)
	if err != nil {
		return nil, err
	}
	return s.store.APIKeys(ctx, o.ID)
}

// RevokeAPIKey revokes a key now; store.ErrNotFound when no such key.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) error {
	return s.store.RevokeAPIKey(ctx, id, s.now())
}

// ProductVersions is a product with its versions.
type ProductVersions struct {
	model.Product
	Versions []model.Version
}

// ProductList lists the products of the organisation named orgName, by
// name, each with its versions.
func (s *Service) ProductList(ctx context.Context, orgName string) ([]ProductVersions, error) {
	o, err := s.store.OrgByName(ctx, orgName)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.Products(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	out := make([]ProductVersions, len(ps))
	for i, p := range ps {
		vs, err := s.store.Versions(ctx, o.ID, p.ID)
		if err != nil {
			return nil, err
		}
		out[i] = ProductVersions{Product: p, Versions: vs}
	}
	return out, nil
}
