package strict

// Declarations (attestations, claims, evidence) and definitions
// (standards), both 1.6.

func specAttestationKinds() []*specKind {
	refs := func() *specVal { return specA(specRefLink()) }
	return []*specKind{
		{name: "declarations", props: []specProp{
			specP("assessors", specAO("assessor")),
			specP("attestations", specAO("attestation")),
			specP("claims", specAO("claim")),
			specP("evidence", specAO("declarationEvidence")),
			specP("targets", specO("targets")),
			specP("affirmation", specO("affirmation")),
			specP("signature", specSig()),
		}},
		{name: "assessor", props: []specProp{
			specP("bom-ref", specBOMRef()), specP("thirdParty", specB()), specP("organization", specOrg()),
		}},
		{name: "attestation", props: []specProp{
			specP("summary", specS()),
			specP("assessor", specRefLink()),
			specP("map", specAO("attestationMap")),
			specP("signature", specSig()),
		}},
		{name: "attestationMap", props: []specProp{
			specP("requirement", specRefLink()),
			specP("claims", refs()),
			specP("counterClaims", refs()),
			specP("conformance", specO("conformance")),
			specP("confidence", specO("confidence")),
		}},
		{name: "conformance", props: []specProp{
			specP("score", specRange(specN(), 0, 1, true)),
			specP("rationale", specS()),
			specP("mitigationStrategies", refs()),
		}},
		{name: "confidence", props: []specProp{
			specP("score", specRange(specN(), 0, 1, true)),
			specP("rationale", specS()),
		}},
		{name: "claim", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("target", specRefLink()),
			specP("predicate", specS()),
			specP("mitigationStrategies", refs()),
			specP("reasoning", specS()),
			specP("evidence", refs()),
			specP("counterEvidence", refs()),
			specP("externalReferences", specExtRefs()),
			specP("signature", specSig()),
		}},
		{name: "declarationEvidence", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("propertyName", specS()),
			specP("description", specS()),
			specP("data", specAO("evidenceData")),
			specP("created", specTime()),
			specP("expires", specTime()),
			specP("author", specContact()),
			specP("reviewer", specContact()),
			specP("signature", specSig()),
		}},
		{name: "evidenceData", props: []specProp{
			specP("name", specS()),
			specP("contents", specO("evidenceContents")),
			specP("classification", specS()),
			specP("sensitiveData", specStrs()),
			specP("governance", specO("dataGovernance")),
		}},
		{name: "evidenceContents", props: []specProp{specP("attachment", specAttach()), specP("url", specIRI())}},
		{name: "targets", props: []specProp{
			specP("organizations", specAO("organizationalEntity")),
			specP("components", specAO("component")),
			specP("services", specAO("service")),
		}},
		{name: "affirmation", props: []specProp{
			specP("statement", specS()),
			specP("signatories", specAO("signatory")),
			specP("signature", specSig()),
		}},
		{name: "signatory", exactlyOne: [][]string{{"signature"}, {"externalReference", "organization"}},
			props: []specProp{
				specP("name", specS()),
				specP("role", specS()),
				specP("signature", specSig()),
				specP("organization", specOrg()),
				specP("externalReference", specO("externalReference")),
			}},
		{name: "definitions", props: []specProp{specP("standards", specAO("standard"))}},
		{name: "standard", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("name", specS()),
			specP("version", specS()),
			specP("description", specS()),
			specP("owner", specS()),
			specP("requirements", specAO("requirement")),
			specP("levels", specAO("level")),
			specP("externalReferences", specExtRefs()),
			specP("signature", specSig()),
		}},
		{name: "requirement", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("identifier", specS()),
			specP("title", specS()),
			specP("text", specS()),
			specP("descriptions", specStrs()),
			specP("openCre", specA(specF(specFmtCRE))),
			specP("parent", specRefLink()),
			specP("properties", specProps()),
			specP("externalReferences", specExtRefs()),
		}},
		{name: "level", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("identifier", specS()),
			specP("title", specS()),
			specP("description", specS()),
			specP("requirements", refs()),
		}},
	}
}

