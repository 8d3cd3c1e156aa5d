package sbom

// cdxWord is a JSON string that usually holds one of a few words: a
// component type or scope, a hash algorithm, a common licence id. encoding/
// json allocates a new string for every string it decodes; through
// UnmarshalText (which it calls with the unquoted bytes) the words listed
// in cdxWords are shared instead, which removes several allocations per
// component on the fast path. Other values are copied as usual.
type cdxWord string

// UnmarshalText implements encoding.TextUnmarshaler.
func (w *cdxWord) UnmarshalText(b []byte) error {
	if s, ok := cdxWords[string(b)]; ok { // no allocation: the compiler does not copy b
		*w = cdxWord(s)
		return nil
	}
	*w = cdxWord(b)
	return nil
}

// cdxWords are the shared words, keyed by themselves.
var cdxWords = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		// component types (1.2–1.7)
		"application", "framework", "library", "container", "platform", "operating-system", "device",
		"device-driver", "firmware", "file", "machine-learning-model", "data", "cryptographic-asset",
		// scopes
		"required", "optional", "excluded",
		// hash algorithms
		"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
		"BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3", "Streebog-256", "Streebog-512",
		// the most frequent licence ids in package-manager SBOMs
		"MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "GPL-2.0-only", "GPL-2.0-or-later",
		"GPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
		"LGPL-3.0-or-later", "MPL-2.0", "EPL-1.0", "EPL-2.0", "CC0-1.0", "Unlicense", "Zlib", "Python-2.0",
		"BlueOak-1.0.0", "CC-BY-4.0", "Artistic-2.0",
	} {
		m[s] = s
	}
	return m
}()
