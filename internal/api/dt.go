package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// The Dependency-Track-compatible subset. A Dependency-Track project
// (name + version, or its UUID) is a rocca product (by name) and one of
// its versions (by name); the project UUID is the rocca version's id.
// What is and is not supported is written down in docs/dependency-track.md.

// dtUpload is the body of PUT /api/v1/bom (and the fields of POST).
type dtUpload struct {
	Project        string  `json:"project"`
	ProjectName    string  `json:"projectName"`
	ProjectVersion string  `json:"projectVersion"`
	AutoCreate     bool    `json:"autoCreate"`
	ParentName     string  `json:"parentName"`
	ParentVersion  string  `json:"parentVersion"`
	ParentUUID     string  `json:"parentUUID"`
	ProjectTags    []dtTag `json:"projectTags"`
	IsLatest       bool    `json:"isLatest"`
	BOM            string  `json:"bom"`
}

type dtTag struct {
	Name string `json:"name"`
}

// dtPutBOM accepts a JSON body with a base64-encoded BOM.
func (a *API) dtPutBOM(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	// Base64 grows the BOM by a third; leave room for the other fields.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBOM/3*4+maxJSONBytes))
	if err != nil {
		return bodyError("reading the request body", err)
	}
	var in dtUpload
	if err := json.Unmarshal(body, &in); err != nil {
		return badRequest("request body: " + err.Error())
	}
	if in.BOM == "" {
		return badRequest("bom: required (the BOM, base64-encoded)")
	}
	raw, err := decodeBase64(in.BOM)
	if err != nil {
		return badRequest("bom: not valid base64: " + err.Error())
	}
	if int64(len(raw)) > a.maxBOM {
		return &http.MaxBytesError{Limit: a.maxBOM}
	}
	return a.dtUpload(w, r, k, in, raw)
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	_, err := base64.StdEncoding.DecodeString(s)
	return nil, err
}

