package output

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/termtext"
)

// Limits of the "not matched" section, so that an SBOM of thousands of
// components rocca cannot look up does not bury the findings.
const (
	maxUnmatchedReasons = 20 // distinct reasons shown
	maxUnmatchedListed  = 20 // component lines in all
	maxFixedShown       = 3  // fixed versions in one cell
)

// writeTable writes the human-readable report, buffered: a line per write
// would be a system call per finding on a terminal or pipe.
func writeTable(w io.Writer, res *model.ScanResult) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := writeTableTo(&errWriter{w: bw}, res); err != nil {
		return err
	}
	return bw.Flush()
}

func writeTableTo(ew *errWriter, res *model.ScanResult) error {
	var active, settled []*model.Finding
	for _, f := range sortedFindings(res.Findings) {
		if suppressed(f) {
			settled = append(settled, f)
		} else {
			active = append(active, f)
		}
	}
	writeTableHeader(ew, res, active, settled)

	ew.printf("\n")
	if len(active) == 0 {
		ew.printf("No known vulnerabilities found%s.\n", checkedSuffix(res))
		if len(settled) > 0 {
			ew.printf("(%s marked not affected or fixed by VEX %s listed below.)\n",
				plural(len(settled), "finding", "findings"), isAre(len(settled)))
		}
	} else {
		writeFindingTable(ew, active)
	}
	if len(settled) > 0 {
		ew.printf("\nNot affected or fixed, according to VEX (%d):\n", len(settled))
		writeFindingTable(ew, settled)
	}
	writeUnmatched(ew, res.Unmatched)
	writeUndetermined(ew, res.Undetermined)
	return ew.err
}

// writeUndetermined lists the component/advisory pairs the matcher could
// not decide, so that a version rocca cannot order is never taken as clean.
func writeUndetermined(ew *errWriter, ud []model.Undetermined) {
	if len(ud) == 0 {
		return
	}
	ew.printf("\nUndetermined: %s could not be decided (check these by hand)\n", plural(len(ud), "component/advisory pair", "component/advisory pairs"))
	for _, u := range ud[:min(len(ud), maxUnmatchedListed)] {
		ew.printf("  %s  %s\n", termtext.Escape(unmatchedLabel(u.Component)), termtext.Escape(u.Advisory))
		ew.printf("    %s\n", clip(termtext.Escape(u.Reason), 110))
	}
	if rest := len(ud) - maxUnmatchedListed; rest > 0 {
		ew.printf("  ... and %d more (the json format lists every one)\n", rest)
	}
}

func checkedSuffix(res *model.ScanResult) string {
	checked := res.Components - len(res.Unmatched)
	if res.Components == 0 {
		return " (the SBOM lists no components)"
	}
	if checked < 0 {
		return ""
	}
	if checked == 0 {
		return " (no component could be checked)"
	}
	return " in the " + plural(checked, "component", "components") + " checked"
}

func writeTableHeader(ew *errWriter, res *model.ScanResult, active, settled []*model.Finding) {
	source := termtext.Escape(res.Source)
	if source == "" {
		source = "(unnamed SBOM)"
	}
	if doc := strings.TrimSpace(res.Format + " " + res.SpecVersion); doc != "" {
		source += " (" + termtext.Escape(doc) + ")"
	}
	ew.printf("rocca scan of %s\n", source)
	if s := res.Subject; s != nil {
		ew.printf("Product:     %s\n", termtext.Escape(componentLabel(*s)))
	}

	withFindings := map[string]bool{}
	for _, f := range active {
		withFindings[f.Component.Key()] = true
	}
	comp := strconv.Itoa(res.Components) + " in the SBOM"
	if len(withFindings) > 0 {
		comp += fmt.Sprintf(", %d with known vulnerabilities", len(withFindings))
	}
	if len(res.Unmatched) > 0 {
		comp += fmt.Sprintf(", %d not matched", len(res.Unmatched))
	}
	ew.printf("Components:  %s\n", comp)

	counts := map[model.Rating]int{}
	kev := 0
	for _, f := range active {
		counts[ratingOf(f.Vulnerability.Severity)]++
		if f.Vulnerability.KEV != nil {
			kev++
		}
	}
	line := "none"
	if len(active) > 0 {
		line = strconv.Itoa(len(active))
	}
	var parts []string
	for _, r := range ratingsBySeverity {
		if counts[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[r], r))
		}
	}
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	if len(active) > 0 {
		line += fmt.Sprintf(", %d known exploited (CISA KEV)", kev)
	}
	ew.printf("Findings:    %s\n", line)
	if len(settled) > 0 {
		ew.printf("             + %d not affected or fixed (VEX)\n", len(settled))
	}

	db := res.Database
	dbLine := fmt.Sprintf("%d advisories, %d KEV entries, %d EPSS scores", db.Advisories, db.KEVEntries, db.EPSSScores)
	if !db.UpdatedAt.IsZero() {
		dbLine += ", updated " + db.UpdatedAt.UTC().Format(time.DateOnly)
	}
	ew.printf("Database:    %s\n", dbLine)

	gen := ""
	if !res.Generated.IsZero() {
		gen = res.Generated.UTC().Format("2006-01-02 15:04:05 MST")
	}
	if res.Tool != "" {
		gen = strings.TrimSpace(gen + " by rocca " + termtext.Escape(res.Tool))
	}
	if gen != "" {
		ew.printf("Generated:   %s\n", gen)
	}
}

// Columns of the finding table.
const (
	colID = iota
	colSeverity
	colKEV
	colEPSS
	colFixed
	numCols
)

