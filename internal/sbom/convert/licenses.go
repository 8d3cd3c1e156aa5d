package convert

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// licenses turns the model's licence strings into a CycloneDX 1.6 licence
// choice: either license objects or a single expression, never a mix.
func licenses(in []string) cdx.Licenses {
	var ids, exprs, names []string
	for _, l := range in {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || l == "NOASSERTION" || l == "NONE":
		case isLicenseID(l):
			ids = append(ids, l)
		case validExpression(l):
			exprs = append(exprs, l)
		default:
			names = append(names, l)
		}
	}
	switch {
	case len(exprs) == 0:
		out := make(cdx.Licenses, 0, len(ids)+len(names))
		for _, id := range ids {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: id}})
		}
		for _, n := range names {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: n}})
		}
		return out
	case len(names) == 0:
		parts := append(ids, exprs...)
		if len(parts) == 1 {
			return cdx.Licenses{{Expression: parts[0]}}
		}
		for i, p := range parts {
			parts[i] = "(" + p + ")"
		}
		return cdx.Licenses{{Expression: strings.Join(parts, " AND ")}}
	}
	out := make(cdx.Licenses, 0, len(in))
	for _, l := range append(append(ids, exprs...), names...) {
		out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l}})
	}
	return out
}

// isLicenseID reports whether s is one SPDX licence identifier (a
// LicenseRef- is not: CycloneDX license ids must come from the SPDX list).
func isLicenseID(s string) bool {
	if strings.ContainsAny(s, " ()+") {
		return false
	}
	if ok, id := spdxlicenses.IsActiveLicense(s); ok {
		return id == s
	}
	ok, id := spdxlicenses.IsDeprecatedLicense(s)
	return ok && id == s
}

func validExpression(s string) bool {
	ok, _ := spdxexp.ValidateLicenses([]string{s})
	return ok
}
