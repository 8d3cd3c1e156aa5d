package vex

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/purl"
)

// preparedStatement holds a statement's products ready for matching.
type preparedStatement struct {
	products []product
}

// product is one product identifier of a statement, with its parsed purl
// when it is one.
type product struct {
	raw  string
	purl *packageurl.PackageURL
}

func prepare(s *Statement) preparedStatement {
	p := preparedStatement{products: make([]product, len(s.Products))}
	for i, id := range s.Products {
		p.products[i] = product{raw: id}
		if strings.HasPrefix(id, "pkg:") {
			if u, err := purl.Parse(id); err == nil {
				p.products[i].purl = &u
			}
		}
	}
	return p
}

// componentKeys are the identifiers of a finding's component.
type componentKeys struct {
	ref, cpe, purlRaw string
	purl              *packageurl.PackageURL
}

func (p *preparedStatement) covers(c *componentKeys) bool {
	for i := range p.products {
		if p.products[i].identifies(c) {
			return true
		}
	}
	return false
}

func (p *product) identifies(c *componentKeys) bool {
	switch {
	case c.ref != "" && p.raw == c.ref, c.cpe != "" && p.raw == c.cpe:
		return true
	case p.purl != nil && c.purl != nil:
		return purlCovers(p.purl, c.purl)
	}
	return c.purlRaw != "" && p.raw == c.purlRaw
}

// purlCovers reports whether the statement's purl pattern covers the
// component's purl (see Apply).
func purlCovers(pattern, comp *packageurl.PackageURL) bool {
	if pattern.Type != comp.Type || pattern.Namespace != comp.Namespace || pattern.Name != comp.Name {
		return false
	}
	if pattern.Version != "" && pattern.Version != comp.Version {
		return false
	}
	if pattern.Subpath != "" && pattern.Subpath != comp.Subpath {
		return false
	}
	for _, q := range pattern.Qualifiers {
		found := false
		for _, cq := range comp.Qualifiers {
			if cq.Key == q.Key {
				found = cq.Value == q.Value
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// purlCache parses each component purl once (many findings share one).
type purlCache map[string]*packageurl.PackageURL

func (c purlCache) get(s string) *packageurl.PackageURL {
	if s == "" {
		return nil
	}
	if p, ok := c[s]; ok {
		return p
	}
	var p *packageurl.PackageURL
	if u, err := purl.Parse(s); err == nil {
		p = &u
	}
	c[s] = p
	return p
}