var colTitles = [numCols]string{"VULNERABILITY", "SEVERITY", "KEV", "EPSS", "FIXED IN"}

// colMax caps the width a column is padded to; a longer cell overflows its
// own row only.
var colMax = [numCols]int{36, 14, 4, 6, 32}

// writeFindingTable writes fs (in report order) grouped by component, with
// columns aligned across the whole table. A finding whose status is not
// plainly affected gets a status line under its row.
func writeFindingTable(ew *errWriter, fs []*model.Finding) {
	cells := make([][numCols]string, len(fs))
	var widths [numCols]int
	measure := func(cells *[numCols]string) {
		for i, c := range cells {
			widths[i] = max(widths[i], min(utf8.RuneCountInString(c), colMax[i]))
		}
	}
	measure(&colTitles)
	ransomware := false
	for i, f := range fs {
		cells[i] = findingCells(f)
		measure(&cells[i])
		if k := f.Vulnerability.KEV; k != nil && k.Ransomware {
			ransomware = true
		}
	}
	var line []byte
	writeCells := func(cells *[numCols]string) {
		line = append(line[:0], ' ', ' ')
		for i, c := range cells {
			line = append(line, c...)
			if i < numCols-1 {
				for range max(widths[i]-utf8.RuneCountInString(c), 0) + 2 {
					line = append(line, ' ')
				}
			}
		}
		line = append(bytes.TrimRight(line, " "), '\n')
		ew.Write(line)
	}
	writeCells(&colTitles)
	title := ""
	for i, f := range fs {
		if key := f.Component.Key(); i == 0 || key != title {
			title = key
			ew.str(termtext.Escape(title))
			ew.str("\n")
		}
		writeCells(&cells[i])
		if statusOf(f) != model.StatusAffected {
			status := statusText(f)
			if f.StatusSource != "" {
				status += " from " + f.StatusSource
			}
			ew.str("    status: ")
			ew.str(termtext.Escape(status))
			ew.str("\n")
		}
	}
	if ransomware {
		ew.printf("  (* known to be used in ransomware campaigns)\n")
	}
}

func findingCells(f *model.Finding) [numCols]string {
	var r [numCols]string
	v := f.Vulnerability
	r[colID] = termtext.Escape(v.ID)
	if n := len(aliases(v)); n > 0 {
		r[colID] += " (+" + plural(n, "alias", "aliases") + ")"
	}
	r[colSeverity] = severityText(v.Severity)
	r[colKEV] = "-"
	if v.KEV != nil {
		r[colKEV] = "yes"
		if v.KEV.Ransomware {
			r[colKEV] = "yes*"
		}
	} else if len(v.Exploited) > 0 {
		r[colKEV] = "EU" // only on the EU KEV or EUVD exploited lists
	}
	r[colEPSS] = "-"
	if v.EPSS != nil {
		r[colEPSS] = epssText(v.EPSS.Score)
	}
	r[colFixed] = "no fix"
	if fixed := uniqueStrings(f.FixedVersions); len(fixed) > 0 {
		shown := fixed[:min(len(fixed), maxFixedShown)]
		r[colFixed] = termtext.Escape(strings.Join(shown, ", "))
		if more := len(fixed) - len(shown); more > 0 {
			r[colFixed] += fmt.Sprintf(" (+%d more)", more)
		}
	}
	return r
}

// severityText is "critical 9.8", or the rating alone without a score.
func severityText(s model.Severity) string {
	t := string(ratingOf(s))
	if s.Score > 0 {
		t += " " + strconv.FormatFloat(s.Score, 'f', 1, 64)
	}
	return t
}

// epssText shows an EPSS probability as a percentage with two significant
// digits at most.
func epssText(score float64) string {
	p := score * 100
	switch {
	case p >= 10:
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	case p >= 1:
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 2, 64) + "%"
}

// statusText is e.g. "not_affected (VEX: component_not_present)".
func statusText(f *model.Finding) string {
	t := string(statusOf(f))
	switch {
	case f.Justification != "":
		t += " (VEX: " + f.Justification + ")"
	case f.StatusSource != "":
		t += " (VEX)"
	}
	return t
}

func writeUnmatched(ew *errWriter, um []model.Unmatched) {
	if len(um) == 0 {
		return
	}
	reasons := groupUnmatched(um)
	ew.printf("\nNot matched: %s (not checked for vulnerabilities)\n", plural(len(um), "component", "components"))
	shown := reasons[:min(len(reasons), maxUnmatchedReasons)]
	perReason := max(2, maxUnmatchedListed/len(shown))
	budget := maxUnmatchedListed
	truncated := false
	for _, r := range shown {
		ew.printf("  %s (%d)\n", termtext.Escape(r.text), len(r.comps))
		n := min(len(r.comps), perReason, budget)
		for _, c := range r.comps[:n] {
			ew.printf("    %s\n", termtext.Escape(unmatchedLabel(c)))
		}
		budget -= n
		if rest := len(r.comps) - n; rest > 0 {
			truncated = true
			if n > 0 { // else the count in the reason line says it
				ew.printf("    ... and %d more\n", rest)
			}
		}
	}
	if rest := reasons[len(shown):]; len(rest) > 0 {
		n := 0
		for _, r := range rest {
			n += len(r.comps)
		}
		ew.printf("  ... %s for %s\n", plural(len(rest), "other reason", "other reasons"), plural(n, "component", "components"))
		truncated = true
	}
	if truncated {
		ew.printf("  (the json format lists every one)\n")
	}
}

// clip shortens s to at most n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