// dtPostBOM accepts multipart/form-data: the same fields as PUT, with the
// BOM (not base64-encoded) as a file part or a text field named bom.
func (a *API) dtPostBOM(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	r.Body = http.MaxBytesReader(w, r.Body, a.maxBOM+maxJSONBytes)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return bodyError("multipart/form-data body", err)
	}
	defer r.MultipartForm.RemoveAll()
	f := r.MultipartForm.Value
	get := func(name string) string {
		if v := f[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in := dtUpload{Project: get("project"), ProjectName: get("projectName"), ProjectVersion: get("projectVersion"),
		ParentName: get("parentName"), ParentVersion: get("parentVersion"), ParentUUID: get("parentUUID")}
	in.AutoCreate, _ = strconv.ParseBool(get("autoCreate"))
	in.IsLatest, _ = strconv.ParseBool(get("isLatest"))
	for _, t := range strings.Split(get("projectTags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			in.ProjectTags = append(in.ProjectTags, dtTag{Name: t})
		}
	}
	raw, err := multipartBOM(r.MultipartForm, a.maxBOM)
	if err != nil {
		return err
	}
	return a.dtUpload(w, r, k, in, raw)
}

// multipartBOM returns the BOM of a form, refusing one over limit bytes
// (the body's limit leaves room for the other fields).
func multipartBOM(form *multipart.Form, limit int64) ([]byte, error) {
	if fhs := form.File["bom"]; len(fhs) > 0 && fhs[0].Size > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if v := form.Value["bom"]; len(v) > 0 && int64(len(v[0])) > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if fhs := form.File["bom"]; len(fhs) > 0 {
		f, err := fhs[0].Open()
		if err != nil {
			return nil, badRequest("bom: " + err.Error())
		}
		defer f.Close()
		raw, err := io.ReadAll(f)
		if err != nil {
			return nil, badRequest("bom: " + err.Error())
		}
		return raw, nil
	}
	if v := form.Value["bom"]; len(v) > 0 && v[0] != "" {
		return []byte(v[0]), nil
	}
	return nil, badRequest("bom: required (a file part or a text field holding the BOM)")
}

// dtUpload resolves the project and queues the BOM. A project that
// autoCreate makes is created only once the upload is accepted: an
// invalid BOM or a full backlog leaves nothing behind.
func (a *API) dtUpload(w http.ResponseWriter, r *http.Request, k model.APIKey, in dtUpload, raw []byte) error {
	target, err := a.dtTarget(r.Context(), orgOf(k), in)
	if err != nil {
		return err
	}
	token, err := a.queue.SubmitTo(r.Context(), orgOf(k), target, raw, "bom")
	if portfolio.IsInput(err) {
		return &errProblem{problem{Status: http.StatusBadRequest, Title: "The uploaded BOM is invalid",
			Detail: err.Error(), Errors: []string{err.Error()}}}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

// dtTarget finds the version a Dependency-Track upload names or, when it
// does not exist and autoCreate is set, names the product and version
// the upload's worker creates once the document is read. The parent, when named, must exist; it is not recorded
// (rocca products do not nest).
func (a *API) dtTarget(ctx context.Context, org string, in dtUpload) (portfolio.Target, error) {
	var none portfolio.Target
	if err := in.check(); err != nil {
		return none, err
	}
	if in.ParentUUID != "" {
		if _, err := a.svc.Version(ctx, org, in.ParentUUID); err != nil {
			return none, dtNotFound(err, "the parent project could not be found")
		}
	} else if in.ParentName != "" {
		if _, err := a.svc.LookupVersion(ctx, org, in.ParentName, in.ParentVersion); err != nil {
			return none, dtNotFound(err, "the parent project could not be found")
		}
	}
	if in.Project != "" {
		v, err := a.svc.Version(ctx, org, in.Project)
		if err != nil {
			return none, dtNotFound(err, "the project could not be found")
		}
		return portfolio.Target{VersionID: v.ID}, nil
	}
	if in.ProjectName == "" || in.ProjectVersion == "" {
		return none, badRequest("either project (a UUID) or projectName and projectVersion are required")
	}
	v, err := a.svc.LookupVersion(ctx, org, in.ProjectName, in.ProjectVersion)
	if err == nil {
		return portfolio.Target{VersionID: v.ID}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return none, err
	}
	if !in.AutoCreate {
		return none, notFoundf("the project could not be found; set autoCreate to create it")
	}
	// Created only once the document is read: an invalid BOM creates nothing.
	return portfolio.Target{CreateProduct: in.ProjectName, CreateVersion: in.ProjectVersion}, nil
}

// check validates the upload's ids and names (trimming the names), so
// that nothing is looked up or created with a bad one.
func (in *dtUpload) check() error {
	for _, f := range []struct{ field, value string }{{"project", in.Project}, {"parentUUID", in.ParentUUID}} {
		if f.value != "" && !uid.Valid(f.value) {
			return badRequest(f.field + ": not a project UUID")
		}
	}
	for _, f := range []struct {
		field string
		value *string
	}{{"projectName", &in.ProjectName}, {"projectVersion", &in.ProjectVersion}, {"parentName", &in.ParentName}, {"parentVersion", &in.ParentVersion}} {
		if *f.value = strings.TrimSpace(*f.value); *f.value != "" {
			if err := portfolio.CheckName(f.field, *f.value); err != nil {
				return err
			}
		}
	}
	return nil
}

func dtNotFound(err error, detail string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFoundf(detail)
	}
	return err
}

// autoCreate creates the product and version, tolerating a concurrent
// upload that creates them first.
// dtToken answers whether an upload is still being processed.
func (a *API) dtToken(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	t, err := a.svc.UploadToken(r.Context(), orgOf(k), r.PathValue("token"))
	if err != nil {
		return err
	}
	processing := t.State == model.UploadQueued || t.State == model.UploadProcessing
	return writeJSON(w, http.StatusOK, map[string]bool{"processing": processing})
}

// dtProject is Dependency-Track's project, as far as rocca fills it.
type dtProject struct {
	UUID                string  `json:"uuid"`
	Name                string  `json:"name"`
	Version             string  `json:"version"`
	Classifier          string  `json:"classifier"`
	Description         string  `json:"description,omitempty"`
	Active              bool    `json:"active"`
	LastBOMImport       int64   `json:"lastBomImport,omitempty"`
	LastBOMImportFormat string  `json:"lastBomImportFormat,omitempty"`
	Tags                []dtTag `json:"tags"`
	// Versions lists every version of the project's name (only for a
	// single project, as in Dependency-Track).
	Versions []dtProjectVersion `json:"versions,omitempty"`
}

func (a *API) dtProjectLookup(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	name, version := r.URL.Query().Get("name"), r.URL.Query().Get("version")
	if name == "" || version == "" {
		return badRequest("name and version are required")
	}
	for _, p := range [][2]string{{"name", name}, {"version", version}} {
		if err := portfolio.CheckName(p[0], p[1]); err != nil {
			return err
		}
	}
	v, err := a.svc.LookupVersion(r.Context(), orgOf(k), name, version)
	if err != nil {
		return dtNotFound(err, "the project could not be found")
	}
	return a.writeDTProject(w, r, k, v.ID)
}

// vulnUUID gives a vulnerability id a stable UUID, as Dependency-Track
// clients expect one.
func vulnUUID(id string) string { return uid.FromName("rocca-vulnerability", id) }
