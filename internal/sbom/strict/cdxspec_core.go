package strict

// The document root and the kinds every CycloneDX version has: metadata,
// components, services, licences, hashes, references, dependencies.

// specTable is the whole description, built once and never modified.
var specTable = specBuild()

// specBuild assembles the kinds of every part of the description.
func specBuild() map[string]*specKind {
	m := map[string]*specKind{}
	for _, part := range [][]*specKind{specCoreKinds(), specComponentKinds(), specVulnKinds(),
		specDataKinds(), specFormulationKinds(), specAttestationKinds(), specCryptoKinds()} {
		for _, k := range part {
			if k.closedFrom == 0 {
				k.closedFrom = 2
			}
			k.index = make(map[string]int, len(k.props))
			for i, p := range k.props {
				if _, dup := k.index[p.name]; !dup {
					k.index[p.name] = i
				}
			}
			for _, r := range k.required {
				i, ok := k.index[r.name]
				if !ok {
					i = -1
				}
				k.reqIndex = append(k.reqIndex, i)
			}
			m[k.name] = k
		}
	}
	return m
}

// Shared value shapes.
func specBOMRef() *specVal    { return specF(specFmtBOMRef) }
func specRefLink() *specVal   { return specF(specFmtRef) }
func specProps() *specVal     { return specAO("property") }
func specExtRefs() *specVal   { return specAO("externalReference") }
func specHashes() *specVal    { return specAO("hash") }
func specSig() *specVal       { return specO("") }
func specIRI() *specVal       { return specF(specFmtIRI) }
func specTime() *specVal      { return specF(specFmtDateTime) }
func specOrg() *specVal       { return specO("organizationalEntity") }
func specContact() *specVal   { return specO("organizationalContact") }
func specAttach() *specVal    { return specO("attachment") }
func specRefOrLink() *specVal { return specF(specFmtRefOrLink) }

// specVersionStr is a component or service version: any string up to 1.3,
// then at most 1024 characters (and non-empty in 1.4 and 1.5).
func specVersionStr() *specVal {
	return specVers(specAlt{2, specS()}, specAlt{4, &specVal{typ: specStr, minLen: 1, maxLen: 1024}},
		specAlt{6, &specVal{typ: specStr, maxLen: 1024}})
}

// specLicenses is the licence choice: up to 1.4 an array of objects each
// holding a licence or an expression; from 1.5 either licences only or a
// single expression.
func specLicenses() *specVal {
	return specVers(specAlt{2, specAO("licenseChoice12")}, specAlt{3, specAO("licenseChoice13")},
		specAlt{5, &specVal{typ: specArr, custom: jsonLicenseChoice}})
}

// specTools is metadata.tools and vulnerability.tools: an array of tools,
// or from 1.5 also an object of components and services.
func specTools() *specVal {
	return specVers(specAlt{2, specAO("tool")},
		specAlt{5, specEither(specO("toolChoices"), specAO("tool"))})
}

