package sbom

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// nestedWant is what testdata/nested.cdx.{json,xml} hold: nested
// components flattened parent first, then the subject's subcomponents not
// already listed (golang.org/x/net is listed, so only the bootloader). The
// graph holds the declared dependencies, then the nesting: the subject's
// subcomponents join its declared entry, log4j-core and log4j-api get
// entries of their own.
var nestedWant = &model.SBOM{
	Format:      "CycloneDX",
	SpecVersion: "1.6",
	Serial:      "urn:uuid:6f1c0e8e-3b52-4d0a-9a57-2a7c1e0f4b11",
	Created:     time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	Subject:     &model.Component{Ref: "product", Name: "press-controller", Version: "4.2.0", Type: "firmware"},
	Components: []model.Component{
		{Ref: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Name: "log4j-core", Version: "2.14.1", Group: "org.apache.logging.log4j", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Type: "library",
			Hashes: []model.Hash{{Alg: "SHA-256", Value: "ade7402a70667a727635d5c4c29495f4ff96f061f12539763f6f123973b465b0"}}, Licenses: []string{"Apache-2.0"}},
		{Ref: "log4j-api", Name: "log4j-api", Version: "2.14.1", Group: "org.apache.logging.log4j", PURL: "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1", Type: "library"},
		{Ref: "vendored-notice", Name: "NOTICE.txt", Type: "file"},
		{Ref: "pkg:golang/golang.org/x/net@v0.15.0", Name: "golang.org/x/net", Version: "v0.15.0", PURL: "pkg:golang/golang.org/x/net@v0.15.0", Type: "library"},
		{Ref: "openssl", Name: "openssl", Version: "3.0.1", CPE: "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*", Type: "library"},
		{Ref: "bootloader", Name: "bootloader", Version: "1.0.3", Type: "firmware"},
	},
	Dependencies: []model.Dependency{
		{Ref: "product", DependsOn: []string{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "openssl", "bootloader", "pkg:golang/golang.org/x/net@v0.15.0"}},
		{Ref: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", DependsOn: []string{"log4j-api"}},
		{Ref: "log4j-api", DependsOn: []string{"vendored-notice"}},
	},
}

func TestReadNested(t *testing.T) {
	jsonDoc, xmlDoc := readFile(t, "nested.cdx.json"), readFile(t, "nested.cdx.xml")
	for _, tc := range []struct {
		name     string
		data     []byte
		encoding string
	}{
		{"json", jsonDoc, "json"},
		{"xml", xmlDoc, "xml"},
		{"json.gz", gzipBytes(t, jsonDoc), "json"},
		{"xml.gz", gzipBytes(t, xmlDoc), "xml"},
		{"json with byte order mark", append([]byte("\ufeff"), jsonDoc...), "json"},
		{"xml with byte order mark", append([]byte("\ufeff"), xmlDoc...), "xml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The name is deliberately misleading: detection uses content.
			got, err := Read(bytes.NewReader(tc.data), "sbom.txt", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			want := *nestedWant
			want.Encoding = tc.encoding
			if diff := sbomDiff(got, &want); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		file string
		// On success:
		format, spec, encoding string
		components             int
		warning                string // a substring of one warning; "" wants none
		// On failure:
		err      error    // errors.Is target
		contains []string // substrings of the message
	}{
		{file: "empty-components.cdx.json", format: "CycloneDX", spec: "1.5", encoding: "json", warning: "lists no components"},
		{file: "future-1.9.cdx.json", format: "CycloneDX", spec: "1.9", encoding: "json", components: 1, warning: "newer than 1.7"},
		{file: "v1.7.cdx.xml", format: "CycloneDX", spec: "1.7", encoding: "xml", components: 1},
		{file: "bad-syntax.cdx.json", err: ErrSyntax, contains: []string{"bad-syntax.cdx.json:6:45 (byte 181): ", "invalid character '\"' after object key:value pair"}},
		{file: "wrong-type.cdx.json", err: nil, contains: []string{"wrong-type.cdx.json:7:17 (byte 193): components.version: expected a string, found a number"}},
		{file: "doctype.cdx.xml", err: ErrForbiddenXML, contains: []string{"doctype.cdx.xml:2:1 (byte 39): <!DOCTYPE> declaration refused"}},
		{file: "triage.openvex.json", err: ErrUnknownFormat, contains: []string{"an OpenVEX document, not an SBOM"}},
		{file: "components.csv", err: ErrUnknownFormat, contains: []string{`content starting with "name,version\nlog4j-core,"…`}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := Read(bytes.NewReader(readFile(t, tc.file)), tc.file, Limits{})
			if tc.contains != nil {
				if err == nil {
					t.Fatalf("no error, read %+v", got)
				}
				if _, ok := errors.AsType[*Error](err); !ok {
					t.Errorf("error %T is not an *Error", err)
				}
				if tc.err != nil && !errors.Is(err, tc.err) {
					t.Errorf("error %q is not %q", err, tc.err)
				}
				for _, s := range tc.contains {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != tc.format || got.SpecVersion != tc.spec || got.Encoding != tc.encoding || len(got.Components) != tc.components {
				t.Errorf("got %s %s %s with %d components, want %s %s %s with %d", got.Format, got.SpecVersion, got.Encoding, len(got.Components), tc.format, tc.spec, tc.encoding, tc.components)
			}
			if tc.warning == "" && len(got.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", got.Warnings)
			}
			if tc.warning != "" && !strings.Contains(strings.Join(got.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q lack %q", got.Warnings, tc.warning)
			}
		})
	}
}

// TestSPDXNotCycloneDX checks that SPDX documents, in every serialisation,
// are left to the SPDX readers: never read as CycloneDX.
func TestSPDXNotCycloneDX(t *testing.T) {
	for _, file := range []string{"example.spdx", "example.spdx.json", "example.spdx.yaml", "example.spdx3.json"} {
		t.Run(file, func(t *testing.T) {
			s, err := Read(bytes.NewReader(readFile(t, file)), file, Limits{})
			switch {
			case err != nil && !errors.Is(err, ErrUnsupported):
				t.Errorf("error %v, want a reading or ErrUnsupported", err)
			case err == nil && s.Format != "SPDX":
				t.Errorf("read as %s", s.Format)
			}
		})
	}
}

func TestReadMissingPURL(t *testing.T) {
	got, err := Read(bytes.NewReader(readFile(t, "nested.cdx.json")), "nested.cdx.json", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var without []string
	for _, c := range got.Components {
		if c.PURL == "" {
			without = append(without, c.Name)
		}
	}
	if want := []string{"NOTICE.txt", "openssl", "bootloader"}; !reflect.DeepEqual(without, want) {
		t.Errorf("components without purl %q, want %q (kept, not dropped)", without, want)
	}
}

func TestErrorPosition(t *testing.T) {
	_, err := Read(bytes.NewReader(readFile(t, "wrong-type.cdx.json")), "w.json", Limits{})
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("error %v is not an *Error", err)
	}
	want := Error{Name: "w.json", Line: 7, Column: 17, Offset: 193, Field: "components.version"}
	if e.Name != want.Name || e.Line != want.Line || e.Column != want.Column || e.Offset != want.Offset || e.Field != want.Field {
		t.Errorf("got %+v, want %+v", *e, want)
	}
	// Offsets count the byte order mark, lines and columns do not move.
	_, err = Read(bytes.NewReader(append([]byte("\ufeff"), readFile(t, "wrong-type.cdx.json")...)), "w.json", Limits{})
	if e, _ := errors.AsType[*Error](err); e == nil || e.Line != 7 || e.Column != 17 || e.Offset != 196 {
		t.Errorf("with a byte order mark: %v", err)
	}
}

// deepJSON is a CycloneDX document whose components nest n levels deep
// (each level is two JSON levels: an array and an object).
func deepJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`)
	for i := range n {
		fmt.Fprintf(&b, `{"type":"library","name":"c%d","components":[`, i)
	}
	b.WriteString(strings.Repeat("]}", n))
	b.WriteString("]}")
	return []byte(b.String())
}

func deepXML(n int) []byte {
	var b strings.Builder
	b.WriteString(`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>`)
	for i := range n {
		fmt.Fprintf(&b, `<component type="library"><name>c%d</name><components>`, i)
	}
	b.WriteString(strings.Repeat("</components></component>", n))
	b.WriteString("</components></bom>")
	return []byte(b.String())
}

func TestLimits(t *testing.T) {
	nested := readFile(t, "nested.cdx.json")
	// A gzip bomb in miniature: 4 MiB of white space inside the document
	// compresses to a few KiB.
	bomb := gzipBytes(t, append(append([]byte(`{"bomFormat":"CycloneDX",`), bytes.Repeat([]byte(" "), 4<<20)...), `"components":[]}`...))
	for _, tc := range []struct {
		name     string
		data     []byte
		lim      Limits
		err      error
		contains string
	}{
		{"too big", nested, Limits{MaxBytes: 1000}, ErrTooLarge, "t: document larger than the 1000-byte limit"},
		{"gzip bomb", bomb, Limits{MaxBytes: 1 << 20}, ErrTooLarge, "decompressed content larger than the 1 MiB limit"},
		{"gzip compressed size", bomb, Limits{MaxBytes: 100}, ErrTooLarge, "larger than the 100-byte limit"},
		{"too deep json", deepJSON(32), Limits{}, ErrTooDeep, "t:1:"},
		{"too deep json, own limit", deepJSON(5), Limits{MaxDepth: 10}, ErrTooDeep, "nesting deeper than 10 levels"},
		{"too deep xml", deepXML(40), Limits{}, ErrTooDeep, "elements nested deeper than 64 levels"},
		{"too many components", nested, Limits{MaxComponents: 5}, ErrTooManyComponents, "7 components, more than the limit of 5"},
		{"too many components xml", readFile(t, "nested.cdx.xml"), Limits{MaxComponents: 3}, ErrTooManyComponents, "7 components"},
		// 1 declared entry with 2 refs, 3 nesting entries with 4 refs.
		{"too many dependencies", nested, Limits{MaxDependencies: 9}, ErrTooManyDependencies, "t: dependencies: 10 dependency entries and references, more than the limit of 9"},
		{"too many dependencies xml", readFile(t, "nested.cdx.xml"), Limits{MaxDependencies: 9}, ErrTooManyDependencies, "10 dependency entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(bytes.NewReader(tc.data), "t", tc.lim)
			if !errors.Is(err, tc.err) {
				t.Fatalf("got %v (%v), want %v", err, got, tc.err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
	// Just within the limits.
	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits
	}{
		{"depth 31 json", deepJSON(31), Limits{}},
		{"depth 31 xml", deepXML(31), Limits{}},
		{"exact size", nested, Limits{MaxBytes: int64(len(nested))}},
		{"huge limits", nested, Limits{MaxBytes: math.MaxInt64, MaxDepth: math.MaxInt, MaxComponents: math.MaxInt}},
		{"exact count", nested, Limits{MaxComponents: 7}}, // 6 listed once the subject's duplicate is dropped
		{"exact dependencies", nested, Limits{MaxDependencies: 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Read(bytes.NewReader(tc.data), "t", tc.lim); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestReadMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		err       error
		contains  string
	}{
		{"empty", "", ErrUnknownFormat, "x: the document is empty"},
		{"white space", " \n\t ", ErrUnknownFormat, "the document is empty"},
		{"json array", `[{"bomFormat":"CycloneDX"}]`, ErrUnknownFormat, "a JSON array"},
		{"other json", `{"name":"x"}`, ErrUnknownFormat, "JSON without a bomFormat or spdxVersion member"},
		{"other bomFormat", `{"bomFormat":"SWID"}`, ErrUnknownFormat, `JSON with bomFormat "SWID"`},
		{"other xml", `<?xml version="1.0"?><project/>`, ErrUnknownFormat, "XML with root element <project>"},
		{"unclosed", `{"bomFormat":"CycloneDX","components":[`, ErrSyntax, "x:1:40 (byte 39): syntax error: unexpected end of document (2 unclosed brackets)"},
		{"mismatched", `{"bomFormat":"CycloneDX","components":[}`, ErrSyntax, `x:1:40 (byte 39): syntax error: '[' closed by '}'`},
		{"unterminated string", `{"bomFormat":"CycloneDX","components":"`, ErrSyntax, "unterminated string"},
		{"trailing garbage", `{"bomFormat":"CycloneDX"} x`, ErrSyntax, "x:1:27 (byte 26): syntax error: invalid character 'x' after top-level value"},
		{"bad gzip", "\x1f\x8b\x08\x00garbage", ErrSyntax, "gzip"},
		{"gzip in gzip", string(gzipBytes(t, gzipBytes(t, []byte("{}")))), ErrUnknownFormat, "gzip inside gzip"},
		{"xml entity", `<!ENTITY x "y"><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>`, ErrForbiddenXML, "<!ENTITY>"},
		{"xml doctype after root", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n<!DOCTYPE x></bom>", ErrForbiddenXML, "x:2:1"},
		{"xml syntax", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n<components>\n<component><name>a</nome></component></components></bom>", ErrSyntax, "x:3: syntax error: element <name> closed by </nome>"},
		{"xml undefined entity", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component><name>&x;</name></component></components></bom>`, ErrSyntax, "invalid character entity &x;"},
		{"xml unterminated comment", `<!-- <bom>`, ErrSyntax, "unterminated comment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tc.doc), "x", Limits{})
			if !errors.Is(err, tc.err) {
				t.Fatalf("got %v (%+v), want %v", err, got, tc.err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
}

func TestReadReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := Read(iotest.ErrReader(boom), "in.json", Limits{})
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "in.json: ") {
		t.Errorf("got %v", err)
	}
	_, err = Read(strings.NewReader("{"), "", Limits{})
	if err == nil || !strings.HasPrefix(err.Error(), "SBOM:1:2 (byte 1): ") {
		t.Errorf("unnamed: got %v", err)
	}
}

func TestXMLWithoutNamespace(t *testing.T) {
	got, err := Read(strings.NewReader(`<bom><components><component type="library"><name>a</name></component></components></bom>`), "x", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Components) != 1 || got.SpecVersion != "" || len(got.Warnings) != 1 {
		t.Errorf("got %+v", got)
	}
}

func TestScanJSONMembers(t *testing.T) {
	doc := []byte(` { "a\"{[" : "x}]\\" , "bomFormat":"Cyclone\u0044X", "n": {"k": [1, {"bomFormat": "no"}]}, "e": "" ,"last":true}`)
	members, serr := scanJSON(doc, 8)
	if serr != nil {
		t.Fatal(serr.err)
	}
	var got []string
	for _, m := range members {
		got = append(got, m.key+"="+string(m.val))
	}
	want := []string{`a\"{[="x}]\\"`, `bomFormat="Cyclone\u0044X"`, `n={"k": [1, {"bomFormat": "no"}]}`, `e=""`, `last=true`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	d := &document{members: members, syntax: syntaxJSON}
	if s, ok := d.memberString("bomFormat"); !ok || s != "CycloneDX" {
		t.Errorf("memberString = %q, %v", s, ok)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{512 << 20: "512 MiB", 1 << 30: "1 GiB", 64 << 10: "64 KiB", 1500: "1500-byte", 3<<20 + 1: "3145729-byte"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
