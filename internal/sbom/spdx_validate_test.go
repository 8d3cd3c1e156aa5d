package sbom

import (
	"bytes"
	"strings"
	"testing"
)

// TestValidateSPDX checks the strict SPDX checks: a conforming document has
// no issue, and each fault of a broken one is reported at its pointer.
func TestValidateSPDX(t *testing.T) {
	good := readFile(t, "spdx/relationships.spdx.json")
	broken := strings.NewReplacer(
		`"dataLicense": "CC0-1.0"`, `"dataLicense": "MIT"`,
		`"checksumValue": "9141212b8507ab50a45525b545b39d224614528b"`, `"checksumValue": "91412"`,
		`"licenseConcluded": "Apache-2.0"`, `"licenseConcluded": "Apache-2.0 AND"`,
		`"SPDXRef-lodash", "name"`, `"SPDXRef-log4j", "name"`,
		`"primaryPackagePurpose": "SOURCE"`, `"primaryPackagePurpose": "SAUCE"`,
	).Replace(string(good))
	for _, tc := range []struct {
		name, data string
		want       []string // pointer: message substring
	}{
		{"good", string(good), []string{
			"/relationships/6/relatedSpdxElement: no element has SPDX id SPDXRef-missing",
			"/relationships/7/relatedSpdxElement: DocumentRef-other is not declared",
		}},
		{"broken", broken, []string{
			"/dataLicense: dataLicense must be CC0-1.0",
			"/packages/1/checksums/0/checksumValue: a SHA1 checksum is 40 hexadecimal digits",
			"/packages/1/licenseConcluded: \"Apache-2.0 AND\" is not a valid SPDX licence expression",
			"/packages/2/SPDXID: SPDX id SPDXRef-log4j is already used at /packages/1/SPDXID",
			"/packages/3/primaryPackagePurpose: \"SAUCE\" is not one of",
			"/relationships/1/spdxElementId: no element has SPDX id SPDXRef-lodash",
			"/relationships/3/relatedSpdxElement: no element has SPDX id SPDXRef-lodash",
			"/relationships/6/relatedSpdxElement: no element has SPDX id SPDXRef-missing",
			"/relationships/7/relatedSpdxElement: DocumentRef-other is not declared",
		}},
		// Read leniently, these pass unnoticed: the last repeated member
		// wins and invalid bytes become U+FFFD.
		{"repeated key and invalid UTF-8", strings.NewReplacer(
			`"name": "log4j-core"`, `"name": "log4j-core", "name": "log4j"`,
			`"name": "press-controller",`+"\n", "\"name\": \"press-\xffcontroller\",\n",
		).Replace(string(good)), []string{
			"/name: is not valid UTF-8",
			"/packages/1/name: repeats the key \"name\" of its object",
			"/relationships/6/relatedSpdxElement: no element has SPDX id SPDXRef-missing",
			"/relationships/7/relatedSpdxElement: DocumentRef-other is not declared",
		}},
		{"spdx3 repeated key", strings.Replace(string(readFile(t, "spdx/relationships.spdx3.json")),
			`"name": "ACME Automation"`, `"name": "ACME Automation", "name": "ACME"`, 1), []string{
			"/@graph/1/name: repeats the key \"name\" of its object",
			"/@graph/13/to/0: no element of the document has id urn:missing",
		}},
		{"spdx3", string(readFile(t, "spdx/relationships.spdx3.json")), []string{
			"/@graph/13/to/0: no element of the document has id urn:missing",
		}},
		{"spdx3 broken", `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"software_Package","spdxId":"a"},{"type":"Relationship","spdxId":"a","from":"b"}]}`, []string{
			"/@graph/1/relationshipType: the relationship has no relationshipType",
			"/@graph/1/creationInfo: every element has a creationInfo",
			"/@graph/1/from: no element of the document has id b",
			"/@graph/1/to: a relationship has at least one to element",
			"/@graph/0/creationInfo: every element has a creationInfo",
			"/@graph/1/spdxId: id a is already used by /@graph/0",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, rd, err := load(bytes.NewReader([]byte(tc.data)), tc.name, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			issues := d.spdxConformance(rd)
			var got []string
			for _, is := range issues {
				got = append(got, is.String())
			}
			all := strings.Join(got, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("issues lack %q:\n%s", w, all)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("%d issues, want %d:\n%s", len(got), len(tc.want), all)
			}
		})
	}
}
