package store

import (
	"context"
	"errors"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// KnowledgeBase stores vulnerability advisories (OSV), the KEV catalogue and
// EPSS scores. It is global: not scoped to an organisation.
type KnowledgeBase interface {
	// Import runs fn in one transaction: when fn returns an error, nothing
	// it wrote is kept.
	Import(ctx context.Context, fn func(ImportTx) error) error
	// AliasGraph returns the ids and aliases of every advisory that is not
	// withdrawn, for alias grouping.
	AliasGraph(ctx context.Context) ([]AdvisoryIDs, error)
	// SetGroups stores the alias group of each advisory id given, in one
	// transaction. Advisories not in the map keep their group.
	SetGroups(ctx context.Context, groups map[string]string) error
	// AffectedByKeys returns the affected-package rows whose package key
	// (see PackageKey) is one of keys.
	AffectedByKeys(ctx context.Context, keys []string) ([]AffectedRow, error)
	// AdvisoriesByGroups returns the advisories belonging to the given
	// alias groups.
	AdvisoriesByGroups(ctx context.Context, groups []string) ([]AdvisoryInfo, error)
	// GroupsOf returns the alias group of each given advisory id.
	GroupsOf(ctx context.Context, ids []string) (map[string]string, error)
	// EachAffected calls fn with every affected-package row whose package
	// key is one of keys: AffectedByKeys without collecting the rows, by
	// key, and per key in the same order (advisory id, entry). The
	// row and its Data are only valid until fn returns (its strings may
	// be kept). Several calls may run at once.
	EachAffected(ctx context.Context, keys []string, fn func(*AffectedRow) error) error
	// GroupMembers returns the advisories, not withdrawn, of the alias
	// groups the given advisory ids belong to, each once, with its Group:
	// GroupsOf and AdvisoriesByGroups in one step. Several calls may run
	// at once.
	GroupMembers(ctx context.Context, ids []string) ([]AdvisoryInfo, error)
	// RawAdvisory returns an advisory's OSV document as imported.
	RawAdvisory(ctx context.Context, id string) ([]byte, error)
	// KEV returns the KEV entries of the given CVE ids that exist.
	KEV(ctx context.Context, cves []string) (map[string]model.KEV, error)
	// EPSS returns the EPSS scores of the given CVE ids that exist.
	EPSS(ctx context.Context, cves []string) (map[string]model.EPSS, error)
	// Exploited returns the marks of the EU KEV list and EUVD's exploited
	// list (not CISA KEV: see KEV) of the given CVE ids, by CVE, each
	// CVE's marks ordered by source.
	Exploited(ctx context.Context, cves []string) (map[string][]model.ExploitedMark, error)
	// Exploitations returns the entries of every known-exploited list
	// (CISA KEV, EU KEV, EUVD) holding one of the given CVE ids, with the
	// lists' own fields, ordered by list (model.CompareExploitation).
	Exploitations(ctx context.Context, cves []string) ([]model.Exploitation, error)
	// EUVDIDs returns the EUVD ids of the given CVE ids, by CVE, sorted.
	EUVDIDs(ctx context.Context, cves []string) (map[string][]string, error)
	// Stats summarises the knowledge base.
	Stats(ctx context.Context) (model.DatabaseInfo, error)
	// Changes returns at most limit entries of the change log with a
	// sequence number above after, oldest first. Import transactions
	// write them (see KBChange) and commit in sequence order, so a reader
	// that remembers the last Seq it processed never misses one.
	Changes(ctx context.Context, after int64, limit int) ([]KBChange, error)
	// LatestChange returns the sequence number of the newest change-log
	// entry, 0 when there is none.
	LatestChange(ctx context.Context) (int64, error)
	// PruneChanges deletes the change-log entries written before t and
	// returns how many it deleted; the newest entry is always kept, so
	// that sequence numbers keep growing.
	PruneChanges(ctx context.Context, before time.Time) (int64, error)
}

// Kinds of knowledge-base change.
const (
	// ChangePackage: the advisories affecting a package changed; Key is
	// its PackageKey. Written for every affected row (before and after)
	// of an advisory inserted, replaced or withdrawn, and of one whose
	// alias group changed.
	ChangePackage = "package"
	// ChangeExploited: a CVE entered or left the CISA KEV catalogue, the
	// EU KEV list or EUVD's exploited list, or its date added there
	// changed; Key is the CVE id.
	ChangeExploited = "exploited"
	// ChangeEPSS: a CVE's EPSS score changed (or it gained one); Key is
	// the CVE id. A change of percentile alone is not logged.
	ChangeEPSS = "epss"
)

// KBChange is one entry of the knowledge base's change log: what an import
// transaction changed, one entry per distinct (Kind, Key) per transaction,
// none when a re-import changes nothing.
type KBChange struct {
	Seq  int64
	At   time.Time
	Kind string
	Key  string
}

// ImportTx is the write side of one knowledge-base import transaction.
type ImportTx interface {
	// AdvisoryState returns what is stored of an advisory, or ErrNotFound.
	AdvisoryState(ctx context.Context, id string) (AdvisoryState, error)
	// PutAdvisory inserts or replaces an advisory with its affected rows.
	PutAdvisory(ctx context.Context, a *Advisory) error
	// KEV returns the stored KEV entry of a CVE, or ErrNotFound.
	KEV(ctx context.Context, cve string) (model.KEV, error)
	// EPSS returns the stored EPSS score of a CVE, or ErrNotFound.
	EPSS(ctx context.Context, cve string) (model.EPSS, error)
	// PutKEV inserts or replaces a KEV entry.
	PutKEV(ctx context.Context, k model.KEV) error
	// PutEPSS inserts or replaces an EPSS score dated scoreDate.
	PutEPSS(ctx context.Context, e model.EPSS, scoreDate string) error
	// KEVCVEs returns the CVE ids of the stored KEV catalogue.
	KEVCVEs(ctx context.Context) ([]string, error)
	// DeleteKEV removes a CVE from the KEV catalogue.
	DeleteKEV(ctx context.Context, cve string) error
	// ExploitedEntries returns the stored entries of an exploited list
	// (model.ExploitedEUKEV or model.ExploitedEUVD), by CVE.
	ExploitedEntries(ctx context.Context, source string) (map[string]ExploitedEntry, error)
	// PutExploited inserts or replaces an entry of an exploited list.
	PutExploited(ctx context.Context, e ExploitedEntry) error
	// DeleteExploited removes a CVE from an exploited list.
	DeleteExploited(ctx context.Context, source, cve string) error
	// EUVDMapping returns the stored EUVD id to CVE mapping.
	EUVDMapping(ctx context.Context) (map[string]string, error)
	// PutEUVDAlias records that euvdID names cve (replacing its CVE).
	PutEUVDAlias(ctx context.Context, euvdID, cve string) error
	// DeleteEUVDAlias forgets an EUVD id.
	DeleteEUVDAlias(ctx context.Context, euvdID string) error
	// SaveFeedState stores a feed source's state (see Feeds) in the
	// transaction, so that it commits with the data it describes.
	SaveFeedState(ctx context.Context, st FeedState) error
	// Touch records that the knowledge base changed at t.
	Touch(ctx context.Context, t time.Time) error
}

// ExploitedEntry is one CVE of an exploited list other than CISA KEV:
// ids, flags and dates only.
type ExploitedEntry struct {
	// Source is model.ExploitedEUKEV or model.ExploitedEUVD.
	Source    string
	CVE       string
	DateAdded time.Time
	EUVDID    string
	// Ransomware: the EU KEV exploitation types include ransomware.
	Ransomware bool
	// Origin is the EU KEV originSource (a CSIRT, CNW, ENISA, CRA...) or
	// EUVD's sources joined with commas.
	Origin string
	// PatchedSince is the EU KEV patchedSince date, zero when absent.
	PatchedSince time.Time
}

// AdvisoryState is the stored version information of an advisory.
type AdvisoryState struct {
	Modified  time.Time // zero when the record carries none
	Hash      string    // digest of the record's content
	Withdrawn bool
}

// Advisory is one OSV record as stored.
type Advisory struct {
	ID         string
	Modified   time.Time
	Published  time.Time
	Withdrawn  bool
	Hash       string
	Summary    string
	Aliases    []string
	Severity   model.Severity
	References []string
	// Raw is the record as imported, kept for lookups and exports.
	Raw []byte
	// Source names the file the record was imported from.
	Source   string
	Affected []AffectedRow
}

// AffectedRow is one affected package of an advisory in compact form.
type AffectedRow struct {
	AdvisoryID string
	// Ecosystem is the full OSV ecosystem, e.g. "Debian:12".
	Ecosystem string
	// Key is PackageKey(ecosystem base, normalised name).
	Key string
	// Data is the affected entry's package, ranges and versions in the
	// compact form of osv.(*Affected).EncodeCompact (older databases: JSON).
	Data []byte
}

// AdvisoryIDs is an advisory id with its aliases.
type AdvisoryIDs struct {
	ID      string
	Aliases []string
}

// AdvisoryInfo is what a scan needs to describe an advisory.
type AdvisoryInfo struct {
	ID         string
	Group      string
	Aliases    []string
	Summary    string
	Severity   model.Severity
	References []string
	Modified   time.Time
	Published  time.Time
}

// PackageKey is the lookup key of a package: the ecosystem's base name
// (without ":suffix") and the package name normalised for that ecosystem.
func PackageKey(ecosystemBase, normalisedName string) string {
	return ecosystemBase + ":" + normalisedName
}
