package osv

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/version"
)

// recordSeeds are real records of the shared OSV corpus (some trimmed of
// fields Parse ignores) and malformed variants.
var recordSeeds = []string{
	`{"schema_version":"1.3.1","id":"GO-2022-0969","modified":"0001-01-01T00:00:00Z","published":"2022-09-12T20:23:06Z",` +
		`"aliases":["CVE-2022-27664","GHSA-69cg-p879-7622"],"summary":"Denial of service in net/http and golang.org/x/net/http2",` +
		`"affected":[{"package":{"name":"stdlib","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.18.6"},` +
		`{"introduced":"1.19.0-0"},{"fixed":"1.19.1"}]}],"ecosystem_specific":{"imports":[{"path":"net/http","symbols":["ListenAndServe"]}]}},` +
		`{"package":{"name":"golang.org/x/net","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},` +
		`{"fixed":"0.0.0-20220906165146-f3363e06e74c"}]}]}],"references":[{"type":"WEB","url":"https://groups.google.com/g/golang-announce"}],` +
		`"database_specific":{"url":"https://pkg.go.dev/vuln/GO-2022-0969"}}`,
	`{"id":"PYSEC-2012-16","modified":"2021-07-05T00:01:25.061545Z","published":"2012-05-17T10:55:00Z","aliases":["CVE-2012-2417"],` +
		`"details":"PyCrypto before 2.6 does not produce appropriate prime numbers","affected":[{"package":{"name":"pycrypto","ecosystem":"PyPI",` +
		`"purl":"pkg:pypi/pycrypto"},"ranges":[{"type":"GIT","repo":"https://github.com/Legrandin/pycrypto","events":[{"introduced":"0"},` +
		`{"fixed":"9f912f13df99ad3421eff360d6a62d7dbec755c2"}]},{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.6"}]}],` +
		`"versions":["1.9a2","1.9a5","1.9a6","2.0","2.0.1","2.1.0","2.2","2.3","2.4","2.4.1","2.5"]}],` +
		`"references":[{"type":"ADVISORY","url":"https://github.com/advisories/GHSA-fmx4-w8p6-4pgx"}]}`,
	`{"id":"RUSTSEC-2018-0003","modified":"2023-06-13T13:10:24Z","published":"2018-07-19T12:00:00Z","aliases":["CVE-2018-25023"],` +
		`"affected":[{"package":{"ecosystem":"crates.io","name":"smallvec","purl":"pkg:cargo/smallvec"},"ranges":[{"type":"SEMVER","events":[` +
		`{"introduced":"0.3.2"},{"fixed":"0.3.4"},{"introduced":"0.4.0-0"},{"fixed":"0.4.5"},{"introduced":"0.5.0-0"},{"fixed":"0.5.1"},` +
		`{"introduced":"0.6.0-0"},{"fixed":"0.6.3"}]}],"ecosystem_specific":{"affects":{"functions":["smallvec::SmallVec::insert_many"]}}}]}`,
	`{"id":"BIT-activemq-2020-11998","modified":"2025-01-14T11:36:38.146Z","published":"2024-03-06T10:52:44.366Z",` +
		`"affected":[{"package":{"ecosystem":"Bitnami","name":"activemq","purl":"pkg:bitnami/activemq"},"severity":[{"type":"CVSS_V3",` +
		`"score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"ranges":[{"type":"SEMVER","events":[{"introduced":"5.15.12"},` +
		`{"last_affected":"5.15.12"}]}]}]}`,
	`{"id":"OSEC-2017-01","modified":"2024-09-05T13:01:01Z","affected":[{"package":{"ecosystem":"opam","name":"ocaml","purl":"pkg:opam/ocaml"},` +
		`"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.04"},{"fixed":"4.04.2"}]},{"type":"GIT","repo":"https://github.com/ocaml/ocaml",` +
		`"events":[{"fixed":"850021c200c7507f2a928a66fa1291ff4ae3a622"},{"introduced":"507507829e9639374ede5a2dade1bb6d6b98ad49"}]}],` +
		`"versions":["4.04.0","4.04.1"]}]}`,
	`{"id":"ALBA-2019:0973","modified":"2021-11-10T12:00:00Z","affected":[{"package":{"ecosystem":"AlmaLinux:8","name":"oci-systemd-hook"},` +
		`"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082"}]}]}]}`,
	`{"id":"MAL-2024-11505","modified":"2024-12-09T06:51:38Z","affected":[{"package":{"ecosystem":"NuGet","name":"Bunifu.Form",` +
		`"purl":"pkg:nuget/Bunifu.Form"},"versions":["1.0.0","1.0.1","1.0.2","8.3.53"]}]}`,
	`{"id":"DRUPAL-CONTRIB-2019-065","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Packagist:https://packages.drupal.org/8",` +
		`"name":"drupal/imagecache_external"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0.0"},{"last_affected":"1.0.0"}],` +
		`"database_specific":{"constraint":"1.0.0"}}]}]}`,
	`{"id":"OSV-2021-1","modified":"2022-04-13T03:04:39.780694Z","affected":[{"ranges":[{"type":"GIT","repo":"https://github.com/x/y",` +
		`"events":[{"introduced":"abc"},{"limit":"def"}]}],"versions":["v1.0"]}]}`,
	// Malformed.
	`{"id":"X","modified":"2022-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"p"},"ranges":[{"type":"ECOSYSTEM",` +
		`"events":[{"introduced":"1.0","fixed":"2.0"}]}]}]}`,
	`{"id":"X","modified":"not a time"}`,
	`{"id":"","modified":"2022-01-01T00:00:00Z"}`,
	`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[]}]}]}`,
	`{"id":"X","affected":{}}`,
	`{"id":"X"} {}`,
	`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"limit":"*"},{"introduced":"0"}]}]}]}`,
	`[`,
	``,
}

