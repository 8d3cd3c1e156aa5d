package model

import "time"

// Organisation is a tenant: every product, SBOM, finding and API key
// belongs to exactly one.
type Organisation struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// CRARole is the role an organisation has for a product under the CRA.
type CRARole string

// CRA roles of economic operators.
const (
	RoleManufacturer CRARole = "manufacturer"
	RoleImporter     CRARole = "importer"
	RoleDistributor  CRARole = "distributor"
)

// Valid reports whether r is one of the CRA roles.
func (r CRARole) Valid() bool {
	return r == RoleManufacturer || r == RoleImporter || r == RoleDistributor
}

// Product is a product with digital elements.
type Product struct {
	ID              string    `json:"id"`
	OrgID           string    `json:"organisationId"`
	Name            string    `json:"name"`
	Role            CRARole   `json:"craRole"`
	IntendedPurpose string    `json:"intendedPurpose,omitempty"`
	SupportEnd      time.Time `json:"supportPeriodEnd,omitzero"`
	SecurityContact string    `json:"securityContact,omitempty"`
	// Markets are the EU Member States (codes) where the product is
	// made available (SRP field 5).
	Markets []string `json:"markets"`
	// CRAType is default, important or critical; CRAClass class_i or
	// class_ii (important products); CRACategory the Annex III/IV entry.
	CRAType     string    `json:"craType,omitempty"`
	CRAClass    string    `json:"craClass,omitempty"`
	CRACategory string    `json:"craCategory,omitempty"`
	Created     time.Time `json:"created"`
}

// Lifecycle is the market state of a product version.
type Lifecycle string

// Lifecycle states.
const (
	LifecycleDevelopment  Lifecycle = "development"
	LifecycleOnMarket     Lifecycle = "on_market"
	LifecycleEndOfSupport Lifecycle = "end_of_support"
)

// Valid reports whether l is a lifecycle state.
func (l Lifecycle) Valid() bool {
	return l == LifecycleDevelopment || l == LifecycleOnMarket || l == LifecycleEndOfSupport
}

// Version is one release of a product.
type Version struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"organisationId"`
	ProductID   string    `json:"productId"`
	Name        string    `json:"name"`
	Lifecycle   Lifecycle `json:"lifecycle"`
	ReleaseDate time.Time `json:"releaseDate,omitzero"`
	// CurrentSBOM is the id of the SBOM whose components the version's
	// findings are computed from; empty before the first upload.
	CurrentSBOM string    `json:"currentSbomId,omitempty"`
	Created     time.Time `json:"created"`
}

// StoredSBOM describes an uploaded SBOM; its original bytes are kept
// byte for byte apart from this record.
type StoredSBOM struct {
	ID          string `json:"id"`
	OrgID       string `json:"organisationId"`
	VersionID   string `json:"versionId"`
	Name        string `json:"name"`
	Digest      string `json:"sha256"`
	Size        int64  `json:"size"`
	Format      string `json:"format"`
	SpecVersion string `json:"specVersion,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
	Serial      string `json:"serial,omitempty"`
	// Components counts the components, the subject excluded.
	Components int       `json:"components"`
	Created    time.Time `json:"created"`
}

// StoredComponent is a component of a stored SBOM.
type StoredComponent struct {
	ID        string `json:"id"`
	SBOMID    string `json:"sbomId"`
	VersionID string `json:"versionId"`
	// Root marks the SBOM's subject (metadata.component), the root of the
	// dependency graph.
	Root bool `json:"root,omitempty"`
	Component
	// PkgKey is the knowledge-base package key (store.PackageKey) the
	// component is matched under; empty when it names no package.
	PkgKey string `json:"-"`
}

// FindingState tells whether a finding still matches.
type FindingState string

// Finding states.
const (
	FindingOpen     FindingState = "open"
	FindingResolved FindingState = "resolved"
)

