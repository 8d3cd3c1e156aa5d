package web

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
)

// problem is one located reason an SBOM was rejected.
type problem struct {
	Line, Column int
	// Where is the field or JSON pointer / XML path at fault.
	Where   string
	Message string
	// Sentence is Message's code and arguments when rocca worded it (a
	// limit, an unknown format); a parser's or validator's technical
	// message has none and is shown as it is.
	Sentence msg.Text
}

// Shown is the problem's message in the interface's language when rocca
// worded it, else as it is (English).
func (p problem) Shown(l *Localizer) said {
	if p.Sentence.Code != "" {
		return l.Said(p.Sentence)
	}
	return said{Text: p.Message, English: true}
}

// uploadData is the upload page's data.
type uploadData struct {
	Product model.Product
	Version model.Version
	// Rejected names the refused file; Problems locate what is wrong.
	Rejected string
	Problems []problem
	Error    string
	// Result is the outcome of an accepted upload.
	Result *portfolio.IngestResult
	MaxMiB int64
}

func (w *Web) uploadPage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	v, prod, err := w.versionOf(r, p)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "upload", view{L: l, Title: l.T("upload.title", prod.Name, v.Name), Nav: "products",
		Data: uploadData{Product: prod, Version: v, MaxMiB: w.o.MaxBOMBytes >> 20}})
}

// upload ingests the posted SBOM through the server's upload queue and
// shows the outcome: the new findings, or the located problems of a
// rejected document.
func (w *Web) upload(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	v, prod, err := w.versionOf(r, p)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	d := uploadData{Product: prod, Version: v, MaxMiB: w.o.MaxBOMBytes >> 20}
	show := func(status int) error {
		return w.render(rw, r, status, "upload", view{L: l, Title: l.T("upload.title", prod.Name, v.Name), Nav: "products", Data: d})
	}
	f, hdr, err := r.FormFile("sbom")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		d.Error = "upload.no_file"
		return show(http.StatusBadRequest)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, w.o.MaxBOMBytes+1))
	if err != nil {
		return err
	}
	if int64(len(raw)) > w.o.MaxBOMBytes {
		return errTooLarge
	}
	name := filepath.Base(hdr.Filename)
	res, err := w.o.Queue.Ingest(r.Context(), p.Org.OrgID, v.ID, raw, name)
	if err != nil {
		if !portfolio.IsInput(err) {
			return err
		}
		d.Rejected, d.Problems = name, problemsOf(err)
		return show(http.StatusUnprocessableEntity)
	}
	d.Result = &res
	return show(http.StatusOK)
}

// problemsOf lists the located problems of a rejected document: each
// conformance issue, or the reader's one error with its position.
func problemsOf(err error) []problem {
	var se *sbom.Error
	if !errors.As(err, &se) {
		m, _ := msg.Of(err)
		return []problem{{Message: err.Error(), Sentence: m}}
	}
	var ce *sbom.ConformanceError
	if errors.As(se.Err, &ce) {
		out := make([]problem, 0, len(ce.Issues))
		for _, is := range ce.Issues {
			out = append(out, problem{Line: is.Line, Where: is.Pointer, Message: is.Message})
		}
		return out
	}
	m, _ := msg.Of(se.Err)
	return []problem{{Line: se.Line, Column: se.Column, Where: se.Field, Message: se.Err.Error(), Sentence: m}}
}
