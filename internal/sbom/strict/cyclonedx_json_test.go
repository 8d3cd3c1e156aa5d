package strict

import (
	"strings"
	"testing"
)

// jsonDoc wraps body (members of the root object, after specVersion) into
// a document of version ver.
func jsonDoc(ver, body string) string {
	s := `{"bomFormat": "CycloneDX", "specVersion": "` + ver + `", "version": 1`
	if body != "" {
		s += ",\n" + body
	}
	return s + "}"
}

// jsonComp is a 1.6 document with one component holding extra members.
func jsonComp(ver, members string) string {
	c := `{"type": "library", "name": "a", "version": "1"`
	if members != "" {
		c += ", " + members
	}
	return jsonDoc(ver, `"components": [`+c+`}]`)
}

func TestCycloneDXJSONRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		pointer string // "" with msg "" means: must conform
		msg     string
		line    int // checked when non-zero
	}{
		{"minimal 1.6 conforms", jsonDoc("1.6", ""), "", "", 0},
		{"full component conforms", jsonComp("1.6", `"bom-ref": "a", "scope": "required", "purl": "pkg:npm/a@1",
			"hashes": [{"alg": "SHA-256", "content": "`+strings.Repeat("ab", 32)+`"}],
			"licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}]`), "", "", 0},
		// document level
		{"not json", `{"bomFormat": `, "", "not valid JSON", 1},
		{"not an object", `[1]`, "", "JSON object", 1},
		{"bomFormat", `{"bomFormat": "SPDX", "specVersion": "1.6"}`, "/bomFormat", `"SPDX" is not one of CycloneDX`, 1},
		{"missing bomFormat", `{"specVersion": "1.6"}`, "", `missing required property "bomFormat"`, 1},
		{"version 1.7", `{"bomFormat": "CycloneDX", "specVersion": "1.7"}`, "/specVersion", "1.7 is read leniently only", 1},
		{"version 1.1", `{"bomFormat": "CycloneDX", "specVersion": "1.1"}`, "/specVersion", "covers CycloneDX 1.2–1.6", 1},
		{"bom version required up to 1.4", `{"bomFormat": "CycloneDX", "specVersion": "1.4"}`, "", `missing required property "version"`, 1},
		{"bom version optional in 1.5", `{"bomFormat": "CycloneDX", "specVersion": "1.5"}`, "", "", 0},
		{"bom version minimum", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 0}`, "/version", "less than the minimum 1", 1},
		{"serial number", jsonDoc("1.6", `"serialNumber": "urn:uuid:ABC"`), "/serialNumber", "not a serial number", 2},
		{"unknown root property", jsonDoc("1.6", `"extra": true`), "/extra", `unknown property "extra"`, 2},
		{"property from a later version", jsonDoc("1.4", `"annotations": []`), "/annotations", "is CycloneDX 1.5, not allowed in 1.4", 2},
		// types and formats
		{"wrong type", jsonDoc("1.6", `"components": {}`), "/components", "must be an array, not an object", 2},
		{"integer", jsonComp("1.6", `"swid": {"tagId": "t", "name": "n", "tagVersion": 1.5}`), "/components/0/swid/tagVersion", "must be an integer", 2},
		{"timestamp", jsonDoc("1.6", `"metadata": {"timestamp": "2020-13-01T00:00:00Z"}`), "/metadata/timestamp", "RFC 3339", 2},
		{"email", jsonDoc("1.6", `"metadata": {"authors": [{"email": "not-an-address"}]}`), "/metadata/authors/0/email", "e-mail", 2},
		{"iri", jsonComp("1.6", `"externalReferences": [{"type": "website", "url": "http://a b"}]`), "/components/0/externalReferences/0/url", "IRI", 2},
		{"mime type", jsonComp("1.6", `"mime-type": "Text/Plain"`), "/components/0/mime-type", "media type", 2},
		// enumerations, with the version that introduced a value
		{"component type", jsonComp("1.6", `"type": "framework2"`), "/components/0/type", `"framework2" is not one of application`, 2},
		{"component type too new", jsonComp("1.4", `"type": "platform"`), "/components/0/type", "is a CycloneDX 1.5 value, not allowed in 1.4", 2},
		{"missing component type", jsonDoc("1.6", `"components": [{"name": "a"}]`), "/components/0", `missing required property "type"`, 2},
		{"component version required in 1.3", jsonDoc("1.3", `"components": [{"type": "library", "name": "a"}]`), "/components/0", `missing required property "version"`, 2},
		{"scope", jsonComp("1.6", `"scope": "sometimes"`), "/components/0/scope", "is not one of required", 2},
		{"external reference type", jsonComp("1.6", `"externalReferences": [{"type": "blog", "url": "https://x"}]`), "/components/0/externalReferences/0/type", `"blog"`, 2},
		{"patch type", jsonComp("1.6", `"pedigree": {"patches": [{"type": "hotfix"}]}`), "/components/0/pedigree/patches/0/type", `"hotfix"`, 2},
		{"issue type", jsonComp("1.6", `"pedigree": {"patches": [{"type": "backport", "resolves": [{"type": "bug"}]}]}`), "/components/0/pedigree/patches/0/resolves/0/type", `"bug"`, 2},
		// hashes
		{"hash alg", jsonComp("1.6", `"hashes": [{"alg": "SHA-257", "content": "`+strings.Repeat("a", 64)+`"}]`), "/components/0/hashes/0/alg", `"SHA-257" is not one of`, 2},
		{"hash pattern", jsonComp("1.6", `"hashes": [{"alg": "MD5", "content": "xyz"}]`), "/components/0/hashes/0/content", "hash value", 2},
		{"hash length per alg", jsonComp("1.6", `"hashes": [{"alg": "MD5", "content": "`+strings.Repeat("a", 40)+`"}]`), "/components/0/hashes/0/content", "MD5 hash has 32 hexadecimal digits, not 40", 2},
		// licences
		{"spdx id", jsonComp("1.6", `"licenses": [{"license": {"id": "Apache-2"}}]`), "/components/0/licenses/0/license/id", "SPDX licence identifier", 2},
		{"licence needs id or name", jsonComp("1.6", `"licenses": [{"license": {}}]`), "/components/0/licenses/0/license", "needs one of id, name", 2},
		{"licence id and name", jsonComp("1.6", `"licenses": [{"license": {"id": "MIT", "name": "MIT"}}]`), "/components/0/licenses/0/license", "only one of id, name", 2},
		{"licence and expression in one entry 1.4", jsonComp("1.4", `"licenses": [{"license": {"id": "MIT"}, "expression": "MIT"}]`), "/components/0/licenses/0", "only one of license, expression", 2},
		{"licence and expression in one entry 1.6", jsonComp("1.6", `"licenses": [{"license": {"id": "MIT"}, "expression": "MIT"}]`), "/components/0/licenses/0/license", `unknown property "license"`, 2},
		{"licences mixed with expression 1.6", jsonComp("1.6", `"licenses": [{"license": {"id": "MIT", "acknowledgement": "declared"}}, {"expression": "MIT OR Apache-2.0", "acknowledgement": "concluded"}]`), "/components/0/licenses", "must be the only entry", 2},
		{"single expression 1.6", jsonComp("1.6", `"licenses": [{"expression": "MIT OR Apache-2.0", "acknowledgement": "concluded"}]`), "", "", 0},
		{"acknowledgement before 1.6", jsonComp("1.5", `"licenses": [{"license": {"id": "MIT", "acknowledgement": "declared"}}]`), "/components/0/licenses/0/license/acknowledgement", "is CycloneDX 1.6", 2},
		{"attachment encoding", jsonComp("1.6", `"licenses": [{"license": {"name": "x", "text": {"content": "x", "encoding": "base85"}}}]`), "/components/0/licenses/0/license/text/encoding", `"base85"`, 2},
		// references
		{"empty bom-ref", jsonComp("1.6", `"bom-ref": ""`), "/components/0/bom-ref", "must not be empty", 2},
		{"duplicate bom-ref", jsonDoc("1.6", `"components": [{"type": "library", "name": "a", "bom-ref": "x"}, {"type": "library", "name": "b", "bom-ref": "x"}]`), "/components/1/bom-ref", "already used at /components/0/bom-ref", 2},
		{"dependency resolves", jsonDoc("1.6", `"components": [{"type": "library", "name": "a", "bom-ref": "x"}], "dependencies": [{"ref": "x", "dependsOn": ["y"]}]`), "/dependencies/0/dependsOn/0", `"y" is not the bom-ref`, 2},
		{"dependency needs ref", jsonDoc("1.6", `"dependencies": [{"dependsOn": []}]`), "/dependencies/0", `missing required property "ref"`, 2},
		{"dependency bom-link accepted", jsonDoc("1.6", `"dependencies": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#a"}]`), "", "", 0},
		{"unique items", jsonDoc("1.6", `"components": [{"type": "library", "name": "a"}, {"name": "a", "type": "library"}]`), "/components/1", "repeats item 0", 2},
		// properties, services, vulnerabilities, compositions, 1.5+ parts
		{"property name required in 1.6", jsonDoc("1.6", `"metadata": {"properties": [{"value": "v"}]}`), "/metadata/properties/0", `missing required property "name"`, 2},
		{"property open in 1.5", jsonDoc("1.5", `"metadata": {"properties": [{"value": "v", "x": 1}]}`), "", "", 0},
		{"service data 1.6", jsonDoc("1.6", `"services": [{"name": "s", "data": [{"flow": "bar", "classification": "pii"}]}]`), "/services/0/data/0/flow", `"bar" is not one of inbound`, 2},
		{"service data 1.4 shape", jsonDoc("1.4", `"services": [{"name": "s", "data": [{"flow": "inbound", "classification": "pii", "name": "n"}]}]`), "/services/0/data/0/name", `unknown property "name"`, 2},
		{"swid needs tagId", jsonComp("1.6", `"swid": {"name": "n"}`), "/components/0/swid", `missing required property "tagId"`, 2},
		{"vulnerability rating", jsonDoc("1.6", `"vulnerabilities": [{"id": "CVE-1", "ratings": [{"severity": "severe"}]}]`), "/vulnerabilities/0/ratings/0/severity", `"severe"`, 2},
		{"vulnerability cwe", jsonDoc("1.6", `"vulnerabilities": [{"cwes": [0]}]`), "/vulnerabilities/0/cwes/0", "minimum 1", 2},
		{"affected version choice", jsonDoc("1.6", `"vulnerabilities": [{"affects": [{"ref": "x", "versions": [{"status": "affected"}]}]}]`), "/vulnerabilities/0/affects/0/versions/0", "needs one of version, range", 2},
		{"composition aggregate", jsonDoc("1.6", `"compositions": [{"aggregate": "most"}]`), "/compositions/0/aggregate", `"most"`, 2},
		{"tools object 1.5", jsonDoc("1.5", `"metadata": {"tools": {"components": [{"type": "application", "name": "t"}]}}`), "", "", 0},
		{"tools object 1.4", jsonDoc("1.4", `"metadata": {"tools": {"components": []}}`), "/metadata/tools", "must be an array", 2},
		{"lifecycle", jsonDoc("1.6", `"metadata": {"lifecycles": [{"phase": "testing"}]}`), "/metadata/lifecycles/0/phase", `"testing"`, 2},
		{"annotation", jsonDoc("1.6", `"annotations": [{"subjects": ["a"], "annotator": {}, "timestamp": "2024-01-01T00:00:00Z", "text": "t"}]`), "/annotations/0/annotator", "needs one of organization", 2},
		{"formulation workflow", jsonDoc("1.6", `"formulation": [{"workflows": [{"bom-ref": "w", "uid": "u"}]}]`), "/formulation/0/workflows/0", `missing required property "taskTypes"`, 2},
		{"declarations score", jsonDoc("1.6", `"declarations": {"attestations": [{"map": [{"confidence": {"score": 2}}]}]}`), "/declarations/attestations/0/map/0/confidence/score", "maximum 1", 2},
		{"definitions open cre", jsonDoc("1.6", `"definitions": {"standards": [{"requirements": [{"openCre": ["CRE:x"]}]}]}`), "/definitions/standards/0/requirements/0/openCre/0", "OpenCRE", 2},
		{"crypto asset type", jsonComp("1.6", `"type": "cryptographic-asset", "cryptoProperties": {"assetType": "magic"}`), "/components/0/cryptoProperties/assetType", `"magic"`, 2},
		{"pointer escaping", jsonDoc("1.6", `"a/b~c": 1`), "/a~1b~0c", "unknown property", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issues := CycloneDXJSON([]byte(tt.doc))
			if tt.msg == "" {
				if len(issues) != 0 {
					t.Fatalf("want no issue, got %v", issues)
				}
				return
			}
			for _, is := range issues {
				if is.Pointer == tt.pointer && strings.Contains(is.Message, tt.msg) {
					if tt.line != 0 && is.Line != tt.line {
						t.Errorf("issue %v: line %d, want %d", is, is.Line, tt.line)
					}
					return
				}
			}
			t.Fatalf("want an issue at %q containing %q, got %v", tt.pointer, tt.msg, issues)
		})
	}
}

