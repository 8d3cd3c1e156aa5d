package vexchange

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/vex"
)

// ExportOptions tune an export.
type ExportOptions struct {
	Format vex.Format
	// BaseURL is the publisher's URL: the CSAF publisher namespace
	// (required for CSAF) and the base of the document's id
	// (<BaseURL>/api/v1/versions/<id>/vex). Without it the id is a
	// urn:uuid derived from the version or product id.
	BaseURL string
	// Untriaged includes the open findings nobody decided yet, as
	// under_investigation; by default only decided findings are stated.
	Untriaged bool
	// Tool and ToolVersion name the program (rocca and its version).
	Tool, ToolVersion string
}

// Export is a written document.
type Export struct {
	// Statements counts the statements written.
	Statements int
	// FileName is a name for the document: <product>-<version>.<format
	// extension>.
	FileName string
}

// ExportVersion writes the effective analysis of the open findings of one
// of org's versions as a VEX document about the version.
func (s *Service) ExportVersion(ctx context.Context, org, versionID string, w io.Writer, o ExportOptions) (Export, error) {
	meta, err := s.meta(ctx, org, &o)
	if err != nil {
		return Export{}, err
	}
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return Export{}, err
	}
	d, err := s.load(ctx, org, v, nil)
	if err != nil {
		return Export{}, err
	}
	meta.ID = docID(o.BaseURL, "versions", v.ID)
	meta.Product = d.identity()
	if r := d.product.Role; r != "" {
		meta.Role = string(r)
	}
	stmts := statements(d, o.Untriaged, nil, meta.Summaries)
	if err := checkEmpty(&o, stmts); err != nil {
		return Export{}, err
	}
	if err := vex.Write(w, o.Format, meta, stmts); err != nil {
		return Export{}, err
	}
	return Export{Statements: len(stmts), FileName: fileName(d.product.Name+"-"+v.Name, o.Format)}, nil
}

// ExportProduct writes the effective analysis of the open findings of the
// on-market versions of one of org's products as one VEX document about
// the product, each statement placing its component in its version.
func (s *Service) ExportProduct(ctx context.Context, org, productID string, w io.Writer, o ExportOptions) (Export, error) {
	meta, err := s.meta(ctx, org, &o)
	if err != nil {
		return Export{}, err
	}
	p, err := s.store.Product(ctx, org, productID)
	if err != nil {
		return Export{}, err
	}
	vs, err := s.store.Versions(ctx, org, p.ID)
	if err != nil {
		return Export{}, err
	}
	meta.ID = docID(o.BaseURL, "products", p.ID)
	meta.Product = vex.Product{Name: p.Name}
	if p.Role != "" {
		meta.Role = string(p.Role)
	}
	var stmts []vex.Statement
	for i := range vs {
		if vs[i].Lifecycle != model.LifecycleOnMarket {
			continue
		}
		d, err := s.load(ctx, org, vs[i], &p)
		if err != nil {
			return Export{}, err
		}
		id := d.identity()
		stmts = append(stmts, statements(d, o.Untriaged, &id, meta.Summaries)...)
	}
	if err := checkEmpty(&o, stmts); err != nil {
		return Export{}, err
	}
	if err := vex.Write(w, o.Format, meta, stmts); err != nil {
		return Export{}, err
	}
	return Export{Statements: len(stmts), FileName: fileName(p.Name, o.Format)}, nil
}

// checkEmpty refuses a CSAF document without statements: the VEX profile
// requires vulnerabilities. The other formats may be empty.
func checkEmpty(o *ExportOptions, stmts []vex.Statement) error {
	if o.Format != vex.FormatCSAF || len(stmts) > 0 {
		return nil
	}
	if o.Untriaged {
		return inputf("vexchange.csaf_no_open", "format: no open finding to state; a CSAF VEX document needs at least one vulnerability")
	}
	return inputf("vexchange.csaf_no_decided", "format: no decided finding to state; a CSAF VEX document needs at least one vulnerability (untriaged=true states the undecided findings as under_investigation)")
}

// meta is the document's metadata but its id and product: the
// organisation as author, the publisher namespace, the time.
func (s *Service) meta(ctx context.Context, org string, o *ExportOptions) (vex.Meta, error) {
	switch o.Format {
	case vex.FormatOpenVEX, vex.FormatCycloneDXJSON, vex.FormatCycloneDXXML, vex.FormatCSAF:
	default:
		return vex.Meta{}, inputf("vexchange.format", "format: %q is not one of openvex, cyclonedx, cyclonedx-xml, csaf", o.Format)
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return vex.Meta{}, inputf("vexchange.namespace", "namespace: %q is not an http or https URL of the publisher (e.g. https://example.com)", o.BaseURL)
		}
		o.BaseURL = strings.TrimRight(u.String(), "/")
	} else if o.Format == vex.FormatCSAF {
		return vex.Meta{}, inputf("vexchange.namespace_required", "namespace: a CSAF document needs the publisher's namespace, an http or https URL (e.g. https://example.com)")
	}
	orgRec, err := s.store.Org(ctx, org)
	if err != nil {
		return vex.Meta{}, err
	}
	tool := o.Tool
	if tool == "" {
		tool = "rocca"
	}
	return vex.Meta{Author: orgRec.Name, Namespace: o.BaseURL, Timestamp: s.now().UTC(), Version: 1,
		Tool: tool, ToolVersion: o.ToolVersion, Summaries: map[string]string{}}, nil
}

// docID is the document's id: <base>/api/v1/<kind>/<id>/vex, or a
// urn:uuid derived from kind and id without a base.
func docID(base, kind, id string) string {
	if base != "" {
		return base + "/api/v1/" + kind + "/" + id + "/vex"
	}
	h := sha256.Sum256([]byte("rocca:" + kind + ":" + id))
	h[6] = h[6]&0x0f | 0x50 // name-based, as in version 5
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return "urn:uuid:" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// statements are the statements of a version's findings: the decided
// ones, and with untriaged the others as under_investigation. in, when
// set, places each component in that product (version) for a document
// about several versions.
func statements(d *versionData, untriaged bool, in *vex.Product, summaries map[string]string) []vex.Statement {
	var out []vex.Statement
	for i := range d.findings {
		f := d.findings[i]
		if f.Status == "" {
			if !untriaged {
				continue
			}
			f.Status = model.StatusUnderInvestigation
		}
		st := vex.FromFinding(&f)
		if in != nil {
			for k := range st.Products {
				st.Products[k] = vex.InProduct(*in, st.Products[k])
			}
		}
		out = append(out, st)
		if s := f.Vulnerability.Summary; s != "" {
			summaries[f.Vulnerability.ID] = s
		}
	}
	return out
}

// fileName makes a download name of base (letters, digits, '.', '-', '_'
// kept) with the format's extension.
func fileName(base string, f vex.Format) string {
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	ext := map[vex.Format]string{vex.FormatOpenVEX: ".openvex.json", vex.FormatCycloneDXJSON: ".vex.cdx.json",
		vex.FormatCycloneDXXML: ".vex.cdx.xml", vex.FormatCSAF: ".csaf.json"}[f]
	return fmt.Sprintf("%s%s", b.String(), ext)
}
