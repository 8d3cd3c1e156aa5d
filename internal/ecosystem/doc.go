// Package ecosystem holds the OSV ecosystem names rocca knows and the
// per-ecosystem canonical form of package names.
//
// Both sides of a lookup go through this package: the importer keys every
// affected package of an OSV record by Base(ecosystem) and
// NormalizeName(ecosystem, name), and the matcher keys every SBOM component
// the same way after mapping its Package URL to OSV coordinates. A name that
// a registry treats as equal in two spellings (PyPI "Flask_Login" and
// "flask-login", NuGet "Newtonsoft.Json" and "newtonsoft.json") therefore
// meets its advisories whichever spelling each side used.
package ecosystem
