// Package srp holds the field matrix of ENISA's Single Reporting Platform
// (the CRA SRP Glossary) as versioned data embedded in the binary, and the
// drafts built from it: for a stage and notification type, exactly the
// SRP's fields in its order, with each field's status and limit enforced
// at entry. A new Glossary reading is a new JSON file, not a code change.
package srp

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
)

//go:embed glossary-*.json
var glossaries embed.FS

// Current is the Glossary version new drafts use.
const Current = "1.3"

// Status is a field's status at a stage.
type Status string

// The statuses of the Glossary's legend.
const (
	Required            Status = "required"
	Optional            Status = "optional"
	Copied              Status = "copied"
	RequiredIfAvailable Status = "required_if_available"
)

// Formats of the fields' values.
const (
	FormatText         = "text"          // free text, Limit characters at most when set
	FormatSelect       = "select"        // one of Options
	FormatCheckboxes   = "checkboxes"    // comma-separated subset of Options
	FormatMemberStates = "member_states" // comma-separated Member State codes
	FormatDateTime     = "datetime"      // RFC 3339, kept in UTC
	FormatEUVDID       = "euvd_id"       // EUVD-YYYY-NNNN…
)

// Field is one SRP field of the Glossary.
type Field struct {
	// ID is the Glossary's number: "1"…"18" common, "v19"… AEV, "i31"… SI.
	ID      string            `json:"id"`
	Label   string            `json:"label"`
	Types   []reporting.Kind  `json:"types"`
	Format  string            `json:"format"`
	Limit   int               `json:"limit,omitempty"`
	Options []string          `json:"options,omitempty"`
	Status  map[string]Status `json:"status"`
}

// Matrix is one version of the Glossary.
type Matrix struct {
	Glossary string  `json:"glossary"`
	Version  string  `json:"version"`
	Date     string  `json:"date"`
	Fields   []Field `json:"fields"`
}

// Stages that have an SRP form in the Glossary.
var Stages = []reporting.Stage{reporting.StageEarlyWarning, reporting.StageNotification, reporting.StageFinalReport}

// Load returns the embedded matrix of a Glossary version.
func Load(version string) (*Matrix, error) {
	b, err := glossaries.ReadFile("glossary-v" + version + ".json")
	if err != nil {
		return nil, fmt.Errorf("srp glossary %q: not embedded", version)
	}
	var m Matrix
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("srp glossary %s: %w", version, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("srp glossary %s: %w", version, err)
	}
	return &m, nil
}

func (m *Matrix) check() error {
	seen := map[string]bool{}
	for _, f := range m.Fields {
		if f.ID == "" || f.Label == "" || seen[f.ID] {
			return fmt.Errorf("field %q: empty or repeated id or label", f.ID)
		}
		seen[f.ID] = true
		switch f.Format {
		case FormatText, FormatDateTime, FormatEUVDID, FormatMemberStates:
		case FormatSelect, FormatCheckboxes:
			if len(f.Options) == 0 {
				return fmt.Errorf("field %s: %s without options", f.ID, f.Format)
			}
		default:
			return fmt.Errorf("field %s: unknown format %q", f.ID, f.Format)
		}
		for st, s := range f.Status {
			if !slices.Contains(Stages, reporting.Stage(st)) {
				return fmt.Errorf("field %s: unknown stage %q", f.ID, st)
			}
			switch s {
			case Required, Optional, Copied, RequiredIfAvailable:
			default:
				return fmt.Errorf("field %s: unknown status %q", f.ID, s)
			}
		}
		for _, k := range f.Types {
			if !k.Valid() {
				return fmt.Errorf("field %s: unknown notification type %q", f.ID, k)
			}
		}
	}
	return nil
}

// FieldsFor returns the fields the SRP shows at stage for kind, in its
// order, each with its status at that stage.
func (m *Matrix) FieldsFor(stage reporting.Stage, kind reporting.Kind) ([]DraftField, error) {
	if !slices.Contains(Stages, stage) {
		return nil, fmt.Errorf("stage %q has no SRP form (early_warning, notification or final_report)", stage)
	}
	if !kind.Valid() {
		return nil, fmt.Errorf("unknown notification type %q", kind)
	}
	var out []DraftField
	for _, f := range m.Fields {
		s, ok := f.Status[string(stage)]
		if !ok || !slices.Contains(f.Types, kind) {
			continue
		}
		out = append(out, DraftField{ID: f.ID, Label: f.Label, Status: s, Limit: f.Limit,
			Format: f.Format, Options: f.Options, mustFill: m.mustFill(f, stage)})
	}
	return out, nil
}

// mustFill reports whether an empty field blocks marking stage submitted:
// a required field, or a copied one that was required at an earlier stage
// (copying an empty value does not make it optional).
func (m *Matrix) mustFill(f Field, stage reporting.Stage) bool {
	switch f.Status[string(stage)] {
	case Required:
		return true
	case Copied:
		for _, st := range Stages {
			if st == stage {
				break
			}
			if f.Status[string(st)] == Required {
				return true
			}
		}
	}
	return false
}

