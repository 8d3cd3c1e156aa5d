package strict

// Vulnerabilities (1.4+) and annotations (1.5+).

func specVulnKinds() []*specKind {
	return []*specKind{
		{name: "vulnerability", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("id", specS()),
			specP("source", specO("vulnerabilitySource")),
			specP("references", specAO("vulnerabilityReference")),
			specP("ratings", specAO("rating")),
			specP("cwes", specA(specRange(specI(), 1, 0, false))),
			specP("description", specS()),
			specP("detail", specS()),
			specP("recommendation", specS()),
			specPv("workaround", 5, specS()),
			specPv("proofOfConcept", 5, specO("proofOfConcept")),
			specP("advisories", specAO("advisory")),
			specP("created", specTime()),
			specP("published", specTime()),
			specP("updated", specTime()),
			specPv("rejected", 5, specTime()),
			specP("credits", specO("credits")),
			specP("tools", specTools()),
			specP("analysis", specO("analysis")),
			specP("affects", specUO("affects")),
			specP("properties", specProps()),
		}},
		{name: "vulnerabilitySource", props: []specProp{specP("url", specS()), specP("name", specS())}},
		{name: "vulnerabilityReference", required: specReqs("id", "source"), props: []specProp{
			specP("id", specS()),
			specP("source", specO("vulnerabilitySource")),
		}},
		{name: "rating", props: []specProp{
			specP("source", specO("vulnerabilitySource")),
			specP("score", specN()),
			specP("severity", specE(4, "critical", "high", "medium", "low", "info", "none", "unknown")),
			specP("method", specMore(specE(4, "CVSSv2", "CVSSv3", "CVSSv31", "OWASP", "other"), 5, "CVSSv4", "SSVC")),
			specP("vector", specS()),
			specP("justification", specS()),
		}},
		{name: "proofOfConcept", closedFrom: 99, props: []specProp{
			specP("reproductionSteps", specS()),
			specP("environment", specS()),
			specP("supportingMaterial", specAO("attachment")),
		}},
		{name: "advisory", required: specReqs("url"), props: []specProp{
			specP("title", specS()),
			specP("url", specIRI()),
		}},
		{name: "credits", props: []specProp{
			specP("organizations", specAO("organizationalEntity")),
			specP("individuals", specAO("organizationalContact")),
		}},
		{name: "analysis", props: []specProp{
			specP("state", specE(4, "resolved", "resolved_with_pedigree", "exploitable", "in_triage",
				"false_positive", "not_affected")),
			specP("justification", specE(4, "code_not_present", "code_not_reachable", "requires_configuration",
				"requires_dependency", "requires_environment", "protected_by_compiler", "protected_at_runtime",
				"protected_at_perimeter", "protected_by_mitigating_control")),
			specP("response", specA(specE(4, "can_not_fix", "will_not_fix", "update", "rollback",
				"workaround_available"))),
			specP("detail", specS()),
			specPv("firstIssued", 5, specTime()),
			specPv("lastUpdated", 5, specTime()),
		}},
		{name: "affects", required: specReqs("ref"), props: []specProp{
			specP("ref", specVers(specAlt{2, specS()}, specAlt{5, specRefOrLink()})),
			specP("versions", specAO("affectedVersion")),
		}},
		{name: "affectedVersion", exactlyOne: [][]string{{"version"}, {"range"}}, props: []specProp{
			specP("version", specVersionStr()),
			specP("range", specVers(specAlt{2, &specVal{typ: specStr, minLen: 1, maxLen: 1024}},
				specAlt{6, &specVal{typ: specStr, minLen: 1, maxLen: 4096}})),
			specP("status", specE(4, "affected", "unaffected", "unknown")),
		}},
		{name: "annotations", required: specReqs("subjects", "annotator", "timestamp", "text"), props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("subjects", specU(specRefOrLink())),
			specP("annotator", specO("annotator")),
			specP("timestamp", specTime()),
			specP("text", specS()),
			specP("signature", specSig()),
		}},
		{name: "annotator", exactlyOne: [][]string{{"organization"}, {"individual"}, {"component"}, {"service"}},
			props: []specProp{
				specP("organization", specOrg()),
				specP("individual", specContact()),
				specP("component", specO("component")),
				specP("service", specO("service")),
			}},
	}
}
