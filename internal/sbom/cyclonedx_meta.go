package sbom

import (
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// This file holds what the JSON and XML paths share once their own
// decoding is done: how CycloneDX's people, licences, tools and dates
// become the model's strings.

// cdxContact is a CycloneDX organizationalContact (a person).
type cdxContact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// String renders a contact as "Name <email>", or whichever of the two
// is present (the e-mail address is kept: it is how a creator is reached).
func (c cdxContact) String() string {
	name, email := strings.TrimSpace(c.Name), strings.TrimSpace(c.Email)
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case name != "":
		return name
	}
	return email
}

// contactList renders contacts, skipping empty ones.
func contactList(cs []cdxContact) []string {
	var out []string
	for _, c := range cs {
		if s := c.String(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// componentAuthor picks a component's Author: the author string of
// CycloneDX 1.2 to 1.5 (deprecated but still written in 1.6), else the
// authors of 1.6 joined with ", ", else the manufacturer's name (1.6:
// the organisation that made the component). publisher is not used: it
// names who published the component, not who wrote it.
func componentAuthor(author string, authors []cdxContact, manufacturer string) string {
	if a := strings.TrimSpace(author); a != "" {
		return a
	}
	if list := contactList(authors); len(list) > 0 {
		return strings.Join(list, ", ")
	}
	return strings.TrimSpace(manufacturer)
}

// licence returns the model's form of one CycloneDX licence choice: the
// SPDX expression, else the licence id, else its name ("" when none).
func licence(expression, id, name string) string {
	for _, s := range []string{expression, id, name} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// appendLicence appends l to list unless it is empty or already there.
func appendLicence(list []string, l string) []string {
	if l == "" || hasRef(list, l) {
		return list
	}
	return append(list, l)
}

// toolName renders a producing tool as "vendor name version", leaving out
// the parts the document does not give. vendor is a 1.2–1.4 tool's
// vendor, or the group of a 1.5+ tool component or service.
func toolName(vendor, name, version string) string {
	var parts []string
	for _, s := range []string{vendor, name, version} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// cdxMeta is the document-level information both paths collect.
type cdxMeta struct {
	serial, timestamp string
	tools, authors    []string
	// supplier and manufacturer are metadata.supplier and
	// metadata.manufacturer (or 1.2–1.5 manufacture): they describe the
	// subject, and fill its Supplier and Author when it has none.
	supplier, manufacturer string
}

// timestampLayouts are the xs:dateTime forms accepted for
// metadata.timestamp. A time without a zone is taken as UTC.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"}

// applyMeta stores m in s.
func applyMeta(s *model.SBOM, m cdxMeta) {
	s.Serial = strings.TrimSpace(m.serial)
	s.Tools, s.Authors = m.tools, m.authors
	if ts := strings.TrimSpace(m.timestamp); ts != "" {
		parsed := false
		for _, layout := range timestampLayouts {
			if t, err := time.Parse(layout, ts); err == nil {
				s.Created, parsed = t.UTC(), true
				break
			}
		}
		if !parsed {
			s.Warnings = append(s.Warnings, fmt.Sprintf("metadata.timestamp %q is not a date-time; ignored", clip(ts, 40)))
		}
	}
	if s.Subject != nil {
		if s.Subject.Supplier == "" {
			s.Subject.Supplier = strings.TrimSpace(m.supplier)
		}
		if s.Subject.Author == "" {
			s.Subject.Author = strings.TrimSpace(m.manufacturer)
		}
	}
}