// TrackedFinding is a finding of a product version as the portfolio
// tracks it over successive SBOM uploads: one component (by Key) × one
// vulnerability (alias group, by its preferred id).
type TrackedFinding struct {
	ID          string `json:"id"`
	OrgID       string `json:"organisationId"`
	VersionID   string `json:"versionId"`
	ComponentID string `json:"componentId"`
	// ComponentKey identifies the component across uploads (Component.Key).
	ComponentKey string    `json:"componentKey"`
	Component    Component `json:"component"`
	Ecosystem    string    `json:"ecosystem,omitempty"`
	Package      string    `json:"package,omitempty"`
	// VulnID is the preferred id of the vulnerability's alias group.
	VulnID     string   `json:"vulnerabilityId"`
	VulnIDs    []string `json:"vulnerabilityIds"`
	Advisories []string `json:"advisories"`
	Summary    string   `json:"summary,omitempty"`
	Severity   Severity `json:"severity"`
	// KEV is true when the vulnerability is known exploited: listed in
	// CISA KEV, EU KEV or EUVD's exploited list.
	KEV bool `json:"kev"`
	// KEVAdded is the earliest date a known-exploited list added it.
	KEVAdded       time.Time    `json:"kevDateAdded,omitzero"`
	EPSS           float64      `json:"epss"`
	EPSSPercentile float64      `json:"epssPercentile"`
	FixedVersions  []string     `json:"fixedVersions,omitempty"`
	State          FindingState `json:"state"`
	FirstSeen      time.Time    `json:"firstSeen"`
	LastSeen       time.Time    `json:"lastSeen"`
	ResolvedAt     time.Time    `json:"resolvedAt,omitzero"`
	// Analysis is the finding's effective triage decision; nil when
	// nobody decided (see EffectiveStatus). Lists carry it whole; inside
	// a reconciliation only its id, status, scope and review reason are
	// read.
	Analysis *FindingAnalysis `json:"analysis,omitempty"`
}

// FindingEventKind names what happened to a finding.
type FindingEventKind string

// Finding event kinds. A finding that matches again after being resolved
// gets EventNew with the detail "reopened: matches again". A change of facts gets the
// most specific kind: EventExploited when the vulnerability becomes known
// exploited, EventSeverity when its severity changes, EventFixAvailable
// when fixed versions appear where there were none; any other change of
// severity, exploitation or fixes is EventChanged. One reconciliation may
// write several events for one finding (exploited and severity, say).
const (
	EventNew          FindingEventKind = "new"
	EventChanged      FindingEventKind = "changed"
	EventExploited    FindingEventKind = "exploited"
	EventSeverity     FindingEventKind = "severity_changed"
	EventFixAvailable FindingEventKind = "fix_available"
	EventResolved     FindingEventKind = "resolved"
	// EventWithdrawn resolves a finding whose advisories were all withdrawn.
	EventWithdrawn FindingEventKind = "withdrawn"
	// EventAnalysis: the finding's effective analysis changed (a decision
	// on it, or a product- or organisation-wide one that reaches it).
	EventAnalysis FindingEventKind = "analysis"
	// EventAnalysisReview: the finding's facts changed after its decision
	// (known exploited, a fix, a higher severity); it needs review.
	EventAnalysisReview FindingEventKind = "analysis_review"
)

// FindingEvent is one entry of a version's append-only finding history.
type FindingEvent struct {
	Seq       int64            `json:"seq"`
	FindingID string           `json:"findingId"`
	VersionID string           `json:"versionId"`
	SBOMID    string           `json:"sbomId,omitempty"`
	Kind      FindingEventKind `json:"kind"`
	// Detail says what changed, e.g. "severity high → critical".
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
	// ProductID and Finding (the finding as the event leaves it) are set
	// when the event is made, for its notification; they are not stored
	// with the event.
	ProductID string          `json:"-"`
	Finding   *TrackedFinding `json:"-"`
}

// APIKey is an organisation's API key, without the secret: only its
// SHA-256 digest is stored.
type APIKey struct {
	ID    string `json:"id"`
	OrgID string `json:"organisationId"`
	Label string `json:"label"`
	// Prefix is the start of the key, to recognise it in lists.
	Prefix   string    `json:"prefix"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"lastUsed,omitzero"`
	Revoked  time.Time `json:"revoked,omitzero"`
}

// Upload processing states.
const (
	UploadQueued     = "queued"
	UploadProcessing = "processing"
	UploadDone       = "done"
	UploadFailed     = "failed"
)

