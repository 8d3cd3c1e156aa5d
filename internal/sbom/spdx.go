package sbom

import (
	"bytes"
	"regexp"
)

// SPDX 2 JSON, tag-value and YAML are decoded in spdx2*.go, SPDX 3
// JSON-LD in spdx3*.go. SPDX RDF/XML and XML are recognised so that the
// error says what the document is, but not read (a nil decode).

var spdxJSON = reader{
	format: "SPDX JSON",
	detect: func(d *document) (string, bool) {
		if d.syntax != syntaxJSON || d.member("spdxVersion") == nil {
			return "", false
		}
		v, _ := d.memberString("spdxVersion")
		return clip(v, 16), true
	},
	decode: decodeSPDXJSON,
}

var spdx3JSONLD = reader{
	format: "SPDX 3 JSON-LD",
	detect: func(d *document) (string, bool) {
		ctx := d.member("@context")
		return "", d.syntax == syntaxJSON && bytes.Contains(ctx, []byte("spdx.org/rdf/3"))
	},
	decode: decodeSPDX3,
}

// SPDX tag-value puts "SPDXVersion: SPDX-2.3" on a line of its own; the
// YAML serialisation has a top-level "spdxVersion:" key (and may quote
// the value). Both are looked for anywhere, as line order is free.
var (
	tagValueVersion = regexp.MustCompile(`(?m)^SPDXVersion:[ \t]*(\S{0,16})`)
	yamlVersion     = regexp.MustCompile(`(?m)^spdxVersion:[ \t]*["']?([^"'\s]{0,16})`)
)

var spdxTagValue = reader{
	format: "SPDX tag-value",
	detect: func(d *document) (string, bool) {
		return textVersion(d, tagValueVersion)
	},
	decode: decodeSPDXTagValue,
}

var spdxYAML = reader{
	format: "SPDX YAML",
	detect: func(d *document) (string, bool) {
		return textVersion(d, yamlVersion)
	},
	decode: decodeSPDXYAML,
}

func textVersion(d *document, re *regexp.Regexp) (string, bool) {
	if d.syntax != syntaxText {
		return "", false
	}
	m := re.FindSubmatch(d.data)
	if m == nil {
		return "", false
	}
	return string(m[1]), true
}

var spdxRDFXML = reader{
	format: "SPDX RDF/XML",
	detect: func(d *document) (string, bool) {
		return "", d.syntax == syntaxXML && d.root.local == "RDF" && bytes.Contains(d.data, []byte("spdx.org/rdf/terms"))
	},
}

// spdxXML is the XML serialisation of SPDX 2 (root <Document>).
var spdxXML = reader{
	format: "SPDX XML",
	detect: func(d *document) (string, bool) {
		return "", d.syntax == syntaxXML && (d.root.local == "Document" || d.root.local == "SpdxDocument") && bytes.Contains(d.data, []byte("<spdxVersion>"))
	},
}
