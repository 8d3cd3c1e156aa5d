package sqlstore

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// FuzzDecodeCursor feeds forged finding cursors to the decoder: it never
// panics, and what it accepts has one value per key, of the key's type,
// that the columns can hold.
func FuzzDecodeCursor(f *testing.F) {
	finding := &model.TrackedFinding{ID: "0b8e2f4c-3c1d-4e9a-9f7b-2a6d5c4e3f21", ComponentKey: "pkg:npm/lodash@4.17.20",
		VulnID: "CVE-2021-23337", EPSS: 0.0123, FirstSeen: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Severity: model.Severity{Rating: model.RatingHigh, Score: 7.2}}
	for sort, keys := range findingOrders {
		f.Add(encodeCursor(sort, keys, finding), string(sort))
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, seed := range []struct{ cursor, sort string }{
		{enc(`{"s":"severity","i":[9223372036854775807],"n":[1e308],"t":["x"]}`), "severity"},
		{enc(`{"s":"severity","i":[-2147483649],"n":[0],"t":["x"]}`), "severity"},
		{enc(`{"s":"component","t":["a\u0000","b","c"]}`), "component"},
		{enc(`{"s":"epss","n":[1e400],"t":["x"]}`), "epss"},
		{enc(`{"s":"first_seen","t":["2026-01-02T03:04:05Z"]}`), "first_seen"},
		{enc(`{"s":"epss","n":[0.5,0.5],"t":["x"]}`), "epss"},
		{enc(`null`), "epss"},
		{"", "severity"},
		{"!!!", "severity"},
	} {
		f.Add(seed.cursor, seed.sort)
	}
	f.Fuzz(func(t *testing.T, cursor, sort string) {
		keys, ok := findingOrders[store.FindingSort(sort)]
		if !ok {
			keys = findingOrders[store.SortSeverity]
		}
		vals, err := decodeCursor(cursor, store.FindingSort(sort), keys)
		if err != nil {
			if err != store.ErrInvalidCursor {
				t.Fatalf("error %v, want ErrInvalidCursor", err)
			}
			return
		}
		if len(vals) != len(keys) {
			t.Fatalf("%d values for %d keys", len(vals), len(keys))
		}
		for i, k := range keys {
			switch v := vals[i].(type) {
			case int64:
				if _, want := k.val(finding).(int64); !want || v < math.MinInt32 || v > math.MaxInt32 {
					t.Fatalf("key %s: int %d", k.col, v)
				}
			case float64:
				if _, want := k.val(finding).(float64); !want || math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("key %s: number %v", k.col, v)
				}
			case string:
				if _, want := k.val(finding).(string); !want || strings.ContainsRune(v, 0) {
					t.Fatalf("key %s: string %q", k.col, v)
				}
			default:
				t.Fatalf("key %s: value %T", k.col, v)
			}
		}
	})
}
