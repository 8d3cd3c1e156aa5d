package sbom

import (
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rocca-project/rocca/internal/model"
)

// Large CycloneDX JSON documents are decoded on every CPU: the root
// object is split into its members and the components and dependencies
// arrays into their elements (a string-aware bracket walk that checks the
// separators), and each element is decoded with encoding/json on its own,
// by a pool of workers. encoding/json's own validation and decoding of a
// document is single-threaded and is most of the cost of reading a large
// SBOM (BenchmarkReadCycloneDXJSON50k).
//
// The parallel path gives exactly what json.Unmarshal of the whole document
// gives, or gives up: on any syntax or type error, a root key that
// encoding/json would match case-insensitively, an escaped or repeated
// key, it returns false and decodeCycloneDXJSON decodes the document the
// ordinary way, which produces the positioned error or the lenient warning.
// Members that are not decoded are still checked with json.Valid, as
// json.Unmarshal would check them.

// parallelMinBytes is the document size from which decoding is split:
// below it, starting the workers costs more than it saves.
const parallelMinBytes = 2 << 20

// parallelBlock is how many elements a worker takes at a time.
const parallelBlock = 128

// cdxRootFields are the root members the projection decodes.
var cdxRootFields = []string{"specVersion", "serialNumber", "metadata", "components", "dependencies"}

// decodeParallel fills doc from d.data on every CPU when the document is
// at least minBytes long; false means it did not (see above) and doc must
// be decoded the ordinary way. The components are converted to the model
// as they are decoded (doc.converted). An error means the document is
// refused: its components array has more entries than Limits.MaxComponents
// (checked before anything is decoded, so that such a document costs no
// more than its bytes).
func (d *document) decodeParallel(doc *cdxJSONDocument, minBytes int) (bool, error) {
	workers := runtime.GOMAXPROCS(0)
	if len(d.data) < minBytes {
		return false, nil
	}
	members, ok := splitObjectWith(d.data, func(key string) bool { return key == "components" || key == "dependencies" })
	if !ok {
		return false, nil
	}
	seen := map[string]bool{}
	var others [][]byte
	var comps, deps *rawMember
	for k := range members {
		m := &members[k]
		known := false
		for _, f := range cdxRootFields {
			if m.key == f {
				known = true
			} else if strings.EqualFold(m.key, f) {
				return false, nil // encoding/json's case folding decides
			}
		}
		if strings.IndexByte(m.key, '\\') >= 0 || seen[m.key] {
			return false, nil
		}
		seen[m.key] = true
		var err error
		switch {
		case !known:
			others = append(others, m.val)
		case m.key == "specVersion":
			err = json.Unmarshal(m.val, &doc.SpecVersion)
		case m.key == "serialNumber":
			err = json.Unmarshal(m.val, &doc.SerialNumber)
		case m.key == "metadata":
			err = json.Unmarshal(m.val, &doc.Metadata)
		case m.key == "components":
			comps = m
		case m.key == "dependencies":
			deps = m
		}
		if err != nil {
			return false, nil
		}
	}
	var (
		compEls, depEls [][]byte
		okC, okD        = true, true
	)
	if comps != nil {
		compEls, okC = elementsOf(comps)
	}
	if deps != nil {
		depEls, okD = elementsOf(deps)
	}
	if !okC || !okD {
		return false, nil
	}
	if max := d.lim.withDefaults().MaxComponents; len(compEls) > max {
		return false, d.errorAt(-1, "components", wrapf(ErrTooManyComponents, "sbom.too_many_components", "%d components, more than the limit of %d", len(compEls), max))
	}
	if compEls != nil {
		// Room for the subject's nested components, which flatten appends.
		extra := 0
		if m := doc.Metadata; m != nil && m.Component != nil {
			extra = jsonTree.count(m.Component.Components)
		}
		doc.flat = make([]model.Component, len(compEls), len(compEls)+extra)
	}
	if depEls != nil {
		doc.Dependencies = make([]model.Dependency, len(depEls))
	}
	var mu sync.Mutex
	convert := func(i int) bool {
		var c cdxJSONComponent
		if json.Unmarshal(compEls[i], &c) != nil {
			return false
		}
		doc.flat[i] = c.model()
		if len(c.Components) > 0 {
			mu.Lock()
			if doc.nested == nil {
				doc.nested = map[int]*cdxJSONComponent{}
			}
			doc.nested[i] = &c
			mu.Unlock()
		}
		return true
	}
	jobs := []func(int) bool{
		convert,
		func(i int) bool { return json.Unmarshal(depEls[i], &doc.Dependencies[i]) == nil },
		func(i int) bool { return json.Valid(others[i]) },
	}
	sizes := []int{len(compEls), len(depEls), len(others)}
	var failed atomic.Bool
	for j, job := range jobs {
		if sizes[j] == 0 {
			continue
		}
		runParallel(workers, sizes[j], func(i int) {
			if !failed.Load() && !job(i) {
				failed.Store(true)
			}
		})
	}
	if failed.Load() {
		*doc = cdxJSONDocument{}
		return false, nil
	}
	doc.converted = comps != nil && compEls != nil
	return true, nil
}

