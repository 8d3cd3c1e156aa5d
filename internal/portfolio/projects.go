package portfolio

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// ProductVersion is one version of a product, with what a listing of
// versions across products shows of it (what Dependency-Track calls a
// project).
type ProductVersion struct {
	Product model.Product
	Version model.Version
	// SBOM is the version's current SBOM; zero before the first upload.
	SBOM model.StoredSBOM
}

// Active reports whether the version is still supported (not at end of
// support).
func (pv ProductVersion) Active() bool { return pv.Version.Lifecycle != model.LifecycleEndOfSupport }

// VersionQuery selects a page of an organisation's versions across its
// products.
type VersionQuery struct {
	// Product keeps the versions of the product of exactly that name; empty
	// keeps every product.
	Product string
	// Search keeps the versions whose product name contains it, in any case;
	// empty keeps all.
	Search string
	// ExcludeInactive drops the versions at end of support.
	ExcludeInactive bool
	// Offset is the number of versions skipped (0 to 2^30), Limit the page
	// size (1 to MaxPageLimit).
	Offset, Limit int
}

// VersionPage is one page of versions.
type VersionPage struct {
	Items []ProductVersion
	// Total counts the versions the query selects, on every page.
	Total int
}

// AllVersions returns a page of org's versions across its products, by
// product name, then newest version first (creation time, then id). Only
// the versions of the page are given their current SBOM.
func (s *Service) AllVersions(ctx context.Context, org string, q VersionQuery) (VersionPage, error) {
	if err := checkLimit(q.Limit); err != nil {
		return VersionPage{}, err
	}
	if q.Offset < 0 || q.Offset > maxOffset {
		return VersionPage{}, inputf("portfolio.offset", "offset: want an integer from 0 to %d", maxOffset)
	}
	ps, err := s.store.Products(ctx, org)
	if err != nil {
		return VersionPage{}, err
	}
	search := strings.ToLower(q.Search)
	var all []ProductVersion
	for _, p := range ps {
		if q.Product != "" && p.Name != q.Product || search != "" && !strings.Contains(strings.ToLower(p.Name), search) {
			continue
		}
		vs, err := s.store.Versions(ctx, org, p.ID)
		if err != nil {
			return VersionPage{}, err
		}
		for _, v := range vs {
			pv := ProductVersion{Product: p, Version: v}
			if q.ExcludeInactive && !pv.Active() {
				continue
			}
			all = append(all, pv)
		}
	}
	slices.SortStableFunc(all, func(a, b ProductVersion) int {
		return cmp.Or(cmp.Compare(a.Product.Name, b.Product.Name), b.Version.Created.Compare(a.Version.Created),
			cmp.Compare(a.Version.ID, b.Version.ID))
	})
	page := VersionPage{Total: len(all)}
	if q.Offset >= len(all) {
		return page, nil
	}
	page.Items = all[q.Offset:min(len(all), q.Offset+q.Limit)]
	for i := range page.Items {
		if page.Items[i].SBOM, err = s.currentSBOM(ctx, org, page.Items[i].Version); err != nil {
			return VersionPage{}, err
		}
	}
	return page, nil
}

// ProductVersion returns one of org's versions with its product and its
// current SBOM; ErrNotFound when the version is not org's.
func (s *Service) ProductVersion(ctx context.Context, org, versionID string) (ProductVersion, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return ProductVersion{}, err
	}
	p, err := s.store.Product(ctx, org, v.ProductID)
	if err != nil {
		return ProductVersion{}, fmt.Errorf("product of version %s: %w", v.ID, err)
	}
	b, err := s.currentSBOM(ctx, org, v)
	if err != nil {
		return ProductVersion{}, err
	}
	return ProductVersion{Product: p, Version: v, SBOM: b}, nil
}

// currentSBOM returns the record of v's current SBOM; zero before the
// first upload.
func (s *Service) currentSBOM(ctx context.Context, org string, v model.Version) (model.StoredSBOM, error) {
	if v.CurrentSBOM == "" {
		return model.StoredSBOM{}, nil
	}
	b, err := s.store.SBOM(ctx, org, v.CurrentSBOM)
	if err != nil {
		return model.StoredSBOM{}, fmt.Errorf("current SBOM of version %s: %w", v.ID, err)
	}
	return b, nil
}

// FindingTally summarises the open findings of a version by their
// effective triage status. It is the one place where the API's finding
// counts (Dependency-Track's project metrics) are computed.
type FindingTally struct {
	// Findings counts the open findings that are not settled (whose
	// effective status is not not_affected or fixed): they need attention.
	// The other counts but Settled and Components are of these.
	Findings int
	// By rating: Unknown counts the findings no source gives a severity.
	Critical, High, Medium, Low, None, Unknown int
	// Vulnerabilities counts the distinct vulnerabilities (alias groups).
	Vulnerabilities int
	// VulnerableComponents counts the components with such a finding.
	VulnerableComponents int
	// Affected and UnderInvestigation count the findings decided affected
	// and under investigation (the others are untriaged).
	Affected, UnderInvestigation int
	// Settled counts the open findings decided not_affected or fixed: they
	// count nowhere else.
	Settled int
	// Components counts the components of the current SBOM (its subject
	// excluded).
	Components int
}

// TallyFindings counts findings (open ones: the caller selects them) of a
// version whose current SBOM has components components.
func TallyFindings(fs []model.TrackedFinding, components int) FindingTally {
	t := FindingTally{Components: components}
	vulns, comps := map[string]bool{}, map[string]bool{}
	for i := range fs {
		f := &fs[i]
		switch f.EffectiveStatus() {
		case model.StatusNotAffected, model.StatusFixed:
			t.Settled++
			continue
		case model.StatusAffected:
			t.Affected++
		case model.StatusUnderInvestigation:
			t.UnderInvestigation++
		}
		t.Findings++
		switch f.Severity.Rating {
		case model.RatingCritical:
			t.Critical++
		case model.RatingHigh:
			t.High++
		case model.RatingMedium:
			t.Medium++
		case model.RatingLow:
			t.Low++
		case model.RatingNone:
			t.None++
		default:
			t.Unknown++
		}
		vulns[f.VulnID] = true
		comps[f.ComponentKey] = true
	}
	t.Vulnerabilities, t.VulnerableComponents = len(vulns), len(comps)
	return t
}

// VersionTally counts the open findings of one of org's versions;
// ErrNotFound when the version is not org's.
func (s *Service) VersionTally(ctx context.Context, org, versionID string) (FindingTally, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return FindingTally{}, err
	}
	fs, err := s.OpenFindings(ctx, org, v.ID)
	if err != nil {
		return FindingTally{}, err
	}
	b, err := s.currentSBOM(ctx, org, v)
	if err != nil {
		return FindingTally{}, err
	}
	return TallyFindings(fs, b.Components), nil
}
