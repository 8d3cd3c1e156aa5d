package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/purl"
	"github.com/rocca-project/rocca/internal/sbom/strict"
)

// spdx3Issues checks an SPDX 3 JSON-LD document at a lighter level than
// SPDX 2: an SPDX 3 @context, a @graph, every element typed and
// identified, ids unique, creationInfo present and resolvable, CreationInfo
// nodes complete, relationships with a type, a from and at least one to,
// each end naming an element of the graph or an import of the
// SpdxDocument, and package purls well formed.
func (d *document) spdx3Issues() []strict.Issue {
	var doc spdx3Document
	if err := json.Unmarshal(d.data, &doc); err != nil {
		return []strict.Issue{errorIssue(d.jsonError(err))}
	}
	var issues []strict.Issue
	add := func(ptr, format string, args ...any) {
		issues = append(issues, strict.Issue{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
	if !bytes.Contains(doc.Context, []byte("spdx.org/rdf/3")) {
		add("/@context", "@context must be the SPDX 3 JSON-LD context")
	}
	if doc.Graph == nil {
		add("/@graph", "an SPDX 3 document lists its elements in @graph")
		return issues
	}
	ids := map[string]int{}
	for i := range doc.Graph {
		e := &doc.Graph[i]
		ptr := fmt.Sprintf("/@graph/%d", i)
		if e.class() == "" {
			add(ptr+"/type", "the element has no type")
		}
		id := e.id()
		if id == "" {
			add(ptr+"/spdxId", "the element has no spdxId")
			continue
		}
		if first, dup := ids[id]; dup {
			add(ptr+"/spdxId", "id %s is already used by /@graph/%d", clip(id, 80), first)
			continue
		}
		ids[id] = i
	}
	imported := spdx3Imports(&doc)
	resolves := func(id string) bool {
		_, ok := ids[id]
		return ok || imported[id] || strings.Contains(id, "spdx.org/rdf/3") || strings.HasPrefix(id, "https://spdx.org/licenses/")
	}
	for i := range doc.Graph {
		e := &doc.Graph[i]
		ptr := fmt.Sprintf("/@graph/%d", i)
		switch e.class() {
		case "CreationInfo":
			if !strings.HasPrefix(e.id(), "_:") {
				add(ptr+"/@id", "a CreationInfo is a blank node: its @id starts with \"_:\"")
			}
			spdx3CheckCreationInfo(ptr, e, add)
			continue
		case "Relationship", "LifecycleScopedRelationship":
			spdx3CheckRelationship(ptr, e, resolves, add)
		}
		raw := bytes.TrimSpace(e.CreationInfo)
		switch {
		case len(raw) == 0:
			add(ptr+"/creationInfo", "every element has a creationInfo")
		case raw[0] == '{':
			var ci spdx3Element
			if json.Unmarshal(raw, &ci) == nil {
				spdx3CheckCreationInfo(ptr+"/creationInfo", &ci, add)
			}
		default:
			refs := spdx3Refs(raw)
			ok := len(refs) == 1
			if ok {
				j, found := ids[refs[0]]
				ok = found && doc.Graph[j].class() == "CreationInfo"
			}
			if !ok {
				add(ptr+"/creationInfo", "creationInfo does not name a CreationInfo of the graph")
			}
		}
		if e.PackageURL != "" {
			if _, err := purl.Parse(e.PackageURL); err != nil {
				add(ptr+"/software_packageUrl", "%v", err)
			}
		}
	}
	return issues
}

// spdx3Imports returns the external element ids the SpdxDocument
// elements import (their ExternalMap entries).
func spdx3Imports(doc *spdx3Document) map[string]bool {
	out := map[string]bool{}
	type externalMap struct {
		ExternalSpdxID string `json:"externalSpdxId"`
	}
	for i := range doc.Graph {
		raw := bytes.TrimSpace(doc.Graph[i].Import)
		var maps []externalMap
		if len(raw) > 0 && raw[0] == '{' {
			var m externalMap
			if json.Unmarshal(raw, &m) == nil {
				maps = append(maps, m)
			}
		} else if json.Unmarshal(raw, &maps) != nil {
			continue
		}
		for _, m := range maps {
			if m.ExternalSpdxID != "" {
				out[m.ExternalSpdxID] = true
			}
		}
	}
	return out
}

func spdx3CheckCreationInfo(ptr string, e *spdx3Element, add func(string, string, ...any)) {
	if e.SpecVersion == "" {
		add(ptr+"/specVersion", "CreationInfo has no specVersion")
	}
	if e.Created == "" {
		add(ptr+"/created", "CreationInfo has no created time")
	}
	if len(spdx3Refs(e.CreatedBy)) == 0 {
		add(ptr+"/createdBy", "CreationInfo names no creator (createdBy)")
	}
}

func spdx3CheckRelationship(ptr string, e *spdx3Element, resolves func(string) bool, add func(string, string, ...any)) {
	if e.RelationshipType == "" {
		add(ptr+"/relationshipType", "the relationship has no relationshipType")
	}
	from := spdx3Refs(e.From)
	if len(from) != 1 {
		add(ptr+"/from", "a relationship has exactly one from element")
	}
	for _, id := range from {
		if !resolves(id) {
			add(ptr+"/from", "no element of the document has id %s", clip(id, 80))
		}
	}
	to := spdx3Refs(e.To)
	if len(to) == 0 {
		add(ptr+"/to", "a relationship has at least one to element")
	}
	for j, id := range to {
		if !resolves(id) {
			add(fmt.Sprintf("%s/to/%d", ptr, j), "no element of the document has id %s", clip(id, 80))
		}
	}
}
