// Package version parses and orders package versions the way each OSV
// ecosystem does, so that a component's version can be placed against the
// introduced, fixed, last_affected and limit events of OSV records.
//
// Most orderings come from the semantic package of
// github.com/google/osv-scalibr, the library osv-scanner uses. This package
// adds what semantic lacks:
//
//   - Validation. semantic orders almost any string in most ecosystems
//     (garbage sorts somewhere, silently), which would let a misparsed SBOM
//     version match or miss advisories at random. Parse checks each
//     ecosystem's grammar first and returns an error wrapping ErrInvalid for
//     anything else; the caller can then say the version could not be
//     compared instead of guessing. The grammars are those of the package
//     managers themselves (PEP 440, Gem::Version, dpkg, rpm, apk-tools,
//     Composer, R), kept as permissive as those tools. Two choices go
//     further: Maven orders any string, but a string without a digit or with
//     characters outside [A-Za-z0-9._+-] ("${project.version}", "LATEST") is
//     rejected; PyPI versions that are not PEP 440 ("legacy" versions, which
//     pip no longer accepts) are rejected rather than sorted before all
//     others. Strings that are empty, longer than MaxLen or hold bytes
//     outside printable ASCII are invalid everywhere.
//
//   - SemVer. npm, crates.io, Go, NuGet, Pub and the ecosystems whose
//     versions are SemVer-like (Bitnami, Julia, GHC, Hex, SwiftURL,
//     ConanCenter, Docker Hardened Images), and the SEMVER ranges of every
//     ecosystem (ParseSemver), use this package's own SemVer 2.0 comparator,
//     which allocates nothing. It differs from semantic's where semantic is
//     wrong: a fourth numeric component is a number, not a pre-release
//     (semantic orders Bitnami 1.2.3.4 before 1.2.3), a pre-release
//     identifier such as "-1" is alphanumeric, not a negative number, and
//     Pub orders build metadata numerically after the bare version
//     (1.0.0+10 > 1.0.0+9 > 1.0.0). npm, crates.io and Go allow at most
//     three numeric components, NuGet four; fewer count as zeros (1.2 ==
//     1.2.0). A leading "v" is accepted where the ecosystem's tooling
//     accepts one (npm, Go, and the SemVer-like ecosystems). Go's "+incompatible"
//     is build metadata and is ignored; pseudo-versions are ordinary
//     pre-releases and sort as the go command sorts them.
//
//   - Normalisation where semantic's reading differs from the package
//     manager's. Composer versions are normalised as Composer does before
//     semantic orders them (lowercase, four numeric components: 1.2 ==
//     1.2.0.0 and 1.2 > 1.2.0-beta1, where semantic alone says 1.2 <
//     1.2.0-beta1 and lets "Beta" sort with "dev"), and a build-metadata
//     suffix is dropped as Composer drops it (2.65.2+170606 == 2.65.2).
//     RubyGems versions have '-' read as ".pre.", as Gem::Version does
//     (1.0-1 == 1.0.pre.1).
//     Bioconductor packages are R packages and use R's ordering.
//
//   - Alpine (and the apk-based Alpaquita, BellSoft Hardened Containers,
//     Chainguard, MinimOS, Wolfi) uses this package's own comparator. It
//     accepts what the tokenizer of apk-tools 2.x accepts, which lets
//     digits follow a letter ("5.1p1-r0", "1.9.5p2-r1", ordered 6.6.2 <
//     6.6.2p1 < 6.6.2p2 < 6.6.3), plus the "~hash" of later apk-tools.
//     apk-tools 3 is stricter (one letter, no digits after it), but the
//     Alpine releases whose advisories OSV publishes ship apk-tools 2.x, and
//     their packages, and so the advisories' events, carry such versions; a
//     stricter parser would leave them undetermined. The ordering is
//     semantic's reading of apk-tools (missing numeric components and
//     "-r" count as zero, so 1.0 == 1.0.0 == 1.0-r0, where apk-tools puts
//     the shorter version first; after the first, components with a
//     leading zero compare as strings) with the suffix order right:
//     semantic weighs "no suffix" like "_cvs", so it finds 1.0 == 1.0_cvs.
//
//   - opam, which semantic does not support: the opam manual's characters,
//     ordered as opam orders them, which is dpkg's algorithm (opam splits a
//     revision off at the last '-' just as dpkg does; it has no epoch).
//     Photon OS, whose packages are RPMs, is ordered by rpmvercmp.
//
//   - Panics in semantic are recovered and reported as errors.
//
// Ecosystem names are the OSV spellings, matched exactly or else without
// regard to ASCII case, and may carry the ":suffix" OSV uses for releases
// and repositories ("Debian:12", "Packagist:https://packages.drupal.org/8").
package version
