package convert

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
)

// hashAlgs maps an algorithm name, upper-cased with '-' and '_' removed, to
// CycloneDX's name for it and the length of its hex digest (0: any).
var hashAlgs = map[string]struct {
	alg cdx.HashAlgorithm
	hex int
}{
	"MD5":        {cdx.HashAlgoMD5, 32},
	"SHA1":       {cdx.HashAlgoSHA1, 40},
	"SHA256":     {cdx.HashAlgoSHA256, 64},
	"SHA384":     {cdx.HashAlgoSHA384, 96},
	"SHA512":     {cdx.HashAlgoSHA512, 128},
	"SHA3256":    {cdx.HashAlgoSHA3_256, 64},
	"SHA3384":    {cdx.HashAlgoSHA3_384, 96},
	"SHA3512":    {cdx.HashAlgoSHA3_512, 128},
	"BLAKE2B256": {cdx.HashAlgoBlake2b_256, 64},
	"BLAKE2B384": {cdx.HashAlgoBlake2b_384, 96},
	"BLAKE2B512": {cdx.HashAlgoBlake2b_512, 128},
	"BLAKE3":     {cdx.HashAlgoBlake3, 0},
}

func hashes(in []model.Hash) []cdx.Hash {
	var out []cdx.Hash
	for _, h := range in {
		key := strings.NewReplacer("-", "", "_", "").Replace(strings.ToUpper(strings.TrimSpace(h.Alg)))
		a, ok := hashAlgs[key]
		v := strings.ToLower(strings.TrimSpace(h.Value))
		if !ok || !isHex(v) || (a.hex != 0 && len(v) != a.hex) || v == "" {
			continue
		}
		out = append(out, cdx.Hash{Algorithm: a.alg, Value: v})
	}
	return out
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
