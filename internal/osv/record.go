package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxRecordSize bounds one OSV record; the largest real records (distro
// advisories listing thousands of versions) are a few MB.
const MaxRecordSize = 32 << 20

// Record is an OSV vulnerability record, reduced to the fields rocca uses.
type Record struct {
	SchemaVersion    string          `json:"schema_version,omitempty"`
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Published        string          `json:"published,omitempty"`
	Withdrawn        string          `json:"withdrawn,omitempty"`
	Aliases          []string        `json:"aliases,omitempty"`
	Related          []string        `json:"related,omitempty"`
	Upstream         []string        `json:"upstream,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Severity         []Severity      `json:"severity,omitempty"`
	Affected         []Affected      `json:"affected,omitempty"`
	References       []Reference     `json:"references,omitempty"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Severity is a severity entry: a CVSS vector (or Ubuntu priority) and its type.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Package identifies the affected package in an ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Affected is one affected package with its ranges and explicit versions.
type Affected struct {
	Package           Package         `json:"package"`
	Severity          []Severity      `json:"severity,omitempty"`
	Ranges            []Range         `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Range types defined by the schema.
const (
	RangeSemver    = "SEMVER"
	RangeEcosystem = "ECOSYSTEM"
	RangeGit       = "GIT"
)

// Range is a list of version events of one type.
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a URL with its kind.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// FieldError reports an invalid field of a record.
type FieldError struct {
	ID    string // record id, empty when it is the id that is missing
	Field string // JSON path, e.g. affected[2].ranges[0].events[1]
	Msg   string
}

func (e *FieldError) Error() string {
	id := e.ID
	if id == "" {
		id = "record"
	}
	return fmt.Sprintf("%s: %s: %s", id, e.Field, e.Msg)
}

// Parse decodes and validates one OSV record.
func Parse(data []byte) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("record of %d bytes exceeds the %d byte limit", len(data), MaxRecordSize)
	}
	var r Record
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, describeJSONError(data, err)
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

func describeJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("invalid JSON at line %d (byte %d): %w", line, syn.Offset, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("field %q: expected %s, found JSON %s", typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// Validate checks the fields matching depends on.
func (r *Record) Validate() error {
	if strings.TrimSpace(r.ID) == "" {
		return &FieldError{Field: "id", Msg: "missing"}
	}
	if len(r.ID) > 256 {
		return &FieldError{ID: r.ID[:64] + "...", Field: "id", Msg: "longer than 256 characters"}
	}
	for _, f := range []struct{ name, v string }{{"modified", r.Modified}, {"published", r.Published}, {"withdrawn", r.Withdrawn}} {
		if f.v == "" {
			continue
		}
		if _, err := ParseTime(f.v); err != nil {
			return &FieldError{ID: r.ID, Field: f.name, Msg: fmt.Sprintf("not an RFC 3339 time: %q", f.v)}
		}
	}
	for i, a := range r.Affected {
		if err := a.validate(); err != nil {
			err.ID = r.ID
			err.Field = fmt.Sprintf("affected[%d].%s", i, err.Field)
			return err
		}
	}
	return nil
}

func (a *Affected) validate() *FieldError {
	if a.Package.Ecosystem == "" && a.Package.Name == "" && a.Package.PURL == "" && len(a.Ranges) > 0 && a.Ranges[0].Type == RangeGit {
		return nil // a bare GIT range, as OSS-Fuzz and CVE-converted records carry
	}
	if a.Package.Ecosystem == "" {
		return &FieldError{Field: "package.ecosystem", Msg: "missing"}
	}
	if a.Package.Name == "" {
		return &FieldError{Field: "package.name", Msg: "missing"}
	}
	for j, rg := range a.Ranges {
		switch rg.Type {
		case RangeSemver, RangeEcosystem, RangeGit:
		default:
			return &FieldError{Field: fmt.Sprintf("ranges[%d].type", j), Msg: fmt.Sprintf("unknown range type %q", rg.Type)}
		}
		if len(rg.Events) == 0 {
			return &FieldError{Field: fmt.Sprintf("ranges[%d].events", j), Msg: "empty"}
		}
		for k, ev := range rg.Events {
			n := 0
			for _, s := range []string{ev.Introduced, ev.Fixed, ev.LastAffected, ev.Limit} {
				if s != "" {
					n++
				}
			}
			if n != 1 {
				return &FieldError{Field: fmt.Sprintf("ranges[%d].events[%d]", j, k), Msg: "must set exactly one of introduced, fixed, last_affected, limit"}
			}
		}
	}
	return nil
}

// ParseTime parses an OSV timestamp (RFC 3339, any fraction of seconds).
func ParseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

// ModifiedTime returns the record's modified time; the zero time when it is
// missing, unparsable, or the zero date golang/vulndb writes.
func (r *Record) ModifiedTime() time.Time {
	t, err := ParseTime(r.Modified)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t.UTC()
}

// IsWithdrawn reports whether the record has been withdrawn.
func (r *Record) IsWithdrawn() bool { return r.Withdrawn != "" }

// IDs returns the record's id followed by its aliases, without duplicates.
func (r *Record) IDs() []string {
	ids := make([]string, 0, 1+len(r.Aliases))
	seen := map[string]bool{}
	for _, id := range append([]string{r.ID}, r.Aliases...) {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}
