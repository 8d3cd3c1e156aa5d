package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/vex"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// VEX import and export, and the per-version reports (docs/vex.md).

// exchange returns the VEX exchange service, or a 404 problem when the
// server runs without it.
func (a *API) exchange() (*vexchange.Service, error) {
	if a.vex == nil {
		return nil, notFoundf("VEX import and export are not enabled on this server")
	}
	return a.vex, nil
}

// importOptions reads ?name= and ?scope=.
func importOptions(r *http.Request) (vexchange.ImportOptions, error) {
	q := r.URL.Query()
	o := vexchange.ImportOptions{Name: q.Get("name"), Scope: model.AnalysisScope(q.Get("scope"))}
	if o.Name == "" {
		o.Name = "vex upload"
	}
	if err := portfolio.CheckName("name", o.Name); err != nil {
		return o, err
	}
	return o, nil
}

// readVEXBody reads the document of an import.
func (a *API) readVEXBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := min(a.maxBOM, int64(vex.MaxBytes))
	b, err := readAll(http.MaxBytesReader(w, r.Body, limit), r.ContentLength, limit)
	if err != nil {
		return nil, bodyError("reading the request body", err)
	}
	if len(b) == 0 {
		return nil, badRequest("empty request body: send the VEX document (OpenVEX, CycloneDX VEX or CSAF) as the body")
	}
	return b, nil
}

// importVersionVEX records the statements of the VEX document in the body
// as decisions on the version's findings (version scope unless ?scope=).
func (a *API) importVersionVEX(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	x, err := a.exchange()
	if err != nil {
		return err
	}
	o, err := importOptions(r)
	if err != nil {
		return err
	}
	body, err := a.readVEXBody(w, r)
	if err != nil {
		return err
	}
	res, err := x.ImportVersion(r.Context(), orgOf(k), actorOf(k), r.PathValue("version"), bytes.NewReader(body), o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// importProductVEX is importVersionVEX for every version of a product
// (product scope unless ?scope=).
func (a *API) importProductVEX(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	x, err := a.exchange()
	if err != nil {
		return err
	}
	o, err := importOptions(r)
	if err != nil {
		return err
	}
	body, err := a.readVEXBody(w, r)
	if err != nil {
		return err
	}
	res, err := x.ImportProduct(r.Context(), orgOf(k), actorOf(k), r.PathValue("product"), bytes.NewReader(body), o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// exportOptions reads ?format= (openvex by default), ?namespace= (the
// publisher's URL; by default the server's URL as the request reached it)
// and ?untriaged=.
func (a *API) exportOptions(r *http.Request) (vexchange.ExportOptions, error) {
	q := r.URL.Query()
	o := vexchange.ExportOptions{Format: vex.FormatOpenVEX, BaseURL: q.Get("namespace"), Tool: "rocca", ToolVersion: a.build.Version}
	if s := q.Get("format"); s != "" {
		f, err := vex.ParseFormat(s)
		if err != nil {
			return o, badRequest("format: " + err.Error())
		}
		o.Format = f
	}
	if o.BaseURL == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		o.BaseURL = scheme + "://" + r.Host
	}
	if s := q.Get("untriaged"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return o, badRequest("untriaged: want true or false")
		}
		o.Untriaged = b
	}
	return o, nil
}

// vexContentType is the media type of an exported document.
func vexContentType(f vex.Format) string {
	switch f {
	case vex.FormatCycloneDXJSON:
		return "application/vnd.cyclonedx+json; version=1.6"
	case vex.FormatCycloneDXXML:
		return "application/vnd.cyclonedx+xml; version=1.6"
	}
	return "application/json"
}

func (a *API) exportVersionVEX(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	return a.exportVEX(w, r, func(x *vexchange.Service, buf *bytes.Buffer, o vexchange.ExportOptions) (vexchange.Export, error) {
		return x.ExportVersion(r.Context(), orgOf(k), r.PathValue("version"), buf, o)
	})
}

func (a *API) exportProductVEX(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	return a.exportVEX(w, r, func(x *vexchange.Service, buf *bytes.Buffer, o vexchange.ExportOptions) (vexchange.Export, error) {
		return x.ExportProduct(r.Context(), orgOf(k), r.PathValue("product"), buf, o)
	})
}

// exportVEX writes the document into a buffer first, so that a failure
// answers with a problem rather than half a document.
func (a *API) exportVEX(w http.ResponseWriter, r *http.Request,
	write func(*vexchange.Service, *bytes.Buffer, vexchange.ExportOptions) (vexchange.Export, error)) error {
	x, err := a.exchange()
	if err != nil {
		return err
	}
	o, err := a.exportOptions(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ex, err := write(x, &buf, o)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", vexContentType(o.Format))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ex.FileName+`"`)
	w.Header().Set("X-Rocca-Statements", strconv.Itoa(ex.Statements))
	_, err = w.Write(buf.Bytes())
	return err
}

// versionReport writes the version's open findings with their effective
// analysis as SARIF, a CycloneDX VDR or rocca's JSON (?format=, json by
// default).
func (a *API) versionReport(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	x, err := a.exchange()
	if err != nil {
		return err
	}
	f := vexchange.ReportJSON
	if s := r.URL.Query().Get("format"); s != "" {
		if f, err = vexchange.ParseReportFormat(s); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := x.Report(r.Context(), orgOf(k), r.PathValue("version"), &buf, f, a.build.Version); err != nil {
		return err
	}
	ct := map[vexchange.ReportFormat]string{vexchange.ReportSARIF: "application/sarif+json",
		vexchange.ReportCycloneDXVDR: "application/vnd.cyclonedx+json; version=1.6", vexchange.ReportJSON: "application/json"}[f]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}