// DraftField is one field of a draft. Limit is the most characters the
// SRP accepts, 0 for no limit; it is always in the JSON, as the SRP lists
// one for every field.
type DraftField struct {
	ID      string   `json:"id"`
	Label   string   `json:"label"`
	Status  Status   `json:"status"`
	Limit   int      `json:"limit"`
	Format  string   `json:"format"`
	Options []string `json:"options,omitempty"`
	Value   string   `json:"value"`

	mustFill bool
}

// Draft is the text of one stage's SRP form.
type Draft struct {
	Glossary string          `json:"glossary"`
	Stage    reporting.Stage `json:"stage"`
	Kind     reporting.Kind  `json:"type"`
	Fields   []DraftField    `json:"fields"`
}

// NewDraft returns an empty draft of stage for kind.
func (m *Matrix) NewDraft(stage reporting.Stage, kind reporting.Kind) (*Draft, error) {
	fs, err := m.FieldsFor(stage, kind)
	if err != nil {
		return nil, err
	}
	return &Draft{Glossary: m.Version, Stage: stage, Kind: kind, Fields: fs}, nil
}

// FieldError is a value a field does not accept.
type FieldError struct {
	ID, Label string
	Reason    string
	// Why is Reason's code and arguments, for translation.
	Why msg.Text
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("SRP field %s %q: %s", e.ID, e.Label, e.Reason)
}

var euvdID = regexp.MustCompile(`^EUVD-20\d{2}-\d{4,}$`)

// Set sets a field's value after checking it against the field's limit
// and format; an unknown field is an error too. Surrounding space is
// trimmed; an empty value clears the field.
func (d *Draft) Set(id, value string) error {
	for i := range d.Fields {
		f := &d.Fields[i]
		if f.ID != id {
			continue
		}
		v := strings.TrimSpace(value)
		if err := f.validate(v); err != nil {
			return err
		}
		f.Value = v
		return nil
	}
	return fmt.Errorf("SRP field %q is not on the %s form of a %s notification", id, d.Stage, d.Kind)
}

func (f *DraftField) validate(v string) error {
	fail := func(code, format string, a ...any) error {
		m := msg.New(code, format, a...)
		return &FieldError{ID: f.ID, Label: f.Label, Reason: m.English, Why: m}
	}
	if v == "" {
		return nil
	}
	if !utf8.ValidString(v) {
		return fail("srp.utf8", "not valid UTF-8")
	}
	if n := utf8.RuneCountInString(v); f.Limit > 0 && n > f.Limit {
		return fail("srp.long", "%d characters, the SRP accepts at most %d", n, f.Limit)
	}
	switch f.Format {
	case FormatSelect:
		if !slices.Contains(f.Options, v) {
			return fail("srp.option", "%q is not one of %s", v, strings.Join(f.Options, ", "))
		}
	case FormatCheckboxes:
		for _, p := range splitList(v) {
			if !slices.Contains(f.Options, p) {
				return fail("srp.option", "%q is not one of %s", p, strings.Join(f.Options, ", "))
			}
		}
	case FormatMemberStates:
		for _, p := range splitList(v) {
			if !reporting.MemberState(p) {
				return fail("srp.member_state", "%q is not an EU Member State code (e.g. IT, DE, FR)", p)
			}
		}
	case FormatDateTime:
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return fail("srp.datetime", "%q is not a date and time like 2026-10-05T10:17:00Z", v)
		}
	case FormatEUVDID:
		if !euvdID.MatchString(v) {
			return fail("srp.euvd", "%q is not an EUVD id like EUVD-2026-12345", v)
		}
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Value returns a field's value ("" when the field is empty or not on the
// form).
func (d *Draft) Value(id string) string {
	for _, f := range d.Fields {
		if f.ID == id {
			return f.Value
		}
	}
	return ""
}

// MissingError lists the fields that must be filled before a stage can be
// marked submitted.
type MissingError struct {
	Stage  reporting.Stage
	Fields []DraftField
}

func (e *MissingError) Error() string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = fmt.Sprintf("%s %q", f.ID, f.Label)
	}
	return fmt.Sprintf("cannot mark the %s submitted: required SRP field(s) empty: %s", e.Stage, strings.Join(names, ", "))
}

// CheckSubmittable returns a *MissingError naming every required field
// (or copied field required at an earlier stage) left empty, and rechecks
// every value against its field's rules.
func (d *Draft) CheckSubmittable() error {
	var missing []DraftField
	for _, f := range d.Fields {
		if f.Value == "" {
			if f.mustFill {
				missing = append(missing, f)
			}
			continue
		}
		if err := f.validate(f.Value); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return &MissingError{Stage: d.Stage, Fields: missing}
	}
	return nil
}

// MustFill reports whether f blocks marking its stage submitted when empty.
func (f DraftField) MustFill() bool { return f.mustFill }
