package sbom

import (
	"encoding/json"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/spdx/tools-golang/convert"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_2"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// Large SPDX 2 JSON documents are decoded in parts, on every CPU. The
// library's Document.UnmarshalJSON decodes the whole document twice (the
// second time for documentDescribes), after json.Unmarshal has validated
// it, and each package is validated and decoded twice more by
// Package.UnmarshalJSON; most of that is repeated work. Here the root
// object is split into its members (splitObject, cyclonedx_parallel.go),
// the large arrays (packages, files, relationships, snippets,
// hasExtractedLicensingInfos) into their elements, and:
//
//   - each element is decoded on its own into the library's element type
//     (v2_3.Package, v2_2.File, ...), so that the library's UnmarshalJSON
//     methods decide what it holds, by a pool of workers;
//   - the other members, a small skeleton, are decoded by encoding/json
//     into the library's Document type without its UnmarshalJSON method;
//   - documentDescribes is decoded on its own, and what
//     Document.UnmarshalJSON does after decoding is redone by
//     linkSPDXRelationships (spdx_parallel_links.go).
//
// The result is exactly what the ordinary path (parseSPDX2JSON) gives, or
// nothing: on any syntax or type error, a null package (the library
// cannot take one; the ordinary path names it), a root key that
// encoding/json would match case-insensitively to one of the split
// members, an escaped or repeated split key, or a panic in the library,
// parseSPDX2Parallel returns false and the document is decoded the
// ordinary way, which gives the positioned error.

// spdxSplitMinBytes is the document size from which SPDX JSON is decoded
// in parts. The split path does less work than the ordinary one even on
// one CPU, so the bound only keeps small documents on the path that
// produces errors directly.
const spdxSplitMinBytes = 64 << 10

// spdxArray names one of the root arrays decoded element by element.
type spdxArray int

const (
	spdxPackages spdxArray = iota
	spdxFiles
	spdxRelationships
	spdxSnippets
	spdxLicenses
	spdxArrays // number of arrays
)

// spdxSplitKeys are the root keys taken out of the skeleton, the arrays in
// spdxArray order, then documentDescribes.
var spdxSplitKeys = [...]string{"packages", "files", "relationships", "snippets", "hasExtractedLicensingInfos", "documentDescribes"}

// spdxSplit is an SPDX 2 JSON root object split for decoding in parts.
type spdxSplit struct {
	skeleton []byte // the root object without the split members
	// elements of each array: nil when absent or null, empty for [].
	arrays    [spdxArrays][][]byte
	describes []byte // raw documentDescribes value, nil when absent
}

// splitSPDX splits data into an spdxSplit; false when the split would not
// decode exactly as the whole document does (see above).
func splitSPDX(data []byte) (*spdxSplit, bool) {
	members, ok := splitObject(data)
	if !ok {
		return nil, false
	}
	sp := &spdxSplit{}
	var seen [len(spdxSplitKeys)]bool
	skel := make([]byte, 0, 1024)
	skel = append(skel, '{')
	for _, m := range members {
		if strings.IndexByte(m.key, '\\') >= 0 {
			return nil, false
		}
		k := splitKeyIndex(m.key)
		if k == -2 {
			return nil, false
		}
		if k < 0 {
			if len(skel) > 1 {
				skel = append(skel, ',')
			}
			skel = append(skel, '"')
			skel = append(skel, m.key...)
			skel = append(skel, '"', ':')
			skel = append(skel, m.val...)
			continue
		}
		if seen[k] {
			return nil, false
		}
		seen[k] = true
		if k == len(spdxSplitKeys)-1 {
			sp.describes = m.val
			continue
		}
		els, ok := splitArrayOrNull(m.val)
		if !ok {
			return nil, false
		}
		if spdxArray(k) == spdxPackages {
			for _, el := range els {
				if string(el) == "null" {
					return nil, false
				}
			}
		}
		sp.arrays[k] = els
	}
	sp.skeleton = append(skel, '}')
	return sp, true
}

// splitKeyIndex returns the index of key in spdxSplitKeys, -1 when it is
// none of them, and -2 when encoding/json would take it for one of them
// without its being written exactly so: it matches keys to field names
// by Unicode simple case folding (encoding/json's foldName), the relation
// strings.EqualFold tests.
func splitKeyIndex(key string) int {
	for i, k := range spdxSplitKeys {
		if key == k {
			return i
		}
		if strings.EqualFold(key, k) {
			return -2
		}
	}
	return -1
}

// parseSPDX2Parallel decodes data, an SPDX 2 JSON document of the given
// version, in parts when it is at least minBytes long; false means it did
// not and parseSPDX2JSON must decode it.
func parseSPDX2Parallel(data []byte, version string, minBytes int) (*v2_3.Document, bool) {
	if len(data) < minBytes || (version != v2_3.Version && version != v2_2.Version) {
		return nil, false
	}
	sp, ok := splitSPDX(data)
	if !ok {
		return nil, false
	}
	workers := runtime.GOMAXPROCS(0)
	var doc *v2_3.Document
	// The library runs on the calling goroutine too (the skeleton, the
	// conversion); a panic there means the ordinary path, under safely,
	// gives the error.
	err := safely("decoding the SPDX document in parts", func() error {
		if version == v2_3.Version {
			doc, ok = sp.decode23(workers)
			return nil
		}
		var old *v2_2.Document
		if old, ok = sp.decode22(workers); ok {
			doc = &v2_3.Document{}
			ok = convert.Document(old, doc) == nil
		}
		return nil
	})
	if err != nil || !ok {
		return nil, false
	}
	return doc, true
}

// decode23 decodes an SPDX 2.3 document from its parts.
func (sp *spdxSplit) decode23(workers int) (*v2_3.Document, bool) {
	type plain v2_3.Document // the Document without its UnmarshalJSON
	var doc v2_3.Document
	if json.Unmarshal(sp.skeleton, (*plain)(&doc)) != nil {
		return nil, false
	}
	var failed atomic.Bool
	doc.Packages = decodePointers[v2_3.Package](workers, sp.arrays[spdxPackages], &failed)
	doc.Files = decodePointers[v2_3.File](workers, sp.arrays[spdxFiles], &failed)
	doc.Relationships = decodePointers[v2_3.Relationship](workers, sp.arrays[spdxRelationships], &failed)
	doc.Snippets = decodeValues[v2_3.Snippet](workers, sp.arrays[spdxSnippets], &failed)
	doc.OtherLicenses = decodePointers[v2_3.OtherLicense](workers, sp.arrays[spdxLicenses], &failed)
	describes, ok := sp.decodeDescribes()
	if failed.Load() || !ok {
		return nil, false
	}
	files, ok := takeHasFiles(doc.Packages, func(p *v2_3.Package) common.ElementID { return p.PackageSPDXIdentifier })
	if !ok {
		return nil, false
	}
	doc.Relationships = linkSPDXRelationships(doc.SPDXIdentifier, doc.Relationships, describes, files)
	return &doc, true
}

// decode22 decodes an SPDX 2.2 document from its parts, into the 2.2
// model as the ordinary path does before converting it.
func (sp *spdxSplit) decode22(workers int) (*v2_2.Document, bool) {
	type plain v2_2.Document
	var doc v2_2.Document
	if json.Unmarshal(sp.skeleton, (*plain)(&doc)) != nil {
		return nil, false
	}
	var failed atomic.Bool
	doc.Packages = decodePointers[v2_2.Package](workers, sp.arrays[spdxPackages], &failed)
	doc.Files = decodePointers[v2_2.File](workers, sp.arrays[spdxFiles], &failed)
	rels := decodePointers[v2_3.Relationship](workers, sp.arrays[spdxRelationships], &failed)
	doc.Snippets = decodeValues[v2_2.Snippet](workers, sp.arrays[spdxSnippets], &failed)
	doc.OtherLicenses = decodePointers[v2_2.OtherLicense](workers, sp.arrays[spdxLicenses], &failed)
	describes, ok := sp.decodeDescribes()
	if failed.Load() || !ok {
		return nil, false
	}
	files, ok := takeHasFiles(doc.Packages, func(p *v2_2.Package) common.ElementID { return p.PackageSPDXIdentifier })
	if !ok {
		return nil, false
	}
	// The two versions' Relationship types are the same struct.
	rels = linkSPDXRelationships(doc.SPDXIdentifier, rels, describes, files)
	if rels != nil {
		doc.Relationships = make([]*v2_2.Relationship, len(rels))
		for i, r := range rels {
			doc.Relationships[i] = (*v2_2.Relationship)(r)
		}
	}
	return &doc, true
}

// decodeDescribes decodes documentDescribes, as the library's second pass
// over the document does.
func (sp *spdxSplit) decodeDescribes() ([]common.DocElementID, bool) {
	if sp.describes == nil {
		return nil, true
	}
	var ids []common.DocElementID
	return ids, json.Unmarshal(sp.describes, &ids) == nil
}

// decodePointers decodes each element of a []*E array: null is a nil
// entry, anything else a new E, through E's own UnmarshalJSON when it has
// one (as encoding/json would call it). A failure sets failed.
func decodePointers[E any](workers int, els [][]byte, failed *atomic.Bool) []*E {
	if els == nil {
		return nil
	}
	out := make([]*E, len(els))
	runParallel(workers, len(els), func(i int) {
		if failed.Load() || string(els[i]) == "null" {
			return
		}
		e := new(E)
		if !decodeElement(els[i], e, true) {
			failed.Store(true)
			return
		}
		out[i] = e
	})
	return out
}

// decodeValues decodes each element of a []E array with json.Unmarshal,
// as encoding/json decodes an element in place (null leaves the zero E).
// A failure sets failed.
func decodeValues[E any](workers int, els [][]byte, failed *atomic.Bool) []E {
	if els == nil {
		return nil
	}
	out := make([]E, len(els))
	runParallel(workers, len(els), func(i int) {
		if !failed.Load() && !decodeElement(els[i], &out[i], false) {
			failed.Store(true)
		}
	})
	return out
}

// decodeElement decodes el, a non-null element when direct, into dst,
// and turns an error or a panic into false. With direct, dst's own
// UnmarshalJSON is called without json.Unmarshal's validation pass in
// front, which is what encoding/json calls for a non-null value; the
// element types that have one (Package) validate their input with a
// json.Unmarshal of their own.
func decodeElement(el []byte, dst any, direct bool) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	if u, isU := dst.(json.Unmarshaler); isU && direct {
		return u.UnmarshalJSON(el) == nil
	}
	return json.Unmarshal(el, dst) == nil
}
