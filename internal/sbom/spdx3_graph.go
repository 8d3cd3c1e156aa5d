package sbom

import (
	"github.com/rocca-project/rocca/internal/model"
)

// subjectAndGraph sets s.Subject and returns the dependency graph.
//
// The subject is found from the SpdxDocument: its rootElement, followed
// through an Sbom or Bom element to that element's rootElement, and the
// targets of "describes" relationships from the document or an Sbom. One
// package found is the subject (and leaves the component list); several
// make the SpdxDocument itself the subject, with an edge to each.
func (r *spdx3Reader) subjectAndGraph(s *model.SBOM) *graph {
	var roots []string
	seen := map[string]bool{}
	addRoot := func(id string) {
		if _, ok := r.index[id]; ok && !seen[id] {
			seen[id] = true
			roots = append(roots, id)
		}
	}
	var docID, docName string
	for i := range r.doc.Graph {
		e := &r.doc.Graph[i]
		switch e.class() {
		case "SpdxDocument":
			if docID == "" {
				docID, docName = e.id(), e.Name
			}
			for _, id := range spdx3Refs(e.RootElement) {
				addRoot(id)
				if el := r.byID[id]; el != nil && (el.class() == "software_Sbom" || el.class() == "Bom") {
					for _, sub := range spdx3Refs(el.RootElement) {
						addRoot(sub)
					}
				}
			}
		case "Relationship", "LifecycleScopedRelationship":
			if e.RelationshipType != "describes" {
				continue
			}
			for _, from := range spdx3Refs(e.From) {
				if el := r.byID[from]; el != nil && (el.class() == "SpdxDocument" || el.class() == "software_Sbom" || el.class() == "Bom") {
					for _, to := range spdx3Refs(e.To) {
						addRoot(to)
					}
				}
			}
		}
	}
	g := newGraph()
	switch {
	case len(roots) == 0:
		r.w.add("the document describes no package, so its subject is unknown")
	case len(roots) == 1:
		c := r.comps[r.index[roots[0]]]
		s.Subject = &c
		r.subject = c.Ref
	default:
		s.Subject = &model.Component{Ref: docID, Name: docName}
		r.subject = docID
		for _, id := range roots {
			g.add(docID, id)
		}
	}
	r.edges(g)
	return g
}

// edges adds the dependency relationships of the graph to g. Ends that
// are elements but not packages (files, snippets, licences...) are dropped
// silently; ends naming no element of the document are dropped with a
// warning.
func (r *spdx3Reader) edges(g *graph) {
	end := func(i int, id string) bool {
		if _, ok := r.index[id]; ok || (id == r.subject && id != "") {
			return true
		}
		if _, ok := r.byID[id]; !ok {
			r.w.add("@graph/%d: %s relationship: no element of this document has id %s; edge dropped", i, r.doc.Graph[i].RelationshipType, clip(id, 80))
		}
		return false
	}
	for i := range r.doc.Graph {
		e := &r.doc.Graph[i]
		if !spdx3Edges[e.RelationshipType] {
			continue
		}
		for _, from := range spdx3Refs(e.From) {
			if !end(i, from) {
				continue
			}
			for _, to := range spdx3Refs(e.To) {
				if end(i, to) {
					g.add(from, to)
				}
			}
		}
	}
}
