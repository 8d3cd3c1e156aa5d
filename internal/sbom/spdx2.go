package sbom

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spdx/tools-golang/convert"
	"github.com/spdx/tools-golang/spdx/v2/v2_2"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	tv23 "github.com/spdx/tools-golang/spdx/v2/v2_3/tagvalue/reader"
	"sigs.k8s.io/yaml"

	"github.com/rocca-project/rocca/internal/model"
)

// SPDX 2 documents are decoded with github.com/spdx/tools-golang into its
// 2.3 model (a 2.2 document is decoded as 2.2 and converted by the
// library), then mapped to model.SBOM by spdx2Model. The three encodings
// differ only in how the library's Document is obtained:
//
//   - JSON: encoding/json straight into the version's Document type (the
//     pre-scan has bounded the depth); a document of 64 KiB or more is
//     decoded in parts on every CPU, with the same result
//     (spdx_parallel.go), falling back to the whole-document decoding on
//     any fault, which gives the positioned error.
//   - YAML: converted to JSON by sigs.k8s.io/yaml (the library's own
//     route), and the JSON is then bounded and decoded like a JSON document
//     (in parts too when large).
//   - tag-value: split into tag/value pairs by rocca's own tokenizer, which
//     keeps each pair's line, then parsed by the library's SPDX 2.3
//     tag-value parser, also for 2.2 documents: 2.3 only added tags, and
//     the library's 2.2 parser refuses a snippet section that follows a
//     package, which the 2.2 specification allows (its own example has
//     one).
//
// SPDX 2.1 and earlier, and unknown 2.x versions, are refused with
// ErrUnsupported.

// spdx2Doc is a decoded SPDX 2 document and what the library's model
// loses: the version the document declared and, for tag-value, the line of
// each package.
type spdx2Doc struct {
	doc      *v2_3.Document
	version  string // as declared: "SPDX-2.2" or "SPDX-2.3"
	encoding string // "json", "yaml" or "tag-value"
	warnings []string
}

// spdx2Versions are the SPDX 2 versions rocca reads.
var spdx2Versions = []string{v2_2.Version, v2_3.Version}

// checkSPDX2Version refuses versions other than 2.2 and 2.3.
func (d *document) checkSPDX2Version(v string) error {
	for _, ok := range spdx2Versions {
		if v == ok {
			return nil
		}
	}
	what := fmt.Sprintf("%q", clip(v, 24))
	if v == "" {
		what = "no version"
	}
	return d.errorAt(-1, "spdxVersion", wrapf(ErrUnsupported, "sbom.spdx_version", "SPDX document declares %s; rocca reads SPDX-2.2, SPDX-2.3 and SPDX 3.0 JSON-LD", what))
}

// safely runs a library call and turns a panic into an error, so that a
// bug in a dependency cannot crash the process. It is not how inputs are
// bounded: the limits are enforced before and after.
func safely(what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s failed (internal error in the SPDX library: %v)", what, r)
		}
	}()
	return f()
}

// parseSPDX2JSON decodes d.data, an SPDX 2 JSON document (also the JSON
// form of a YAML document), into the library's 2.3 model.
func (d *document) parseSPDX2JSON(data []byte, version string) (*v2_3.Document, error) {
	var doc v2_3.Document
	err := safely("decoding the SPDX document", func() error {
		if version == v2_3.Version {
			return json.Unmarshal(data, &doc)
		}
		var old v2_2.Document
		if err := json.Unmarshal(data, &old); err != nil {
			return err
		}
		return convert.Document(&old, &doc)
	})
	return &doc, err
}

func decodeSPDXJSON(d *document) (*model.SBOM, error) {
	sd, err := d.loadSPDXJSON()
	if err != nil {
		return nil, err
	}
	return d.spdx2Model(sd)
}

// loadSPDXJSON decodes an SPDX 2 JSON document: in parts when it is large
// (spdx_parallel.go), else, or when that path declines, whole, after the
// null-package check, which names a fault's place.
func (d *document) loadSPDXJSON() (*spdx2Doc, error) {
	version, _ := d.memberString("spdxVersion")
	if err := d.checkSPDX2Version(version); err != nil {
		return nil, err
	}
	if doc, ok := parseSPDX2Parallel(d.data, version, spdxSplitMinBytes); ok {
		return &spdx2Doc{doc: doc, version: version, encoding: "json"}, nil
	}
	if off, i, ok := nullPackage(d.data, d.member("packages")); ok {
		return nil, d.errorf(off, "packages", "%w: packages[%d] is null, not a package", ErrSyntax, i)
	}
	doc, err := d.parseSPDX2JSON(d.data, version)
	if err != nil {
		return nil, d.spdxJSONError(err, d.data, version)
	}
	return &spdx2Doc{doc: doc, version: version, encoding: "json"}, nil
}

