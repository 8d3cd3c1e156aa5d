package convert

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/uid"
)

// Options tune the document written.
type Options struct {
	// ToolVersion is rocca's version, listed among the document's tools.
	ToolVersion string
}

// WriteCycloneDXJSON writes s as an indented CycloneDX 1.6 JSON document.
func WriteCycloneDXJSON(w io.Writer, s *model.SBOM, opt Options) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(CycloneDX(s, opt), cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("write CycloneDX JSON: %w", err)
	}
	return nil
}

// CycloneDX builds the CycloneDX 1.6 BOM of s (see the package
// documentation for how values are normalised).
func CycloneDX(s *model.SBOM, opt Options) *cdx.BOM {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = serialNumber(s)
	refs := newRefs()
	bom.Metadata = metadata(s, opt, refs)
	comps := make([]cdx.Component, 0, len(s.Components))
	for i := range s.Components {
		c := component(&s.Components[i])
		c.BOMRef = refs.assign(&s.Components[i])
		comps = append(comps, c)
	}
	bom.Components = &comps
	if deps := dependencies(s.Dependencies, refs); len(deps) > 0 {
		bom.Dependencies = &deps
	}
	return bom
}

// serialNumber keeps a urn:uuid serial, else makes a stable one.
func serialNumber(s *model.SBOM) string {
	if u, ok := strings.CutPrefix(strings.ToLower(s.Serial), "urn:uuid:"); ok && uid.Valid(u) {
		return "urn:uuid:" + u
	}
	seed := s.Serial
	if seed == "" && s.Subject != nil {
		seed = s.Subject.Key()
	}
	if seed == "" {
		seed = fmt.Sprintf("%s %s %d", s.Format, s.Created.UTC().Format(time.RFC3339Nano), len(s.Components))
	}
	return "urn:uuid:" + uid.FromName("rocca:sbom:serial", seed)
}

func metadata(s *model.SBOM, opt Options, refs *refs) *cdx.Metadata {
	md := &cdx.Metadata{}
	if !s.Created.IsZero() {
		md.Timestamp = s.Created.UTC().Format(time.RFC3339)
	}
	tools := make([]cdx.Component, 0, len(s.Tools)+1)
	for _, t := range s.Tools {
		name, version := splitTool(t)
		tools = append(tools, cdx.Component{Type: cdx.ComponentTypeApplication, Name: name, Version: version})
	}
	tools = append(tools, cdx.Component{Type: cdx.ComponentTypeApplication, Name: "rocca", Version: opt.ToolVersion,
		Description: "converted the document to CycloneDX 1.6"})
	md.Tools = &cdx.ToolsChoice{Components: &tools}
	if len(s.Authors) > 0 {
		authors := make([]cdx.OrganizationalContact, 0, len(s.Authors))
		for _, a := range s.Authors {
			authors = append(authors, cdx.OrganizationalContact{Name: a})
		}
		md.Authors = &authors
	}
	if s.Subject != nil {
		c := component(s.Subject)
		if c.Type == cdx.ComponentTypeLibrary && s.Subject.Type == "" {
			c.Type = cdx.ComponentTypeApplication
		}
		c.BOMRef = refs.assign(s.Subject)
		md.Component = &c
	}
	source := strings.TrimSpace(strings.Join([]string{s.Format, s.SpecVersion, s.Encoding}, " "))
	if source != "" {
		md.Properties = &[]cdx.Property{{Name: "rocca:sbom:source-format", Value: source}}
	}
	return md
}

// splitTool splits "name version" where the last word looks like a version.
func splitTool(t string) (name, version string) {
	t = strings.TrimSpace(t)
	i := strings.LastIndexByte(t, ' ')
	if i < 0 {
		return t, ""
	}
	last := strings.TrimPrefix(t[i+1:], "v")
	if last != "" && last[0] >= '0' && last[0] <= '9' {
		return strings.TrimSpace(t[:i]), t[i+1:]
	}
	return t, ""
}

