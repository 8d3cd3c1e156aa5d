package strict

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCycloneDXJSONRepeatedKeysAndInvalidUTF8: encoding/json reads both
// (the last repeated member wins, invalid bytes become U+FFFD), but RFC
// 8259 and the schema do not allow them, so strict validation reports each
// at its member or string, in walked and in skipped values alike.
func TestCycloneDXJSONRepeatedKeysAndInvalidUTF8(t *testing.T) {
	t.Parallel()
	var many strings.Builder
	for i := range 40 {
		fmt.Fprintf(&many, `"k%d": %d, `, i, i)
	}
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"repeated key in the root", jsonDoc("1.6", `"version": 2`),
			[]string{`line 2: /version: repeats the key "version" of its object; keys must be unique, or readers disagree on which value counts`}},
		{"repeated key in a component", jsonComp("1.6", `"name": "b"`),
			[]string{`line 2: /components/0/name: repeats the key "name" of its object; keys must be unique, or readers disagree on which value counts`}},
		{"escaped spelling of the same key", jsonComp("1.6", `"\u006eame": "b"`),
			[]string{`line 2: /components/0/name: repeats the key "name" of its object; keys must be unique, or readers disagree on which value counts`}},
		{"repeated key in a skipped value", jsonDoc("1.6", `"metadata": {"timestamp": {"a": 1, "a": 2}}`),
			[]string{`line 2: /metadata/timestamp: must be a string, not an object`,
				`line 2: /metadata/timestamp/a: repeats the key "a" of its object; keys must be unique, or readers disagree on which value counts`}},
		{"repeated key in a large object", jsonDoc("1.6", `"metadata": {"timestamp": {`+many.String()+`"k7": 0}}`),
			[]string{`line 2: /metadata/timestamp: must be a string, not an object`,
				`line 2: /metadata/timestamp/k7: repeats the key "k7" of its object; keys must be unique, or readers disagree on which value counts`}},
		{"invalid UTF-8 in a value", jsonComp("1.6", "\"description\": \"caf\xe9\""),
			[]string{`line 2: /components/0/description: is not valid UTF-8; readers replace the invalid bytes with U+FFFD`}},
		{"invalid UTF-8 in an escaped value", jsonComp("1.6", "\"description\": \"\\u0041\xff\xfe\""),
			[]string{`line 2: /components/0/description: is not valid UTF-8; readers replace the invalid bytes with U+FFFD`}},
		{"invalid UTF-8 in a key", jsonDoc("1.2", "\"x\xc3\x28\": 1"),
			[]string{"line 2: /x\uFFFD(: the key is not valid UTF-8; readers replace the invalid bytes with U+FFFD",
				"line 2: /x\uFFFD(: unknown property \"x\uFFFD(\" (CycloneDX 1.2 bom does not allow it)"}},
		{"invalid UTF-8 in a skipped value", jsonDoc("1.6", "\"metadata\": {\"timestamp\": [\"\xed\xa0\x80\"]}"),
			[]string{`line 2: /metadata/timestamp: must be a string, not an array`,
				`line 2: /metadata/timestamp/0: is not valid UTF-8; readers replace the invalid bytes with U+FFFD`}},
		{"same key in sibling objects is fine", jsonDoc("1.6", `"components": [{"type": "library", "name": "a"}, {"type": "library", "name": "b"}]`), nil},
		{"valid UTF-8 is fine", jsonComp("1.6", `"description": "café – 日本"`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issues := CycloneDXJSON([]byte(tt.doc))
			var got []string
			for _, is := range issues {
				got = append(got, is.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestCycloneDXJSONManyRepeatedKeys: a hostile object repeating one key a
// million times costs linear time and yields at most the issue cap.
func TestCycloneDXJSONManyRepeatedKeys(t *testing.T) {
	t.Parallel()
	body := `"metadata": {"timestamp": {` + strings.Repeat(`"a": 1, `, 200000) + `"a": 1}}`
	issues := CycloneDXJSON([]byte(jsonDoc("1.6", body)))
	if len(issues) != jsonMaxIssues+1 || !strings.Contains(issues[len(issues)-1].Message, "not reported") {
		t.Fatalf("%d issues, last %v", len(issues), issues[len(issues)-1])
	}
}

// jsonTextSeeds hold repeated keys and invalid UTF-8 in every position.
var jsonTextSeeds = []string{
	`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"a":{"b":1,"b":1},"b":[{"a":1},{"a":1}]}`, `{"":1,"":2}`,
	"{\"\xff\":1,\"\xfe\":2}", "{\"a\":\"\xc3\x28\"}", "[\"\xed\xa0\x80\",\"ok\",\"\xf4\x90\x80\x80\"]",
	"{\"k\xe2\x82\":[\"\\u0041\xff\"]}", `{"x":"\ud800"}`, `{"a":1,"b":2,"c":3,"a":4,"b":5}`,
}

// FuzzJSONText checks JSONText against encoding/json on any valid JSON
// document: a UTF-8 issue exactly when the document is not UTF-8 (outside
// strings JSON is ASCII), and as many repeated-key issues as a decoder
// that tracks each object's keys finds.
func FuzzJSONText(f *testing.F) {
	for _, s := range append(append([]string{}, jsonTextSeeds...), jsonSyntaxSeeds...) {
		f.Add([]byte(s))
	}
	f.Add([]byte(jsonComp("1.6", `"name": "b"`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		issues := JSONText(data)
		if !json.Valid(data) || jsonSyntax(data) != nil {
			if issues != nil {
				t.Fatalf("issues for a document that is not JSON: %v", issues)
			}
			return
		}
		if len(issues) > jsonMaxIssues {
			return // capped: the counts below are not comparable
		}
		utf8Issues, dups := 0, 0
		for _, is := range issues {
			if is.Line < 1 || (is.Pointer != "" && !strings.HasPrefix(is.Pointer, "/")) {
				t.Fatalf("issue without a place: %+v", is)
			}
			switch {
			case strings.Contains(is.Message, "UTF-8"):
				utf8Issues++
			case strings.Contains(is.Message, "repeats the key"):
				dups++
			default:
				t.Fatalf("unexpected issue %+v", is)
			}
		}
		if (utf8Issues > 0) == utf8.Valid(data) {
			t.Errorf("%d UTF-8 issues for a document where utf8.Valid is %v", utf8Issues, utf8.Valid(data))
		}
		if want := jsonDecoderDups(t, data); dups != want {
			t.Errorf("%d repeated keys reported, encoding/json finds %d: %v", dups, want, issues)
		}
	})
}

// jsonDecoderDups counts repeated keys with encoding/json's tokens.
func jsonDecoderDups(t *testing.T, data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers are not decoded: 1e999 is valid JSON
	type frame struct {
		obj   bool
		key   bool // the next string token of an object is a key
		names map[string]bool
	}
	var stack []*frame
	dups := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return dups
		}
		if err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top != nil && top.obj {
					top.key = true
				}
				stack = append(stack, &frame{obj: d == '{', key: d == '{', names: map[string]bool{}})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top != nil && top.obj {
			if top.key {
				name := tok.(string)
				if top.names[name] {
					dups++
				}
				top.names[name] = true
			}
			top.key = !top.key
		}
	}
}
