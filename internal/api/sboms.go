package api

import (
	"net/http"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
)

func (a *API) listSBOMs(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	bs, err := a.svc.SBOMs(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(bs))
}

// uploadSBOM ingests the raw request body as an SBOM of the version,
// synchronously (on one of the upload queue's workers, so that the
// memory of uploads stays bounded): 201 with what was stored, 200 when
// the version already had these exact bytes, 400 with the reader's
// reasons when invalid, 503 when the queue is full.
func (a *API) uploadSBOM(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	v, err := a.svc.Version(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "upload"
	}
	if err := portfolio.CheckName("name", name); err != nil {
		return err
	}
	raw, err := readBody(w, r, a.maxBOM)
	if err != nil {
		return err
	}
	res, err := a.queue.Ingest(r.Context(), orgOf(k), v.ID, raw, name)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/sboms/"+res.SBOM.ID)
	return writeJSON(w, status, res)
}

func (a *API) getSBOM(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	b, err := a.svc.SBOM(r.Context(), orgOf(k), r.PathValue("sbom"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

// getSBOMContent returns the SBOM exactly as uploaded.
func (a *API) getSBOMContent(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	b, content, err := a.svc.SBOMContent(r.Context(), orgOf(k), r.PathValue("sbom"))
	if err != nil {
		return err
	}
	ct := "application/octet-stream"
	switch {
	case b.Encoding == "json" && b.Format == "CycloneDX":
		ct = "application/vnd.cyclonedx+json"
	case b.Encoding == "xml" && b.Format == "CycloneDX":
		ct = "application/vnd.cyclonedx+xml"
	case b.Encoding == "json" && b.Format == "SPDX":
		ct = "application/spdx+json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("ETag", `"sha256:`+b.Digest+`"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(content)
	return err
}

func (a *API) getUpload(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	t, err := a.svc.UploadToken(r.Context(), orgOf(k), r.PathValue("token"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}
