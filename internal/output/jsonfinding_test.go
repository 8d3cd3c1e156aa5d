package output

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// referenceFinding is what the JSON report held before jsonEncoder:
// encoding/json without HTML escaping, re-indented under the prefix.
func referenceFinding(t *testing.T, f model.Finding) []byte {
	t.Helper()
	f.Advisories = nonNil(f.Advisories)
	f.Vulnerability.IDs = nonNil(f.Vulnerability.IDs)
	var raw, out bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&f); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&out, bytes.TrimSuffix(raw.Bytes(), []byte("\n")), "    ", "  "); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func encodeFinding(f model.Finding) ([]byte, error) {
	e := jsonEncoder{prefix: "    "}
	e.finding(&f)
	return e.b, e.err
}

// fill sets every field reachable from v to a non-zero value derived from
// seed, so that a field added to the model and not to jsonEncoder
// makes the comparison fail.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Repeat("x", *seed%3+1) + "<&>é\t\"\\" + string(rune('a'+*seed%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float64:
		v.SetFloat(float64(*seed) + 0.25)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), seed)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2020+*seed%5, 3, 4, 5, 6, 7, 8000*(*seed), time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	}
}

func TestFindingEncoderMatchesEncodingJSON(t *testing.T) {
	var full model.Finding
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	tricky := model.Finding{
		Component: model.Component{Name: "ctl\x00\x01\x1f\b\f\n\r\t", PURL: "pkg:npm/%40s/a@1?x=<y>&z"},
		Vulnerability: model.Vulnerability{ID: "bad\xff\xfeutf8\u2028\u2029end", IDs: []string{"", "日本語"},
			Severity: model.Severity{Rating: model.RatingHigh, Score: 1e-7},
			EPSS:     &model.EPSS{CVE: "CVE-1", Score: 1e21, Percentile: 0.000123}},
		Advisories: []string{"A"},
	}
	withKEV := model.Finding{Vulnerability: model.Vulnerability{ID: "CVE-2", KEV: &model.KEV{CVE: "CVE-2",
		DateAdded: time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC)}, Severity: model.Severity{Score: math.Copysign(0, -1)}}}
	floats := model.Finding{Vulnerability: model.Vulnerability{EPSS: &model.EPSS{Score: 123456789.125, Percentile: 1}}}
	tests := []struct {
		name string
		f    model.Finding
	}{
		{"zero", model.Finding{}},
		{"every field", full},
		{"escapes and numbers", tricky},
		{"KEV without due date", withKEV},
		{"floats", floats},
	}
	for _, fx := range fixture().Findings {
		tests = append(tests, struct {
			name string
			f    model.Finding
		}{"fixture " + fx.Vulnerability.ID, fx})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := referenceFinding(t, tt.f)
			got, err := encodeFinding(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("jsonEncoder:\n%s\nencoding/json:\n%s", got, want)
			}

			// The marshal form is json.Marshal's, nil lists included.
			want, err = json.Marshal(&tt.f)
			if err != nil {
				t.Fatal(err)
			}
			e := jsonEncoder{marshal: true}
			e.finding(&tt.f)
			if e.err != nil || !bytes.Equal(e.b, want) {
				t.Errorf("jsonEncoder (marshal, err %v):\n%s\njson.Marshal:\n%s", e.err, e.b, want)
			}
		})
	}
}

func TestFindingEncoderRejectsNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		_, err := encodeFinding(model.Finding{Vulnerability: model.Vulnerability{Severity: model.Severity{Score: f}}})
		if err == nil {
			t.Errorf("score %v encoded without error", f)
		}
	}
}

// TestWriteJSONManyFindings crosses the block size of the parallel writer
// and checks the whole report against encoding/json.
func TestWriteJSONManyFindings(t *testing.T) {
	base := fixture()
	res := *base
	res.Findings = nil
	for i := range 3*findingsPerBlock + 7 {
		f := base.Findings[i%len(base.Findings)]
		f.Component.Name += strings.Repeat("n", i%5)
		res.Findings = append(res.Findings, f)
	}
	var got bytes.Buffer
	if err := writeJSON(&got, &res); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	ref := res
	ref.Findings = make([]model.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.Advisories = nonNil(f.Advisories)
		f.Vulnerability.IDs = nonNil(f.Vulnerability.IDs)
		ref.Findings[i] = f
	}
	ref.Unmatched, ref.Undetermined = nonNil(ref.Unmatched), nonNil(ref.Undetermined)
	if err := enc.Encode(&ref); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("report of %d findings differs from encoding/json's (%d vs %d bytes)", len(res.Findings), got.Len(), want.Len())
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\u2028\u2029", "\xff\xc3", "<&>", "日本",
		// longer than the eight bytes skipped at once, specials at every offset
		"abcdefgh", "abcdefgh\"", "abcdefg\\h", "a\x1fcdefghijklmnop", "abcdefghijklmno\x7f", "abcdefghi\u00e9jklmnopq",
		"abcdefgh\nijklmnop\tqrstuvwx", "Denial of service in the parser when reading crafted input.\n\n- Identifiers: x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := appendJSONString(nil, s)
		if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want.Bytes())
		}
		if fromBytes := appendJSONStringMode(nil, []byte(s), false); !bytes.Equal(fromBytes, got) {
			t.Fatalf("appendJSONStringMode([]byte(%q)) = %s, want %s", s, fromBytes, got)
		}
		marshalled, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONStringMode(nil, s, true); !bytes.Equal(got, marshalled) {
			t.Fatalf("appendJSONStringMode(%q, html) = %s, want %s", s, got, marshalled)
		}
	})
}
