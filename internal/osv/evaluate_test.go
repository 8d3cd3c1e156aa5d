package osv

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/version"
)

// Affected entries of real records (from the shared OSV corpus), reduced to
// the fields Evaluate reads, and a few synthetic ones for what the corpus
// lacks (limit events, malformed ranges).
const (
	// GO-2022-0969: two introduced/fixed pairs in one SEMVER range.
	goStdlib = `{"package":{"name":"stdlib","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"0"},{"fixed":"1.18.6"},{"introduced":"1.19.0-0"},{"fixed":"1.19.1"}]}]}`
	// GO-2022-0969: a pseudo-version fix.
	goXNet = `{"package":{"name":"golang.org/x/net","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"0"},{"fixed":"0.0.0-20220906165146-f3363e06e74c"}]}]}`
	// PYSEC-2012-16: GIT and ECOSYSTEM ranges and a versions list.
	pycrypto = `{"package":{"name":"pycrypto","ecosystem":"PyPI","purl":"pkg:pypi/pycrypto"},"ranges":[
		{"type":"GIT","repo":"https://github.com/Legrandin/pycrypto","events":[{"introduced":"0"},{"fixed":"9f912f13df99ad3421eff360d6a62d7dbec755c2"}]},
		{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.6"}]}],
		"versions":["1.9a2","1.9a5","1.9a6","2.0","2.0.1","2.1.0","2.2","2.3","2.4","2.4.1","2.5"]}`
	// RUSTSEC-2018-0003: four pairs, pre-release introduced events.
	smallvec = `{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"0.3.2"},{"fixed":"0.3.4"},{"introduced":"0.4.0-0"},{"fixed":"0.4.5"},
		{"introduced":"0.5.0-0"},{"fixed":"0.5.1"},{"introduced":"0.6.0-0"},{"fixed":"0.6.3"}]}]}`
	// The same events, shuffled.
	smallvecShuffled = `{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[
		{"fixed":"0.6.3"},{"introduced":"0.4.0-0"},{"fixed":"0.3.4"},{"introduced":"0.6.0-0"},
		{"fixed":"0.5.1"},{"introduced":"0.3.2"},{"fixed":"0.4.5"},{"introduced":"0.5.0-0"}]}]}`
	// MAL-2022-499: last_affected.
	npmLastAffected = `{"package":{"ecosystem":"npm","name":"@personio-internal/split-sdk-provider"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"0"},{"last_affected":"1.23.0"}]}]}`
	// BIT-activemq-2020-11998: introduced and last_affected at one version.
	bitnamiSingle = `{"package":{"ecosystem":"Bitnami","name":"activemq"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"5.15.12"},{"last_affected":"5.15.12"}]}]}`
	// DRUPAL-CONTRIB-2019-065: a Packagist repository suffix, last_affected.
	drupal = `{"package":{"ecosystem":"Packagist:https://packages.drupal.org/8","name":"drupal/imagecache_external"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"1.0.0"},{"last_affected":"1.0.0"}]}]}`
	// MAL-2024-11505: a versions list only.
	nugetVersionsOnly = `{"package":{"ecosystem":"NuGet","name":"Bunifu.Form"},"versions":["1.0.0","1.0.1","1.0.2","1.0.3","8.3.53"]}`
	// OSEC-2017-01: ECOSYSTEM and (unsorted) GIT ranges.
	opamOCaml = `{"package":{"ecosystem":"opam","name":"ocaml"},"ranges":[
		{"type":"ECOSYSTEM","events":[{"introduced":"4.04"},{"fixed":"4.04.2"}]},
		{"type":"GIT","repo":"https://github.com/ocaml/ocaml","events":[{"fixed":"850021c200c7507f2a928a66fa1291ff4ae3a622"},{"introduced":"507507829e9639374ede5a2dade1bb6d6b98ad49"}]}],
		"versions":["4.04.0","4.04.1"]}`
	// ALBA-2019:0973: an epoch and a module release.
	almaModule = `{"package":{"ecosystem":"AlmaLinux:8","name":"oci-systemd-hook"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"0"},{"fixed":"1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082"}]}]}`
	// OSS-Fuzz: a GIT range and tags; the ecosystem has no ordering.
	ossFuzz = `{"package":{"ecosystem":"OSS-Fuzz","name":"sleuthkit"},"ranges":[{"type":"GIT","repo":"https://github.com/sleuthkit/sleuthkit","events":[
		{"introduced":"0f1ab2c4e0c7f1b0b4f2f3c8c2a6a8a9f0e1d2c3"}]}],"versions":["sleuthkit-4.11.1","v4.12.0"]}`
	// PYSEC-2019-125: a fixed event that is not a PEP 440 version.
	pypiBadFixed = `{"package":{"name":"steam","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"0"},{"fixed":"2019-09-12"}]}]}`
	// BIT-mastodon-2026-47777: an introduced event that is not SemVer.
	bitnamiBadIntroduced = `{"package":{"ecosystem":"Bitnami","name":"mastodon"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"nightly.2026-03-10.0"},{"fixed":"4.6.0"}]}]}`

	// PYSEC-2021-114: overlapping pairs in one event list.
	wagtail = `{"package":{"name":"wagtail","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"2.11"},{"fixed":"2.11.7"},{"introduced":"0"},{"fixed":"2.11.6"},{"introduced":"2.12"},{"fixed":"2.12.4"}]}]}`

	// Synthetic.
	lastAffectedThenFixed = `{"package":{"name":"p","ecosystem":"npm"},"ranges":[{"type":"SEMVER","events":[
		{"introduced":"0"},{"last_affected":"1.0.0"},{"introduced":"2.0.0"},{"fixed":"3.0.0"}]}]}`
	pypiLimit = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"1.0"},{"limit":"2.0"}]}]}`
	pypiTwoLimits = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"0"},{"limit":"1.0"},{"limit":"3.0"}]}]}`
	pypiStarLimit = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"1.0"},{"limit":"*"}]}]}`
	pypiFixedAndLimit = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"1.0"},{"fixed":"1.5"},{"limit":"2.0"}]}]}`
	pypiBadLimit = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[
		{"introduced":"1.0"},{"limit":"not-a-version"}]}]}`
	pypiNoIntroduced = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"2.0"}]}]}`
	pypiTwoRanges    = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[
		{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]},
		{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"fixed":"1.2.0"},{"introduced":"1.1"},{"fixed":"1.1.5"}]},
		{"type":"ECOSYSTEM","events":[{"introduced":"3.0"},{"fixed":"3.1"}]}]}`
	pypiUndecidableAndAffected = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[
		{"type":"ECOSYSTEM","events":[{"introduced":"garbage!"},{"fixed":"9.0"}]},
		{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}`
	pypiUnknownType  = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"CALVER","events":[{"introduced":"0"}]}]}`
	pypiLegacyListed = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}],
		"versions":["0.8.4p1"]}`
	pypiSemverRange = `{"package":{"name":"p","ecosystem":"PyPI"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.2.0"}]}]}`
	tieFixedFirst   = `{"package":{"name":"p","ecosystem":"npm"},"ranges":[{"type":"SEMVER","events":[{"fixed":"1.0.0"},{"introduced":"1.0.0"}]}]}`
	tieIntroFirst   = `{"package":{"name":"p","ecosystem":"npm"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.0.0"}]}]}`
	semverZero      = `{"package":{"name":"p","ecosystem":"npm"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.0.1"}]}]}`
	debianZero      = `{"package":{"name":"p","ecosystem":"Debian:12"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:1.0-1"}]}]}`
	mixedTypes      = `{"package":{"name":"github.com/a/b","ecosystem":"Go"},"ranges":[
		{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.5.0"}]},
		{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.4.0"}]}]}`
)

