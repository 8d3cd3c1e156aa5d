package sbom

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/rocca-project/rocca/internal/purl"
	"github.com/rocca-project/rocca/internal/sbom/strict"
)

// spdxConformance runs the strict checks of an SPDX document (d was
// detected by rd). The document is decoded again: the checks need the
// library's model, which Read does not keep. A document that cannot be
// decoded yields one issue saying why.
func (d *document) spdxConformance(rd *reader) []strict.Issue {
	var (
		sd   *spdx2Doc
		err  error
		text []strict.Issue // repeated keys and invalid UTF-8 of a JSON document
	)
	switch rd.format {
	case spdx3JSONLD.format:
		return append(strict.JSONText(d.data), d.spdx3Issues()...)
	case spdxJSON.format:
		text = strict.JSONText(d.data)
		sd, err = d.loadSPDXJSON()
	case spdxYAML.format:
		sd, err = d.loadSPDXYAML()
	case spdxTagValue.format:
		sd, err = d.loadSPDXTagValue()
	default:
		return []strict.Issue{{Message: rd.format + " documents are not read, so they cannot be validated"}}
	}
	if err != nil {
		return append(text, errorIssue(err))
	}
	return append(text, validateSPDX(d, sd.doc)...)
}

// errorIssue turns a decoding error into an issue at its place.
func errorIssue(err error) strict.Issue {
	is := strict.Issue{Message: err.Error()}
	if e, ok := err.(*Error); ok {
		is.Line, is.Message = e.Line, e.Err.Error()
		if e.Field != "" {
			is.Pointer = "/" + strings.ReplaceAll(e.Field, ".", "/")
		}
	}
	return is
}

// spdxIDSyntax is the syntax of an SPDX 2 element id after "SPDXRef-"
// (the library strips the prefix), and of a document id after
// "DocumentRef-".
var spdxIDSyntax = regexp.MustCompile(`^[A-Za-z0-9.\-]+$`)

// spdx2Checksums gives the hex length of each checksum algorithm SPDX 2.3
// allows (0: any length); the bool says whether 2.2 allows it too.
var spdx2Checksums = map[string]struct {
	hexLen int
	in22   bool
}{
	"SHA1": {40, true}, "SHA224": {56, true}, "SHA256": {64, true}, "SHA384": {96, true}, "SHA512": {128, true},
	"MD2": {32, true}, "MD4": {32, true}, "MD5": {32, true}, "MD6": {0, true},
	"SHA3-256": {64, false}, "SHA3-384": {96, false}, "SHA3-512": {128, false},
	"BLAKE2b-256": {64, false}, "BLAKE2b-384": {96, false}, "BLAKE2b-512": {128, false},
	"BLAKE3": {0, false}, "ADLER32": {8, false},
}

// spdx2RelationshipTypes are the relationship types of SPDX 2.3 (2.2 has
// all but REQUIREMENT_DESCRIPTION_FOR and SPECIFICATION_FOR).
var spdx2RelationshipTypes = strings.Fields(`DESCRIBES DESCRIBED_BY CONTAINS CONTAINED_BY DEPENDS_ON DEPENDENCY_OF
	DEPENDENCY_MANIFEST_OF BUILD_DEPENDENCY_OF DEV_DEPENDENCY_OF OPTIONAL_DEPENDENCY_OF PROVIDED_DEPENDENCY_OF
	TEST_DEPENDENCY_OF RUNTIME_DEPENDENCY_OF EXAMPLE_OF GENERATES GENERATED_FROM ANCESTOR_OF DESCENDANT_OF
	VARIANT_OF DISTRIBUTION_ARTIFACT PATCH_FOR PATCH_APPLIED COPY_OF FILE_ADDED FILE_DELETED FILE_MODIFIED
	EXPANDED_FROM_ARCHIVE DYNAMIC_LINK STATIC_LINK DATA_FILE_OF TEST_CASE_OF BUILD_TOOL_OF DEV_TOOL_OF TEST_OF
	TEST_TOOL_OF DOCUMENTATION_OF OPTIONAL_COMPONENT_OF METAFILE_OF PACKAGE_OF AMENDS PREREQUISITE_FOR
	HAS_PREREQUISITE REQUIREMENT_DESCRIPTION_FOR SPECIFICATION_FOR OTHER`)

