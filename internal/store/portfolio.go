package store

import (
	"context"
	"errors"
)

// ErrConflict is returned when a row would duplicate a unique name.
var ErrConflict = errors.New("already exists")

// ErrBusy is returned by best-effort writes that gave up waiting for the
// database's writer.
var ErrBusy = errors.New("database busy")

// ErrInvalidCursor is returned for a pagination cursor this store did not
// issue for the same query.
var ErrInvalidCursor = errors.New("invalid cursor")

// Portfolio is everything stored for the organisations' portfolios, by
// concern: what they ship (Catalogue), the SBOMs of it (SBOMs), the
// findings (FindingsReader), API keys (Keys), upload tokens
// (UploadTokens) and the write transaction of an ingestion (Ingester).
// Every method takes the organisation id and only ever reads or writes
// that organisation's rows: a row of another organisation is reported as
// ErrNotFound. A consumer names the parts it uses.
type Portfolio interface {
	Catalogue
	SBOMs
	FindingsReader
	Keys
	UploadTokens
	Ingester
}

// AliasIndex finds knowledge-base advisories by any of their ids.
type AliasIndex interface {
	// AdvisoriesKnownAs returns the ids of the advisories (withdrawn ones
	// excluded) whose id or one of whose aliases is id.
	AdvisoriesKnownAs(ctx context.Context, id string) ([]string, error)
}
