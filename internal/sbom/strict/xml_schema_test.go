package strict

import "testing"

// TestXMLSchemaTypesResolve checks that every type an element or attribute
// names exists in each version's description.
func TestXMLSchemaTypesResolve(t *testing.T) {
	for v := xVersion(12); v <= 16; v++ {
		s := xNewSchema(v)
		simple := xSimpleTypes(v)
		var walkType func(where string, ty *xType)
		var walkGroup func(where string, g *xGroup)
		walkType = func(where string, ty *xType) {
			if ty.text != "" && simple[ty.text] == nil {
				t.Errorf("1.%d %s: unknown simple type %q", v-10, where, ty.text)
			}
			for _, a := range ty.attrs {
				if simple[a.typ] == nil {
					t.Errorf("1.%d %s@%s: unknown simple type %q", v-10, where, a.name, a.typ)
				}
			}
			walkGroup(where, ty.model)
		}
		walkGroup = func(where string, g *xGroup) {
			if g == nil {
				return
			}
			for _, p := range g.parts {
				switch {
				case p.group != nil:
					walkGroup(where, p.group)
				case p.elem != nil && p.elem.inline != nil:
					walkType(where+"/"+p.elem.name, p.elem.inline)
				case p.elem != nil:
					if s.types[p.elem.typ] == nil && simple[p.elem.typ] == nil {
						t.Errorf("1.%d %s/%s: unknown type %q", v-10, where, p.elem.name, p.elem.typ)
					}
				}
			}
		}
		for name, ty := range s.types {
			walkType(name, ty)
		}
	}
}
