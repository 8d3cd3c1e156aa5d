// Package purl parses Package URLs (purls) into their canonical form and maps
// them to the OSV coordinates (ecosystem, name, version) under which
// advisories are published.
//
// Parsing follows the Package-URL specification (ECMA-427) and the registered
// type definitions of the purl-spec repository: the type is lowercased,
// leading slashes after "pkg:" are ignored, components are percent-decoded
// (a '+' stays a '+'), qualifier keys are lowercased and sorted and empty
// qualifier values dropped, '.', '..' and empty subpath segments are
// discarded, and each registered type's rules are applied (for example pypi
// names are lowercased with '_' replaced by '-', composer, deb and github
// namespaces and names are lowercased, a julia purl needs a uuid qualifier,
// a cargo purl may not have a namespace).
//
// The result is a packageurl.PackageURL from github.com/package-url/packageurl-go.
// That library's own parser is not used because it lowercases golang
// namespaces and names: Go module paths are case-sensitive
// (github.com/BurntSushi/toml) and OSV keys them with their case, so the
// lowercased path would never meet its advisories. Canonical renders the
// canonical string; for every type but git it equals PackageURL.ToString of
// the parsed value (a git name holds '/'-separated path segments, which
// ToString would percent-encode).
//
// Deliberate deviations from the purl-spec test suite are listed, with their
// reasons, in purl_test.go.
package purl
