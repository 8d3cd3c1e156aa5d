package kb

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// importEPSS reads FIRST's EPSS CSV: an optional "#model_version:...,
// score_date:..." comment line, the header "cve,epss,percentile", then rows.
func (im *Importer) importEPSS(ctx context.Context, tx store.ImportTx, r *bufio.Reader, fr *FileReport) error {
	scoreDate := ""
	if b, _ := r.Peek(1); len(b) == 1 && b[0] == '#' {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("EPSS: comment line: %w", err)
		}
		for _, part := range strings.Split(strings.TrimSpace(strings.TrimPrefix(string(line), "#")), ",") {
			if v, ok := strings.CutPrefix(part, "score_date:"); ok {
				scoreDate = v
			}
		}
	}
	lr := &io.LimitedReader{R: r, N: im.Limits.MaxFileBytes}
	return im.readEPSSRows(ctx, tx, csv.NewReader(lr), scoreDate, fr)
}

func (im *Importer) readEPSSRows(ctx context.Context, tx store.ImportTx, cr *csv.Reader, scoreDate string, fr *FileReport) error {
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("EPSS: header: %w", err)
	}
	if len(header) < 3 || header[0] != "cve" || header[1] != "epss" || header[2] != "percentile" {
		return fmt.Errorf("EPSS: header is %q, want cve,epss,percentile", strings.Join(header, ","))
	}
	var batch []model.EPSS
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("EPSS: %w", err)
		}
		e, err := parseEPSSRow(rec)
		if err != nil {
			fr.reject(fmt.Sprintf("row %d: %v", line, err))
			continue
		}
		batch = append(batch, e)
	}
	return im.putEPSS(ctx, tx, batch, scoreDate, fr)
}

func parseEPSSRow(rec []string) (model.EPSS, error) {
	if len(rec) < 3 {
		return model.EPSS{}, fmt.Errorf("%d fields, want 3", len(rec))
	}
	if !cvePattern.MatchString(rec[0]) {
		return model.EPSS{}, fmt.Errorf("cve %q is not a CVE id", rec[0])
	}
	score, err := strconv.ParseFloat(rec[1], 64)
	if err != nil || score < 0 || score > 1 {
		return model.EPSS{}, fmt.Errorf("epss %q is not a probability between 0 and 1", rec[1])
	}
	pct, err := strconv.ParseFloat(rec[2], 64)
	if err != nil || pct < 0 || pct > 1 {
		return model.EPSS{}, fmt.Errorf("percentile %q is not between 0 and 1", rec[2])
	}
	return model.EPSS{CVE: rec[0], Score: score, Percentile: pct}, nil
}

func (im *Importer) putEPSS(ctx context.Context, tx store.ImportTx, rows []model.EPSS, scoreDate string, fr *FileReport) error {
	for i, e := range rows {
		old, err := tx.EPSS(ctx, e.CVE)
		found := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		switch {
		case !found:
			fr.New++
		case old == e:
			fr.Unchanged++
			continue
		default:
			fr.Updated++
		}
		if err := tx.PutEPSS(ctx, e, scoreDate); err != nil {
			return err
		}
		im.progress(fr.Path, i+1, len(rows))
	}
	return nil
}