func mustAffected(t testing.TB, js string) *Affected {
	t.Helper()
	var a Affected
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatalf("bad test entry: %v\n%s", err, js)
	}
	return &a
}

// TestFixturesValidate: the entries are valid records' entries, except the
// one made to test an unknown range type (Evaluate may be given entries
// that never went through Validate).
func TestFixturesValidate(t *testing.T) {
	for _, js := range []string{goStdlib, goXNet, pycrypto, smallvec, smallvecShuffled, npmLastAffected, bitnamiSingle,
		drupal, nugetVersionsOnly, opamOCaml, almaModule, ossFuzz, pypiBadFixed, bitnamiBadIntroduced, pypiLimit,
		pypiTwoLimits, pypiStarLimit, pypiFixedAndLimit, pypiBadLimit, pypiNoIntroduced, pypiTwoRanges,
		pypiUndecidableAndAffected, pypiLegacyListed, pypiSemverRange, tieFixedFirst, tieIntroFirst, semverZero,
		debianZero, mixedTypes, wagtail, lastAffectedThenFixed} {
		if err := mustAffected(t, js).validate(); err != nil {
			t.Errorf("%v\n%s", err, js)
		}
	}
	if err := mustAffected(t, pypiUnknownType).validate(); err == nil {
		t.Error("CALVER range validated")
	}
}

