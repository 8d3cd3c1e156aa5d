// Package uid makes the identifiers of rocca's rows: random UUIDs (version 4)
// generated in Go so that both database engines store plain TEXT ids, and
// name-based UUIDs for values that need a stable UUID form (a vulnerability
// id shown to Dependency-Track clients).
package uid

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// New returns a random UUID (RFC 9562 version 4) in its canonical form.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return format(b)
}

// FromName returns a UUID derived from namespace and name: the same inputs
// always give the same UUID. It uses SHA-256 and marks the result as an
// RFC 9562 version 8 (custom) UUID.
func FromName(namespace, name string) string {
	sum := sha256.Sum256([]byte(namespace + "\x00" + name))
	var b [16]byte
	copy(b[:], sum[:16])
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return format(b)
}

// Valid reports whether s is a UUID in canonical lower- or upper-case form.
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func format(b [16]byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