// specCryptoKinds describes cryptographic assets (1.6).
func specCryptoKinds() []*specKind {
	refArr := func() *specVal { return specA(specRefLink()) }
	return []*specKind{
		{name: "cryptoProperties", required: specReqs("assetType"), props: []specProp{
			specP("assetType", specE(6, "algorithm", "certificate", "protocol", "related-crypto-material")),
			specP("algorithmProperties", specO("algorithmProperties")),
			specP("certificateProperties", specO("certificateProperties")),
			specP("relatedCryptoMaterialProperties", specO("relatedCryptoMaterialProperties")),
			specP("protocolProperties", specO("protocolProperties")),
			specP("oid", specS()),
		}},
		{name: "algorithmProperties", props: []specProp{
			specP("primitive", specE(6, "drbg", "mac", "block-cipher", "stream-cipher", "signature", "hash", "pke",
				"xof", "kdf", "key-agree", "kem", "ae", "combiner", "other", "unknown")),
			specP("parameterSetIdentifier", specS()),
			specP("curve", specS()),
			specP("executionEnvironment", specE(6, "software-plain-ram", "software-encrypted-ram", "software-tee",
				"hardware", "other", "unknown")),
			specP("implementationPlatform", specE(6, "generic", "x86_32", "x86_64", "armv7-a", "armv7-m", "armv8-a",
				"armv8-m", "armv9-a", "armv9-m", "s390x", "ppc64", "ppc64le", "other", "unknown")),
			specP("certificationLevel", specA(specE(6, "none", "fips140-1-l1", "fips140-1-l2", "fips140-1-l3",
				"fips140-1-l4", "fips140-2-l1", "fips140-2-l2", "fips140-2-l3", "fips140-2-l4", "fips140-3-l1",
				"fips140-3-l2", "fips140-3-l3", "fips140-3-l4", "cc-eal1", "cc-eal1+", "cc-eal2", "cc-eal2+",
				"cc-eal3", "cc-eal3+", "cc-eal4", "cc-eal4+", "cc-eal5", "cc-eal5+", "cc-eal6", "cc-eal6+",
				"cc-eal7", "cc-eal7+", "other", "unknown"))),
			specP("mode", specE(6, "cbc", "ecb", "ccm", "gcm", "cfb", "ofb", "ctr", "other", "unknown")),
			specP("padding", specE(6, "pkcs5", "pkcs7", "pkcs1v15", "oaep", "raw", "other", "unknown")),
			specP("cryptoFunctions", specA(specE(6, "generate", "keygen", "encrypt", "decrypt", "digest", "tag",
				"keyderive", "sign", "verify", "encapsulate", "decapsulate", "other", "unknown"))),
			specP("classicalSecurityLevel", specRange(specI(), 0, 0, false)),
			specP("nistQuantumSecurityLevel", specRange(specI(), 0, 6, true)),
		}},
		{name: "certificateProperties", props: []specProp{
			specP("subjectName", specS()), specP("issuerName", specS()),
			specP("notValidBefore", specTime()), specP("notValidAfter", specTime()),
			specP("signatureAlgorithmRef", specRefLink()), specP("subjectPublicKeyRef", specRefLink()),
			specP("certificateFormat", specS()), specP("certificateExtension", specS()),
		}},
		{name: "relatedCryptoMaterialProperties", props: []specProp{
			specP("type", specE(6, "private-key", "public-key", "secret-key", "key", "ciphertext", "signature",
				"digest", "initialization-vector", "nonce", "seed", "salt", "shared-secret", "tag",
				"additional-data", "password", "credential", "token", "other", "unknown")),
			specP("id", specS()),
			specP("state", specE(6, "pre-activation", "active", "suspended", "deactivated", "compromised",
				"destroyed")),
			specP("algorithmRef", specRefLink()),
			specP("creationDate", specTime()), specP("activationDate", specTime()),
			specP("updateDate", specTime()), specP("expirationDate", specTime()),
			specP("value", specS()), specP("size", specI()), specP("format", specS()),
			specP("securedBy", specO("securedBy")),
		}},
		{name: "securedBy", props: []specProp{specP("mechanism", specS()), specP("algorithmRef", specRefLink())}},
		{name: "protocolProperties", props: []specProp{
			specP("type", specE(6, "tls", "ssh", "ipsec", "ike", "sstp", "wpa", "other", "unknown")),
			specP("version", specS()),
			specP("cipherSuites", specAO("cipherSuite")),
			specP("ikev2TransformTypes", specO("ikev2TransformTypes")),
			specP("cryptoRefArray", refArr()),
		}},
		{name: "ikev2TransformTypes", props: []specProp{
			specP("encr", refArr()), specP("prf", refArr()), specP("integ", refArr()), specP("ke", refArr()),
			specP("esn", specB()), specP("auth", refArr()),
		}},
		{name: "cipherSuite", props: []specProp{
			specP("name", specS()), specP("algorithms", refArr()), specP("identifiers", specStrs()),
		}},
	}
}
