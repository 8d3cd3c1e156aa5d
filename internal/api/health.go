package api

import (
	"context"
	"net/http"
	"time"

	"github.com/rocca-project/rocca/internal/buildinfo"
)

// health is /healthz's answer: "ok" and the binary's identity.
type health struct {
	Status string `json:"status"`
	buildinfo.Info
}

// healthz answers while the process is up, with the build identity.
func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, health{Status: "ok", Info: a.build})
}

// readyz answers 200 when the database is reachable and migrated, 503
// otherwise.
func (a *API) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if a.ready != nil {
		if err := a.ready(ctx); err != nil {
			a.log.Warn("not ready", "error", err)
			writeProblem(w, r, problem{Status: http.StatusServiceUnavailable, Detail: "database not ready"})
			return nil
		}
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