// FuzzParseRecord checks that Parse never panics, that what it accepts
// validates again, and that Evaluate on every entry of an accepted record
// neither panics nor breaks its contract, for versions taken from the
// record itself and a few others.
func FuzzParseRecord(f *testing.F) {
	for _, s := range recordSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if r != nil {
				t.Fatalf("Parse returned a record and an error: %v", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("parsed record does not validate: %v", err)
		}
		for i := range r.Affected {
			checkEvaluate(t, &r.Affected[i])
		}
	})
}

// checkEvaluate evaluates candidate versions against a and checks the
// Verdict's contract.
func checkEvaluate(t *testing.T, a *Affected) {
	cands := []string{"0", "1.0.0", "v1.2.3", "2.0", ""}
	fixedEvents := map[string]bool{}
	hasGit := false
	for _, rg := range a.Ranges {
		if rg.Type == RangeGit {
			hasGit = true
		}
		for _, e := range rg.Events {
			_, s := eventKind(&e)
			cands = append(cands, s)
			if e.Fixed != "" {
				fixedEvents[e.Fixed] = true
			}
		}
	}
	cands = append(cands, a.Versions...)
	if len(cands) > 24 {
		cands = cands[:24]
	}
	for _, s := range cands {
		v, _ := version.Parse(a.Package.Ecosystem, s)
		verdict, err := a.Evaluate(v)
		if err != nil && verdict.Affected {
			t.Fatalf("%q: affected with an error: %v", s, err)
		}
		if !verdict.Affected && len(verdict.Fixed) > 0 {
			t.Fatalf("%q: not affected but fixed in %v", s, verdict.Fixed)
		}
		if err == nil && verdict.Undecided != hasGit {
			t.Fatalf("%q: Undecided = %v with GIT ranges %v", s, verdict.Undecided, hasGit)
		}
		if err == nil && s != "" {
			for _, l := range a.Versions {
				if l == s && !verdict.Affected {
					t.Fatalf("%q is listed but not affected", s)
				}
			}
		}
		for j, fx := range verdict.Fixed {
			if !fixedEvents[fx] {
				t.Fatalf("%q: fix %q is no fixed event", s, fx)
			}
			for _, prev := range verdict.Fixed[:j] {
				if prev == fx {
					t.Fatalf("%q: fix %q twice in %v", s, fx, verdict.Fixed)
				}
			}
		}
	}
}

// rangeEcosystems are the orderings FuzzEvaluateRange picks from.
var rangeEcosystems = []string{"npm", "Go", "PyPI", "Maven", "Debian", "AlmaLinux", "Alpine", "Packagist", "RubyGems", "NuGet", "opam", "crates.io"}

