package api

import (
	"net/http"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
)

// listComponents lists the components of the version's current SBOM, in
// document order, the root (subject) excluded, a page at a time.
func (a *API) listComponents(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	v, err := a.svc.Store.Version(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	// The cursor names the SBOM the list was read from and an offset in it.
	var cursorSBOM string
	start := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		if cursorSBOM, start, err = decodeOffsetCursor(c); err != nil {
			return err
		}
		if cursorSBOM != v.CurrentSBOM {
			return badRequest("cursor: the version's current SBOM changed since this cursor was given; start again without it")
		}
	}
	var comps []model.StoredComponent
	if v.CurrentSBOM != "" {
		all, err := a.svc.Store.Components(r.Context(), orgOf(k), v.CurrentSBOM)
		if err != nil {
			return err
		}
		for _, c := range all {
			if !c.Root {
				comps = append(comps, c)
			}
		}
	}
	if start > len(comps) {
		return badCursor()
	}
	end := start + min(limit, len(comps)-start)
	body := list(comps[start:end])
	if end < len(comps) {
		body.Next = encodeOffsetCursor(v.CurrentSBOM, end)
	}
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
	c, err := a.svc.Store.Component(r.Context(), orgOf(k), r.PathValue("component"))
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

// Page sizes.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

func pageLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, badRequest("limit: want an integer from 1 to " + strconv.Itoa(maxLimit))
	}
	return n, nil
}
