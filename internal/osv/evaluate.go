package osv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/version"
)

// ErrIndeterminate is wrapped by Evaluate's error when no range or listed
// version shows the version affected but some range could not be evaluated,
// so "not affected" cannot be concluded either.
var ErrIndeterminate = errors.New("cannot tell whether the version is affected")

// Verdict is the outcome of evaluating an affected entry for one version.
type Verdict struct {
	Affected bool
	// Fixed lists the fix versions relevant to the version: the fixed events
	// of the matching range(s) above the version, lowest first,
	// de-duplicated. Empty if no fix known.
	//
	// Of a range holding several introduced/fixed pairs, the fix is the one
	// that ends the interval holding the version: for 1.18.5 in
	// 0→1.18.6, 1.19.0-0→1.19.1 it is 1.18.6 alone. An interval ended by
	// last_affected has no known fix.
	Fixed []string
	// Undecided is true when the entry has GIT ranges, which cannot be
	// evaluated from a version number (informational; other ranges are
	// still evaluated, never hidden).
	Undecided bool
}

// Evaluate tells whether version v of the entry's package is affected, by
// the OSV schema's algorithm: v is affected if it is listed in versions or
// lies in any SEMVER or ECOSYSTEM range.
//
// v should come from version.Parse with the entry's ecosystem; a Version
// that failed to parse (invalid, or of an unsupported ecosystem) is still
// matched literally against versions. Listed versions match by string
// equality and by version equality ("1.0" lists PyPI's "1.0.0"). ECOSYSTEM
// ranges are ordered by the ecosystem's rules; SEMVER ranges by SemVer 2.0,
// with v.Semver(). Events need not be sorted: the result is that of the
// schema's walk over the events sorted by version, events of equal version
// keeping their order. "introduced": "0" sorts before every version, a
// "limit" containing "*" after every version. GIT ranges are skipped and set
// Undecided.
//
// Bad data is resolved towards reporting, never towards silence:
//
//   - An event whose version does not parse is skipped. A skipped fixed,
//     last_affected or limit event can only widen the range (a possible
//     false positive, with that fix missing from Fixed).
//   - A skipped introduced event could have opened the range anywhere, so a
//     range with one is indeterminate unless it shows v affected anyway.
//   - So is a range with no introduced event at all (the schema requires
//     one), when reading it as starting at "0" would make v affected.
//   - So is a range that cannot be evaluated at all: v is not a valid
//     version of the ecosystem (or, for SEMVER, not SemVer), or the range
//     type is unknown.
//
// When v is affected, the error is nil whatever else happened. When it is
// not, and some range was indeterminate, the error wraps ErrIndeterminate
// and the Verdict says not affected: the caller should report the version
// as unknown, not as clean.
//
// Evaluate does not modify the entry and may be called concurrently. It
// parses event versions on each call but never sorts them; version lists
// are scanned without parsing entries that cannot be equal to v. With
// SemVer orderings (npm, Go, crates.io, SEMVER ranges...) and Alpine it does
// not allocate unless v is affected or a range is indeterminate; the other
// orderings allocate in semantic's parsers.
func (a *Affected) Evaluate(v version.Version) (Verdict, error) {
	var verdict Verdict
	if err := a.checkEcosystem(v); err != nil {
		return verdict, err
	}
	var indeterminate error
	var semver version.Version
	var semverErr error
	semverDone := false
	var fixes []fix
	for i := range a.Ranges {
		r := &a.Ranges[i]
		var base version.Version
		switch r.Type {
		case RangeGit:
			verdict.Undecided = true
			continue
		case RangeEcosystem:
			if !v.Valid() {
				indeterminate = firstErr(indeterminate, fmt.Errorf("%w: %s ranges[%d]: %w", ErrIndeterminate, a.Package.Name, i, notComparable(v)))
				continue
			}
			base = v
		case RangeSemver:
			if !semverDone {
				semver, semverErr = v.Semver()
				semverDone = true
			}
			if semverErr != nil {
				indeterminate = firstErr(indeterminate, fmt.Errorf("%w: %s ranges[%d] (SEMVER): %w", ErrIndeterminate, a.Package.Name, i, semverErr))
				continue
			}
			base = semver
		default:
			indeterminate = firstErr(indeterminate, fmt.Errorf("%w: %s ranges[%d]: unknown range type %q", ErrIndeterminate, a.Package.Name, i, r.Type))
			continue
		}
		res := evalRange(r.Events, base)
		switch {
		case res.affected:
			verdict.Affected = true
			if f, ok := closingFix(r.Events, base); ok {
				fixes = append(fixes, f)
			}
		case res.doubt != "":
			indeterminate = firstErr(indeterminate, fmt.Errorf("%w: %s ranges[%d]: %s", ErrIndeterminate, a.Package.Name, i, res.doubt))
		}
	}
	if verdict.Affected {
		verdict.Fixed = sortFixes(fixes)
		return verdict, nil
	}
	if a.listed(v) {
		verdict.Affected = true
		return verdict, nil
	}
	return verdict, indeterminate
}

func firstErr(have, err error) error {
	if have != nil {
		return have
	}
	return err
}

func notComparable(v version.Version) error {
	_, err := v.Compare(v.String())
	if err == nil {
		err = errors.New("version not comparable")
	}
	return err
}

// checkEcosystem refuses a version of another ecosystem than the entry's.
func (a *Affected) checkEcosystem(v version.Version) error {
	eco := a.Package.Ecosystem
	if eco == "" {
		return nil // a bare GIT entry
	}
	if i := strings.IndexByte(eco, ':'); i >= 0 {
		eco = eco[:i]
	}
	if eco == v.Ecosystem() {
		return nil
	}
	if canon, _ := version.Canonical(eco); canon == v.Ecosystem() {
		return nil
	}
	return fmt.Errorf("a %q version evaluated against %s package %s", v.Ecosystem(), a.Package.Ecosystem, a.Package.Name)
}

