package osv

import (
	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
)

// compactView is what the compact form keeps of an affected entry, with
// empty lists as nil (the form does not tell them apart).
func compactView(a Affected) Affected {
	v := Affected{Package: a.Package}
	for _, r := range a.Ranges {
		if len(r.Events) == 0 {
			r.Events = nil
		}
		v.Ranges = append(v.Ranges, r)
	}
	if len(a.Versions) > 0 {
		v.Versions = a.Versions
	}
	return v
}

func TestCompactRoundTrip(t *testing.T) {
	for i, seed := range recordSeeds {
		var rec Record
		if err := json.Unmarshal([]byte(seed), &rec); err != nil {
			continue // malformed seeds
		}
		for j, a := range rec.Affected {
			var got Affected
			if err := DecodeCompact(a.EncodeCompact(), &got); err != nil {
				t.Fatalf("seed %d affected %d: %v", i, j, err)
			}
			if want := compactView(a); !reflect.DeepEqual(compactView(got), want) {
				t.Errorf("seed %d affected %d:\n got %+v\nwant %+v", i, j, got, want)
			}
		}
	}
}

// TestCompactReadsJSON: databases written before the compact form hold
// the entries as JSON; they must still decode.
func TestCompactReadsJSON(t *testing.T) {
	data := `{"package":{"ecosystem":"PyPI","name":"foo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]}],"versions":["1.0"]}`
	var a Affected
	if err := DecodeCompact([]byte(data), &a); err != nil {
		t.Fatal(err)
	}
	if a.Package.Name != "foo" || len(a.Ranges) != 1 || a.Ranges[0].Events[1].Fixed != "1.2" || a.Versions[0] != "1.0" {
		t.Errorf("decoded %+v", a)
	}
}

func TestCompactRejectsCorruption(t *testing.T) {
	good := (&Affected{Package: Package{Ecosystem: "Go", Name: "x"},
		Ranges: []Range{{Type: "SEMVER", Events: []Event{{Introduced: "0"}, {Fixed: "1.0.0"}}}}, Versions: []string{"0.9.0"}}).EncodeCompact()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"unknown version", append([]byte{0x7f}, good[1:]...), "unknown format version"},
		{"truncated", good[:len(good)-3], "exceeds the remaining data"},
		{"trailing", append(append([]byte{}, good...), 0), "trailing"},
		{"huge count", []byte{compactV1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, "exceeds the remaining data"},
		{"bad event kind", []byte{compactV1, 0, 0, 0, 1, 0, 0, 1, 0x20, 0, 0}, "unknown event fields"},
		{"varint overflow", []byte{compactV1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "varint overflow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Affected
			err := DecodeCompact(tt.data, &a)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !reflect.DeepEqual(a, Affected{}) {
				t.Errorf("entry not reset after an error: %+v", a)
			}
		})
	}
}

// TestCompactCorpus round-trips every affected entry of one real feed.
func TestCompactCorpus(t *testing.T) {
	zr, err := zip.OpenReader(filepath.Join(testutil.Corpora(t), "vulndata", "osv", "PyPI.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var rec Record
		if json.Unmarshal(data, &rec) != nil {
			continue
		}
		for _, a := range rec.Affected {
			var got Affected
			if err := DecodeCompact(a.EncodeCompact(), &got); err != nil {
				t.Fatalf("%s: %v", rec.ID, err)
			}
			if want := compactView(a); !reflect.DeepEqual(compactView(got), want) {
				t.Fatalf("%s: round trip differs:\n got %+v\nwant %+v", rec.ID, got, want)
			}
			n++
		}
	}
	if n < 1000 {
		t.Errorf("only %d entries round-tripped", n)
	}
}

func FuzzDecodeCompact(f *testing.F) {
	for _, seed := range recordSeeds {
		var rec Record
		if json.Unmarshal([]byte(seed), &rec) == nil {
			for _, a := range rec.Affected {
				f.Add(a.EncodeCompact())
			}
		}
	}
	f.Add([]byte{compactV1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Affected
		if DecodeCompact(data, &a) != nil || (len(data) > 0 && data[0] == '{') {
			return
		}
		// What decodes re-encodes to an entry that decodes the same.
		var b Affected
		if err := DecodeCompact(a.EncodeCompact(), &b); err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if !reflect.DeepEqual(compactView(a), compactView(b)) {
			t.Fatalf("round trip differs:\n%+v\n%+v", a, b)
		}
	})
}
