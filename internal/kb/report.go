package kb

import (
	"fmt"
	"strings"
)

// maxReasons bounds the rejection reasons kept per file; the counts stay exact.
const maxReasons = 200

// FileReport counts what one input file contributed.
type FileReport struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	New    int    `json:"new"`
	// Updated records replaced a stored one (newer modified, or same date
	// and changed content).
	Updated int `json:"updated"`
	// Unchanged records were already stored as they are.
	Unchanged int `json:"unchanged"`
	// Older records were skipped because the stored one is newer.
	Older int `json:"older"`
	// Withdrawn counts new or updated records that are withdrawn.
	Withdrawn int `json:"withdrawn"`
	// Removed counts entries of a list (KEV, EU KEV, EUVD) that the
	// imported list no longer holds and that were deleted.
	Removed  int `json:"removed,omitempty"`
	Rejected int `json:"rejected"`
	// Reasons lists why records were rejected (at most maxReasons).
	Reasons []string `json:"reasons,omitempty"`
	// Warnings are problems that did not reject a record (e.g. an invalid
	// CVSS vector that was skipped).
	Warnings []string `json:"warnings,omitempty"`
	// Err is set when the whole file failed; nothing of it was stored.
	Err string `json:"error,omitempty"`
}

func (r *FileReport) reject(reason string) {
	r.Rejected++
	if len(r.Reasons) < maxReasons {
		r.Reasons = append(r.Reasons, reason)
	}
}

func (r *FileReport) warn(w string) {
	if len(r.Warnings) < maxReasons {
		r.Warnings = append(r.Warnings, w)
	}
}

// Total is the number of records read from the file.
func (r *FileReport) Total() int {
	return r.New + r.Updated + r.Unchanged + r.Older + r.Rejected
}

// String is a one-line summary.
func (r *FileReport) String() string {
	if r.Err != "" {
		return fmt.Sprintf("%s: failed, nothing stored: %s", r.Path, r.Err)
	}
	removed := ""
	if r.Removed > 0 {
		removed = fmt.Sprintf(", %d removed", r.Removed)
	}
	return fmt.Sprintf("%s (%s): %d new, %d updated, %d unchanged%s, %d older skipped, %d rejected",
		r.Path, r.Format, r.New, r.Updated, r.Unchanged, removed, r.Older, r.Rejected)
}

// Report is the outcome of one import run.
type Report struct {
	Files  []*FileReport `json:"files"`
	Groups GroupReport   `json:"groups"`
}

// Failed reports whether any file failed as a whole.
func (r *Report) Failed() bool {
	for _, f := range r.Files {
		if f.Err != "" {
			return true
		}
	}
	return false
}

// Summary is a multi-line human summary.
func (r *Report) Summary() string {
	var b strings.Builder
	for _, f := range r.Files {
		fmt.Fprintln(&b, f.String())
		for _, reason := range f.Reasons {
			fmt.Fprintf(&b, "  rejected: %s\n", reason)
		}
		if f.Rejected > len(f.Reasons) {
			fmt.Fprintf(&b, "  ... and %d more rejected\n", f.Rejected-len(f.Reasons))
		}
	}
	fmt.Fprintf(&b, "alias groups: %d advisories in %d groups", r.Groups.Advisories, r.Groups.Groups)
	if n := len(r.Groups.Oversized); n > 0 {
		fmt.Fprintf(&b, "; %d alias chains too long to merge:", n)
		for _, o := range r.Groups.Oversized {
			fmt.Fprintf(&b, "\n  %s", o)
		}
	}
	fmt.Fprintln(&b)
	return b.String()
}