func component(m *model.Component) cdx.Component {
	c := cdx.Component{
		Type:       componentType(m.Type),
		Group:      m.Group,
		Name:       m.Name,
		Version:    m.Version,
		PackageURL: m.PURL,
		CPE:        m.CPE,
	}
	if c.Name == "" {
		c.Name = m.Key() // CycloneDX requires a name
	}
	if c.Name == "" {
		c.Name = m.Ref
	}
	if m.Supplier != "" {
		c.Supplier = &cdx.OrganizationalEntity{Name: m.Supplier}
	}
	if m.Author != "" {
		c.Authors = &[]cdx.OrganizationalContact{{Name: m.Author}}
	}
	switch s := cdx.Scope(strings.ToLower(m.Scope)); s {
	case cdx.ScopeRequired, cdx.ScopeOptional, cdx.ScopeExcluded:
		c.Scope = s
	}
	if hs := hashes(m.Hashes); len(hs) > 0 {
		c.Hashes = &hs
	}
	if ls := licenses(m.Licenses); len(ls) > 0 {
		c.Licenses = &ls
	}
	if m.PURLDerivedFrom != "" {
		c.Properties = &[]cdx.Property{{Name: "rocca:purl:derived-from", Value: m.PURLDerivedFrom}}
	}
	return c
}

// componentTypes are the component types CycloneDX 1.6 defines.
var componentTypes = []cdx.ComponentType{
	cdx.ComponentTypeApplication, cdx.ComponentTypeContainer, cdx.ComponentTypeCryptographicAsset,
	cdx.ComponentTypeData, cdx.ComponentTypeDevice, cdx.ComponentTypeDeviceDriver,
	cdx.ComponentTypeFile, cdx.ComponentTypeFirmware, cdx.ComponentTypeFramework,
	cdx.ComponentTypeLibrary, cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeOS,
	cdx.ComponentTypePlatform,
}

func componentType(t string) cdx.ComponentType {
	ct := cdx.ComponentType(strings.ToLower(strings.TrimSpace(t)))
	if slices.Contains(componentTypes, ct) {
		return ct
	}
	return cdx.ComponentTypeLibrary
}

func dependencies(deps []model.Dependency, refs *refs) []cdx.Dependency {
	out := make([]cdx.Dependency, 0, len(deps))
	index := map[string]int{}
	for _, d := range deps {
		from, ok := refs.lookup(d.Ref)
		if !ok {
			continue
		}
		i, seen := index[from]
		if !seen {
			i = len(out)
			index[from] = i
			out = append(out, cdx.Dependency{Ref: from})
		}
		for _, to := range d.DependsOn {
			ref, ok := refs.lookup(to)
			if !ok {
				continue
			}
			var list []string
			if out[i].Dependencies != nil {
				list = *out[i].Dependencies
			}
			if !slices.Contains(list, ref) {
				list = append(list, ref)
				out[i].Dependencies = &list
			}
		}
	}
	return out
}

// refs gives every component of the output a unique bom-ref and remembers
// which source reference became which, so that edges can follow.
type refs struct {
	used   map[string]bool
	source map[string]string // source ref -> output ref (the first holder)
}

func newRefs() *refs { return &refs{used: map[string]bool{}, source: map[string]string{}} }

func (r *refs) assign(c *model.Component) string {
	base := c.Ref
	if base == "" {
		base = c.Key()
	}
	if base == "" {
		base = "component"
	}
	ref := base
	for n := 2; r.used[ref]; n++ {
		ref = base + "#" + strconv.Itoa(n)
	}
	r.used[ref] = true
	if c.Ref != "" {
		if _, ok := r.source[c.Ref]; !ok {
			r.source[c.Ref] = ref
		}
	}
	return ref
}

func (r *refs) lookup(src string) (string, bool) {
	ref, ok := r.source[src]
	return ref, ok
}
