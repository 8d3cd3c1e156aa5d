package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

const productCols = `id, org_id, name, cra_role, intended_purpose, support_end, security_contact, created_at,
	markets, cra_type, cra_class, cra_category`

func scanProduct(sc interface{ Scan(...any) error }) (model.Product, error) {
	var p model.Product
	var role, end, created, markets string
	err := sc.Scan(&p.ID, &p.OrgID, &p.Name, &role, &p.IntendedPurpose, &end, &p.SecurityContact, &created,
		&markets, &p.CRAType, &p.CRAClass, &p.CRACategory)
	p.Role, p.SupportEnd, p.Created = model.CRARole(role), parseTime(end), parseTime(created)
	if err == nil {
		if jerr := json.Unmarshal([]byte(markets), &p.Markets); jerr != nil {
			return p, fmt.Errorf("product %s markets: %w", p.ID, jerr)
		}
	}
	p.Markets = nonNil(p.Markets)
	return p, err
}

func productArgs(p *model.Product) []any {
	markets, _ := json.Marshal(nonNil(p.Markets))
	return []any{p.Name, string(p.Role), p.IntendedPurpose, formatDate(p.SupportEnd), p.SecurityContact,
		string(markets), p.CRAType, p.CRAClass, p.CRACategory}
}

// CreateProduct implements store.Catalogue.
func (s *Store) CreateProduct(ctx context.Context, org string, p *model.Product) error {
	newID(&p.ID)
	p.OrgID = org
	if p.Created.IsZero() {
		p.Created = now()
	}
	p.Markets = nonNil(p.Markets)
	args := append([]any{p.ID, org, stamp(p.Created)}, productArgs(p)...)
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO product (id, org_id, created_at, name, cra_role, intended_purpose,
		support_end, security_contact, markets, cra_type, cra_class, cra_category) VALUES (`+placeholders(12)+`)`), args...)
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("store: product %q: %w", p.Name, store.ErrConflict)
	case isForeignKeyViolation(err):
		return fmt.Errorf("store: create product: organisation: %w", store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: create product: %w", err)
	}
	return nil
}

// UpdateProduct implements store.Catalogue.
func (s *Store) UpdateProduct(ctx context.Context, org string, p *model.Product) error {
	p.Markets = nonNil(p.Markets)
	args := append(productArgs(p), org, p.ID)
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE product SET name = ?, cra_role = ?, intended_purpose = ?,
		support_end = ?, security_contact = ?, markets = ?, cra_type = ?, cra_class = ?, cra_category = ?
		WHERE org_id = ? AND id = ?`), args...)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: product %q: %w", p.Name, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update product: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// UpdateVersion implements store.Catalogue.
func (s *Store) UpdateVersion(ctx context.Context, org string, v *model.Version) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE product_version SET name = ?, lifecycle = ?, release_date = ?
		WHERE org_id = ? AND id = ?`), v.Name, string(v.Lifecycle), formatDate(v.ReleaseDate), org, v.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: version %q: %w", v.Name, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update version: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// Product implements store.Catalogue.
func (s *Store) Product(ctx context.Context, org, id string) (model.Product, error) {
	p, err := scanProduct(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+productCols+` FROM product WHERE org_id = ? AND id = ?`), org, id))
	if err != nil {
		return p, notFound(err, "product")
	}
	return p, nil
}

// ProductByName implements store.Catalogue.
func (s *Store) ProductByName(ctx context.Context, org, name string) (model.Product, error) {
	p, err := scanProduct(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+productCols+` FROM product WHERE org_id = ? AND name = ?`), org, name))
	if err != nil {
		return p, notFound(err, "product")
	}
	return p, nil
}

// Products implements store.Catalogue.
func (s *Store) Products(ctx context.Context, org string) ([]model.Product, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+productCols+` FROM product WHERE org_id = ? ORDER BY name`), org)
	if err != nil {
		return nil, fmt.Errorf("store: products: %w", err)
	}
	defer rows.Close()
	var out []model.Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("store: products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const versionCols = `id, org_id, product_id, name, lifecycle, release_date, current_sbom_id, created_at`

func scanVersion(sc interface{ Scan(...any) error }) (model.Version, error) {
	var v model.Version
	var lc, rel, created string
	err := sc.Scan(&v.ID, &v.OrgID, &v.ProductID, &v.Name, &lc, &rel, &v.CurrentSBOM, &created)
	v.Lifecycle, v.ReleaseDate, v.Created = model.Lifecycle(lc), parseTime(rel), parseTime(created)
	return v, err
}

// CreateVersion implements store.Catalogue.
func (s *Store) CreateVersion(ctx context.Context, org string, v *model.Version) error {
	newID(&v.ID)
	v.OrgID = org
	if v.Created.IsZero() {
		v.Created = now()
	}
	// The foreign key (org_id, product_id) → product (org_id, id) refuses
	// a product of another organisation.
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO product_version (`+versionCols+`) VALUES (?, ?, ?, ?, ?, ?, '', ?)`),
		v.ID, org, v.ProductID, v.Name, string(v.Lifecycle), formatDate(v.ReleaseDate), stamp(v.Created))
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("store: version %q: %w", v.Name, store.ErrConflict)
	case isForeignKeyViolation(err):
		return fmt.Errorf("store: create version: product: %w", store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: create version: %w", err)
	}
	return nil
}

// Version implements store.Catalogue.
func (s *Store) Version(ctx context.Context, org, id string) (model.Version, error) {
	return getVersion(ctx, s.reader(), s.d, org, id, "")
}

func getVersion(ctx context.Context, q queryer, d dialect, org, id, suffix string) (model.Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, d.rebind(`SELECT `+versionCols+` FROM product_version WHERE org_id = ? AND id = ?`+suffix), org, id))
	if err != nil {
		return v, notFound(err, "version")
	}
	return v, nil
}

// VersionByName implements store.Catalogue.
func (s *Store) VersionByName(ctx context.Context, org, productID, name string) (model.Version, error) {
	v, err := scanVersion(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+versionCols+` FROM product_version
		WHERE org_id = ? AND product_id = ? AND name = ?`), org, productID, name))
	if err != nil {
		return v, notFound(err, "version")
	}
	return v, nil
}

// Versions implements store.Catalogue.
func (s *Store) Versions(ctx context.Context, org, productID string) ([]model.Version, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+versionCols+` FROM product_version
		WHERE org_id = ? AND product_id = ? ORDER BY created_at, id`), org, productID)
	if err != nil {
		return nil, fmt.Errorf("store: versions: %w", err)
	}
	defer rows.Close()
	var out []model.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("store: versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