func specCoreKinds() []*specKind {
	return []*specKind{
		{name: "bom", required: []specReq{{"bomFormat", 2, 0}, {"specVersion", 2, 0}, {"version", 2, 4}},
			props: []specProp{
				specPv("$schema", 4, specS()),
				specP("bomFormat", specE(2, "CycloneDX")),
				specP("specVersion", specS()),
				specP("serialNumber", specF(specFmtSerial)),
				specP("version", specVers(specAlt{2, specI()}, specAlt{5, specRange(specI(), 1, 0, false)})),
				specP("metadata", specO("metadata")),
				specP("components", specUO("component")),
				specP("services", specUO("service")),
				specP("externalReferences", specExtRefs()),
				specP("dependencies", specUO("dependency")),
				specPv("compositions", 3, specUO("compositions")),
				specPv("vulnerabilities", 4, specUO("vulnerability")),
				specPv("annotations", 5, specUO("annotations")),
				specPv("formulation", 5, specUO("formula")),
				specPv("declarations", 6, specO("declarations")),
				specPv("definitions", 6, specO("definitions")),
				specPv("properties", 5, specProps()),
				specPv("signature", 4, specSig()),
			}},
		{name: "metadata", props: []specProp{
			specP("timestamp", specTime()),
			specPv("lifecycles", 5, specAO("lifecycle")),
			specP("tools", specTools()),
			specPv("manufacturer", 6, specOrg()),
			specP("authors", specAO("organizationalContact")),
			specP("component", specO("component")),
			specP("manufacture", specOrg()),
			specP("supplier", specOrg()),
			specPv("licenses", 3, specLicenses()),
			specPv("properties", 3, specProps()),
		}},
		{name: "lifecycle", exactlyOne: [][]string{{"phase"}, {"name"}}, props: []specProp{
			specP("phase", specE(5, "design", "pre-build", "build", "post-build", "operations", "discovery", "decommission")),
			specP("name", specS()),
			specP("description", specS()),
		}, check: jsonLifecycle},
		{name: "toolChoices", props: []specProp{
			specP("components", specUO("component")),
			specP("services", specUO("service")),
		}},
		{name: "tool", props: []specProp{
			specP("vendor", specS()),
			specP("name", specS()),
			specP("version", specVersionStr()),
			specP("hashes", specHashes()),
			specPv("externalReferences", 4, specExtRefs()),
		}},
		{name: "organizationalEntity", props: []specProp{
			specPv("bom-ref", 5, specBOMRef()),
			specP("name", specS()),
			specPv("address", 6, specO("postalAddress")),
			specP("url", specA(specIRI())),
			specP("contact", specAO("organizationalContact")),
		}},
		{name: "organizationalContact", props: []specProp{
			specPv("bom-ref", 5, specBOMRef()),
			specP("name", specS()),
			specP("email", specF(specFmtEmail)),
			specP("phone", specS()),
		}},
		{name: "postalAddress", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("country", specS()), specP("region", specS()), specP("locality", specS()),
			specP("postOfficeBoxNumber", specS()), specP("postalCode", specS()), specP("streetAddress", specS()),
		}},
		{name: "attachment", required: specReqs("content"), props: []specProp{
			specP("contentType", specS()),
			specP("encoding", specE(2, "base64")),
			specP("content", specS()),
		}},
		{name: "hash", required: specReqs("alg", "content"), check: jsonHashLength, props: []specProp{
			specP("alg", specF(specFmtHashAlg)),
			specP("content", specF(specFmtHashValue)),
		}},
		{name: "licenseChoice12", exactlyOne: [][]string{{"license"}, {"expression"}}, props: []specProp{
			specP("license", specO("license")),
			specP("expression", specS()),
		}},
		{name: "licenseChoice13", exactlyOne: [][]string{{"license"}, {"expression"}}, props: []specProp{
			specP("license", specO("license")),
			specP("expression", specS()),
		}},
		{name: "licenseEntry", required: specReqs("license"), props: []specProp{
			specP("license", specO("license")),
		}},
		{name: "licenseExpression", required: specReqs("expression"), props: []specProp{
			specP("expression", specS()),
			specPv("acknowledgement", 6, specAck()),
			specP("bom-ref", specBOMRef()),
		}},
		{name: "license", exactlyOne: [][]string{{"id"}, {"name"}}, props: []specProp{
			specPv("bom-ref", 5, specBOMRef()),
			specP("id", specF(specFmtSPDX)),
			specP("name", specS()),
			specPv("acknowledgement", 6, specAck()),
			specP("text", specAttach()),
			specP("url", specIRI()),
			specPv("licensing", 5, specO("licensing")),
			specPv("properties", 5, specProps()),
		}},
		{name: "licensing", props: []specProp{
			specP("altIds", specStrs()),
			specP("licensor", specO("licensingParty")),
			specP("licensee", specO("licensingParty")),
			specP("purchaser", specO("licensingParty")),
			specP("purchaseOrder", specS()),
			specP("licenseTypes", specA(specE(5, "academic", "appliance", "client-access", "concurrent-user",
				"core-points", "custom-metric", "device", "evaluation", "named-user", "node-locked", "oem",
				"perpetual", "processor-points", "subscription", "user", "other"))),
			specP("lastRenewal", specTime()),
			specP("expiration", specTime()),
		}},
		{name: "licensingParty", exactlyOne: [][]string{{"organization"}, {"individual"}}, props: []specProp{
			specP("organization", specOrg()),
			specP("individual", specContact()),
		}},
		{name: "externalReference", required: specReqs("url", "type"), props: []specProp{
			specP("url", specF(specFmtIRIOrLink)),
			specP("comment", specS()),
			specP("type", specExtRefType()),
			specPv("hashes", 3, specHashes()),
		}},
		{name: "dependency", required: specReqs("ref"), props: []specProp{
			specP("ref", specF(specFmtDepRef)),
			specP("dependsOn", specU(specF(specFmtDepRef))),
			specPv("provides", 6, specU(specF(specFmtDepRef))),
		}},
		// A formulation's task dependencies and runtime topology have the
		// dependency's shape, but name tasks and workflow-local resources,
		// not necessarily bom-refs of the document.
		{name: "taskDependency", required: specReqs("ref"), props: []specProp{
			specP("ref", specRefLink()),
			specP("dependsOn", specU(specRefLink())),
			specPv("provides", 6, specU(specRefLink())),
		}},
		{name: "property", closedFrom: 6, required: []specReq{{"name", 6, 0}}, props: []specProp{
			specP("name", specS()),
			specP("value", specS()),
		}},
		{name: "compositions", required: specReqs("aggregate"), props: []specProp{
			specPv("bom-ref", 5, specBOMRef()),
			specP("aggregate", specMore(specE(3, "complete", "incomplete", "incomplete_first_party_only",
				"incomplete_third_party_only", "unknown", "not_specified"), 5,
				"incomplete_first_party_proprietary_only", "incomplete_first_party_opensource_only",
				"incomplete_third_party_proprietary_only", "incomplete_third_party_opensource_only")),
			specP("assemblies", specU(specVers(specAlt{2, specS()}, specAlt{5, specRefOrLink()}))),
			specP("dependencies", specU(specS())),
			specPv("vulnerabilities", 5, specU(specS())),
			specPv("signature", 4, specSig()),
		}},
	}
}

// specAck is the 1.6 licence acknowledgement.
func specAck() *specVal { return specE(6, "declared", "concluded") }

// specExtRefType is the external reference type enumeration.
func specExtRefType() *specVal {
	v := specE(2, "vcs", "issue-tracker", "website", "advisories", "bom", "mailing-list", "social", "chat",
		"documentation", "support", "distribution", "license", "build-meta", "build-system", "other")
	specMore(v, 4, "release-notes")
	specMore(v, 5, "distribution-intake", "security-contact", "model-card", "log", "configuration", "evidence",
		"formulation", "attestation", "threat-model", "adversary-model", "risk-assessment",
		"vulnerability-assertion", "exploitability-statement", "pentest-report", "static-analysis-report",
		"dynamic-analysis-report", "runtime-analysis-report", "component-analysis-report", "maturity-report",
		"certification-report", "codified-infrastructure", "quality-metrics", "poam")
	return specMore(v, 6, "source-distribution", "electronic-signature", "digital-signature", "rfc-9116")
}
