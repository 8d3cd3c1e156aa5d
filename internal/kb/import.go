package kb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Limits bound what an import reads, against hostile or broken inputs.
type Limits struct {
	// MaxRecordBytes bounds one OSV record (one zip entry or JSON file).
	MaxRecordBytes int64
	// MaxArchiveBytes bounds the total uncompressed bytes of one zip.
	MaxArchiveBytes int64
	// MaxEntries bounds the number of entries of one zip.
	MaxEntries int
	// MaxFileBytes bounds a KEV, EU KEV, EUVD or EPSS file (after
	// decompression).
	MaxFileBytes int64
}

// DefaultLimits are generous for real feeds (osv.dev's largest all.zip is a
// few GB uncompressed) and still stop zip bombs.
func DefaultLimits() Limits {
	return Limits{
		MaxRecordBytes:  32 << 20,
		MaxArchiveBytes: 8 << 30,
		MaxEntries:      2_000_000,
		MaxFileBytes:    1 << 30,
	}
}

// Progress is called as records are imported: done of total (total is 0
// when unknown).
type Progress func(path string, done, total int)

// Importer imports vulnerability data files into a knowledge base.
type Importer struct {
	Store    store.KnowledgeBase
	Log      *slog.Logger
	Limits   Limits
	Progress Progress
	// Now returns the current time (tests fix it).
	Now func() time.Time
}

// NewImporter returns an importer with default limits.
func NewImporter(s store.KnowledgeBase, log *slog.Logger) *Importer {
	return &Importer{Store: s, Log: log, Limits: DefaultLimits(), Now: time.Now}
}

// Import imports every path (files or directories), one transaction per
// path, then recomputes the alias groups. A path that fails as a whole is
// reported and rolled back; the others are still imported. The returned
// error is only for failures of the database itself.
func (im *Importer) Import(ctx context.Context, paths []string) (*Report, error) {
	rep := &Report{}
	for _, p := range paths {
		fr := &FileReport{Path: p}
		rep.Files = append(rep.Files, fr)
		err := im.Store.Import(ctx, func(tx store.ImportTx) error {
			if err := im.importPath(ctx, tx, p, fr); err != nil {
				return err
			}
			return tx.Touch(ctx, im.Now())
		})
		if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			*fr = FileReport{Path: p, Format: fr.Format, Err: err.Error()}
			im.Log.Error("import failed, nothing stored from it", "path", p, "error", err)
			continue
		}
		im.Log.Info("imported", "path", p, "format", fr.Format, "new", fr.New, "updated", fr.Updated,
			"unchanged", fr.Unchanged, "older", fr.Older, "rejected", fr.Rejected)
	}
	g, err := Regroup(ctx, im.Store)
	if err != nil {
		return rep, err
	}
	rep.Groups = g
	return rep, nil
}

// Format names as FileReport.Format gives them.
const (
	FormatOSVZip        = "OSV zip"
	FormatCISAKEV       = "CISA KEV"
	FormatEUKEV         = "EU KEV"
	FormatEUVDExploited = "EUVD exploited"
	FormatEUVDMapping   = "EUVD mapping"
	FormatEPSS          = "EPSS CSV"
)

// ImportFile imports one file in one transaction, like Import, with two
// additions for feed downloads: when want is not empty the file must be
// in that format (FileReport.Format), else nothing is stored; and also,
// when not nil, runs inside the same transaction after the import, so
// that what it writes (the feed's state) commits with the data or not at
// all. An OSV import that stored anything recomputes the alias groups.
// A file that fails as a whole returns its report (with Err) and an error.
func (im *Importer) ImportFile(ctx context.Context, path, want string, also func(store.ImportTx, *FileReport) error) (*FileReport, error) {
	fr := &FileReport{Path: path}
	err := im.Store.Import(ctx, func(tx store.ImportTx) error {
		if err := im.importPath(ctx, tx, path, fr); err != nil {
			return err
		}
		if want != "" && fr.Format != want {
			return fmt.Errorf("content is %s, expected %s", orUnknown(fr.Format), want)
		}
		if also != nil {
			if err := also(tx, fr); err != nil {
				return err
			}
		}
		return tx.Touch(ctx, im.Now())
	})
	if err != nil {
		fr.Err = err.Error()
		return fr, err
	}
	if fr.Format == FormatOSVZip && fr.New+fr.Updated > 0 {
		if _, err := Regroup(ctx, im.Store); err != nil {
			return fr, err
		}
	}
	return fr, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unrecognised"
	}
	return s
}

