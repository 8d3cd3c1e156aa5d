package kb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// kevCatalogue is the CISA KEV JSON catalogue.
type kevCatalogue struct {
	Title           string     `json:"title"`
	CatalogVersion  string     `json:"catalogVersion"`
	DateReleased    string     `json:"dateReleased"`
	Count           int        `json:"count"`
	Vulnerabilities []kevEntry `json:"vulnerabilities"`
}

type kevEntry struct {
	CVEID                      string `json:"cveID"`
	VendorProject              string `json:"vendorProject"`
	Product                    string `json:"product"`
	VulnerabilityName          string `json:"vulnerabilityName"`
	DateAdded                  string `json:"dateAdded"`
	DueDate                    string `json:"dueDate"`
	KnownRansomwareCampaignUse string `json:"knownRansomwareCampaignUse"`
}

var cvePattern = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)

func looksLikeKEV(data []byte) bool {
	head := data[:min(len(data), 2048)]
	return bytes.Contains(head, []byte(`"catalogVersion"`)) ||
		(bytes.Contains(data, []byte(`"cveID"`)) && bytes.Contains(data, []byte(`"knownRansomwareCampaignUse"`)))
}

func (im *Importer) importKEV(ctx context.Context, tx store.ImportTx, data []byte, fr *FileReport) error {
	var cat kevCatalogue
	if err := json.Unmarshal(data, &cat); err != nil {
		return fmt.Errorf("KEV catalogue: %w", err)
	}
	if len(cat.Vulnerabilities) == 0 {
		return fmt.Errorf("KEV catalogue: no vulnerabilities")
	}
	// The catalogue is the whole list: CVEs it no longer holds are
	// removed (rejected entries with a CVE id keep theirs).
	listed := make(map[string]bool, len(cat.Vulnerabilities))
	for _, e := range cat.Vulnerabilities {
		listed[strings.TrimSpace(e.CVEID)] = true
	}
	stored, err := tx.KEVCVEs(ctx)
	if err != nil {
		return err
	}
	for _, cve := range stored {
		if !listed[cve] {
			if err := tx.DeleteKEV(ctx, cve); err != nil {
				return err
			}
			fr.Removed++
		}
	}
	for i, e := range cat.Vulnerabilities {
		k, err := e.toModel()
		if err != nil {
			fr.reject(fmt.Sprintf("vulnerabilities[%d] (%s): %v", i, e.CVEID, err))
			continue
		}
		old, err := tx.KEV(ctx, k.CVE)
		found := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		switch {
		case !found:
			fr.New++
		case old.DateAdded.Equal(k.DateAdded) && old.DueDate.Equal(k.DueDate) && old.Ransomware == k.Ransomware && old.Name == k.Name:
			fr.Unchanged++
			continue
		default:
			fr.Updated++
		}
		if err := tx.PutKEV(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

func (e kevEntry) toModel() (model.KEV, error) {
	if !cvePattern.MatchString(e.CVEID) {
		return model.KEV{}, fmt.Errorf("cveID %q is not a CVE id", e.CVEID)
	}
	added, err := time.Parse("2006-01-02", e.DateAdded)
	if err != nil {
		return model.KEV{}, fmt.Errorf("dateAdded %q is not a date (YYYY-MM-DD)", e.DateAdded)
	}
	k := model.KEV{CVE: e.CVEID, DateAdded: added, Name: e.VulnerabilityName,
		Ransomware: strings.EqualFold(e.KnownRansomwareCampaignUse, "Known")}
	if e.DueDate != "" {
		due, err := time.Parse("2006-01-02", e.DueDate)
		if err != nil {
			return model.KEV{}, fmt.Errorf("dueDate %q is not a date (YYYY-MM-DD)", e.DueDate)
		}
		k.DueDate = due
	}
	return k, nil
}
