// Package config resolves rocca's configuration once, from flags, the
// environment, an optional configuration file and defaults (in that order
// of precedence), into an immutable Config passed to everything that needs
// it. Every value remembers where it came from, for `rocca config`.
//
// The configuration file (named by --config or ROCCA_CONFIG) is a small
// subset of TOML: one `key = value` per line, # comments, values bare or
// quoted ("basic" strings with escapes, 'literal' strings).
package config