// importPath detects the format of p from its content and imports it.
func (im *Importer) importPath(ctx context.Context, tx store.ImportTx, p string, fr *FileReport) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() {
		fr.Format = "OSV directory"
		return im.importDir(ctx, tx, p, fr)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		fr.Format = FormatOSVZip
		return im.importZip(ctx, tx, f, st.Size(), p, fr)
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		return im.importStream(ctx, tx, bufio.NewReader(zr), p, fr)
	}
	return im.importStream(ctx, tx, bufio.NewReader(f), p, fr)
}

// importStream sniffs an uncompressed stream: EPSS CSV, EUVD mapping CSV,
// KEV JSON, EU KEV JSON, EUVD exploited JSON or a single OSV JSON record.
func (im *Importer) importStream(ctx context.Context, tx store.ImportTx, r *bufio.Reader, p string, fr *FileReport) error {
	head, _ := r.Peek(4096)
	trimmed := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	switch {
	case bytes.HasPrefix(trimmed, []byte("#model_version")), bytes.HasPrefix(trimmed, []byte("cve,epss")):
		fr.Format = FormatEPSS
		return im.importEPSS(ctx, tx, r, fr)
	case bytes.HasPrefix(trimmed, []byte("euvd_id")), bytes.HasPrefix(trimmed, []byte("EUVD-")):
		fr.Format = FormatEUVDMapping
		m, rejected, err := ParseEUVDMapping(&io.LimitedReader{R: r, N: im.Limits.MaxFileBytes})
		if err != nil {
			return err
		}
		return im.importEUVDMapping(ctx, tx, m, rejected, fr)
	case bytes.HasPrefix(trimmed, []byte("[")):
		kind := sniffJSONArray(trimmed)
		if kind == "" {
			return errors.New("unrecognised JSON array: expected the EU KEV list or EUVD's exploited dump")
		}
		fr.Format = kind
		data, err := readLimited(r, im.Limits.MaxFileBytes)
		if err != nil {
			return err
		}
		parse, source := ParseEUKEV, model.ExploitedEUKEV
		if kind == FormatEUVDExploited {
			parse, source = ParseEUVDExploited, model.ExploitedEUVD
		}
		entries, rejected, err := parse(data)
		if err != nil {
			return err
		}
		return im.importExploited(ctx, tx, source, entries, rejected, fr)
	case bytes.HasPrefix(trimmed, []byte("{")):
		data, err := readLimited(r, im.Limits.MaxFileBytes)
		if err != nil {
			return err
		}
		if looksLikeKEV(data) {
			fr.Format = FormatCISAKEV
			return im.importKEV(ctx, tx, data, fr)
		}
		fr.Format = "OSV JSON"
		im.putRecord(ctx, tx, data, p, fr)
		if fr.Rejected > 0 && fr.Total() == 1 {
			return fmt.Errorf("not an OSV record, KEV catalogue or EPSS file: %s", fr.Reasons[0])
		}
		return nil
	}
	return errors.New("unrecognised content: expected an OSV zip, a directory or file of OSV JSON, the CISA KEV JSON catalogue, " +
		"the EU KEV JSON list, EUVD's exploited JSON dump or CVE-EUVD mapping CSV, or an EPSS CSV")
}

// readLimited reads all of r, failing when it exceeds max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than the %d byte limit", max)
	}
	return data, nil
}
