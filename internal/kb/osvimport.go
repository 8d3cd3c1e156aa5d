package kb

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/ecosystem"
	"github.com/rocca-project/rocca/internal/osv"
	"github.com/rocca-project/rocca/internal/severity"
	"github.com/rocca-project/rocca/internal/store"
)

// progressEvery is how many records pass between progress callbacks.
const progressEvery = 1000

func (im *Importer) progress(p string, done, total int) {
	if im.Progress != nil && (done%progressEvery == 0 || done == total) {
		im.Progress(p, done, total)
	}
}

// importZip imports every *.json entry of an osv.dev-style all.zip. Entry
// sizes are enforced while reading, not taken from the (forgeable) header.
func (im *Importer) importZip(ctx context.Context, tx store.ImportTx, f io.ReaderAt, size int64, p string, fr *FileReport) error {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	if len(zr.File) > im.Limits.MaxEntries {
		return fmt.Errorf("zip has %d entries, more than the limit of %d", len(zr.File), im.Limits.MaxEntries)
	}
	var total int64
	for i, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if zf.FileInfo().IsDir() || !strings.HasSuffix(zf.Name, ".json") {
			continue
		}
		name := p + "!" + zf.Name
		data, err := readEntry(zf, im.Limits.MaxRecordBytes)
		if err != nil {
			fr.reject(fmt.Sprintf("%s: %v", name, err))
			continue
		}
		total += int64(len(data))
		if total > im.Limits.MaxArchiveBytes {
			return fmt.Errorf("zip expands beyond the %d byte limit (at entry %s)", im.Limits.MaxArchiveBytes, zf.Name)
		}
		if err := im.putRecord(ctx, tx, data, name, fr); err != nil {
			return err
		}
		im.progress(p, i+1, len(zr.File))
	}
	im.progress(p, len(zr.File), len(zr.File))
	return nil
}

func readEntry(zf *zip.File, max int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("entry expands beyond the %d byte record limit", max)
	}
	return data, nil
}

// importDir imports every *.json file below dir, in name order.
func (im *Importer) importDir(ctx context.Context, tx store.ImportTx, dir string, fr *FileReport) error {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for i, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := readFile(path, im.Limits.MaxRecordBytes)
		if err != nil {
			fr.reject(fmt.Sprintf("%s: %v", path, err))
			continue
		}
		if err := im.putRecord(ctx, tx, data, path, fr); err != nil {
			return err
		}
		im.progress(dir, i+1, len(files))
	}
	return nil
}

func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, max)
}

// putRecord parses one OSV record and stores it when it is new or newer.
// A record that does not parse is rejected with its reason; only database
// errors are returned.
func (im *Importer) putRecord(ctx context.Context, tx store.ImportTx, data []byte, name string, fr *FileReport) error {
	rec, err := osv.Parse(data)
	if err != nil {
		fr.reject(fmt.Sprintf("%s: %v", name, err))
		return nil
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	mod := rec.ModifiedTime()
	state, err := tx.AdvisoryState(ctx, rec.ID)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return err
	}
	if !isNew {
		switch {
		case mod.Before(state.Modified):
			fr.Older++
			return nil
		case mod.Equal(state.Modified) && hash == state.Hash:
			fr.Unchanged++
			return nil
		}
	}
	adv, warnings := toAdvisory(rec, data, hash, name)
	for _, w := range warnings {
		fr.warn(w)
	}
	if err := tx.PutAdvisory(ctx, adv); err != nil {
		return err
	}
	if isNew {
		fr.New++
	} else {
		fr.Updated++
	}
	if adv.Withdrawn {
		fr.Withdrawn++
	}
	return nil
}

func toAdvisory(rec *osv.Record, raw []byte, hash, source string) (*store.Advisory, []string) {
	sev, warnings := severity.FromRecord(rec)
	adv := &store.Advisory{
		ID:        rec.ID,
		Modified:  rec.ModifiedTime(),
		Withdrawn: rec.IsWithdrawn(),
		Hash:      hash,
		Summary:   rec.Summary,
		Aliases:   rec.IDs()[1:],
		Severity:  sev,
		Raw:       raw,
		Source:    source,
	}
	if t, err := osv.ParseTime(rec.Published); err == nil && t.Year() > 1 {
		adv.Published = t.UTC()
	}
	if adv.Summary == "" {
		adv.Summary = firstLine(rec.Details, 200)
	}
	for _, r := range rec.References {
		if r.URL != "" && len(adv.References) < 50 {
			adv.References = append(adv.References, r.URL)
		}
	}
	if adv.Withdrawn {
		return adv, warnings // withdrawn records stop matching: no affected rows
	}
	for _, a := range rec.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			continue // bare GIT ranges cannot be looked up by package
		}
		data := a.EncodeCompact()
		base := ecosystem.Base(a.Package.Ecosystem)
		adv.Affected = append(adv.Affected, store.AffectedRow{
			AdvisoryID: rec.ID,
			Ecosystem:  a.Package.Ecosystem,
			Key:        store.PackageKey(base, ecosystem.NormalizeName(base, a.Package.Name)),
			Data:       data,
		})
	}
	return adv, warnings
}

func firstLine(s string, max int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		// Cut at a character boundary: half a UTF-8 sequence is text
		// PostgreSQL refuses (and it would fail the whole file).
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