// parse parses a component version as the matcher does, keeping the
// Version of a failed parse (Evaluate matches it literally).
func parse(a *Affected, s string) version.Version {
	v, _ := version.Parse(a.Package.Ecosystem, s)
	return v
}

func TestEvaluate(t *testing.T) {
	const (
		ok  = ""
		ind = "indeterminate"
		bad = "error"
	)
	rows := []struct {
		name      string
		entry     string
		version   string
		affected  bool
		fixed     []string
		undecided bool
		err       string
	}{
		// Two introduced/fixed pairs in one range (Go stdlib).
		{"stdlib below first fix", goStdlib, "1.18.5", true, []string{"1.18.6"}, false, ok},
		{"stdlib with v", goStdlib, "v1.17.0", true, []string{"1.18.6"}, false, ok},
		{"stdlib first fix", goStdlib, "1.18.6", false, nil, false, ok},
		{"stdlib between ranges", goStdlib, "1.18.99", false, nil, false, ok},
		{"stdlib 1.19 pre-release", goStdlib, "1.19.0-rc.1", true, []string{"1.19.1"}, false, ok},
		{"stdlib 1.19.0-0 itself", goStdlib, "1.19.0-0", true, []string{"1.19.1"}, false, ok},
		{"stdlib 1.19.0", goStdlib, "1.19.0", true, []string{"1.19.1"}, false, ok},
		{"stdlib second fix", goStdlib, "1.19.1", false, nil, false, ok},
		{"stdlib later", goStdlib, "1.20.0", false, nil, false, ok},
		// Pseudo-versions.
		{"pseudo before fix", goXNet, "v0.0.0-20220101000000-abcdefabcdef", true, []string{"0.0.0-20220906165146-f3363e06e74c"}, false, ok},
		{"pseudo at fix", goXNet, "v0.0.0-20220906165146-f3363e06e74c", false, nil, false, ok},
		{"release after pseudo fix", goXNet, "v0.1.0", false, nil, false, ok},
		{"pseudo after fix", goXNet, "0.0.0-20230101000000-abcdefabcdef", false, nil, false, ok},
		// GIT and ECOSYSTEM ranges, versions list (PYSEC style).
		{"pycrypto listed", pycrypto, "2.5", true, []string{"2.6"}, true, ok},
		{"pycrypto fix", pycrypto, "2.6", false, nil, true, ok},
		{"pycrypto after fix", pycrypto, "2.6.1", false, nil, true, ok},
		{"pycrypto pre-release", pycrypto, "1.9a2", true, []string{"2.6"}, true, ok},
		{"pycrypto fix candidate", pycrypto, "2.6rc1", true, []string{"2.6"}, true, ok},
		{"pycrypto dev of fix", pycrypto, "2.6.dev0", true, []string{"2.6"}, true, ok},
		{"pycrypto post of fix", pycrypto, "2.6.post1", false, nil, true, ok},
		{"pycrypto zero padded", pycrypto, "2.0.0", true, []string{"2.6"}, true, ok},
		{"pycrypto invalid version", pycrypto, "not a version", false, nil, true, ind},
		// Several pairs with pre-release introduced events, sorted or not.
		{"smallvec below", smallvec, "0.3.1", false, nil, false, ok},
		{"smallvec first", smallvec, "0.3.2", true, []string{"0.3.4"}, false, ok},
		{"smallvec fix 1", smallvec, "0.3.4", false, nil, false, ok},
		{"smallvec 0.4.0-0", smallvec, "0.4.0-0", true, []string{"0.4.5"}, false, ok},
		{"smallvec 0.4.0-alpha", smallvec, "0.4.0-alpha", true, []string{"0.4.5"}, false, ok},
		{"smallvec fix 2", smallvec, "0.4.5", false, nil, false, ok},
		{"smallvec 0.5.0", smallvec, "0.5.0", true, []string{"0.5.1"}, false, ok},
		{"smallvec last fix", smallvec, "0.6.3", false, nil, false, ok},
		{"smallvec 1.0", smallvec, "1.0.0", false, nil, false, ok},
		{"shuffled below", smallvecShuffled, "0.3.1", false, nil, false, ok},
		{"shuffled first", smallvecShuffled, "0.3.2", true, []string{"0.3.4"}, false, ok},
		{"shuffled fix 1", smallvecShuffled, "0.3.4", false, nil, false, ok},
		{"shuffled 0.4.0-alpha", smallvecShuffled, "0.4.0-alpha", true, []string{"0.4.5"}, false, ok},
		{"shuffled 0.5.0", smallvecShuffled, "0.5.0", true, []string{"0.5.1"}, false, ok},
		{"shuffled last fix", smallvecShuffled, "0.6.3", false, nil, false, ok},
		// Overlapping pairs: the walk over sorted events decides, so 2.11.6
		// is fixed although 2.11 → 2.11.7 is also listed.
		{"overlap low", wagtail, "2.10", true, []string{"2.11.6"}, false, ok},
		{"overlap inside both", wagtail, "2.11.3", true, []string{"2.11.6"}, false, ok},
		{"overlap first fix", wagtail, "2.11.6", false, nil, false, ok},
		{"overlap second fix", wagtail, "2.11.7", false, nil, false, ok},
		{"overlap third pair", wagtail, "2.12.1", true, []string{"2.12.4"}, false, ok},
		// last_affected.
		{"interval ended by last_affected", lastAffectedThenFixed, "0.5.0", true, nil, false, ok},
		{"interval ended by fixed", lastAffectedThenFixed, "2.5.0", true, []string{"3.0.0"}, false, ok},
		{"between intervals", lastAffectedThenFixed, "1.5.0", false, nil, false, ok},
		{"last_affected itself", npmLastAffected, "1.23.0", true, nil, false, ok},
		{"last_affected below", npmLastAffected, "0.0.1", true, nil, false, ok},
		{"last_affected above", npmLastAffected, "1.23.1", false, nil, false, ok},
		{"last_affected next pre-release", npmLastAffected, "1.23.1-0", false, nil, false, ok},
		{"last_affected with build", npmLastAffected, "1.23.0+build.7", true, nil, false, ok},
		{"single version", bitnamiSingle, "5.15.12", true, nil, false, ok},
		{"single version below", bitnamiSingle, "5.15.11", false, nil, false, ok},
		{"single version above", bitnamiSingle, "5.15.13", false, nil, false, ok},
		{"drupal padded", drupal, "1.0", true, nil, false, ok},
		{"drupal v", drupal, "v1.0.0", true, nil, false, ok},
		{"drupal next", drupal, "1.0.1", false, nil, false, ok},
		// limit.
		{"limit inside", pypiLimit, "1.5", true, nil, false, ok},
		{"limit at", pypiLimit, "2.0", false, nil, false, ok},
		{"limit pre-release of limit", pypiLimit, "2.0rc1", true, nil, false, ok},
		{"limit above", pypiLimit, "2.5", false, nil, false, ok},
		{"limit below introduced", pypiLimit, "0.9", false, nil, false, ok},
		{"two limits, below the higher", pypiTwoLimits, "2.0", true, nil, false, ok},
		{"two limits, at the higher", pypiTwoLimits, "3.0", false, nil, false, ok},
		{"star limit", pypiStarLimit, "99", true, nil, false, ok},
		{"fixed before limit", pypiFixedAndLimit, "1.7", false, nil, false, ok},
		{"fixed and limit inside", pypiFixedAndLimit, "1.2", true, []string{"1.5"}, false, ok},
		{"unparsable limit ignored", pypiBadLimit, "5.0", true, nil, false, ok},
		// versions only.
		{"listed", nugetVersionsOnly, "1.0.2", true, nil, false, ok},
		{"listed by version equality", nugetVersionsOnly, "1.0.2.0", true, nil, false, ok},
		{"listed last", nugetVersionsOnly, "8.3.53", true, nil, false, ok},
		{"not listed", nugetVersionsOnly, "1.0.50", false, nil, false, ok},
		// opam, unsorted GIT range.
		{"opam in range", opamOCaml, "4.04.1", true, []string{"4.04.2"}, true, ok},
		{"opam introduced spelling", opamOCaml, "4.04", true, []string{"4.04.2"}, true, ok},
		{"opam below", opamOCaml, "4.03.0", false, nil, true, ok},
		{"opam fix", opamOCaml, "4.04.2", false, nil, true, ok},
		// RPM epochs.
		{"alma without epoch", almaModule, "0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082", true,
			[]string{"1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082"}, false, ok},
		{"alma older module", almaModule, "1:0.1.15-2.git2d0b8a3.module_el8.4.0+2496+12421f43", true,
			[]string{"1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082"}, false, ok},
		{"alma higher epoch", almaModule, "2:0.1.0-1", false, nil, false, ok},
		// "0" sorts before everything, pre-releases of 0.0.0 included.
		{"zero below 0.0.0", semverZero, "0.0.0-alpha", true, []string{"0.0.1"}, false, ok},
		{"zero debian tilde", debianZero, "0~rc1", true, []string{"1:1.0-1"}, false, ok},
		// Equal versions keep their list order.
		{"tie fixed then introduced", tieFixedFirst, "1.0.0", true, nil, false, ok},
		{"tie fixed then introduced below", tieFixedFirst, "0.9.0", false, nil, false, ok},
		{"tie introduced then fixed", tieIntroFirst, "1.0.0", false, nil, false, ok},
		{"tie introduced then fixed above", tieIntroFirst, "2.0.0", false, nil, false, ok},
		// Several ranges: any affected one decides; fixes of matching ranges only.
		{"two matching ranges", pypiTwoRanges, "1.1.2", true, []string{"1.1.5", "1.2"}, false, ok},
		{"one matching range", pypiTwoRanges, "0.5", true, []string{"1.2"}, false, ok},
		{"third range", pypiTwoRanges, "3.0.1", true, []string{"3.1"}, false, ok},
		{"no range", pypiTwoRanges, "2.0", false, nil, false, ok},
		{"SEMVER and ECOSYSTEM", mixedTypes, "1.3.0", true, []string{"1.4.0", "1.5.0"}, false, ok},
		{"SEMVER only", mixedTypes, "1.4.5", true, []string{"1.5.0"}, false, ok},
		// Bad data.
		{"unparsable fixed skipped", pypiBadFixed, "1.0", true, nil, false, ok},
		{"unparsable introduced", bitnamiBadIntroduced, "4.5.0", false, nil, false, ind},
		{"unparsable introduced, at fix", bitnamiBadIntroduced, "4.6.0", false, nil, false, ind},
		{"no introduced, below fix", pypiNoIntroduced, "1.0", false, nil, false, ind},
		{"no introduced, above fix", pypiNoIntroduced, "3.0", false, nil, false, ok},
		{"indeterminate range, other affected", pypiUndecidableAndAffected, "1.0", true, []string{"2.0"}, false, ok},
		{"indeterminate range, other not", pypiUndecidableAndAffected, "3.0", false, nil, false, ind},
		{"unknown range type", pypiUnknownType, "1.0", false, nil, false, ind},
		{"unparsable but listed", pypiLegacyListed, "0.8.4p1", true, nil, false, ok},
		{"SEMVER range, PyPI version", pypiSemverRange, "1.1.0", true, []string{"1.2.0"}, false, ok},
		{"SEMVER range, not SemVer", pypiSemverRange, "1.1.post1", false, nil, false, ind},
		// Ecosystems without an ordering.
		{"OSS-Fuzz tag listed", ossFuzz, "v4.12.0", true, nil, true, ok},
		{"OSS-Fuzz tag not listed", ossFuzz, "v4.13.0", false, nil, true, ok},
	}
	counts := map[string]int{}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			a := mustAffected(t, r.entry)
			counts[a.Package.Ecosystem]++
			got, err := a.Evaluate(parse(a, r.version))
			switch r.err {
			case ok:
				if err != nil {
					t.Fatalf("Evaluate(%q): %v", r.version, err)
				}
			case ind:
				if !errors.Is(err, ErrIndeterminate) {
					t.Fatalf("Evaluate(%q): error %v, want ErrIndeterminate", r.version, err)
				}
			}
			want := Verdict{Affected: r.affected, Fixed: r.fixed, Undecided: r.undecided}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Evaluate(%q) = %+v, want %+v", r.version, got, want)
			}
		})
	}
	t.Logf("rows per ecosystem: %v", counts)
}

