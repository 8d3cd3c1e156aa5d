package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom/quality"
	"github.com/rocca-project/rocca/internal/store"
)

// pageSize is the length of the web application's lists.
const pageSize = 50

// pager is the navigation of an offset-paged list.
type pager struct {
	Page, Pages, Total int
	// Prev and Next are the addresses of the neighbouring pages ("" when
	// there is none).
	Prev, Next string
}

// pageOf reads ?page= (1-based).
func pageOf(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 1_000_000)
}

// newPager builds the navigation of page of a list of total items.
func newPager(r *http.Request, page, total int) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+pageSize-1)/pageSize)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// productsData is the products list's data.
type productsData struct {
	Query    string
	Products []model.Product
	Pager    pager
	// Any is false when the organisation has no product at all.
	Any bool
}

func (w *Web) products(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	all, err := w.o.Portfolio.Products(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var hits []model.Product
	for _, x := range all {
		if q == "" || strings.Contains(strings.ToLower(x.Name), strings.ToLower(q)) {
			hits = append(hits, x)
		}
	}
	page := pageOf(r)
	from := min((page-1)*pageSize, len(hits))
	d := productsData{Query: q, Products: hits[from:min(from+pageSize, len(hits))], Pager: newPager(r, page, len(hits)), Any: len(all) > 0}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "products", view{L: l, Title: l.T("products.title"), Nav: "products", Data: d})
}

// productForm is the new-product form.
type productForm struct {
	Name, Role, Purpose, Contact, SupportEnd string
	Errors                                   map[string]string
}

func (w *Web) newProductPage(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "product_new", view{L: l, Title: l.T("product_new.title"), Nav: "products",
		Data: productForm{Role: string(model.RoleManufacturer)}})
}

func (w *Web) createProduct(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	f := productForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"),
		Purpose: strings.TrimSpace(r.PostFormValue("purpose")), Contact: strings.TrimSpace(r.PostFormValue("contact")),
		SupportEnd: strings.TrimSpace(r.PostFormValue("support_end")), Errors: map[string]string{}}
	prod := model.Product{Name: f.Name, Role: model.CRARole(f.Role), IntendedPurpose: f.Purpose, SecurityContact: f.Contact}
	if k := checkName(f.Name); k != "" {
		f.Errors["name"] = k
	}
	if !prod.Role.Valid() {
		f.Errors["role"] = "form.choose"
	}
	if f.SupportEnd != "" {
		t, err := time.Parse(time.DateOnly, f.SupportEnd)
		if err != nil {
			f.Errors["support_end"] = "form.date_invalid"
		}
		prod.SupportEnd = t
	}
	if len(f.Errors) == 0 {
		err := w.o.Portfolio.CreateProduct(r.Context(), p.Org.OrgID, &prod)
		switch {
		case err == nil:
			http.Redirect(rw, r, "/products/"+prod.ID+"?notice=created", http.StatusSeeOther)
			return nil
		case errors.Is(err, store.ErrConflict):
			f.Errors["name"] = "form.name_taken"
		case portfolio.IsInput(err):
			f.Errors["name"] = "form.invalid"
		default:
			return err
		}
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusBadRequest, "product_new", view{L: l, Title: l.T("product_new.title"), Nav: "products", Data: f})
}

// productData is a product's page.
type productData struct {
	Product  model.Product
	Versions []model.Version
	Pager    pager
	Form     versionForm
	// SupportEnded is true when the support period is over.
	SupportEnded bool
}

// versionForm is the new-version form on the product's page.
type versionForm struct {
	Name, Lifecycle, Released string
	Errors                    map[string]string
}

func (w *Web) product(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.showProduct(rw, r, p, http.StatusOK, versionForm{Lifecycle: string(model.LifecycleDevelopment)})
}

func (w *Web) showProduct(rw http.ResponseWriter, r *http.Request, p *Principal, status int, f versionForm) error {
	ctx := r.Context()
	prod, err := w.o.Portfolio.Product(ctx, p.Org.OrgID, r.PathValue("product"))
	if err != nil {
		return err
	}
	vs, err := w.o.Portfolio.Versions(ctx, p.Org.OrgID, prod.ID)
	if err != nil {
		return err
	}
	page := pageOf(r)
	from := min((page-1)*pageSize, len(vs))
	d := productData{Product: prod, Versions: vs[from:min(from+pageSize, len(vs))], Pager: newPager(r, page, len(vs)), Form: f,
		SupportEnded: !prod.SupportEnd.IsZero() && prod.SupportEnd.Before(w.o.Now())}
	l := w.localizer(r)
	return w.render(rw, r, status, "product", view{L: l, Title: prod.Name, Nav: "products", Data: d})
}

