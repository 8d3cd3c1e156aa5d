package accounts

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var testArgon = Argon2Params{Memory: 64, Time: 1, Threads: 1}

func TestHashPassword(t *testing.T) {
	h := HashPassword("correct horse battery", testArgon)
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("PHC string %q", h)
	}
	if h == HashPassword("correct horse battery", testArgon) {
		t.Error("two hashes of one password are equal: no random salt")
	}
	for _, tc := range []struct {
		name     string
		password string
		params   Argon2Params
		ok       bool
		rehash   bool
	}{
		{"right", "correct horse battery", testArgon, true, false},
		{"wrong", "correct horse batterY", testArgon, false, false},
		{"empty", "", testArgon, false, false},
		{"right, parameters changed since", "correct horse battery", DefaultArgon2, true, true},
	} {
		ok, rehash, err := VerifyPassword(tc.password, h, tc.params)
		if err != nil || ok != tc.ok || rehash != tc.rehash {
			t.Errorf("%s: ok %v rehash %v err %v", tc.name, ok, rehash, err)
		}
	}
	// The defaults as documented.
	if d := HashPassword("x", DefaultArgon2); !strings.HasPrefix(d, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("default parameters: %s", d)
	}
}

func TestParsePHCRefuses(t *testing.T) {
	good := HashPassword("pw", testArgon)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuu5X1lVfZgJ5qFh6Q0a4l2Yh3xq8E9yWq"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing parameter", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"repeated parameter", "$argon2id$v=19$m=64,m=64,p=1$" + salt + "$" + key},
		{"huge memory", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"huge time", "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key},
		{"zero lanes", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"memory under 8 KiB per lane", "$argon2id$v=19$m=16,t=1,p=4$" + salt + "$" + key},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA"},
		{"extra field", good + "$x"},
		{"too long", "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 300) + "$" + key},
	} {
		if _, err := parsePHC(tc.in); err == nil {
			t.Errorf("%s: %q accepted", tc.name, tc.in)
		}
		if ok, _, err := VerifyPassword("pw", tc.in, testArgon); ok || err == nil {
			t.Errorf("%s: verified", tc.name)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, password, email string
		ok                    bool
	}{
		{"12 characters", "abcdefghijkl", "", true},
		{"11 characters", "abcdefghijk", "", false},
		{"12 characters of 2 bytes count as 12", strings.Repeat("è", 12), "", true},
		{"6 characters of 2 bytes (12 bytes) are too short", strings.Repeat("è", 6), "", false},
		{"too long", strings.Repeat("a", MaxPasswordLen+1), "", false},
		{"longest", strings.Repeat("a", MaxPasswordLen), "", true},
		{"invalid UTF-8", "abcdefghijkl\xff", "", false},
		{"the address", "Mario.Rossi@example.it", "mario.rossi@example.it", false},
	} {
		err := CheckPassword(tc.password, tc.email)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrWeakPassword)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// FuzzParsePHC: a stored hash read back never panics the parser, and
// whatever it accepts is within the bounds that keep verification cheap.
func FuzzParsePHC(f *testing.F) {
	f.Add(HashPassword("pw", testArgon))
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			return
		}
		if h.params.Memory > maxArgonMemory || h.params.Time > maxArgonTime || h.params.Threads == 0 || len(h.salt) < 8 || len(h.key) < 16 || len(h.key) > 64 {
			t.Fatalf("accepted out-of-bounds hash %q: %+v", s, h.params)
		}
	})
}

// BenchmarkVerifyDefault measures one login's password check with the
// default parameters (figures in BENCHMARKS.md).
func BenchmarkVerifyDefault(b *testing.B) {
	h := HashPassword("correct horse battery", DefaultArgon2)
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := VerifyPassword("correct horse battery", h, DefaultArgon2); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