func TestEvaluateWrongEcosystem(t *testing.T) {
	a := mustAffected(t, pycrypto)
	v, err := version.Parse("npm", "2.5.0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Evaluate(v); err == nil || errors.Is(err, ErrIndeterminate) {
		t.Errorf("npm version against a PyPI entry: %v", err)
	}
	// Suffixes and spelling of the entry's ecosystem do not matter.
	b := mustAffected(t, `{"package":{"name":"p","ecosystem":"pypi"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}`)
	if got, err := b.Evaluate(parse(a, "1.0")); err != nil || !got.Affected {
		t.Errorf("PyPI version against a pypi entry: %+v, %v", got, err)
	}
	c := mustAffected(t, debianZero)
	w, _ := version.Parse("Debian:11", "0.9-1")
	if got, err := c.Evaluate(w); err != nil || !got.Affected {
		t.Errorf("Debian:11 version against a Debian:12 entry: %+v, %v", got, err)
	}
}

func TestEvaluateErrorsNameTheCause(t *testing.T) {
	a := mustAffected(t, pycrypto)
	_, err := a.Evaluate(parse(a, "not a version"))
	if !errors.Is(err, version.ErrInvalid) || !errors.Is(err, ErrIndeterminate) {
		t.Errorf("error %v should wrap both ErrIndeterminate and version.ErrInvalid", err)
	}
	var zero version.Version
	if _, err := a.Evaluate(zero); err == nil {
		t.Error("zero Version evaluated without error")
	}
}