// FuzzEvaluateRange builds one range of four events from fuzzed kinds and
// versions and compares Evaluate with a direct transcription of the
// schema's pseudocode (events sorted by version, then walked), which it
// must agree with on Affected whenever every event parses.
func FuzzEvaluateRange(f *testing.F) {
	f.Add(uint8(0), false, "1.19.0", uint8(0), "0", uint8(1), "1.18.6", uint8(0), "1.19.0-0", uint8(1), "1.19.1")
	f.Add(uint8(0), false, "1.0.0", uint8(1), "1.0.0", uint8(0), "1.0.0", uint8(2), "1.0.0", uint8(3), "2.0.0")
	f.Add(uint8(2), true, "1.5", uint8(0), "1.0", uint8(3), "2.0", uint8(3), "*", uint8(1), "1.2")
	f.Add(uint8(4), false, "1:1.0-1", uint8(2), "1.0-1", uint8(0), "0", uint8(1), "2:0", uint8(0), "1.0~rc1")
	f.Add(uint8(3), false, "1.0-SNAPSHOT", uint8(0), "1.0-alpha", uint8(2), "1.0-rc1", uint8(1), "1.0", uint8(0), "1.0.1")
	f.Add(uint8(6), true, "1.0_rc1-r0", uint8(0), "1.0_alpha", uint8(1), "1.0", uint8(0), "1.0_p1", uint8(1), "1.1")
	f.Fuzz(func(t *testing.T, eco uint8, semver bool, vs string, k1 uint8, e1 string, k2 uint8, e2 string, k3 uint8, e3 string, k4 uint8, e4 string) {
		ecosystem := rangeEcosystems[int(eco)%len(rangeEcosystems)]
		typ := RangeEcosystem
		if semver {
			typ = RangeSemver
		}
		var events []Event
		for _, ke := range []struct {
			k uint8
			s string
		}{{k1, e1}, {k2, e2}, {k3, e3}, {k4, e4}} {
			if ke.s == "" {
				continue
			}
			var e Event
			switch ke.k % 4 {
			case 0:
				e.Introduced = ke.s
			case 1:
				e.Fixed = ke.s
			case 2:
				e.LastAffected = ke.s
			case 3:
				e.Limit = ke.s
			}
			events = append(events, e)
		}
		if len(events) == 0 {
			return
		}
		a := &Affected{Package: Package{Ecosystem: ecosystem, Name: "p"}, Ranges: []Range{{Type: typ, Events: events}}}
		v, _ := version.Parse(ecosystem, vs)
		verdict, err := a.Evaluate(v)
		if err != nil && verdict.Affected {
			t.Fatalf("affected with an error: %v", err)
		}
		base := v
		if semver {
			if base, err = v.Semver(); err != nil {
				return
			}
		}
		if !base.Valid() {
			return
		}
		want, ok := pseudocode(base, events)
		if !ok {
			return
		}
		if want != verdict.Affected {
			t.Fatalf("%s %s %q in %+v: Evaluate says %v, the pseudocode %v (%v)", ecosystem, typ, vs, events, verdict.Affected, want, err)
		}
		// The fix ends v's interval: it is above v, and the pseudocode
		// finds it unaffected unless an introduced event ties with it.
		if len(verdict.Fixed) > 1 {
			t.Fatalf("one range, fixes %v", verdict.Fixed)
		}
		for _, fx := range verdict.Fixed {
			f, err := base.Parse(fx)
			if err != nil {
				t.Fatalf("fix %q: %v", fx, err)
			}
			if c, err := base.CompareVersion(f); err != nil || c >= 0 {
				t.Fatalf("fix %q not above %q", fx, vs)
			}
			tie := false
			for _, e := range events {
				if e.Introduced != "" && f.Equal(e.Introduced) {
					tie = true
				}
			}
			if aff, _ := pseudocode(f, events); aff && !tie {
				t.Fatalf("%s %q in %+v: fix %q is itself affected", ecosystem, vs, events, fx)
			}
		}
	})
}

// pseudocode is the schema's evaluation algorithm, transcribed: it sorts
// the events (stably, "0" first, "*" last) and walks them. ok is false
// when an event does not parse.
func pseudocode(v version.Version, events []Event) (affected, ok bool) {
	type ev struct {
		kind int
		v    version.Version
		inf  int // -1: introduced "0"; +1: limit "*"
	}
	evs := make([]ev, 0, len(events))
	for i := range events {
		kind, s := eventKind(&events[i])
		switch {
		case kind == evIntroduced && s == "0":
			evs = append(evs, ev{kind: kind, inf: -1})
			continue
		case kind == evLimit && strings.Contains(s, "*"):
			evs = append(evs, ev{kind: kind, inf: 1})
			continue
		}
		e, err := v.Parse(s)
		if err != nil {
			return false, false
		}
		evs = append(evs, ev{kind: kind, v: e})
	}
	cmp := func(x, y ev) int {
		if x.inf != 0 || y.inf != 0 {
			return x.inf - y.inf
		}
		c, err := x.v.CompareVersion(y.v)
		if err != nil {
			panic(fmt.Sprint("compare: ", err))
		}
		return c
	}
	sort.SliceStable(evs, func(i, j int) bool { return cmp(evs[i], evs[j]) < 0 })
	at := ev{v: v}
	limits, below := false, false
	for _, e := range evs {
		if e.kind == evLimit {
			limits = true
			if cmp(at, e) < 0 {
				below = true
			}
		}
	}
	if limits && !below {
		return false, true
	}
	for _, e := range evs {
		switch {
		case e.kind == evIntroduced && cmp(at, e) >= 0:
			affected = true
		case e.kind == evFixed && cmp(at, e) >= 0:
			affected = false
		case e.kind == evLastAffected && cmp(at, e) > 0:
			affected = false
		}
	}
	return affected, true
}