// listed reports whether v is in the versions list, by string, then by
// version equality.
func (a *Affected) listed(v version.Version) bool {
	s := v.String()
	if s == "" {
		return false
	}
	for _, l := range a.Versions {
		if l == s {
			return true
		}
	}
	if !v.Valid() {
		return false
	}
	for _, l := range a.Versions {
		if v.Equal(l) {
			return true
		}
	}
	return false
}

// rangeResult is the outcome of one range: affected, or not affected with
// doubt explaining why that is not certain.
type rangeResult struct {
	affected bool
	doubt    string
}

// event kinds.
const (
	evNone = iota
	evIntroduced
	evFixed
	evLastAffected
	evLimit
)

func eventKind(e *Event) (int, string) {
	switch {
	case e.Introduced != "":
		return evIntroduced, e.Introduced
	case e.Fixed != "":
		return evFixed, e.Fixed
	case e.LastAffected != "":
		return evLastAffected, e.LastAffected
	case e.Limit != "":
		return evLimit, e.Limit
	}
	return evNone, ""
}

// evalRange evaluates one SEMVER or ECOSYSTEM range for v (already in the
// range's ordering). Sorting the events and walking them, as the schema's
// pseudocode does, leaves v's state to the last event in sorted order that
// changes it: the greatest introduced or fixed event <= v or last_affected
// event < v, the later one in the list among equal versions. evalRange
// finds that event in one pass, without sorting.
func evalRange(events []Event, v version.Version) rangeResult {
	var (
		best      = -1 // kind of the deciding event so far; -1 none
		bestVer   version.Version
		bestZero  bool // the deciding event is introduced "0"
		hasIntro  bool
		badIntro  string // why an introduced event was skipped
		hasLimit  bool
		belowLimt bool
	)
	for k := range events {
		kind, s := eventKind(&events[k])
		if kind == evNone {
			continue
		}
		if kind == evIntroduced {
			hasIntro = true
			if s == "0" {
				if best < 0 {
					best, bestZero = evIntroduced, true
				}
				continue
			}
		}
		if kind == evLimit && strings.Contains(s, "*") {
			hasLimit, belowLimt = true, true
			continue
		}
		e, err := v.Parse(s)
		var c int
		if err == nil {
			c, err = v.CompareVersion(e)
		}
		if err != nil {
			if kind == evIntroduced && badIntro == "" {
				badIntro = fmt.Sprintf("introduced %q skipped: %v", s, err)
			}
			continue
		}
		if kind == evLimit {
			hasLimit = true
			if c < 0 {
				belowLimt = true
			}
			continue
		}
		fires := c >= 0
		if kind == evLastAffected {
			fires = c > 0
		}
		if !fires {
			continue
		}
		if best >= 0 && !bestZero {
			if d, err := e.CompareVersion(bestVer); err != nil || d < 0 {
				continue
			}
		}
		best, bestVer, bestZero = kind, e, false
	}
	if hasLimit && !belowLimt {
		return rangeResult{} // at or above every limit: certainly not affected
	}
	if best == evIntroduced {
		return rangeResult{affected: true}
	}
	switch {
	case badIntro != "":
		return rangeResult{doubt: badIntro}
	case !hasIntro && best < 0:
		return rangeResult{doubt: "no introduced event, and the version is below every fixed and last_affected event"}
	}
	return rangeResult{}
}

// fix is a fixed event's version.
type fix struct {
	s string
	v version.Version
}

// closingFix returns the event that ends the interval holding v, an
// affected version: the lowest fixed event above v or last_affected event
// at or above v (a fixed event on a tie). ok is false when that is a
// last_affected event or there is none.
func closingFix(events []Event, v version.Version) (f fix, ok bool) {
	next := evNone
	for k := range events {
		kind, s := eventKind(&events[k])
		if kind != evFixed && kind != evLastAffected {
			continue
		}
		e, err := v.Parse(s)
		if err != nil {
			continue
		}
		c, err := v.CompareVersion(e)
		if err != nil || c > 0 || c == 0 && kind == evFixed {
			continue // not above v
		}
		if next != evNone {
			d, err := e.CompareVersion(f.v)
			if err != nil || d > 0 || d == 0 && (kind == evLastAffected || next == evFixed) {
				continue
			}
		}
		next, f = kind, fix{s, e}
	}
	return f, next == evFixed
}

// sortFixes orders fixes lowest first and drops duplicates (by string or
// by version).
func sortFixes(fixes []fix) []string {
	// Insertion sort: there is one per affected range.
	for i := 1; i < len(fixes); i++ {
		for j := i; j > 0; j-- {
			if c, ok := cmpFix(fixes[j].v, fixes[j-1].v); !ok || c >= 0 {
				break
			}
			fixes[j], fixes[j-1] = fixes[j-1], fixes[j]
		}
	}
	var out []string
	for i, f := range fixes {
		dup := false
		for _, g := range fixes[:i] {
			if c, ok := cmpFix(g.v, f.v); g.s == f.s || ok && c == 0 {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, f.s)
		}
	}
	return out
}

// cmpFix compares two fix versions. Those of a SEMVER and an ECOSYSTEM
// range of one entry are brought to one ordering by re-parsing; when that
// fails they are left unordered.
func cmpFix(x, y version.Version) (int, bool) {
	c, err := x.CompareVersion(y)
	if err != nil {
		var y2 version.Version
		if y2, err = x.Parse(y.String()); err == nil {
			c, err = x.CompareVersion(y2)
		}
	}
	return c, err == nil
}