// UploadToken tracks one asynchronous SBOM upload.
type UploadToken struct {
	Token     string `json:"token"`
	OrgID     string `json:"organisationId"`
	VersionID string `json:"versionId"`
	// SBOMID is set once the upload is stored.
	SBOMID  string    `json:"sbomId,omitempty"`
	State   string    `json:"state"`
	Error   string    `json:"error,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// VersionRef locates a version whose current SBOM the watch re-matches.
type VersionRef struct {
	OrgID, ProductID, VersionID, SBOMID string
	Lifecycle                           Lifecycle
	// SupportEnd is the product's support period end (zero when unset).
	SupportEnd time.Time
}

// OutboxEvent is a notification waiting to be delivered, written in the
// same transaction as the change it describes. Type is e.g.
// "finding.new", "finding.exploited", "upload.processed".
type OutboxEvent struct {
	Seq       int64
	ID        string
	OrgID     string
	Type      string
	ProductID string
	VersionID string
	// Payload is the event's JSON document.
	Payload []byte
	Created time.Time
	// UserID, when set, is the user the event is addressed to personally
	// (a reporting case's owner): that user's personal subscription
	// (Subscription.UserID) takes it, besides the organisation's.
	UserID string
}

// Notification channels of a subscription.
const (
	// ChannelWebhook: Target is the URL, signed with Secret.
	ChannelWebhook = "webhook"
	// ChannelEmail: Target is the recipients' addresses, separated by
	// ", " (bare addresses, which contain no comma).
	ChannelEmail = "email"
)

// Webhook body formats.
const (
	FormatRocca           = "rocca"
	FormatDependencyTrack = "dependency-track"
)

// Subscription is one of an organisation's notification targets: a
// webhook URL (signed with Secret) or e-mail recipients, for the event
// types listed (all when empty), optionally of one product only.
type Subscription struct {
	ID        string   `json:"id"`
	OrgID     string   `json:"organisationId"`
	Channel   string   `json:"channel"`
	Target    string   `json:"target"`
	Secret    string   `json:"-"`
	Events    []string `json:"events"`
	ProductID string   `json:"productId,omitempty"`
	Format    string   `json:"format"`
	// Locale is the language of an e-mail subscription's messages: "en"
	// or "it" ("" is English).
	Locale  string    `json:"locale,omitempty"`
	Created time.Time `json:"created"`
	// UserID marks a user's personal e-mail subscription, which rocca
	// keeps (a reporting case owner's reminders): it takes only the events
	// addressed to that user (OutboxEvent.UserID).
	UserID string `json:"userId,omitempty"`
}

// Wants reports whether the subscription takes an event of that type and
// product, addressed to the user userID ("" when to nobody personally).
func (s Subscription) Wants(typ, productID, userID string) bool {
	if s.ProductID != "" && s.ProductID != productID {
		return false
	}
	if s.UserID != "" && s.UserID != userID {
		return false
	}
	if len(s.Events) == 0 {
		return true
	}
	for _, e := range s.Events {
		if e == typ {
			return true
		}
	}
	return false
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one outbox event sent (or being sent) to one subscription.
type Delivery struct {
	ID             string    `json:"id"`
	OrgID          string    `json:"organisationId"`
	SubscriptionID string    `json:"subscriptionId"`
	EventID        string    `json:"eventId"`
	EventType      string    `json:"eventType"`
	State          string    `json:"state"`
	Attempts       int       `json:"attempts"`
	LastStatus     int       `json:"lastStatus,omitempty"`
	LastError      string    `json:"lastError,omitempty"`
	Created        time.Time `json:"created"`
	Updated        time.Time `json:"updated"`
}

// FindingCount is a number of findings of one severity rating and KEV flag.
type FindingCount struct {
	Severity string
	KEV      bool
	N        int
}

// QueuedUpload is an accepted asynchronous upload waiting for a worker:
// where it goes (VersionID, or the product and version to find or create
// once the document reads) and its size; the bytes are stored with it.
type QueuedUpload struct {
	Token, OrgID, Name           string
	VersionID                    string
	CreateProduct, CreateVersion string
	Size                         int64
	Created                      time.Time
}

// DeliveryRef names a delivery to send and the type of its event (which
// decides how urgent it is).
type DeliveryRef struct {
	ID, EventType string
}
