package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters of new password hashes.
type Argon2Params struct {
	// Memory in KiB, Time (passes) and Threads (lanes).
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultArgon2 follows the OWASP password storage recommendation for
// argon2id (19 MiB, 2 passes, 1 lane): 37-67 ms per verification measured
// on the development machine under load (BENCHMARKS.md), and a bounded
// memory per login.
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Bounds a stored hash's parameters must respect before it is verified:
// a hash read back with absurd parameters is refused rather than made to
// allocate gigabytes.
const (
	maxArgonMemory  = 1 << 20 // 1 GiB in KiB
	maxArgonTime    = 32
	saltLen         = 16
	keyLen          = 32
	maxEncodedLen   = 256
	argon2idVersion = argon2.Version
)

// Password policy: long enough to resist guessing, bounded so that
// hashing a submitted value stays cheap.
const (
	MinPasswordLen = 12   // characters
	MaxPasswordLen = 1024 // bytes
)

// ErrWeakPassword is returned for a password the policy refuses.
var ErrWeakPassword = errors.New("password does not meet the policy")

// CheckPassword applies the password policy: at least MinPasswordLen
// characters, at most MaxPasswordLen bytes, valid UTF-8, not the e-mail
// address.
func CheckPassword(password, email string) error {
	switch {
	case !utf8.ValidString(password):
		return fmt.Errorf("%w: not valid UTF-8", ErrWeakPassword)
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return fmt.Errorf("%w: at least %d characters", ErrWeakPassword, MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return fmt.Errorf("%w: at most %d bytes", ErrWeakPassword, MaxPasswordLen)
	case email != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return fmt.Errorf("%w: must not be the e-mail address", ErrWeakPassword)
	}
	return nil
}

// HashPassword returns the PHC string of an argon2id hash of password
// with a fresh random salt:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (unpadded
// standard base64).
func HashPassword(password string, p Argon2Params) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2idVersion, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// phc is a parsed argon2id PHC string.
type phc struct {
	params    Argon2Params
	salt, key []byte
}

// parsePHC reads an argon2id PHC string as HashPassword writes it.
func parsePHC(encoded string) (phc, error) {
	var h phc
	if len(encoded) > maxEncodedLen {
		return h, errors.New("password hash: too long")
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return h, errors.New("password hash: not a PHC string")
	}
	if parts[1] != "argon2id" {
		return h, fmt.Errorf("password hash: algorithm %q, want argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2idVersion) {
		return h, fmt.Errorf("password hash: version %q, want v=%d", parts[2], argon2idVersion)
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || (len(v) > 1 && v[0] == '0') {
			return h, fmt.Errorf("password hash: bad parameter %q", kv)
		}
		switch {
		case k == "m" && !seen[0] && n >= 8 && n <= maxArgonMemory:
			h.params.Memory, seen[0] = uint32(n), true
		case k == "t" && !seen[1] && n >= 1 && n <= maxArgonTime:
			h.params.Time, seen[1] = uint32(n), true
		case k == "p" && !seen[2] && n >= 1 && n <= 255:
			h.params.Threads, seen[2] = uint8(n), true
		default:
			return h, fmt.Errorf("password hash: bad parameter %q", kv)
		}
	}
	if seen != [3]bool{true, true, true} {
		return h, errors.New("password hash: missing parameter")
	}
	if h.params.Memory < 8*uint32(h.params.Threads) {
		return h, errors.New("password hash: memory below 8 KiB per lane")
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return h, errors.New("password hash: bad salt")
	}
	if h.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return h, errors.New("password hash: bad key")
	}
	return h, nil
}

// VerifyPassword reports whether password matches the PHC string, in
// constant time with respect to the key, and whether the hash should be
// recomputed with the current parameters p (rehash).
func VerifyPassword(password, encoded string, p Argon2Params) (ok, rehash bool, err error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	if subtle.ConstantTimeCompare(key, h.key) != 1 {
		return false, false, nil
	}
	return true, h.params != p || len(h.key) != keyLen, nil
}