func (w *Web) createVersion(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	f := versionForm{Name: strings.TrimSpace(r.PostFormValue("name")), Lifecycle: r.PostFormValue("lifecycle"),
		Released: strings.TrimSpace(r.PostFormValue("released")), Errors: map[string]string{}}
	v := model.Version{ProductID: r.PathValue("product"), Name: f.Name, Lifecycle: model.Lifecycle(f.Lifecycle)}
	if k := checkName(f.Name); k != "" {
		f.Errors["name"] = k
	}
	if !v.Lifecycle.Valid() {
		f.Errors["lifecycle"] = "form.choose"
	}
	if f.Released != "" {
		t, err := time.Parse(time.DateOnly, f.Released)
		if err != nil {
			f.Errors["released"] = "form.date_invalid"
		}
		v.ReleaseDate = t
	}
	if len(f.Errors) == 0 {
		err := w.o.Portfolio.CreateVersion(r.Context(), p.Org.OrgID, &v)
		switch {
		case err == nil:
			http.Redirect(rw, r, "/versions/"+v.ID+"?notice=created", http.StatusSeeOther)
			return nil
		case errors.Is(err, store.ErrConflict):
			f.Errors["name"] = "form.name_taken"
		case portfolio.IsInput(err):
			f.Errors["name"] = "form.invalid"
		default:
			return err
		}
	}
	return w.showProduct(rw, r, p, http.StatusBadRequest, f)
}

// versionData is a version's page.
type versionData struct {
	Product model.Product
	Version model.Version
	SBOMs   []model.StoredSBOM
	Pager   pager
	// SupportEnded is true when the product's support period is over.
	SupportEnded bool
}

// versionOf reads the version of the path and its product.
func (w *Web) versionOf(r *http.Request, p *Principal) (model.Version, model.Product, error) {
	v, err := w.o.Portfolio.Version(r.Context(), p.Org.OrgID, r.PathValue("version"))
	if err != nil {
		return v, model.Product{}, err
	}
	prod, err := w.o.Portfolio.Product(r.Context(), p.Org.OrgID, v.ProductID)
	return v, prod, err
}

func (w *Web) version(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	v, prod, err := w.versionOf(r, p)
	if err != nil {
		return err
	}
	sboms, err := w.o.Portfolio.SBOMs(r.Context(), p.Org.OrgID, v.ID)
	if err != nil {
		return err
	}
	page := pageOf(r)
	from := min((page-1)*pageSize, len(sboms))
	d := versionData{Product: prod, Version: v, SBOMs: sboms[from:min(from+pageSize, len(sboms))], Pager: newPager(r, page, len(sboms)),
		SupportEnded: !prod.SupportEnd.IsZero() && prod.SupportEnd.Before(w.o.Now())}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "version", view{L: l, Title: prod.Name + " " + v.Name, Nav: "products", Data: d})
}

// componentsData is a version's components page.
type componentsData struct {
	Product    model.Product
	Version    model.Version
	Query      string
	Components []model.StoredComponent
	Pager      pager
}

func (w *Web) components(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	v, prod, err := w.versionOf(r, p)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page := pageOf(r)
	m, err := w.o.Portfolio.SearchComponents(r.Context(), p.Org.OrgID, v.ID, q, (page-1)*pageSize, pageSize)
	if err != nil {
		return err
	}
	d := componentsData{Product: prod, Version: v, Query: q, Components: m.Components, Pager: newPager(r, page, m.Total)}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "components", view{L: l, Title: l.T("components.title", prod.Name, v.Name), Nav: "products", Data: d})
}

// componentData is a component's page.
type componentData struct {
	Product   model.Product
	Version   model.Version
	Component model.StoredComponent
	// Path is the dependency path from the SBOM's subject to the
	// component; empty when the graph does not connect them.
	Path     []model.StoredComponent
	Findings []store.OrgFinding
}

func (w *Web) component(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	ctx := r.Context()
	c, err := w.o.Portfolio.Component(ctx, p.Org.OrgID, r.PathValue("component"))
	if err != nil {
		return err
	}
	v, err := w.o.Portfolio.Version(ctx, p.Org.OrgID, c.VersionID)
	if err != nil {
		return err
	}
	prod, err := w.o.Portfolio.Product(ctx, p.Org.OrgID, v.ProductID)
	if err != nil {
		return err
	}
	path, err := w.o.Portfolio.DependencyPath(ctx, p.Org.OrgID, c)
	if err != nil {
		return err
	}
	fs, err := w.o.Portfolio.ComponentFindings(ctx, p.Org.OrgID, c)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "component", view{L: l, Title: c.Name, Nav: "products",
		Data: componentData{Product: prod, Version: v, Component: c, Path: path, Findings: fs}})
}

// sbomData is an SBOM's page.
type sbomData struct {
	Product model.Product
	Version model.Version
	SBOM    model.StoredSBOM
	Grades  []*quality.Report
}

func (w *Web) sbom(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	ctx := r.Context()
	s, err := w.o.Portfolio.SBOM(ctx, p.Org.OrgID, r.PathValue("sbom"))
	if err != nil {
		return err
	}
	v, err := w.o.Portfolio.Version(ctx, p.Org.OrgID, s.VersionID)
	if err != nil {
		return err
	}
	prod, err := w.o.Portfolio.Product(ctx, p.Org.OrgID, v.ProductID)
	if err != nil {
		return err
	}
	d := sbomData{Product: prod, Version: v, SBOM: s}
	for _, prof := range []quality.Profile{quality.CRA, quality.NTIA} {
		g, err := w.o.Portfolio.SBOMQuality(ctx, p.Org.OrgID, s.ID, prof)
		if err != nil {
			return err
		}
		d.Grades = append(d.Grades, g)
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "sbom", view{L: l, Title: s.Name, Nav: "products", Data: d})
}