// spdx2Purposes are the values of primaryPackagePurpose (SPDX 2.3).
var spdx2Purposes = strings.Fields("APPLICATION FRAMEWORK LIBRARY CONTAINER OPERATING-SYSTEM DEVICE FIRMWARE SOURCE ARCHIVE FILE INSTALL OTHER")

// spdx2Validator collects the issues of one document.
type spdx2Validator struct {
	v22    bool // the document declares SPDX-2.2
	issues []strict.Issue
	ids    map[string]string // SPDX id → pointer of its first use
}

func (v *spdx2Validator) add(ptr, format string, args ...any) {
	v.issues = append(v.issues, strict.Issue{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
}

// validateSPDX checks doc, decoded from d, against the SPDX 2.2 or 2.3
// specification (the version d declares). Pointers use the JSON field
// names whatever the encoding (tag-value issues carry no line).
func validateSPDX(d *document, doc *v2_3.Document) []strict.Issue {
	v := &spdx2Validator{v22: spdx2DeclaredVersion(d) == "SPDX-2.2", ids: map[string]string{}}
	v.document(doc)
	for i, p := range doc.Packages {
		v.pkg(fmt.Sprintf("/packages/%d", i), p)
	}
	for i, f := range doc.Files {
		v.file(fmt.Sprintf("/files/%d", i), f)
	}
	for i, p := range doc.Packages {
		if p != nil {
			for j, f := range p.Files {
				v.file(fmt.Sprintf("/packages/%d/files/%d", i, j), f)
			}
		}
	}
	for i, sn := range doc.Snippets {
		v.id(fmt.Sprintf("/snippets/%d/SPDXID", i), sn.SnippetSPDXIdentifier)
	}
	for i, r := range doc.Relationships {
		v.relationship(fmt.Sprintf("/relationships/%d", i), r, doc)
	}
	return v.issues
}

// spdx2DeclaredVersion returns the spdxVersion d declares.
func spdx2DeclaredVersion(d *document) string {
	switch d.syntax {
	case syntaxJSON:
		v, _ := d.memberString("spdxVersion")
		return v
	}
	if v, ok := textVersion(d, tagValueVersion); ok {
		return v
	}
	v, _ := textVersion(d, yamlVersion)
	return v
}

func (v *spdx2Validator) document(doc *v2_3.Document) {
	if doc.DataLicense != "CC0-1.0" {
		v.add("/dataLicense", "dataLicense must be CC0-1.0, found %q", clip(doc.DataLicense, 40))
	}
	if doc.SPDXIdentifier != "DOCUMENT" {
		v.add("/SPDXID", "the document's SPDXID must be SPDXRef-DOCUMENT, found %q", clip(common.RenderElementID(doc.SPDXIdentifier), 60))
	}
	v.ids[spdxDocumentRef] = "/SPDXID"
	if strings.TrimSpace(doc.DocumentName) == "" {
		v.add("/name", "the document has no name")
	}
	if u, err := url.Parse(doc.DocumentNamespace); doc.DocumentNamespace == "" || err != nil || u.Scheme == "" || strings.Contains(doc.DocumentNamespace, "#") {
		v.add("/documentNamespace", "documentNamespace must be an absolute URI without '#', found %q", clip(doc.DocumentNamespace, 80))
	}
	for i, ref := range doc.ExternalDocumentReferences {
		ptr := fmt.Sprintf("/externalDocumentRefs/%d", i)
		if !spdxIDSyntax.MatchString(string(ref.DocumentRefID)) {
			v.add(ptr+"/externalDocumentId", "%q is not a DocumentRef-[A-Za-z0-9.-]+ id", clip(string(ref.DocumentRefID), 60))
		}
		if ref.URI == "" {
			v.add(ptr+"/spdxDocument", "the external document reference has no URI")
		}
		v.checksum(ptr+"/checksum", ref.Checksum)
	}
	ci := doc.CreationInfo
	if ci == nil {
		v.add("/creationInfo", "the document has no creationInfo")
		return
	}
	if len(ci.Creators) == 0 {
		v.add("/creationInfo/creators", "the document names no creator")
	}
	for i, c := range ci.Creators {
		if t := c.CreatorType; t != "Tool" && t != "Organization" && t != "Person" {
			v.add(fmt.Sprintf("/creationInfo/creators/%d", i), "creator type %q is not Tool, Organization or Person", clip(t, 30))
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", ci.Created); err != nil {
		v.add("/creationInfo/created", "created must be a UTC date-time YYYY-MM-DDThh:mm:ssZ, found %q", clip(ci.Created, 40))
	}
}

// id checks the syntax and uniqueness of an element id.
func (v *spdx2Validator) id(ptr string, id common.ElementID) {
	if !spdxIDSyntax.MatchString(string(id)) {
		v.add(ptr, "%q is not an SPDXRef-[A-Za-z0-9.-]+ id", clip(common.RenderElementID(id), 80))
		return
	}
	ref := common.RenderElementID(id)
	if first, dup := v.ids[ref]; dup {
		v.add(ptr, "SPDX id %s is already used at %s", clip(ref, 80), first)
		return
	}
	v.ids[ref] = ptr
}

func (v *spdx2Validator) pkg(ptr string, p *v2_3.Package) {
	if p == nil {
		v.add(ptr, "null is not a package")
		return
	}
	v.id(ptr+"/SPDXID", p.PackageSPDXIdentifier)
	if strings.TrimSpace(p.PackageName) == "" {
		v.add(ptr+"/name", "the package has no name")
	}
	if strings.TrimSpace(p.PackageDownloadLocation) == "" {
		v.add(ptr+"/downloadLocation", "downloadLocation is required (a URL, NONE or NOASSERTION)")
	}
	if p.FilesAnalyzed {
		if v.v22 && p.PackageVerificationCode == nil {
			v.add(ptr+"/packageVerificationCode", "packageVerificationCode is required when filesAnalyzed is true (SPDX 2.2)")
		}
		if v.v22 && len(p.PackageLicenseInfoFromFiles) == 0 {
			v.add(ptr+"/licenseInfoFromFiles", "licenseInfoFromFiles is required when filesAnalyzed is true (SPDX 2.2)")
		}
	} else {
		if p.PackageVerificationCode != nil && p.PackageVerificationCode.Value != "" {
			v.add(ptr+"/packageVerificationCode", "packageVerificationCode must be absent when filesAnalyzed is false")
		}
		if len(p.Files) > 0 {
			v.add(ptr+"/files", "a package whose filesAnalyzed is false lists no files")
		}
	}
	if v.v22 {
		for field, val := range map[string]string{"licenseConcluded": p.PackageLicenseConcluded, "licenseDeclared": p.PackageLicenseDeclared, "copyrightText": p.PackageCopyrightText} {
			if strings.TrimSpace(val) == "" {
				v.add(ptr+"/"+field, "%s is required in SPDX 2.2 (NOASSERTION when unknown)", field)
			}
		}
	} else if pp := p.PrimaryPackagePurpose; pp != "" && !contains(spdx2Purposes, pp) {
		v.add(ptr+"/primaryPackagePurpose", "%q is not one of %s", clip(pp, 40), strings.Join(spdx2Purposes, ", "))
	}
	for i, c := range p.PackageChecksums {
		v.checksum(fmt.Sprintf("%s/checksums/%d", ptr, i), c)
	}
	v.licence(ptr+"/licenseConcluded", p.PackageLicenseConcluded)
	v.licence(ptr+"/licenseDeclared", p.PackageLicenseDeclared)
	for i, l := range p.PackageLicenseInfoFromFiles {
		v.licence(fmt.Sprintf("%s/licenseInfoFromFiles/%d", ptr, i), l)
	}
	for i, r := range p.PackageExternalReferences {
		v.externalRef(fmt.Sprintf("%s/externalRefs/%d", ptr, i), r)
	}
}

func (v *spdx2Validator) file(ptr string, f *v2_3.File) {
	if f == nil {
		v.add(ptr, "null is not a file")
		return
	}
	v.id(ptr+"/SPDXID", f.FileSPDXIdentifier)
	if strings.TrimSpace(f.FileName) == "" {
		v.add(ptr+"/fileName", "the file has no name")
	}
	hasSHA1 := false
	for i, c := range f.Checksums {
		hasSHA1 = hasSHA1 || c.Algorithm == common.SHA1
		v.checksum(fmt.Sprintf("%s/checksums/%d", ptr, i), c)
	}
	if !hasSHA1 {
		v.add(ptr+"/checksums", "a file must have a SHA1 checksum")
	}
	v.licence(ptr+"/licenseConcluded", f.LicenseConcluded)
}

func (v *spdx2Validator) checksum(ptr string, c common.Checksum) {
	spec, ok := spdx2Checksums[string(c.Algorithm)]
	if !ok || (v.v22 && !spec.in22) {
		v.add(ptr+"/algorithm", "%q is not a checksum algorithm of this SPDX version", clip(string(c.Algorithm), 30))
		return
	}
	if !isHex(c.Value) || (spec.hexLen > 0 && len(c.Value) != spec.hexLen) {
		want := "hexadecimal"
		if spec.hexLen > 0 {
			want = fmt.Sprintf("%d hexadecimal digits", spec.hexLen)
		}
		v.add(ptr+"/checksumValue", "a %s checksum is %s, found %q", c.Algorithm, want, clip(c.Value, 40))
	}
}

// licence checks a licence expression (NONE and NOASSERTION allowed).
func (v *spdx2Validator) licence(ptr, e string) {
	e = strings.TrimSpace(e)
	if e == "" || e == "NONE" || e == "NOASSERTION" {
		return
	}
	if ok, bad := spdxexp.ValidateLicenses([]string{e}); !ok {
		v.add(ptr, "%q is not a valid SPDX licence expression (%s)", clip(e, 80), clip(strings.Join(bad, ", "), 80))
	}
}

func (v *spdx2Validator) externalRef(ptr string, r *v2_3.PackageExternalReference) {
	if r == nil {
		v.add(ptr, "null is not an external reference")
		return
	}
	cat := strings.ReplaceAll(r.Category, "_", "-")
	if !contains([]string{"SECURITY", "PACKAGE-MANAGER", "PERSISTENT-ID", "OTHER"}, cat) {
		v.add(ptr+"/referenceCategory", "%q is not SECURITY, PACKAGE-MANAGER, PERSISTENT-ID or OTHER", clip(r.Category, 40))
	}
	switch r.RefType {
	case "purl":
		if _, err := purl.Parse(r.Locator); err != nil {
			v.add(ptr+"/referenceLocator", "%v", err)
		}
	case "cpe23Type":
		if !strings.HasPrefix(r.Locator, "cpe:2.3:") || len(strings.Split(r.Locator, ":")) < 13 {
			v.add(ptr+"/referenceLocator", "%q is not a CPE 2.3 formatted string", clip(r.Locator, 80))
		}
	}
	if strings.ContainsAny(r.Locator, " \t\n") {
		v.add(ptr+"/referenceLocator", "a locator contains no white space")
	}
}

func (v *spdx2Validator) relationship(ptr string, r *v2_3.Relationship, doc *v2_3.Document) {
	if r == nil {
		return
	}
	if !contains(spdx2RelationshipTypes, r.Relationship) {
		v.add(ptr+"/relationshipType", "%q is not an SPDX relationship type", clip(r.Relationship, 40))
	}
	v.relEnd(ptr+"/spdxElementId", r.RefA, false, doc)
	v.relEnd(ptr+"/relatedSpdxElement", r.RefB, true, doc)
}

// relEnd checks that a relationship end names an element of the document
// or of a declared external document.
func (v *spdx2Validator) relEnd(ptr string, e common.DocElementID, special bool, doc *v2_3.Document) {
	switch {
	case e.SpecialID != "":
		if !special {
			v.add(ptr, "%s is allowed only as the related element", e.SpecialID)
		}
	case e.DocumentRefID != "":
		for _, ref := range doc.ExternalDocumentReferences {
			if ref.DocumentRefID == e.DocumentRefID {
				return
			}
		}
		v.add(ptr, "DocumentRef-%s is not declared in externalDocumentRefs", clip(string(e.DocumentRefID), 60))
	default:
		if _, ok := v.ids[common.RenderElementID(e.ElementRefID)]; !ok {
			v.add(ptr, "no element has SPDX id %s", clip(common.RenderElementID(e.ElementRefID), 80))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