// TestEvaluateDoesNotMutate evaluates one shared entry from several
// goroutines (run with -race) and checks the entry is unchanged.
func TestEvaluateDoesNotMutate(t *testing.T) {
	for _, js := range []string{goStdlib, pycrypto, smallvecShuffled, pypiTwoRanges, mixedTypes, opamOCaml} {
		a := mustAffected(t, js)
		before, _ := json.Marshal(a)
		versions := []string{"0", "1.0", "1.18.5", "1.19.0", "2.5", "0.4.1", "1.1.2", "1.3.0", "4.04.1", "x"}
		want := make([]Verdict, len(versions))
		for i, s := range versions {
			want[i], _ = a.Evaluate(parse(a, s))
		}
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, s := range versions {
					got, _ := a.Evaluate(parse(a, s))
					if !reflect.DeepEqual(got, want[i]) {
						t.Errorf("concurrent Evaluate(%q) = %+v, want %+v", s, got, want[i])
					}
				}
			}()
		}
		wg.Wait()
		after, _ := json.Marshal(a)
		if string(before) != string(after) {
			t.Errorf("Evaluate changed the entry:\n%s\n%s", before, after)
		}
	}
}

// TestEvaluateAllocs: the common case (not affected, SemVer ordering) does
// not allocate.
func TestEvaluateAllocs(t *testing.T) {
	a := mustAffected(t, smallvecShuffled)
	v := parse(a, "1.0.0")
	b := mustAffected(t, nugetVersionsOnly)
	w := parse(b, "1.0.50")
	if n := testing.AllocsPerRun(100, func() {
		if got, err := a.Evaluate(v); err != nil || got.Affected {
			t.Fatal(got, err)
		}
		if got, err := b.Evaluate(w); err != nil || got.Affected {
			t.Fatal(got, err)
		}
	}); n != 0 {
		t.Errorf("Evaluate allocates %v times", n)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, c := range []struct{ name, entry, version string }{
		{"semver-miss", smallvecShuffled, "1.0.0"},
		{"semver-hit", goStdlib, "1.19.0"},
		{"pypi-miss", pycrypto, "2.7"},
		{"alma-miss", almaModule, "2:0.1.0-1"},
	} {
		a := mustAffected(b, c.entry)
		v := parse(a, c.version)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = a.Evaluate(v)
			}
		})
	}
}

