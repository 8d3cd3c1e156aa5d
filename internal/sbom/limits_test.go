package sbom

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// gzipBomb returns n MiB of zeros, gzip-compressed (about 1 KiB per MiB),
// with a trailer stating the true size.
func gzipBomb(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range n {
		if _, err := zw.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGzipBombCostsNoMemory checks that content decompressing past the
// limit is refused without a buffer of the limit's size: the reader used
// to allocate up to the limit (the size the gzip trailer states) before
// finding out.
func TestGzipBombCostsNoMemory(t *testing.T) {
	bomb := gzipBomb(t, 64)
	const limit = 32 << 20
	var err error
	n := allocated(func() { _, err = Read(bytes.NewReader(bomb), "bomb.json.gz", Limits{MaxBytes: limit}) })
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "bomb.json.gz: decompressed content larger than the 32 MiB limit (decompression stopped after") {
		t.Fatalf("err = %v, want ErrTooLarge naming the file and the limit", err)
	}
	if n > 4<<20 {
		t.Errorf("refusing a %d-byte gzip bomb allocated %d bytes", len(bomb), n)
	}
}

// TestReadBoundedGrowth checks that reading an input of unknown size
// never allocates much more than the limit.
func TestReadBoundedGrowth(t *testing.T) {
	const limit = 24 << 20
	data := bytes.Repeat([]byte("x"), limit)
	for _, tc := range []struct {
		name string
		r    func() io.Reader
	}{
		{"one byte at a time at first", func() io.Reader {
			return io.MultiReader(iotest.OneByteReader(bytes.NewReader(data[:1])), struct{ io.Reader }{bytes.NewReader(data[1:])})
		}},
		{"unknown size", func() io.Reader { return struct{ io.Reader }{bytes.NewReader(data)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []byte
			var err error
			n := allocated(func() { got, err = readBounded(tc.r(), limit, 0) })
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("readBounded: %d bytes, %v", len(got), err)
			}
			// Doubling from 512 bytes to the limit allocates about twice
			// the limit in all; bytes.Buffer went on to twice the limit
			// for the last doubling, about four times in all.
			if n > 2*limit+limit/2 {
				t.Errorf("reading %d bytes allocated %d", limit, n)
			}
			_, err = readBounded(tc.r(), limit-1, 0)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("over the limit: %v", err)
			}
		})
	}
}

// TestReadBytes checks that ReadBytes reads what Read reads, gzip or not,
// with the same errors.
func TestReadBytes(t *testing.T) {
	nested := readFile(t, "nested.cdx.json")
	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits
	}{
		{"json", nested, Limits{}},
		{"gzip", gzipBytes(t, nested), Limits{}},
		{"too large", nested, Limits{MaxBytes: 100}},
		{"bomb", gzipBomb(t, 4), Limits{MaxBytes: 1 << 20}},
		{"too many components", nested, Limits{MaxComponents: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, werr := Read(bytes.NewReader(tc.data), "t", tc.lim)
			got, gerr := ReadBytes(tc.data, "t", tc.lim)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gerr, werr) {
				t.Errorf("ReadBytes: %+v, %v\nRead: %+v, %v", got, gerr, want, werr)
			}
		})
	}
}

// TestCheck checks that Check refuses what can be found without decoding,
// with ReadBytes's errors, and lets through what only decoding finds.
func TestCheck(t *testing.T) {
	nested := readFile(t, "nested.cdx.json")
	typed := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x","version":7}]}`)
	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits
		err  error // nil: Check accepts it
	}{
		{"json", nested, Limits{}, nil},
		{"gzip", gzipBytes(t, nested), Limits{}, nil},
		{"type error: found by decoding", typed, Limits{}, nil},
		{"too large", nested, Limits{MaxBytes: 100}, ErrTooLarge},
		{"bomb", gzipBomb(t, 4), Limits{MaxBytes: 1 << 20}, ErrTooLarge},
		{"too deep", []byte(strings.Repeat("[", 70) + strings.Repeat("]", 70)), Limits{}, ErrTooDeep},
		{"unknown", []byte("hello"), Limits{}, ErrUnknownFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.data, "t", tc.lim)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("Check: %v, want %v", err, tc.err)
			}
			if err != nil {
				if _, rerr := ReadBytes(tc.data, "t", tc.lim); rerr == nil || rerr.Error() != err.Error() {
					t.Errorf("ReadBytes: %v, Check: %v", rerr, err)
				}
			}
		})
	}
}
