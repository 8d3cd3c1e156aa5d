package sbom

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/purl"
	"github.com/rocca-project/rocca/internal/uid"
)

// Purl derivation for CycloneDX components that carry no purl. Only
// evidence that names the component exactly is used:
//
//   - a bom-ref that is itself a valid Package URL whose name (or
//     namespace/name) is the component's name, whose version is its
//     version, and whose namespace is its group when it has one: the
//     document identifies the component by that purl
//     (PURLDerivedFrom "CycloneDX bom-ref");
//   - a SWID tag with a tagId and a name: purl-spec's swid type is
//     pkg:swid/name@version?tag_id=tagId, the namespace being optional
//     (PURLDerivedFrom "CycloneDX swid").
//
// A CPE is not used: its vendor and product do not tell the package
// ecosystem, so no purl type follows from it.

// Values of model.Component.PURLDerivedFrom set here.
const (
	derivedFromBOMRef = "CycloneDX bom-ref"
	derivedFromSWID   = "CycloneDX swid"
)

// cdxSWID is the part of a CycloneDX swid element derivation uses.
type cdxSWID struct {
	TagID   string `json:"tagId"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// cdxDerivePURL sets c.PURL and c.PURLDerivedFrom when c has no purl and its
// bom-ref or SWID tag gives one.
func cdxDerivePURL(c *model.Component, swid *cdxSWID) {
	if c.PURL != "" {
		return
	}
	if p, ok := purlFromRef(c); ok {
		c.PURL, c.PURLDerivedFrom = p, derivedFromBOMRef
		return
	}
	if swid != nil {
		if p, ok := purlFromSWID(*swid); ok {
			c.PURL, c.PURLDerivedFrom = p, derivedFromSWID
		}
	}
}

// purlFromRef returns c's bom-ref when it is a purl naming c.
func purlFromRef(c *model.Component) (string, bool) {
	if !strings.HasPrefix(c.Ref, "pkg:") || c.Name == "" {
		return "", false
	}
	p, err := purl.Parse(c.Ref)
	if err != nil || p.Version != c.Version {
		return "", false
	}
	full := p.Name
	if p.Namespace != "" {
		full = p.Namespace + "/" + p.Name
	}
	switch {
	case strings.EqualFold(full, c.Name):
	case strings.EqualFold(p.Name, c.Name) && (c.Group == "" || strings.EqualFold(p.Namespace, c.Group)):
	default:
		return "", false
	}
	return c.Ref, true
}

// purlFromSWID builds the swid purl of a tag with a tagId and a name.
func purlFromSWID(s cdxSWID) (string, bool) {
	tagID, name, version := strings.TrimSpace(s.TagID), strings.TrimSpace(s.Name), strings.TrimSpace(s.Version)
	if tagID == "" || name == "" {
		return "", false
	}
	if isGUID(tagID) {
		tagID = strings.ToLower(tagID) // purl-spec: a GUID tag_id is lowercase
	}
	p := packageurl.NewPackageURL("swid", "", name, version, packageurl.Qualifiers{{Key: "tag_id", Value: tagID}}, "").ToString()
	if _, err := purl.Parse(p); err != nil {
		return "", false
	}
	return p, true
}

// isGUID reports whether s has the 8-4-4-4-12 hexadecimal form of a GUID.
func isGUID(s string) bool { return uid.Valid(s) }
