package sbom

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// formatCycloneDX is model.SBOM.Format for CycloneDX documents.
const formatCycloneDX = "CycloneDX"

// newestSpec is the newest CycloneDX version cyclonedx-go models; a
// document declaring a newer one is read leniently, with a warning.
const newestSpec = cdx.SpecVersion1_7

var cyclonedxJSON = reader{
	format: "CycloneDX JSON",
	detect: func(d *document) (string, bool) {
		if d.syntax != syntaxJSON {
			return "", false
		}
		version, _ := d.memberString("specVersion")
		if f, ok := d.memberString("bomFormat"); ok {
			return version, strings.EqualFold(f, formatCycloneDX)
		}
		// bomFormat is required, but a $schema pointing at a CycloneDX
		// schema says enough.
		return version, d.member("bomFormat") == nil && bytes.Contains(d.member("$schema"), []byte("cyclonedx.org/schema/bom"))
	},
	decode: decodeCycloneDXJSON,
}

var cyclonedxXML = reader{
	format: "CycloneDX XML",
	detect: func(d *document) (string, bool) {
		if d.syntax != syntaxXML || d.root.local != "bom" {
			return "", false
		}
		if d.root.ns == "" {
			return "", true
		}
		v, ok := xmlSpecVersion(d.root.ns)
		return v, ok
	},
	decode: decodeCycloneDXXML,
}

// cdxNamespace prefixes the XML namespace of every CycloneDX version.
const cdxNamespace = "cyclonedx.org/schema/bom/"

// xmlSpecVersion returns the version in a CycloneDX XML namespace such as
// "http://cyclonedx.org/schema/bom/1.6".
func xmlSpecVersion(ns string) (string, bool) {
	i := strings.Index(ns, cdxNamespace)
	if i < 0 {
		return "", false
	}
	return ns[i+len(cdxNamespace):], true
}

// specWarnings returns warnings about a declared CycloneDX version: absent,
// unknown, newer than cyclonedx-go knows, or older than JSON encoding.
func specWarnings(v string, isJSON bool) []string {
	if v == "" {
		return []string{"the document declares no specVersion"}
	}
	for sv := cdx.SpecVersion1_0; sv <= newestSpec; sv++ {
		if sv.String() == v {
			if isJSON && sv < cdx.SpecVersion1_2 {
				return []string{fmt.Sprintf("CycloneDX %s has no JSON encoding; read as a later version", v)}
			}
			return nil
		}
	}
	major, minor, ok := strings.Cut(v, ".")
	if ok && major == "1" {
		// SpecVersion1_0 is 1, so 1.N is SpecVersion N+1.
		if m, err := strconv.Atoi(minor); err == nil && m > int(newestSpec)-1 {
			return []string{fmt.Sprintf("CycloneDX %s is newer than %s, the newest version rocca knows; read leniently", clip(v, 16), newestSpec)}
		}
	}
	return []string{fmt.Sprintf("unknown CycloneDX specVersion %q; read leniently", clip(v, 16))}
}
