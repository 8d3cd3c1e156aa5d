// Package config resolves rocca's configuration once, from flags and the
// environment, into an immutable Config passed to everything that needs it.
package config
