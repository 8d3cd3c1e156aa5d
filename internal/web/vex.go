package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/vex"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// exportVEX downloads the version's VEX document (?format=, OpenVEX by
// default) through the same use case as the API.
func (w *Web) exportVEX(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.VEX == nil {
		return errNotFound
	}
	f := vex.FormatOpenVEX
	if s := r.URL.Query().Get("format"); s != "" {
		var err error
		if f, err = vex.ParseFormat(s); err != nil {
			return inputError("error.filter", "format")
		}
	}
	scheme := "http"
	if w.secure(r) {
		scheme = "https"
	}
	var buf bytes.Buffer
	ex, err := w.o.VEX.ExportVersion(r.Context(), p.Org.OrgID, r.PathValue("version"), &buf, vexchange.ExportOptions{
		Format: f, BaseURL: scheme + "://" + r.Host, Tool: "rocca"})
	if err != nil {
		return err
	}
	ct := "application/json"
	switch f {
	case vex.FormatCycloneDXJSON:
		ct = "application/vnd.cyclonedx+json; version=1.6"
	case vex.FormatCycloneDXXML:
		ct = "application/vnd.cyclonedx+xml; version=1.6"
	}
	h := rw.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", ex.FileName))
	h.Set("X-Rocca-Statements", strconv.Itoa(ex.Statements))
	_, err = rw.Write(buf.Bytes())
	return err
}

// vexImportData is the result page of a VEX import.
type vexImportData struct {
	Product model.Product
	Version model.Version
	Name    string
	Result  *vexchange.ImportResult
	// Error is the refusal of the document: rocca's sentence in the
	// person's language, or the reader's own words (English).
	Error *said
}

// importVEX records the statements of an uploaded VEX document (OpenVEX,
// CycloneDX or CSAF) as decisions on the version's findings, with the
// scope chosen (version or product), and shows what was applied and
// what matched nothing.
func (w *Web) importVEX(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.VEX == nil {
		return errNotFound
	}
	v, prod, err := w.versionOf(r, p)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	d := vexImportData{Product: prod, Version: v}
	show := func(status int) error {
		return w.render(rw, r, status, "vex_import", view{L: l, Title: l.T("triage.vex_import_title", prod.Name, v.Name), Nav: "products", Data: d})
	}
	f, hdr, err := r.FormFile("vex")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return inputError("triage.vex_no_file", "")
	}
	defer f.Close()
	limit := min(w.o.MaxBOMBytes, int64(vex.MaxBytes))
	raw, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return err
	}
	if int64(len(raw)) > limit {
		return errTooLarge
	}
	d.Name = filepath.Base(hdr.Filename)
	scope := model.AnalysisScope(r.PostFormValue("scope"))
	if scope != model.ScopeProduct {
		scope = model.ScopeVersion
	}
	res, err := w.o.VEX.ImportVersion(r.Context(), p.Org.OrgID, actor(p), v.ID, bytes.NewReader(raw),
		vexchange.ImportOptions{Name: d.Name, Scope: scope})
	if err != nil {
		if !portfolio.IsInput(err) && !vexchange.IsForeign(err) {
			return err
		}
		sd := said{Text: err.Error(), English: true}
		if m, ok := msg.Of(err); ok {
			sd = l.Said(m)
		}
		d.Error = &sd
		return show(http.StatusUnprocessableEntity)
	}
	d.Result = &res
	return show(http.StatusOK)
}
