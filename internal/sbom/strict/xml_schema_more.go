package strict

// xLaxType accepts any attributes and any child elements: rocca's
// description of a few large 1.5/1.6 areas (model cards, data
// components, formulation, cryptography, attestations and standards) stops
// at their outer element. Their bom-refs are still collected.
func xLaxType() *xType { return &xType{lax: true, anyAttr: xAttrAny} }

// xMoreTypes describes evidence, release notes, vulnerabilities and
// annotations (1.3–1.6), and names the areas described laxly.
func xMoreTypes() map[string]*xType {
	toolRefs := ct(seq(el("tool", "bomReferenceType", "*")), xAttrNone)
	return map[string]*xType{
		"componentEvidenceType": ct(seq(
			el("identity", "evidenceIdentity", "?").in(15, 15),
			el("identity", "evidenceIdentity", "*").since(16),
			eli("occurrences", "?", ct(seq(eli("occurrence", "*", ct(seq(
				el("location", "string", ""),
				el("line", "nonNegativeInteger", "?").since(16),
				el("offset", "nonNegativeInteger", "?").since(16),
				el("symbol", "string", "?").since(16),
				el("additionalContext", "string", "?").since(16)), xAttrNone, at("bom-ref", "refType", "")))),
				xAttrNone)).since(15),
			eli("callstack", "?", ct(seq(
				eli("frames", "?", ct(seq(eli("frame", "*", ct(seq(
					el("package", "string", "?"),
					el("module", "string", ""),
					el("function", "string", "?"),
					eli("parameters", "?", ct(seq(el("parameter", "string", "*")), xAttrNone)),
					el("line", "integer", "?"),
					el("column", "integer", "?"),
					el("fullFilename", "string", "?")), xAttrNone))), xAttrNone)),
				eli("tools", "?", toolRefs)), xAttrNone)).since(15),
			el("licenses", "licenseChoiceType", "?"),
			el("copyright", "copyrightsType", "?"),
			anyOther()), xAttrAny),
		"evidenceIdentity": ct(seq(
			el("field", "identityFieldType", ""),
			el("confidence", "percent", "?"),
			el("concludedValue", "string", "?").since(16),
			eli("methods", "?", ct(seq(eli("method", "*", ct(seq(
				el("technique", "evidenceTechnique", ""),
				el("confidence", "percent", ""),
				el("value", "string", "?")), xAttrNone))), xAttrNone)),
			eli("tools", "?", toolRefs)), xAttrNone),
		"copyrightsType": ct(seq(el("text", "string", "*")), xAttrNone),
		"releaseNotesType": ct(seqN("*",
			el("type", "normalizedString", ""),
			el("title", "string", "?"),
			el("featuredImage", "anyURI", "?"),
			el("socialImage", "anyURI", "?"),
			el("description", "string", "?"),
			el("timestamp", "dateTime", "?"),
			eli("aliases", "?", xList("alias", "normalizedString")),
			el("tags", "tagsType", "?"),
			eli("resolves", "?", xList("issue", "issueType")),
			eli("notes", "?", ct(seqN("*", eli("note", "", ct(seqN("*",
				el("locale", "localeType", "?"),
				el("text", "attachedTextType", "")), xAttrNone))), xAttrNone)),
			el("properties", "propertiesType", "?"),
			anyOther()), xAttrAny),
		"vulnerabilitiesType": xListAny("vulnerability", "vulnerabilityType"),
		"vulnerabilityType": ct(seqN("?",
			el("id", "normalizedString", "?"),
			el("source", "vulnerabilitySourceType", "?"),
			eli("references", "?", ct(seqN("*", eli("reference", "", ct(seq(
				el("id", "normalizedString", "?").in(14, 14),
				el("id", "normalizedString", "").since(15),
				el("source", "vulnerabilitySourceType", "?").in(14, 14),
				el("source", "vulnerabilitySourceType", "").since(15)), xAttrNone)), anyOther()), xAttrNone)),
			eli("ratings", "?", ct(seq(el("rating", "ratingType", "*")), xAttrNone)),
			eli("cwes", "?", ct(seq(el("cwe", "integer", "*")), xAttrNone)),
			el("description", "string", "?"),
			el("detail", "string", "?"),
			el("recommendation", "string", "?"),
			el("workaround", "string", "?").since(15),
			eli("proofOfConcept", "?", ct(seq(
				el("reproductionSteps", "string", "?"),
				el("environment", "string", "?"),
				eli("supportingMaterial", "?", ct(seq(el("attachment", "attachedTextType", "*")), xAttrNone))),
				xAttrNone)).since(15),
			eli("advisories", "?", ct(seq(el("advisory", "advisoryType", "*")), xAttrNone)),
			el("created", "dateTime", "?"),
			el("published", "dateTime", "?"),
			el("updated", "dateTime", "?"),
			el("rejected", "dateTime", "?").since(15),
			eli("credits", "?", ct(seq(
				eli("organizations", "?", ct(seqN("*", el("organization", "organizationalEntity", "")), xAttrNone)),
				eli("individuals", "?", ct(seqN("*", el("individual", "organizationalContact", "")), xAttrNone))),
				xAttrNone)),
			eli("tools", "?", ct(seqN("*", el("tool", "toolType", "?")), xAttrNone)).in(14, 14),
			eli("tools", "?", ct(choice(
				grp(seqN("*", el("tool", "toolType", "?"))),
				grp(seqN("?", el("components", "componentsType", "?"), el("services", "servicesType", "?")))),
				xAttrNone)).since(15),
			eli("analysis", "?", ct(seqN("?",
				el("state", "impactAnalysisStateType", "?"),
				el("justification", "impactAnalysisJustificationType", "?"),
				eli("responses", "?", ct(seqN("*", el("response", "impactAnalysisResponsesType", "")), xAttrNone)),
				el("detail", "string", "?"),
				el("firstIssued", "dateTime", "?").since(15),
				el("lastUpdated", "dateTime", "?").since(15)), xAttrNone)),
			eli("affects", "?", ct(seqN("*", eli("target", "", ct(seqN("?",
				el("ref", "refOrLink", ""),
				eli("versions", "?", ct(seqN("*", eli("version", "", ct(seqN("?",
					grp(choice(
						el("version", "normalizedString", "").in(14, 15),
						el("version", "versionType", "").since(16),
						el("range", "normalizedString", "").in(14, 15),
						el("range", "versionRangeType", "").since(16))),
					el("status", "impactAnalysisAffectedStatusType", "?")), xAttrNone))), xAttrNone))),
				xAttrNone))), xAttrNone)),
			el("properties", "propertiesType", "?")), xAttrNone, at("bom-ref", "refType", "")),
		"vulnerabilitySourceType": ct(seqN("*",
			el("name", "normalizedString", "?"),
			el("url", "anyURI", "?")), xAttrNone),
		"ratingType": ct(seq(
			el("source", "vulnerabilitySourceType", "?"),
			el("score", "decimal", "?"),
			el("severity", "severityType", "?"),
			el("method", "scoreSourceType", "?"),
			el("vector", "normalizedString", "?"),
			el("justification", "string", "?")), xAttrNone),
		"advisoryType": ct(seq(
			el("title", "normalizedString", "?"),
			el("url", "anyURI", "")), xAttrNone),
		"annotationsType": xListAny("annotation", "annotationType"),
		"annotationType": ct(seq(
			eli("subjects", "?", ct(seqN("*", el("subject", "bomReferenceType", ""), anyOther()), xAttrNone)),
			el("annotator", "annotatorChoiceType", ""),
			el("timestamp", "dateTime", ""),
			el("text", "string", ""),
			anyOther()), xAttrAny, at("bom-ref", "refType", "")),
		"annotatorChoiceType": ct(choice(
			el("organization", "organizationalEntity", "?"),
			el("individual", "organizationalContact", "?"),
			el("component", "component", "?"),
			el("service", "service", "?")), xAttrNone),
		"dataGovernance": ct(seq(
			eli("custodians", "?", ct(seq(el("custodian", "organizationOrIndividualType", "*")), xAttrNone)),
			eli("stewards", "?", ct(seq(el("steward", "organizationOrIndividualType", "*")), xAttrNone)),
			eli("owners", "?", ct(seq(el("owner", "organizationOrIndividualType", "*")), xAttrNone))), xAttrNone),
		"modelCardType":        xLaxType(),
		"componentDataType":    xLaxType(),
		"formulationType":      xLaxType(),
		"cryptoPropertiesType": xLaxType(),
		"declarationsType":     xLaxType(),
		"definitionsType":      xLaxType(),
	}
}