// elementsOf returns the elements of an array member, split while the
// object was (or now, for null and other values).
func elementsOf(m *rawMember) ([][]byte, bool) {
	if m.split {
		return m.elems, true
	}
	return splitArrayOrNull(m.val)
}

// runParallel calls f(i) for every i in [0, n) on workers goroutines,
// handing out blocks of parallelBlock indexes.
func runParallel(workers, n int, f func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, (n+parallelBlock-1)/parallelBlock) {
		wg.Go(func() {
			for {
				start := int(next.Add(parallelBlock)) - parallelBlock
				if start >= n {
					return
				}
				for i := start; i < min(start+parallelBlock, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// rawMember is one member of a JSON object: its key (escapes not decoded)
// and its raw value.
type rawMember struct {
	key string
	val []byte
	// elems are the elements of val when splitObjectWith was asked to
	// split this member and val is an array; split says it did.
	elems [][]byte
	split bool
}

// splitObject splits a document that is one JSON object into its
// members, checking the separators between them; false when the document
// is anything else or malformed at that level.
func splitObject(data []byte) ([]rawMember, bool) { return splitObjectWith(data, nil) }

// splitObjectWith is splitObject that also splits the array values of the
// members whose key split accepts, in the same walk (the bytes of a large
// array are then walked once, not twice).
func splitObjectWith(data []byte, split func(key string) bool) ([]rawMember, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	var out []rawMember
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		end := jsonStringEnd(data, i)
		if end < 0 {
			return nil, false
		}
		key := string(data[i+1 : end])
		if strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 }) {
			return nil, false // not a JSON string
		}
		i = skipSpace(data, end+1)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		m := rawMember{key: key}
		var vend int
		ok := false
		if split != nil && i < len(data) && data[i] == '[' && split(key) {
			m.elems, vend, ok = splitArrayFrom(data, i)
			m.split = true
		} else {
			vend, ok = skipValue(data, i)
		}
		if !ok {
			return nil, false
		}
		m.val = data[i:vend]
		out = append(out, m)
		i = skipSpace(data, vend)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return out, skipSpace(data, i+1) == len(data)
		default:
			return nil, false
		}
	}
}

// splitArrayOrNull splits a raw JSON array into its elements, checking
// the separators; null gives no elements. false when raw is another value
// or malformed at that level.
func splitArrayOrNull(raw []byte) ([][]byte, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	if len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	out, end, ok := splitArrayFrom(raw, 0)
	return out, ok && end == len(raw)
}

// splitArrayFrom splits the JSON array starting at data[i] into its
// elements, checking the separators, and returns where the array ends.
func splitArrayFrom(data []byte, i int) (elems [][]byte, end int, ok bool) {
	out := [][]byte{}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return out, i + 1, true
	}
	for {
		end, ok := skipValue(data, i)
		if !ok {
			return nil, 0, false
		}
		out = append(out, data[i:end])
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, 0, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return out, i + 1, true
		default:
			return nil, 0, false
		}
	}
}

// skipValue returns the end of the JSON value starting at data[i]. It
// matches brackets and skips strings; the value's own grammar is left to
// the decoder that reads it.
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		end := jsonStringEnd(data, i)
		return end + 1, end >= 0
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := jsonStringEnd(data, j)
				if end < 0 {
					return 0, false
				}
				j = end
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case ',', ']', '}', ':':
		return 0, false
	}
	j := i
	for j < len(data) && !isValueEnd(data[j]) {
		j++
	}
	return j, true
}

func isValueEnd(c byte) bool {
	return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}
