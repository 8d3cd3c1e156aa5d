package strict

import (
	"strings"
	"testing"
)

// xmlDoc wraps body in a <bom> of version ver ("1.6").
func xmlDoc(ver, attrs, body string) string {
	return `<?xml version="1.0"?>` + "\n" + `<bom xmlns="http://cyclonedx.org/schema/bom/` + ver + `" version="1"` +
		attrs + ">\n" + body + "\n</bom>\n"
}

// xmlComp is a minimal component of type library with extra content.
func xmlComp(attrs, inner string) string {
	return `<components><component type="library"` + attrs + `><name>a</name><version>1</version>` + inner +
		`</component></components>`
}

func TestCycloneDXXMLRules(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want string // substring of the first issue's String(); "" = conforms
	}{
		{"minimal 1.2", xmlDoc("1.2", "", ""), ""},
		{"minimal 1.6", xmlDoc("1.6", "", xmlComp("", "")), ""},
		// root and namespace
		{"namespace 1.7", xmlDoc("1.7", "", ""), "covers CycloneDX 1.2–1.6"},
		{"namespace 1.1", xmlDoc("1.1", "", ""), "covers CycloneDX 1.2–1.6"},
		{"other root", `<sbom xmlns="http://cyclonedx.org/schema/bom/1.6"/>`, "root element must be <bom>"},
		{"no namespace", `<bom/>`, "root element must be <bom>"},
		{"doctype", `<!DOCTYPE bom [<!ENTITY x "y">]>` + xmlDoc("1.6", "", ""), "DOCTYPE"},
		{"malformed", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>`, "malformed XML"},
		{"empty", ``, "no <bom> root"},
		// order, cardinality, unknown elements
		{"order", xmlDoc("1.6", "", `<components/><metadata/>`), "<metadata> is not allowed here"},
		{"repeated", xmlDoc("1.6", "", `<metadata/><metadata/>`), "<metadata> is not allowed here"},
		{"unknown element", xmlDoc("1.6", "", `<widgets/>`), "unknown element <widgets>"},
		{"element of a later version", xmlDoc("1.2", "", `<properties/>`), "not part of CycloneDX 1.2"},
		{"other namespace allowed", xmlDoc("1.6", "", `<x:ext xmlns:x="urn:example"><x:y/></x:ext>`), ""},
		{"other namespace not allowed", xmlDoc("1.6", "", `<externalReferences><x:ext xmlns:x="urn:e"/></externalReferences>`),
			`namespace "urn:e" is not allowed`},
		{"missing name", xmlDoc("1.6", "", `<components><component type="library"/></components>`), "lacks required <name>"},
		{"version required in 1.3", xmlDoc("1.3", "", `<components><component type="library"><name>a</name></component></components>`),
			"lacks required <version>"},
		{"text in element content", xmlDoc("1.6", "", `<metadata>hello</metadata>`), "text is not allowed"},
		// attributes
		{"required attribute", xmlDoc("1.6", "", `<components><component><name>a</name></component></components>`),
			"lacks the required attribute type"},
		{"enumeration", xmlDoc("1.6", "", `<components><component type="gadget"><name>a</name></component></components>`),
			`"gadget" is not one of`},
		{"enum value of a later version", xmlDoc("1.4", "", xmlComp("", "")+``)[0:0] +
			xmlDoc("1.4", "", `<components><component type="platform"><name>a</name><version>1</version></component></components>`),
			`"platform" is not one of`},
		{"undeclared attribute", xmlDoc("1.6", "", `<metadata><authors><author foo="1"/></authors></metadata>`),
			"attribute foo is not allowed"},
		{"anyAttribute ##any", xmlDoc("1.6", "", xmlComp(` foo="1"`, "")), ""},
		{"serial number", xmlDoc("1.6", ` serialNumber="urn:uuid:1234"`, ""), "serialNumber"},
		{"serial number ok", xmlDoc("1.6", ` serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"`, ""), ""},
		{"bom version positive in 1.5", xmlDoc("1.5", "", "")[0:0] + `<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="0"/>`,
			"below the minimum 1"},
		// simple types
		{"dateTime", xmlDoc("1.6", "", `<metadata><timestamp>2020-04-07</timestamp></metadata>`), "not an xs:dateTime"},
		{"dateTime without zone", xmlDoc("1.6", "", `<metadata><timestamp>2020-04-07T10:00:00</timestamp></metadata>`), ""},
		{"boolean", xmlDoc("1.6", "", xmlComp("", `<modified>yes</modified>`)), "not an xs:boolean"},
		{"cpe", xmlDoc("1.6", "", xmlComp("", `<cpe>cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*</cpe>`)), ""},
		{"bad cpe", xmlDoc("1.6", "", xmlComp("", `<cpe>acme lib</cpe>`)), "not a CPE"},
		{"mime type", xmlDoc("1.6", "", xmlComp(` mime-type="Text Plain"`, "")), "not a media type"},
		// hashes
		{"hash ok", xmlDoc("1.6", "", xmlComp("", `<hashes><hash alg="MD5">3942447fac867ae5cdb3229b658f4d48</hash></hashes>`)), ""},
		{"hash not hex", xmlDoc("1.6", "", xmlComp("", `<hashes><hash alg="MD5">foo</hash></hashes>`)), "hash[1]: \"foo\" is not a hash value"},
		{"hash length for alg", xmlDoc("1.6", "", xmlComp("", `<hashes><hash alg="SHA-256">3942447fac867ae5cdb3229b658f4d48</hash></hashes>`)),
			"SHA-256 hash must have 64"},
		{"hash alg", xmlDoc("1.6", "", xmlComp("", `<hashes><hash alg="SHA-0">3942447fac867ae5cdb3229b658f4d48</hash></hashes>`)),
			`"SHA-0" is not one of`},
		// licences
		{"spdx id", xmlDoc("1.6", "", xmlComp("", `<licenses><license><id>Apache-2.0</id></license></licenses>`)), ""},
		{"bad spdx id", xmlDoc("1.6", "", xmlComp("", `<licenses><license><id>Apache-2</id></license></licenses>`)),
			"not an SPDX licence identifier"},
		{"license choice", xmlDoc("1.6", "", xmlComp("", `<licenses><license><name>x</name></license><expression>MIT</expression></licenses>`)),
			"<expression> is not allowed here"},
		{"two expressions", xmlDoc("1.6", "", xmlComp("", `<licenses><expression>MIT</expression><expression>MIT</expression></licenses>`)),
			"<expression> is not allowed here"},
		{"license needs id or name in 1.6", xmlDoc("1.6", "", xmlComp("", `<licenses><license/></licenses>`)), "incomplete"},
		{"license id and name", xmlDoc("1.6", "", xmlComp("", `<licenses><license><id>MIT</id><name>x</name></license></licenses>`)),
			"<name> is not allowed here"},
		// references
		{"duplicate bom-ref", xmlDoc("1.6", "", `<components><component type="library" bom-ref="a"><name>a</name></component>`+
			`<component type="library" bom-ref="a"><name>b</name></component></components>`), `bom-ref "a" is already used on line`},
		{"empty bom-ref 1.6", xmlDoc("1.6", "", xmlComp(` bom-ref=""`, "")), "must not be empty"},
		{"dependency resolves", xmlDoc("1.6", "", xmlComp(` bom-ref="a"`, "")+`<dependencies><dependency ref="a"/></dependencies>`), ""},
		{"dependency dangling", xmlDoc("1.6", "", xmlComp(` bom-ref="a"`, "")+
			`<dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies>`), `dependency ref "b" names no bom-ref`},
		{"dependency missing ref", xmlDoc("1.6", "", `<dependencies><dependency/></dependencies>`), "lacks the required attribute ref"},
		{"dependency bom-link", xmlDoc("1.6", "", `<dependencies><dependency ref="urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#x"/></dependencies>`), ""},
		// properties
		{"property needs name", xmlDoc("1.6", "", `<properties><property>v</property></properties>`), "required attribute name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			issues := CycloneDXXML([]byte(tc.doc))
			for _, is := range issues {
				if is.Line < 1 {
					t.Errorf("issue without a line: %v", is)
				}
			}
			if tc.want == "" {
				if len(issues) > 0 {
					t.Fatalf("want no issue, got %v", issues)
				}
				return
			}
			if len(issues) == 0 {
				t.Fatalf("want an issue containing %q, got none", tc.want)
			}
			if !strings.Contains(issues[0].String(), tc.want) {
				t.Fatalf("want first issue containing %q, got %v", tc.want, issues)
			}
		})
	}
}

func TestCycloneDXXMLLineAndPath(t *testing.T) {
	doc := xmlDoc("1.6", "", "<components>\n"+
		"<component type=\"library\"><name>a</name></component>\n"+
		"<component type=\"library\"><name>b</name>\n"+
		"<hashes>\n<hash alg=\"MD5\">zz</hash>\n</hashes></component>\n</components>")
	issues := CycloneDXXML([]byte(doc))
	if len(issues) != 1 {
		t.Fatalf("want 1 issue, got %v", issues)
	}
	got := issues[0]
	if got.Pointer != "/bom/components/component[2]/hashes/hash[1]" || got.Line != 7 {
		t.Fatalf("want /bom/components/component[2]/hashes/hash[1] on line 7, got %q line %d", got.Pointer, got.Line)
	}
}
