package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// problem is an RFC 9457 problem details object.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Errors lists individual reasons (an invalid SBOM's errors), as
	// Dependency-Track's invalid-BOM problem does.
	Errors []string `json:"errors,omitempty"`
}

// errProblem is an error that carries the problem to answer with.
type errProblem struct{ p problem }

func (e *errProblem) Error() string { return e.p.Detail }

func badRequest(detail string) error {
	return &errProblem{problem{Status: http.StatusBadRequest, Detail: detail}}
}

func notFoundf(detail string) error {
	return &errProblem{problem{Status: http.StatusNotFound, Detail: detail}}
}

func writeProblem(w http.ResponseWriter, r *http.Request, p problem) {
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// toProblem maps an error to the problem a client may see. Internal
// errors keep their details in the log only.
func toProblem(err error) (problem, bool) {
	var ep *errProblem
	var mbe *http.MaxBytesError
	var sbe *slowBodyError
	var missing *srp.MissingError
	var stateErr *cases.StateError
	switch {
	case errors.As(err, &ep):
		return ep.p, true
	case errors.As(err, &sbe):
		return problem{Status: http.StatusRequestTimeout, Detail: sbe.Error()}, true
	case errors.As(err, &mbe):
		return problem{Status: http.StatusRequestEntityTooLarge, Detail: "request body larger than the limit of " + itoa(mbe.Limit) + " bytes"}, true
	case errors.Is(err, store.ErrNotFound):
		return problem{Status: http.StatusNotFound, Detail: "not found"}, true
	case errors.Is(err, store.ErrConflict):
		return problem{Status: http.StatusConflict, Detail: err.Error()}, true
	case errors.Is(err, store.ErrInvalidCursor):
		return problem{Status: http.StatusBadRequest, Detail: "cursor: not a cursor of this query; start again without it"}, true
	case errors.Is(err, portfolio.ErrBusy), errors.Is(err, portfolio.ErrShuttingDown):
		return problem{Status: http.StatusServiceUnavailable, Detail: err.Error()}, true
	case errors.Is(err, portfolio.ErrUnauthenticated):
		return problem{Status: http.StatusUnauthorized, Detail: "an API key is required: send it in the X-Api-Key header or as Authorization: Bearer KEY"}, true
	case errors.As(err, &missing):
		errs := make([]string, len(missing.Fields))
		for i, f := range missing.Fields {
			errs[i] = fmt.Sprintf("SRP field %s %q is required", f.ID, f.Label)
		}
		return problem{Status: http.StatusUnprocessableEntity, Title: "Required SRP fields empty", Detail: err.Error(), Errors: errs}, true
	case vexchange.IsForeign(err):
		return problem{Status: http.StatusUnprocessableEntity, Title: "VEX document about other products", Detail: err.Error()}, true
	case errors.As(err, &stateErr):
		return problem{Status: http.StatusConflict, Detail: err.Error()}, true
	case cases.IsInput(err):
		return problem{Status: http.StatusBadRequest, Title: "Invalid input", Detail: err.Error(), Errors: []string{err.Error()}}, true
	case portfolio.IsInput(err):
		return problem{Status: http.StatusBadRequest, Title: "Invalid input", Detail: err.Error(), Errors: []string{err.Error()}}, true
	}
	return problem{Status: http.StatusInternalServerError, Detail: "internal error; see the server log"}, false
}
