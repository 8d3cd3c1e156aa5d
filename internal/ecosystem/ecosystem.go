package ecosystem

import "strings"

// OSV ecosystem names, spelt exactly as in the OSV schema's ecosystems.json.
// Ecosystems that take a release suffix ("Debian:12", "Alpine:v3.19") are
// listed by their base name.
const (
	AlmaLinux     = "AlmaLinux"
	Alpine        = "Alpine"
	Bitnami       = "Bitnami"
	Chainguard    = "Chainguard"
	ConanCenter   = "ConanCenter"
	CRAN          = "CRAN"
	CratesIO      = "crates.io"
	Debian        = "Debian"
	GitHubActions = "GitHub Actions"
	Go            = "Go"
	Hackage       = "Hackage"
	Hex           = "Hex"
	Julia         = "Julia"
	Mageia        = "Mageia"
	Maven         = "Maven"
	MinimOS       = "MinimOS"
	NPM           = "npm"
	NuGet         = "NuGet"
	Opam          = "opam"
	OpenSUSE      = "openSUSE"
	Packagist     = "Packagist"
	PhotonOS      = "Photon OS"
	Pub           = "Pub"
	PyPI          = "PyPI"
	RedHat        = "Red Hat"
	RockyLinux    = "Rocky Linux"
	RubyGems      = "RubyGems"
	SUSE          = "SUSE"
	SwiftURL      = "SwiftURL"
	Ubuntu        = "Ubuntu"
	VSCode        = "VSCode"
	Wolfi         = "Wolfi"
)

// Base returns the part of an OSV ecosystem string before the first ':',
// which names the ecosystem without its release or repository suffix:
// "Debian:12" → "Debian", "Packagist:https://packages.drupal.org/8" →
// "Packagist". A string without ':' is returned unchanged.
func Base(ecosystem string) string {
	if i := strings.IndexByte(ecosystem, ':'); i >= 0 {
		return ecosystem[:i]
	}
	return ecosystem
}

// NormalizeName returns the canonical form of a package name in an OSV
// ecosystem (a full ecosystem string such as "Debian:12" is accepted too),
// so that two spellings the registry treats as the same package compare
// equal. Only registries that are known to compare names without regard to
// case (or, for PyPI, separators) are folded; everywhere else the name is
// returned as given, because folding a case-sensitive name could make two
// distinct packages collide. Case folding is ASCII-only: the registries that
// fold case only allow ASCII names.
//
// NormalizeName does not allocate when the name is already canonical.
func NormalizeName(ecosystem, name string) string {
	switch Base(ecosystem) {
	case PyPI:
		// PEP 503: names compare case-insensitively and runs of '-', '_'
		// and '.' are equivalent; the normalised form is lowercase with
		// each run replaced by a single '-'. OSV requires this form.
		return pep503(name)
	case NuGet:
		// NuGet package IDs are case-insensitive: nuget.org refuses an ID
		// that differs from an existing one only in case, and its
		// package-content API takes lowercased IDs.
		return lowerASCII(name)
	case Packagist:
		// Composer package names ("vendor/package") are matched without
		// regard to case by Composer and Packagist, which store them
		// lowercase; the purl composer type lowercases them as well.
		return lowerASCII(name)
	case CratesIO:
		// crates.io rejects a crate whose name differs from an existing
		// one only in case (and looks names up case-insensitively), so
		// lowercasing cannot join two distinct crates. '-' and '_' are
		// left alone: Cargo.lock and OSV both carry the published name.
		return lowerASCII(name)
	case Hex:
		// Hex package names must be lowercase (^[a-z][a-z0-9_]*$).
		return lowerASCII(name)
	case Pub:
		// Dart package names are restricted to [a-z0-9_].
		return lowerASCII(name)
	case Debian, Ubuntu:
		// Debian policy: package names are lowercase letters, digits and
		// "+-." only.
		return lowerASCII(name)
	case ConanCenter:
		// Conan 2 references, and every ConanCenter recipe, are lowercase.
		return lowerASCII(name)
	case Bitnami:
		// Bitnami component names are lowercase (and the purl bitnami
		// type says they shall be lowercased).
		return lowerASCII(name)
	case GitHubActions:
		// Names are "owner/repo" on GitHub, which compares both without
		// regard to case.
		return lowerASCII(name)
	case VSCode:
		// Extension identifiers ("publisher.name") are case-insensitive
		// on the Visual Studio Marketplace and Open VSX.
		return lowerASCII(name)
	}
	// Kept as given, deliberately:
	//   - npm: case-sensitive; new names must be lowercase but old
	//     mixed-case packages ("JSONStream") are distinct packages.
	//   - Go, Maven, RPM-based distributions, Alpine, Julia, SwiftURL:
	//     case-sensitive identifiers.
	//   - RubyGems, Hackage, CRAN, opam: the registries forbid new
	//     case-only duplicates but look names up case-sensitively; not
	//     safe to fold without proof that both sides fold.
	return name
}

// lowerASCII returns s with ASCII letters lowercased; s itself when it has
// no uppercase ASCII letter.
func lowerASCII(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

func isPEP503Sep(c byte) bool { return c == '-' || c == '_' || c == '.' }

// pep503 normalises a Python project name: lowercase, and every run of
// '-', '_' and '.' replaced by one '-'.
func pep503(name string) string {
	canonical := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || (c == '-' && i > 0 && name[i-1] == '-') {
			canonical = false
			break
		}
	}
	if canonical {
		return name
	}
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case isPEP503Sep(c):
			if len(b) == 0 || b[len(b)-1] != '-' {
				b = append(b, '-')
			}
		case c >= 'A' && c <= 'Z':
			b = append(b, c+('a'-'A'))
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
