package kb

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rocca-project/rocca/internal/store"
)

// EUVDMapping is EUVD's CVE↔EUVD id mapping (/api/dump/cve-euvd-mapping):
// each EUVD id with the CVE it names.
type EUVDMapping map[string]string

// ParseEUVDMapping reads the mapping CSV: a header "euvd_id,cve_id" (an
// optional header: a file starting with a row is accepted too), then one
// pair per row. Rows without a valid pair are rejected with their reason;
// a file with no valid row is an error.
func ParseEUVDMapping(r io.Reader) (EUVDMapping, []string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	out := EUVDMapping{}
	var rejected []string
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("EUVD mapping: %w", err)
		}
		if line == 1 && len(rec) >= 2 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "euvd_id") {
			if !strings.EqualFold(strings.TrimSpace(rec[1]), "cve_id") {
				return nil, nil, fmt.Errorf("EUVD mapping: header is %q, want euvd_id,cve_id", strings.Join(rec, ","))
			}
			continue
		}
		if len(rec) < 2 {
			rejected = append(rejected, fmt.Sprintf("row %d: %d fields, want 2", line, len(rec)))
			continue
		}
		id, cve := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), strings.TrimSpace(rec[1])
		switch {
		case !euvdPattern.MatchString(id):
			rejected = append(rejected, fmt.Sprintf("row %d: euvd_id %q is not an EUVD id", line, id))
			continue
		case !cvePattern.MatchString(cve):
			rejected = append(rejected, fmt.Sprintf("row %d: cve_id %q is not a CVE id", line, cve))
			continue
		}
		out[id] = cve
	}
	if len(out) == 0 {
		return nil, rejected, errors.New("EUVD mapping: no euvd_id,cve_id row")
	}
	return out, rejected, nil
}

// importEUVDMapping replaces the stored mapping with m.
func (im *Importer) importEUVDMapping(ctx context.Context, tx store.ImportTx, m EUVDMapping, rejected []string, fr *FileReport) error {
	for _, r := range rejected {
		fr.reject(r)
	}
	have, err := tx.EUVDMapping(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, id := range ids {
		im.progress(fr.Path, i+1, len(ids))
		cve := m[id]
		old, found := have[id]
		switch {
		case !found:
			fr.New++
		case old == cve:
			fr.Unchanged++
			continue
		default:
			fr.Updated++
		}
		if err := tx.PutEUVDAlias(ctx, id, cve); err != nil {
			return err
		}
	}
	gone := make([]string, 0)
	for id := range have {
		if _, ok := m[id]; !ok {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	for _, id := range gone {
		if err := tx.DeleteEUVDAlias(ctx, id); err != nil {
			return err
		}
		fr.Removed++
	}
	return nil
}
