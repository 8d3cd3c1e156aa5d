package strict

import (
	"encoding/json"
	"hash/maphash"
	"strconv"
	"strings"
	"testing"
)

// jsonSyntaxSeeds are documents near the edges of the JSON grammar.
var jsonSyntaxSeeds = []string{
	``, ` `, `{}`, `[]`, `""`, `0`, `-0`, `-`, `01`, `1.`, `.5`, `1.5e`, `1e+`, `1E-7`, `1e07`, `-01`, `2.50e+10`,
	`true`, `tru`, `truex`, `nul`, `null `, "\ufeff{}", `{"a":1}`, `{"a" 1}`, `{"a":1,}`, `{,}`, `{"a":}`, `{1:2}`,
	`[1,]`, `[,1]`, `[1 2]`, `[[[]]]`, `[[]`, `]`, `}`, `{"a":1}}`, `{"a":1} {}`, `{"a":1}x`, "{\"a\":1}\n\t\r ",
	`"\u00e9"`, `"\u00E9"`, `"\u00g9"`, `"\u12"`, `"\x"`, `"\/"`, `"\'"`, `"a` + "\x00" + `b"`, "\"a\tb\"", "\"a\x7fb\"",
	"\"\xff\xfe\"", "\"\xe2\x82\"", `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`,
	`"abc`, `"abc\`, `"abc\u`, `{"a"`, `{"a":`, `{"a":[`, `[{"a":[1,{"b":null}]}]`, `{"":""}`, "{\"a\"\n:\n1\n}",
	`1 2`, `[1e999]`, `[-1e-999]`, `{"a":"b","a":"c"}`, `nan`, `[NaN]`, `[Infinity]`, `+1`, `[0x10]`, `'a'`,
}

// jsonSyntaxAgrees reports whether jsonSyntax and json.Valid agree on d
// (documents the scanner refuses only for their depth are not compared).
func jsonSyntaxAgrees(t *testing.T, d []byte) {
	t.Helper()
	err := jsonSyntax(d)
	if err != nil && strings.HasPrefix(err.msg, "nesting deeper") {
		return
	}
	if valid := json.Valid(d); (err == nil) != valid {
		t.Fatalf("%q: json.Valid says %v, the scanner says %v", d, valid, err)
	}
	if err != nil && (err.off < 0 || err.off > len(d)) {
		t.Fatalf("%q: fault offset %d out of range", d, err.off)
	}
}

func TestJSONSyntaxAgreesWithValid(t *testing.T) {
	t.Parallel()
	for _, seed := range jsonSyntaxSeeds {
		jsonSyntaxAgrees(t, []byte(seed))
	}
	// Every one-byte replacement, insertion and deletion of a small
	// document, with bytes that matter to the grammar.
	doc := `{"a": [1, -2.5e+3, true, null, "x\"\u00e9y"], "b": {"c": {}}, "d": []}`
	alphabet := []byte("{}[]:,\"\\ ute0123-+.eEnlfaxrs/\x00\x1f\x7f\xff\n")
	for i := 0; i <= len(doc); i++ {
		jsonSyntaxAgrees(t, []byte(doc[:i]))
		if i < len(doc) {
			jsonSyntaxAgrees(t, []byte(doc[:i]+doc[i+1:]))
		}
		for _, c := range alphabet {
			jsonSyntaxAgrees(t, []byte(doc[:i]+string(c)+doc[i:]))
			if i < len(doc) {
				jsonSyntaxAgrees(t, []byte(doc[:i]+string(c)+doc[i+1:]))
			}
		}
	}
	// The benchmark document and a spec-like one are valid.
	for _, d := range [][]byte{benchJSON(20), []byte(jsonComp("1.6", `"bom-ref": "a"`))} {
		if err := jsonSyntax(d); err != nil || !json.Valid(d) {
			t.Fatalf("a valid document is refused: %v", err)
		}
	}
}

func TestJSONDepthLimit(t *testing.T) {
	t.Parallel()
	ok := strings.Repeat("[", jsonMaxDepth) + strings.Repeat("]", jsonMaxDepth)
	if err := jsonSyntax([]byte(ok)); err != nil {
		t.Fatalf("%d levels refused: %v", jsonMaxDepth, err)
	}
	deep := "[" + ok + "]"
	if err := jsonSyntax([]byte(deep)); err == nil || !strings.Contains(err.msg, "nesting deeper") || err.off != jsonMaxDepth {
		t.Fatalf("%d levels: want a nesting fault at offset %d, got %v", jsonMaxDepth+1, jsonMaxDepth, err)
	}
}

// jsonUnescapeAgrees checks that the scanner decodes the string literal q
// as encoding/json does.
func jsonUnescapeAgrees(t *testing.T, q []byte) {
	t.Helper()
	var want string
	if err := json.Unmarshal(q, &want); err != nil {
		return
	}
	s := jsonScanner{data: q}
	tok, ok := s.next(0)
	if !ok || tok.kind != jsonString {
		t.Fatalf("%q: encoding/json reads a string, the scanner does not (%v)", q, s.err)
	}
	if got := tok.str(); got != want {
		t.Fatalf("%q: decoded %q, encoding/json decodes %q", q, got, want)
	}
}

func TestJSONUnescape(t *testing.T) {
	t.Parallel()
	for _, q := range []string{`""`, `"plain"`, `"\n\t\r\b\f\\\/\""`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud83d"`,
		`"\ude00"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, "\"\xff\"", "\"a\xe2\x82b\"", "\"\xed\xa0\x80\"",
		"\"é\"", `"~/"`} {
		jsonUnescapeAgrees(t, []byte(q))
	}
}

func TestCycloneDXJSONSyntaxLines(t *testing.T) {
	t.Parallel()
	base := benchJSON(3)
	for _, at := range []int{len(base) / 5, len(base) / 2, len(base) - 10} {
		d := append([]byte{}, base...)
		d[at] = '\x01'
		want := 1 + strings.Count(string(d[:at]), "\n")
		issues := CycloneDXJSON(d)
		if len(issues) != 1 || !strings.HasPrefix(issues[0].Message, "not valid JSON") || issues[0].Line != want {
			t.Errorf("fault at offset %d (line %d): got %v", at, want, issues)
		}
	}
}

func TestCycloneDXJSONRepeatedSpecVersion(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, doc, want string }{
		// The last of two counts (annotations are 1.5), and the repeat is reported.
		{"last of two counts", `{"bomFormat": "CycloneDX", "specVersion": "1.2", "version": 1, "annotations": [], "specVersion": "1.6"}`,
			`/specVersion: repeats the key "specVersion"`},
		{"first alone would pass", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "annotations": [], "specVersion": "1.4"}`,
			"/annotations: property \"annotations\" is CycloneDX 1.5"},
		{"last is unsupported", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "specVersion": "1.7"}`, "1.7 is read leniently only"},
		{"first is not a string", `{"bomFormat": "CycloneDX", "specVersion": 1, "version": 1, "specVersion": "1.5"}`, "/specVersion: must be a string"},
		{"unsupported, and not JSON", `{"specVersion": "1.7", "x": [}`, "not valid JSON"},
		{"root not an object, and not JSON", `[1,]`, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issues := CycloneDXJSON([]byte(tt.doc))
			if tt.want == "" {
				if len(issues) != 0 {
					t.Fatalf("want no issue, got %v", issues)
				}
				return
			}
			if len(issues) == 0 || !strings.Contains(issues[0].String(), tt.want) {
				t.Fatalf("want an issue containing %q, got %v", tt.want, issues)
			}
		})
	}
}

func TestCycloneDXJSONReferencesByOffset(t *testing.T) {
	t.Parallel()
	// Dependencies before the components they name, escaped references,
	// and a repeated bom-ref whose first declaration is far back.
	doc := jsonDoc("1.6", `"dependencies": [{"ref": "a", "dependsOn": ["nowhere", "\u0062"]}],
"components": [{"type": "library", "name": "a", "bom-ref": "a"},
  {"type": "library", "name": "b", "bom-ref": "b", "components": [{"type": "library", "name": "c", "bom-ref": "a~/x"}]},
  {"type": "library", "name": "d", "bom-ref": "a~/\u0078"}]`)
	issues := CycloneDXJSON([]byte(doc))
	want := []string{
		`line 5: /components/2/bom-ref: bom-ref "a~/x" is already used at /components/1/components/0/bom-ref; bom-refs must be unique`,
		`line 2: /dependencies/0/dependsOn/0: "nowhere" is not the bom-ref of any component or service in the document`,
	}
	if len(issues) != len(want) {
		t.Fatalf("got %v, want %v", issues, want)
	}
	for i := range want {
		if issues[i].String() != want[i] {
			t.Errorf("issue %d: got %q, want %q", i, issues[i].String(), want[i])
		}
	}
}

func TestCycloneDXJSONManyRepeats(t *testing.T) {
	t.Parallel()
	refs := strings.TrimSuffix(strings.Repeat(`"a",`, 3*jsonMaxIssues), ",")
	doc := jsonDoc("1.6", `"components": [{"type": "library", "name": "a", "bom-ref": "a"}],
"dependencies": [{"ref": "a", "dependsOn": [`+refs+`]}]`)
	issues := CycloneDXJSON([]byte(doc))
	if len(issues) != jsonMaxIssues+1 || !strings.Contains(issues[jsonMaxIssues].Message, "not reported") {
		t.Fatalf("want %d issues and the cap notice, got %d", jsonMaxIssues, len(issues))
	}
	for _, i := range []int{0, jsonMaxIssues - 1} {
		want := "/dependencies/0/dependsOn/" + strconv.Itoa(i+1)
		if issues[i].Pointer != want || !strings.Contains(issues[i].Message, "repeats item 0") {
			t.Errorf("issue %d: got %v, want a repeat of item 0 at %s", i, issues[i], want)
		}
	}
}

func TestJSONUniqueCollisions(t *testing.T) {
	t.Parallel()
	data := []byte(`[{"a":1,"b":[2]}, {"b":[2.0],"a":1}, {"a":2}, "x", {"a":2}, "\u0078"]`)
	s := jsonScanner{data: data}
	s.next(0)
	s.arrayStart()
	var u jsonUnique
	for i := 0; ; i++ {
		s.ws()
		off := s.pos
		s.skip(nil, 1)
		u.add(i, off, 7) // every item collides
		if !s.arrayNext() {
			break
		}
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	got, _ := u.dups(data)
	want := []jsonDup{{i: 1, first: 0}, {i: 4, first: 2}, {i: 5, first: 3}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].i != want[i].i || got[i].first != want[i].first {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	}
}

func TestJSONHashEqualValues(t *testing.T) {
	t.Parallel()
	hs := &jsonHasher{seed: maphash.MakeSeed()}
	hash := func(v string) uint64 {
		s := jsonScanner{data: []byte(v)}
		h := s.skip(hs, 0)
		if s.err != nil {
			t.Fatalf("%s: %v", v, s.err)
		}
		return h
	}
	equal := [][2]string{{`{"a":1,"b":"c"}`, `{"b":"c","a":1}`}, {`1`, `1.0`}, {`1e2`, `100`}, {`"\u0041"`, `"A"`}, {`[{}]`, `[ { } ]`}}
	for _, p := range equal {
		if hash(p[0]) != hash(p[1]) {
			t.Errorf("%s and %s hash differently", p[0], p[1])
		}
	}
	differ := [][2]string{{`[1,2]`, `[2,1]`}, {`{"a":1}`, `{"a":"1"}`}, {`null`, `false`}, {`{}`, `[]`}, {`{"a":{}}`, `{"a":[]}`}, {`"a"`, `{"a":null}`}}
	for _, p := range differ {
		if hash(p[0]) == hash(p[1]) {
			t.Errorf("%s and %s hash equally", p[0], p[1])
		}
	}
}

func FuzzJSONSyntax(f *testing.F) {
	for _, s := range jsonSyntaxSeeds {
		f.Add([]byte(s))
	}
	f.Add(benchJSON(2))
	f.Fuzz(func(t *testing.T, data []byte) {
		jsonSyntaxAgrees(t, data)
		if len(data) > 0 && data[0] == '"' {
			jsonUnescapeAgrees(t, data)
		}
	})
}
