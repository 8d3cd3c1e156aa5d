package portfolio

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/store"
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
		return inputf("portfolio.cra_role", "craRole %q: want manufacturer, importer or distributor", p.Role)
	}
	p.ID, p.Created = "", s.now()
	return s.store.CreateProduct(ctx, org, p)
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
		return inputf("portfolio.lifecycle", "lifecycle %q: want development, on_market or end_of_support", v.Lifecycle)
	}
	v.ID, v.Created, v.CurrentSBOM = "", s.now(), ""
	return s.store.CreateVersion(ctx, org, v)
}

// Target is where a queued upload goes: an existing version, or, when
// VersionID is empty, the version VersionName of the product ProductName,
// found or created (with the product) once the document has been read,
// so that an invalid upload creates nothing.
type Target struct {
	VersionID                    string
	CreateProduct, CreateVersion string
}

// FindOrCreateVersion returns the id of org's version named version of
// the product named product, creating either when missing (a product as
// manufacturer, a version in development). Concurrent calls agree.
func (s *Service) FindOrCreateVersion(ctx context.Context, org, product, version string) (string, error) {
	p, err := s.store.ProductByName(ctx, org, product)
	if errors.Is(err, store.ErrNotFound) {
		p = model.Product{Name: product, Role: model.RoleManufacturer}
		err = s.CreateProduct(ctx, org, &p)
		if errors.Is(err, store.ErrConflict) {
			p, err = s.store.ProductByName(ctx, org, product)
		}
	}
	if err != nil {
		return "", err
	}
	v, err := s.store.VersionByName(ctx, org, p.ID, version)
	if err == nil {
		return v.ID, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	v = model.Version{ProductID: p.ID, Name: version, Lifecycle: model.LifecycleDevelopment}
	err = s.CreateVersion(ctx, org, &v)
	if errors.Is(err, store.ErrConflict) {
		v, err = s.store.VersionByName(ctx, org, p.ID, version)
	}
	if err != nil {
		return "", err
	}
	return v.ID, nil
}

// resolve returns the version a target names, creating it when asked.
func (s *Service) resolve(ctx context.Context, org string, t Target) (string, error) {
	if t.VersionID != "" {
		return t.VersionID, nil
	}
	return s.FindOrCreateVersion(ctx, org, t.CreateProduct, t.CreateVersion)
}

// RematchResult tells what a re-match on request wrote.
type RematchResult struct {
	New      int `json:"new"`
	Changed  int `json:"changed"`
	Resolved int `json:"resolved"`
	Open     int `json:"open"`
}

// Rematch matches every component of one of org's versions' current SBOM
// against the knowledge base again and reconciles its findings, whatever
// the version's lifecycle: the watch leaves versions past their support
// end alone, and this is how a user asks for them.
func (s *Service) Rematch(ctx context.Context, org, versionID string) (RematchResult, error) {
	out, err := s.findings().Rematch(ctx, org, versionID, nil)
	return RematchResult{New: out.New, Changed: out.Changed, Resolved: out.Resolved, Open: out.Open}, err
}

// ProductPatch is a change of a product's attributes; nil fields are
// left as they are.
type ProductPatch struct {
	Name, IntendedPurpose, SecurityContact *string
	Role                                   *model.CRARole
	// SupportEnd: a pointer to the zero time clears it.
	SupportEnd *time.Time
	// Markets are EU Member State codes (SRP field 5).
	Markets                        *[]string
	CRAType, CRAClass, CRACategory *string
}

// UpdateProduct validates and applies a patch to one of org's products.
func (s *Service) UpdateProduct(ctx context.Context, org, id string, pp ProductPatch) (model.Product, error) {
	p, err := s.store.Product(ctx, org, id)
	if err != nil {
		return p, err
	}
	if pp.Name != nil {
		p.Name = strings.TrimSpace(*pp.Name)
		if err := CheckName("name", p.Name); err != nil {
			return p, err
		}
	}
	if pp.IntendedPurpose != nil {
		if err := checkText("intendedPurpose", *pp.IntendedPurpose, MaxTextLen, true); err != nil {
			return p, err
		}
		p.IntendedPurpose = *pp.IntendedPurpose
	}
	if pp.SecurityContact != nil {
		if err := checkText("securityContact", *pp.SecurityContact, MaxNameLen, false); err != nil {
			return p, err
		}
		p.SecurityContact = *pp.SecurityContact
	}
	if pp.Role != nil {
		if !pp.Role.Valid() {
			return p, inputf("portfolio.cra_role", "craRole %q: want manufacturer, importer or distributor", *pp.Role)
		}
		p.Role = *pp.Role
	}
	if pp.SupportEnd != nil {
		p.SupportEnd = *pp.SupportEnd
	}
	if pp.Markets != nil {
		var ms []string
		for _, m := range *pp.Markets {
			m = strings.ToUpper(strings.TrimSpace(m))
			if !reporting.MemberState(m) {
				return p, inputf("portfolio.market", "markets: %q is not an EU Member State code (e.g. IT, DE, FR)", m)
			}
			if !slices.Contains(ms, m) {
				ms = append(ms, m)
			}
		}
		p.Markets = ms
	}
	if pp.CRAType != nil {
		switch *pp.CRAType {
		case "", model.CRATypeDefault, model.CRATypeImportant, model.CRATypeCritical:
			p.CRAType = *pp.CRAType
		default:
			return p, inputf("portfolio.cra_type", "craType %q: want default, important or critical", *pp.CRAType)
		}
	}
	if pp.CRAClass != nil {
		switch *pp.CRAClass {
		case "", model.CRAClassI, model.CRAClassII:
			p.CRAClass = *pp.CRAClass
		default:
			return p, inputf("portfolio.cra_class", "craClass %q: want class_i or class_ii", *pp.CRAClass)
		}
	}
	if p.CRAClass != "" && p.CRAType != model.CRATypeImportant {
		return p, inputf("portfolio.cra_class_type", "craClass: classes I and II are those of important products (craType important)")
	}
	if pp.CRACategory != nil {
		if err := checkText("craCategory", *pp.CRACategory, MaxNameLen, false); err != nil {
			return p, err
		}
		p.CRACategory = *pp.CRACategory
	}
	return p, s.store.UpdateProduct(ctx, org, &p)
}

// VersionPatch is a change of a version; nil fields are left as they are.
type VersionPatch struct {
	Name        *string
	Lifecycle   *model.Lifecycle
	ReleaseDate *time.Time
}

// UpdateVersion validates and applies a patch to one of org's versions.
func (s *Service) UpdateVersion(ctx context.Context, org, id string, vp VersionPatch) (model.Version, error) {
	v, err := s.store.Version(ctx, org, id)
	if err != nil {
		return v, err
	}
	if vp.Name != nil {
		v.Name = strings.TrimSpace(*vp.Name)
		if err := CheckName("name", v.Name); err != nil {
			return v, err
		}
	}
	if vp.Lifecycle != nil {
		if !vp.Lifecycle.Valid() {
			return v, inputf("portfolio.lifecycle", "lifecycle %q: want development, on_market or end_of_support", *vp.Lifecycle)
		}
		v.Lifecycle = *vp.Lifecycle
	}
	if vp.ReleaseDate != nil {
		v.ReleaseDate = *vp.ReleaseDate
	}
	return v, s.store.UpdateVersion(ctx, org, &v)
}