func decodeSPDXYAML(d *document) (*model.SBOM, error) {
	sd, err := d.loadSPDXYAML()
	if err != nil {
		return nil, err
	}
	return d.spdx2Model(sd)
}

// loadSPDXYAML converts an SPDX 2 YAML document to JSON, bounds the result
// by the size and depth limits, and decodes it.
func (d *document) loadSPDXYAML() (*spdx2Doc, error) {
	var data []byte
	err := safely("reading the YAML document", func() error {
		var err error
		data, err = yaml.YAMLToJSON(d.data)
		return err
	})
	if err != nil {
		return nil, d.yamlError(err)
	}
	if int64(len(data)) > d.lim.MaxBytes {
		return nil, d.errorAt(-1, "", wrapf(ErrTooLarge, "sbom.yaml_too_large", "the YAML document expands to more than the %s limit", formatBytes(d.lim.MaxBytes)))
	}
	members, serr := scanJSON(data, d.lim.MaxDepth)
	if serr != nil {
		return nil, d.errorAt(-1, "", serr.err)
	}
	jd := &document{data: data, members: members}
	version, _ := jd.memberString("spdxVersion")
	if err := d.checkSPDX2Version(version); err != nil {
		return nil, err
	}
	if doc, ok := parseSPDX2Parallel(data, version, spdxSplitMinBytes); ok {
		return &spdx2Doc{doc: doc, version: version, encoding: "yaml"}, nil
	}
	if _, i, ok := nullPackage(data, jd.member("packages")); ok {
		return nil, d.errorf(-1, "packages", "%w: packages[%d] is null, not a package", ErrSyntax, i)
	}
	doc, err := d.parseSPDX2JSON(data, version)
	if err != nil {
		return nil, d.spdxYAMLDecodeError(err)
	}
	return &spdx2Doc{doc: doc, version: version, encoding: "yaml"}, nil
}

func decodeSPDXTagValue(d *document) (*model.SBOM, error) {
	sd, err := d.loadSPDXTagValue()
	if err != nil {
		return nil, err
	}
	return d.spdx2Model(sd)
}

// loadSPDXTagValue tokenizes and parses an SPDX 2 tag-value document.
func (d *document) loadSPDXTagValue() (*spdx2Doc, error) {
	pairs, err := d.tagValuePairs()
	if err != nil {
		return nil, err
	}
	version := ""
	for _, p := range pairs.list {
		if p.Tag == "SPDXVersion" {
			version = p.Value
			break
		}
	}
	if err := d.checkSPDX2Version(version); err != nil {
		return nil, err
	}
	var warnings []string
	for _, line := range pairs.dropOrphanSnippets() {
		warnings = append(warnings, fmt.Sprintf("line %d: a snippet section that does not follow a file section was skipped (rocca does not read snippets)", line))
	}
	parse := func(n int) (*v2_3.Document, error) {
		var doc *v2_3.Document
		err := safely("parsing the tag-value document", func() error {
			var err error
			doc, err = tv23.ParseTagValues(pairs.list[:n])
			return err
		})
		return doc, err
	}
	doc, err := parse(len(pairs.list))
	if err != nil {
		return nil, d.lineError(pairs.failingLine(parse, err), fmt.Errorf("%w: %v", ErrSyntax, err))
	}
	if doc == nil {
		doc = &v2_3.Document{}
	}
	return &spdx2Doc{doc: doc, version: version, encoding: "tag-value", warnings: warnings}, nil
}

// trimAgent strips the "Organization:", "Person:" or "Tool:" prefix of an
// SPDX 2 agent string; NOASSERTION and empty values give "".
func trimAgent(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"Organization:", "Person:", "Tool:"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}
	if s == "NOASSERTION" || s == "NONE" {
		return ""
	}
	// "Name ()" is SPDX for a name without an e-mail address.
	if rest, ok := strings.CutSuffix(s, "()"); ok {
		s = strings.TrimSpace(rest)
	}
	return s
}
