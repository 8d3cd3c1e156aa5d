package api

import (
	"net/http"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

func (a *API) getOrganisation(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	o, err := a.svc.Organisation(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

func (a *API) listProducts(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	ps, err := a.svc.Products(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(ps))
}

// productInput is the body of POST /products.
type productInput struct {
	Name            string        `json:"name"`
	Role            model.CRARole `json:"craRole"`
	IntendedPurpose string        `json:"intendedPurpose"`
	// SupportEnd is a date, YYYY-MM-DD.
	SupportEnd      string `json:"supportPeriodEnd"`
	SecurityContact string `json:"securityContact"`
}

func (a *API) createProduct(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in productInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	end, err := parseDate("supportPeriodEnd", in.SupportEnd)
	if err != nil {
		return err
	}
	p := model.Product{Name: in.Name, Role: in.Role, IntendedPurpose: in.IntendedPurpose, SupportEnd: end, SecurityContact: in.SecurityContact}
	if err := a.svc.CreateProduct(r.Context(), orgOf(k), &p); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/products/"+p.ID)
	return writeJSON(w, http.StatusCreated, p)
}

func (a *API) getProduct(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	p, err := a.svc.Product(r.Context(), orgOf(k), r.PathValue("product"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) listVersions(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	vs, err := a.svc.Versions(r.Context(), orgOf(k), r.PathValue("product"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(vs))
}

// versionInput is the body of POST /products/{product}/versions.
type versionInput struct {
	Name      string          `json:"name"`
	Lifecycle model.Lifecycle `json:"lifecycle"`
	// ReleaseDate is a date, YYYY-MM-DD.
	ReleaseDate string `json:"releaseDate"`
}

func (a *API) createVersion(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	p, err := a.svc.Product(r.Context(), orgOf(k), r.PathValue("product"))
	if err != nil {
		return err
	}
	var in versionInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	rel, err := parseDate("releaseDate", in.ReleaseDate)
	if err != nil {
		return err
	}
	v := model.Version{ProductID: p.ID, Name: in.Name, Lifecycle: in.Lifecycle, ReleaseDate: rel}
	if err := a.svc.CreateVersion(r.Context(), orgOf(k), &v); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/versions/"+v.ID)
	return writeJSON(w, http.StatusCreated, v)
}

func (a *API) getVersion(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	v, err := a.svc.Version(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func parseDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, badRequest(field + ": want a date YYYY-MM-DD, got " + s)
	}
	return t, nil
}

// listBody is the envelope of a list response.
type listBody[T any] struct {
	Items []T `json:"items"`
	// Next is the cursor of the following page; absent on the last page.
	Next string `json:"next,omitempty"`
}

func list[T any](items []T) listBody[T] {
	if items == nil {
		items = []T{}
	}
	return listBody[T]{Items: items}
}
