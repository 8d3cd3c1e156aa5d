package sbom

import (
	"reflect"

	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// After decoding, the library's Document.UnmarshalJSON (v2_2 and v2_3
// alike, tools-golang v0.5.7) completes the relationships: it removes
// null entries, then appends a DESCRIBES relationship from the document
// to each id of documentDescribes, then a CONTAINS relationship from each
// package to each id of its hasFiles, each only when no relationship
// with the same rendering ("A-TYPE->B", CONTAINED_BY and DESCRIBED_BY
// read as their inverses) is already listed. The parallel path decodes
// the parts without that method and redoes this here; the equivalence
// tests (spdx_parallel_test.go) compare the two paths' documents field by
// field, unexported ones included.

// spdxPackageFiles is a package's SPDX id and its hasFiles ids.
type spdxPackageFiles struct {
	id    common.ElementID
	files []common.DocElementID
}

// linkSPDXRelationships completes rels as Document.UnmarshalJSON does.
// rels keeps its nil-ness (nil stays nil unless something is appended).
func linkSPDXRelationships(docID common.ElementID, rels []*v2_3.Relationship, describes []common.DocElementID, files []spdxPackageFiles) []*v2_3.Relationship {
	kept := rels[:0:len(rels)]
	for _, r := range rels {
		if r != nil {
			kept = append(kept, r)
		}
	}
	rels = kept
	if len(describes) == 0 && len(files) == 0 {
		return rels // nothing to add: the index below would go unused
	}
	listed := make(map[string]bool, len(rels)+len(describes))
	for _, r := range rels {
		listed[relationshipKey(r)] = true
	}
	add := func(a common.ElementID, b common.DocElementID, typ string) {
		r := &v2_3.Relationship{RefA: common.DocElementID{ElementRefID: a}, RefB: b, Relationship: typ}
		if k := relationshipKey(r); !listed[k] {
			rels = append(rels, r)
			listed[k] = true
		}
	}
	for _, id := range describes {
		add(docID, id, common.TypeRelationshipDescribe)
	}
	for _, p := range files {
		for _, f := range p.files {
			add(p.id, f, common.TypeRelationshipContains)
		}
	}
	return rels
}

// relationshipKey renders r as the library compares relationships when
// it adds the implied ones.
func relationshipKey(r *v2_3.Relationship) string {
	a, b, typ := r.RefA, r.RefB, r.Relationship
	switch typ {
	case common.TypeRelationshipContainedBy:
		a, b, typ = b, a, common.TypeRelationshipContains
	case common.TypeRelationshipDescribeBy:
		a, b, typ = b, a, common.TypeRelationshipDescribe
	}
	return common.RenderDocElementID(a) + "-" + typ + "->" + common.RenderDocElementID(b)
}

// takeHasFiles collects the hasFiles ids that the library's
// Package.UnmarshalJSON keeps in an unexported field of each package, in
// order, and clears the field as Document.UnmarshalJSON does, by
// replacing each package that holds some with a copy of its exported
// fields. false when the package type is not shaped as expected (another
// library version): the ordinary path must then decode the document.
func takeHasFiles[P any](pkgs []*P, id func(*P) common.ElementID) ([]spdxPackageFiles, bool) {
	t := reflect.TypeFor[P]()
	field, found := t.FieldByName("hasFiles")
	if !found || field.Type != reflect.TypeFor[[]common.DocElementID]() || len(field.Index) != 1 {
		return nil, false
	}
	for i := range t.NumField() {
		if f := t.Field(i); !f.IsExported() && f.Name != "hasFiles" {
			return nil, false // a field the copy below would lose
		}
	}
	var out []spdxPackageFiles
	for i, p := range pkgs {
		v := reflect.ValueOf(p).Elem().Field(field.Index[0])
		if v.IsNil() {
			continue
		}
		ids := make([]common.DocElementID, v.Len())
		for j := range ids {
			e := v.Index(j)
			ids[j] = common.DocElementID{
				DocumentRefID: common.DocumentID(e.FieldByName("DocumentRefID").String()),
				ElementRefID:  common.ElementID(e.FieldByName("ElementRefID").String()),
				SpecialID:     e.FieldByName("SpecialID").String(),
			}
		}
		if len(ids) > 0 {
			out = append(out, spdxPackageFiles{id: id(p), files: ids})
		}
		pkgs[i] = exportedCopy(p)
	}
	return out, true
}

// exportedCopy returns a new *P holding p's exported fields.
func exportedCopy[P any](p *P) *P {
	src := reflect.ValueOf(p).Elem()
	n := new(P)
	dst := reflect.ValueOf(n).Elem()
	for i := range src.NumField() {
		if src.Type().Field(i).IsExported() {
			dst.Field(i).Set(src.Field(i))
		}
	}
	return n
}
