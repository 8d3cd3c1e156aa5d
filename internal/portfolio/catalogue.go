package portfolio

import (
	"context"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// CreateProduct validates and stores a product of org.
func (s *Service) CreateProduct(ctx context.Context, org string, p *model.Product) error {
	p.Name = strings.TrimSpace(p.Name)
	if err := CheckName("name", p.Name); err != nil {
		return err
	}
	if err := checkText("intendedPurpose", p.IntendedPurpose, MaxTextLen, true); err != nil {
		return err
	}
	if err := checkText("securityContact", p.SecurityContact, MaxNameLen, false); err != nil {
		return err
	}
	if p.Role == "" {
		p.Role = model.RoleManufacturer
	}
	if !p.Role.Valid() {
		return inputf("craRole %q: want manufacturer, importer or distributor", p.Role)
	}
	p.ID, p.Created = "", s.now()
	return s.Store.CreateProduct(ctx, org, p)
}

// CreateVersion validates and stores a version of one of org's products.
func (s *Service) CreateVersion(ctx context.Context, org string, v *model.Version) error {
	v.Name = strings.TrimSpace(v.Name)
	if err := CheckName("name", v.Name); err != nil {
		return err
	}
	if v.Lifecycle == "" {
		v.Lifecycle = model.LifecycleDevelopment
	}
	if !v.Lifecycle.Valid() {
		return inputf("lifecycle %q: want development, on_market or end_of_support", v.Lifecycle)
	}
	v.ID, v.Created, v.CurrentSBOM = "", s.now(), ""
	return s.Store.CreateVersion(ctx, org, v)
}
