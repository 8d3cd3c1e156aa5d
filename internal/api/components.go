package api

import (
	"net/http"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
)

// listComponents lists the components of the version's current SBOM, in
// document order, the root (subject) excluded, a page at a time.
func (a *API) listComponents(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	page, err := a.svc.Components(r.Context(), orgOf(k), r.PathValue("version"), r.URL.Query().Get("cursor"), pageLimit(r))
	if err != nil {
		return err
	}
	body := list(page.Components)
	body.Next = page.Next
	return writeJSON(w, http.StatusOK, body)
}

// componentBody is a component with its dependency path from the root.
type componentBody struct {
	model.StoredComponent
	// Path runs from the SBOM's root to this component (both included);
	// empty when the SBOM's graph does not connect them.
	Path []pathStep `json:"path"`
}

type pathStep struct {
	ID      string `json:"id,omitempty"`
	Ref     string `json:"ref"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
}

func (a *API) getComponent(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	c, err := a.svc.Component(r.Context(), orgOf(k), r.PathValue("component"))
	if err != nil {
		return err
	}
	path, err := a.svc.DependencyPath(r.Context(), orgOf(k), c)
	if err != nil {
		return err
	}
	body := componentBody{StoredComponent: c, Path: []pathStep{}}
	for _, p := range path {
		body.Path = append(body.Path, pathStep{ID: p.ID, Ref: p.Ref, Name: p.Name, Version: p.Version, PURL: p.PURL})
	}
	return writeJSON(w, http.StatusOK, body)
}

// pageLimit reads the limit query parameter: portfolio.DefaultPageLimit
// when absent, 0 when not a decimal integer of int's range. The use cases
// bound it (1 to portfolio.MaxPageLimit) and refuse 0 with the same
// message as an integer out of range.
func pageLimit(r *http.Request) int {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return portfolio.DefaultPageLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
