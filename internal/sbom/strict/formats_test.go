package strict

import "testing"

func TestFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"date-time utc", isDateTime, "2020-04-13T20:20:39Z", true},
		{"date-time offset frac", isDateTime, "2020-04-13T20:20:39.123+02:00", true},
		{"date-time lower t z", isDateTime, "2020-04-13t20:20:39z", true},
		{"date-time leap day", isDateTime, "2024-02-29T00:00:00Z", true},
		{"date-time not leap", isDateTime, "2023-02-29T00:00:00Z", false},
		{"date-time no zone", isDateTime, "2020-04-13T20:20:39", false},
		{"date-time date only", isDateTime, "2020-04-13", false},
		{"date-time hour 24", isDateTime, "2020-04-13T24:00:00Z", false},
		{"date-time empty frac", isDateTime, "2020-04-13T20:20:39.Z", false},
		{"date-time words", isDateTime, "yesterday at noon, more or less", false},
		{"email", isEmail, "joe@example.com", true},
		{"email idn", isEmail, "jöe@exämple.de", true},
		{"email no at", isEmail, "joe.example.com", false},
		{"email space", isEmail, "jo e@example.com", false},
		{"email empty label", isEmail, "joe@example..com", false},
		{"iri", isIRIReference, "https://example.com/a?b=c#d", true},
		{"iri relative", isIRIReference, "../x", true},
		{"iri space", isIRIReference, "https://example.com/a b", false},
		{"iri bad percent", isIRIReference, "https://example.com/%zz", false},
		{"iri maven template", isIRIReference, "https://github.com/x/${project.artifactId}/issues", true},
		{"iri angle", isIRIReference, "https://example.com/<a>", false},
		{"serial", isSerialNumber, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", true},
		{"serial upper", isSerialNumber, "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79", false},
		{"serial no urn", isSerialNumber, "3e671687-395b-41f5-a30f-a58921a69b79", false},
		{"bom-link doc", isBOMLink, "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1", true},
		{"bom-link elem", isBOMLink, "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/12#pkg-a", true},
		{"bom-link version 0", isBOMLink, "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/0", false},
		{"hash", isHashContent, "d41d8cd98f00b204e9800998ecf8427e", true},
		{"hash odd length", isHashContent, "d41d8cd98f00b204e9800998ecf8427", false},
		{"hash not hex", isHashContent, "g41d8cd98f00b204e9800998ecf8427e", false},
		{"spdx id", isSPDXLicenseID, "Apache-2.0", true},
		{"spdx deprecated", isSPDXLicenseID, "GPL-2.0", true},
		{"spdx exception", isSPDXLicenseID, "Classpath-exception-2.0", true},
		{"spdx wrong case", isSPDXLicenseID, "apache-2.0", false},
		{"spdx unknown", isSPDXLicenseID, "Apache-2", false},
		{"media type", isMediaType, "application/vnd.cyclonedx+json", true},
		{"media type upper", isMediaType, "Text/plain", false},
		{"locale", isLocale, "en-US", true},
		{"locale bad", isLocale, "EN", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.check(tt.in); got != tt.want {
				t.Errorf("%q: got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestHashHexLen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg   string
		n     int
		known bool
	}{
		{"MD5", 32, true}, {"SHA-1", 40, true}, {"SHA-256", 64, true}, {"SHA-384", 96, true},
		{"SHA-512", 128, true}, {"SHA3-256", 64, true}, {"BLAKE2b-512", 128, true}, {"BLAKE3", 0, true},
		{"Streebog-256", 64, true}, {"SHA-257", 0, false}, {"md5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			t.Parallel()
			n, known := hashHexLen(tt.alg)
			if n != tt.n || known != tt.known {
				t.Errorf("hashHexLen(%q) = %d, %v; want %d, %v", tt.alg, n, known, tt.n, tt.known)
			}
		})
	}
}
