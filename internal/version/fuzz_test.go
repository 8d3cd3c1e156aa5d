package version

import (
	"os"
	"testing"
)

// fuzzEcosystems are the ecosystems FuzzParseCompare picks from: every
// supported one, and "SEMVER" for ParseSemver.
func fuzzEcosystems() []string {
	ecos := []string{semverScheme.name}
	for _, s := range schemes {
		ecos = append(ecos, s.name)
	}
	return ecos
}

func fuzzParse(eco, s string) (Version, error) {
	if eco == semverScheme.name {
		return ParseSemver(s)
	}
	return Parse(eco, s)
}

// FuzzParseCompare parses two strings as versions of one ecosystem and
// checks that nothing panics and that the ordering is consistent: a version
// equals itself, Compare is antisymmetric (cmp(a,b) == -cmp(b,a)), Compare
// and CompareVersion agree, and Equal agrees with Compare == 0.
//
// The ecosystem is picked by the first argument; to fuzz one ecosystem for
// a while, set ROCCA_FUZZ_ECOSYSTEM, e.g.
//
//	ROCCA_FUZZ_ECOSYSTEM=PyPI go test -run '^$' -fuzz FuzzParseCompare -fuzztime 30s ./internal/version
func FuzzParseCompare(f *testing.F) {
	ecos := fuzzEcosystems()
	index := map[string]uint8{}
	for i, e := range ecos {
		index[e] = uint8(i)
	}
	for eco, rows := range orderings {
		for _, r := range rows {
			f.Add(index[eco], r.a, r.b)
		}
	}
	for eco, ss := range invalids {
		for _, s := range ss {
			f.Add(index[eco], s, "1.0")
		}
	}
	for _, s := range []string{
		"1.0.0-a.-1", "1.2.3.4", "0.0.0-20191109021931-daa7c04131f5", "1.0_cvs", "1.0~abc-r0",
		"1!2.0.post1.dev3+local.7", "1-sp.1", "1.0.0-Beta2", "1:2.0~rc1-1+deb12u1", "1:1.0^git1-1.el9",
		"3.7~coq-platform~open-source", "99999999999999999999999999999", "1.0.0+1.2", "0.20.1+1",
	} {
		for _, eco := range ecos {
			f.Add(index[eco], s, "1.0")
		}
	}
	only := os.Getenv("ROCCA_FUZZ_ECOSYSTEM")
	f.Fuzz(func(t *testing.T, e uint8, as, bs string) {
		eco := ecos[int(e)%len(ecos)]
		if only != "" {
			eco = only
		}
		a, aerr := fuzzParse(eco, as)
		b, berr := fuzzParse(eco, bs)
		if aerr != nil || berr != nil {
			// Errors are fine; what is kept must still be literal.
			if a.String() != as || b.String() != bs {
				t.Fatalf("%s: failed parses lost the string: %q %q", eco, a, b)
			}
			if aerr != nil && a.Valid() {
				t.Fatalf("%s: %q failed but is valid", eco, as)
			}
			return
		}
		if c, err := a.Compare(as); err != nil || c != 0 {
			t.Fatalf("%s: %q vs itself = %d, %v", eco, as, c, err)
		}
		ab, err := a.Compare(bs)
		if err != nil {
			t.Fatalf("%s: Compare(%q, %q): %v", eco, as, bs, err)
		}
		ba, err := b.Compare(as)
		if err != nil {
			t.Fatalf("%s: Compare(%q, %q): %v", eco, bs, as, err)
		}
		if ab != -ba {
			t.Fatalf("%s: not antisymmetric: cmp(%q, %q) = %d, cmp(%q, %q) = %d", eco, as, bs, ab, bs, as, ba)
		}
		if ab < -1 || ab > 1 {
			t.Fatalf("%s: cmp(%q, %q) = %d", eco, as, bs, ab)
		}
		if c, err := a.CompareVersion(b); err != nil || c != ab {
			t.Fatalf("%s: CompareVersion(%q, %q) = %d, %v; Compare says %d", eco, as, bs, c, err, ab)
		}
		if eq := a.Equal(bs); eq != (ab == 0) {
			t.Fatalf("%s: Equal(%q, %q) = %v but Compare = %d", eco, as, bs, eq, ab)
		}
		// SEMVER views of SemVer-shaped versions order the same way
		// (except where the ecosystem folds case or orders builds).
		if sa, err := a.Semver(); err == nil {
			if sb, err := b.Semver(); err == nil {
				c, err := sa.CompareVersion(sb)
				if err != nil {
					t.Fatalf("%s: SEMVER compare of %q and %q: %v", eco, as, bs, err)
				}
				if a.sch.kind == kindSemver && !a.sch.foldPre && !a.sch.cmpBuild && c != ab {
					t.Fatalf("%s: SEMVER view orders %q, %q as %d, ecosystem as %d", eco, as, bs, c, ab)
				}
			}
		}
	})
}