func TestCycloneDXJSONLines(t *testing.T) {
	t.Parallel()
	doc := "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\n" +
		"      \"name\": \"a\",\n      \"type\":\n        \"nope\"\n    }\n  ]\n}\n"
	issues := CycloneDXJSON([]byte(doc))
	if len(issues) != 1 || issues[0].Pointer != "/components/0/type" || issues[0].Line != 8 {
		t.Fatalf("want one issue at /components/0/type on line 8, got %v", issues)
	}
	if got := issues[0].String(); !strings.HasPrefix(got, "line 8: /components/0/type: ") {
		t.Errorf("String() = %q", got)
	}
}

func TestCycloneDXJSONDepth(t *testing.T) {
	t.Parallel()
	deep := jsonDoc("1.6", `"properties": `+strings.Repeat("[", 10000)+strings.Repeat("]", 10000))
	issues := CycloneDXJSON([]byte(deep))
	if len(issues) != 1 || !strings.Contains(issues[0].Message, "nesting deeper") {
		t.Fatalf("want one nesting issue, got %d: %.200v", len(issues), issues)
	}
}

func TestCycloneDXJSONIssueCap(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 0; i < 3*jsonMaxIssues; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"type": "x"}`)
	}
	issues := CycloneDXJSON([]byte(jsonDoc("1.6", `"components": [`+b.String()+`]`)))
	if len(issues) != jsonMaxIssues+1 || !strings.Contains(issues[jsonMaxIssues].Message, "not reported") {
		t.Fatalf("want %d issues ending with the cap notice, got %d", jsonMaxIssues+1, len(issues))
	}
}

func FuzzCycloneDXJSON(f *testing.F) {
	f.Add([]byte(jsonDoc("1.6", "")))
	f.Add([]byte(jsonComp("1.6", `"bom-ref": "a", "licenses": [{"expression": "MIT"}]`)))
	f.Add([]byte(jsonComp("1.2", `"licenses": [{"license": {"id": "MIT"}}], "hashes": [{"alg": "MD5", "content": "00"}]`)))
	f.Add([]byte(jsonDoc("1.5", `"dependencies": [{"ref": "x", "dependsOn": ["x", "x"]}], "metadata": {"tools": {}}`)))
	f.Add([]byte(`{"specVersion": "1.7"}`))
	f.Add([]byte(`[{"a": 1e999}]`))
	f.Add([]byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "a", "version": "1"}]} x`))
	// Repeated keys and invalid UTF-8, walked and skipped.
	f.Add([]byte(jsonComp("1.6", `"name": "b", "\u006eame": "c"`)))
	f.Add([]byte(jsonDoc("1.6", "\"metadata\": {\"timestamp\": {\"a\": \"\xff\", \"a\": 2}}, \"x\xc3\": 1")))
	f.Add([]byte(jsonComp("1.4", "\"description\": \"\\u0041\xed\xa0\x80\"")))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, is := range CycloneDXJSON(data) {
			if is.Message == "" {
				t.Fatalf("issue without a message: %+v", is)
			}
			if is.Pointer != "" && !strings.HasPrefix(is.Pointer, "/") {
				t.Fatalf("issue with a malformed pointer: %+v", is)
			}
			if is.Line < 1 && !strings.Contains(is.Message, "not reported") {
				t.Fatalf("issue without a line: %+v", is)
			}
		}
	})
}