// TestCorpusRangesAgreeWithVersions evaluates, for the corpus records that
// carry both ECOSYSTEM ranges and a versions list (osv.dev expands the
// ranges into the list), every listed version against the ranges alone:
// they must agree but for a handful of known data quirks, and Evaluate must
// keep its contract on every entry.
func TestCorpusRangesAgreeWithVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("reads corpus archives")
	}
	dir := filepath.Join(testutil.Corpora(t), "vulndata", "osv")
	// Listed versions outside the ranges by the schema's algorithm:
	// overlapping pairs in one event list (wagtail: 2.11.6 is fixed by the
	// walk), pre-releases below "introduced" (django 3.2a1 < 3.2) and
	// lists that include the fix.
	const maxDisagree = 20
	for _, name := range []string{"PyPI.zip", "opam.zip", "CRAN.zip"} {
		zr, err := zip.OpenReader(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("%s: %v", name, err)
		}
		listed, agree := 0, 0
		var disagree []string
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			r, err := Parse(data)
			if err != nil {
				t.Fatalf("%s %s: %v", name, f.Name, err)
			}
			for i := range r.Affected {
				a := r.Affected[i]
				checkEvaluate(t, &a)
				hasRange := false
				for _, rg := range a.Ranges {
					hasRange = hasRange || rg.Type == RangeEcosystem
				}
				if !hasRange {
					continue
				}
				ranges := a
				ranges.Versions = nil
				for _, s := range a.Versions {
					v, err := version.Parse(a.Package.Ecosystem, s)
					if err != nil {
						continue // pre-PEP 440 versions are only matched literally
					}
					listed++
					got, err := ranges.Evaluate(v)
					if err != nil {
						t.Errorf("%s %s %q: %v", name, r.ID, s, err)
					}
					if got.Affected {
						agree++
					} else {
						disagree = append(disagree, r.ID+" "+s)
					}
				}
			}
		}
		zr.Close()
		t.Logf("%s: %d of %d listed versions in the ranges; outside: %v", name, agree, listed, disagree)
		if len(disagree) > maxDisagree {
			t.Errorf("%s: %d listed versions outside the ranges", name, len(disagree))
		}
	}
}
