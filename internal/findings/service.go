package findings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is what the findings use cases need of the storage.
type Store interface {
	store.KnowledgeBase
	// Version returns one of org's versions.
	Version(ctx context.Context, org, id string) (model.Version, error)
	// Components lists an SBOM's components (root included).
	Components(ctx context.Context, org, sbomID string) ([]model.StoredComponent, error)
	// ComponentsOfPackages lists an SBOM's components of the given
	// package keys (root excluded).
	ComponentsOfPackages(ctx context.Context, org, sbomID string, keys []string) ([]model.StoredComponent, error)
	// WithdrawnAdvisories tells which advisory ids are withdrawn.
	WithdrawnAdvisories(ctx context.Context, ids []string) (map[string]bool, error)
	// Ingester writes a reconciliation in one transaction scoped to org.
	store.Ingester
}

// WriteTx is the transaction a reconciliation writes in: findings, their
// history and the outbox.
type WriteTx interface {
	Tx
	// AddOutbox writes notification events.
	AddOutbox(ctx context.Context, evs []model.OutboxEvent) error
}

// Service implements the findings use cases.
type Service struct {
	store Store
	log   *slog.Logger
	now   func() time.Time
}

// New returns the findings service on st; now is the clock (time.Now when nil).
func New(st Store, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, log: log, now: now}
}

// Now returns the service's current time at the store's precision.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Match matches components against the knowledge base.
// Components that cannot be looked up are only counted
// (Result.UnmatchedCount): findings do not need them listed, and listing
// them would cost memory per component of a large SBOM.
func (s *Service) Match(ctx context.Context, comps []model.Component) (match.Result, error) {
	return (&match.Matcher{KB: s.store, CountUnmatched: true}).Match(ctx, comps)
}

// Reconcile reconciles a version's findings inside the caller's
// transaction (see the package function Reconcile) and writes an outbox
// event per finding event.
func (s *Service) Reconcile(ctx context.Context, tx WriteTx, sc Scope, matched []model.Finding, at time.Time) (Outcome, error) {
	if sc.Withdrawn == nil {
		sc.Withdrawn = s.store.WithdrawnAdvisories
	}
	out, err := Reconcile(ctx, tx, sc, matched, at)
	if err != nil || len(out.Events) == 0 {
		return out, err
	}
	notifiable := Notifiable(out.Events)
	if len(notifiable) == 0 {
		return out, nil
	}
	obs, err := Notices(notifiable)
	if err != nil {
		return out, err
	}
	return out, tx.AddOutbox(ctx, obs)
}

// Notice is the payload of a finding's outbox event: the event and the
// finding as the event leaves it.
type Notice struct {
	Type      string                `json:"type"`
	ProductID string                `json:"productId"`
	VersionID string                `json:"versionId"`
	Event     model.FindingEvent    `json:"event"`
	Finding   *model.TrackedFinding `json:"finding"`
}

// EventType is the notification type of a finding event kind.
func EventType(k model.FindingEventKind) string { return "finding." + string(k) }

// EventWriter is the part of a transaction WriteEvents writes through.
type EventWriter interface {
	AddEvents(ctx context.Context, evs []model.FindingEvent) error
	AddOutbox(ctx context.Context, evs []model.OutboxEvent) error
}

// WriteEvents writes finding events and, in the same transaction, an
// outbox event for each (nothing when evs is empty).
func WriteEvents(ctx context.Context, tx EventWriter, evs []model.FindingEvent) error {
	if len(evs) == 0 {
		return nil
	}
	if err := tx.AddEvents(ctx, evs); err != nil {
		return err
	}
	obs, err := Notices(evs)
	if err != nil {
		return err
	}
	return tx.AddOutbox(ctx, obs)
}

// Notices turns finding events into outbox events.
func Notices(evs []model.FindingEvent) ([]model.OutboxEvent, error) {
	out := make([]model.OutboxEvent, 0, len(evs))
	for _, e := range evs {
		n := Notice{Type: EventType(e.Kind), ProductID: e.ProductID, VersionID: e.VersionID, Event: e, Finding: e.Finding}
		b, err := json.Marshal(n)
		if err != nil {
			return nil, fmt.Errorf("finding notice: %w", err)
		}
		out = append(out, model.OutboxEvent{Type: n.Type, ProductID: e.ProductID, VersionID: e.VersionID, Payload: b, Created: e.At})
	}
	return out, nil
}

// Notifiable returns the events that are notified: all but the changes
// of facts (new, exploited, severity, fix, changed, resolved, withdrawn)
// of findings whose effective status is not_affected or fixed, which
// stay in the findings' history only. When such a change calls the
// decision into question, its analysis_review event is notified instead.
func Notifiable(evs []model.FindingEvent) []model.FindingEvent {
	out := evs[:0:0]
	for _, e := range evs {
		if e.Finding != nil && e.Finding.Settled() && e.Kind != model.EventAnalysis && e.Kind != model.EventAnalysisReview {
			continue
		}
		out = append(out, e)
	}
	return out
}

// ErrVersionMoved is returned by Rematch when the version's current SBOM
// kept changing while it was being matched (Rematch tries again itself a
// few times first).
var ErrVersionMoved = errors.New("version's current SBOM changed during the re-match")

// Rematch matches the components of a version's current SBOM again and
// reconciles its findings: all of them when packages is nil, else only
// the components of those package keys and their findings. It is what a
// knowledge-base change triggers. Matching reads before the write
// transaction; the transaction checks that the current SBOM is still the
// one matched, and when it is not (a new upload meanwhile), nothing is
// written and the new SBOM is matched instead.
func (s *Service) Rematch(ctx context.Context, org, versionID string, packages []string) (Outcome, error) {
	var total Outcome
	for attempt := 0; ; attempt++ {
		seen, err := s.store.LatestChange(ctx)
		if err != nil {
			return total, err
		}
		out, err := s.rematchOnce(ctx, org, versionID, packages)
		total.New, total.Changed, total.Resolved, total.Open = total.New+out.New, total.Changed+out.Changed, total.Resolved+out.Resolved, out.Open
		total.Review += out.Review
		total.Events = append(total.Events, out.Events...)
		if errors.Is(err, ErrVersionMoved) && attempt < 3 {
			continue // a new SBOM arrived meanwhile: match that one
		}
		if err != nil {
			return total, err
		}
		// A knowledge-base change committed while matching may already
		// have been processed by the watch against the older result
		// written here: match again, until the knowledge base held still.
		latest, err := s.store.LatestChange(ctx)
		if err != nil || latest == seen || attempt == 3 {
			return total, err
		}
	}
}

func (s *Service) rematchOnce(ctx context.Context, org, versionID string, packages []string) (Outcome, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return Outcome{}, err
	}
	if v.CurrentSBOM == "" {
		return Outcome{}, nil
	}
	var comps []model.StoredComponent
	if packages == nil {
		comps, err = s.store.Components(ctx, org, v.CurrentSBOM)
	} else {
		comps, err = s.store.ComponentsOfPackages(ctx, org, v.CurrentSBOM, packages)
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("re-match %s: %w", versionID, err)
	}
	plain := make([]model.Component, 0, len(comps))
	for _, c := range comps {
		if !c.Root {
			plain = append(plain, c.Component)
		}
	}
	var matched []model.Finding
	if len(plain) > 0 {
		mr, err := s.Match(ctx, plain)
		if err != nil {
			return Outcome{}, fmt.Errorf("re-match %s: %w", versionID, err)
		}
		matched = mr.Findings
	}
	var out Outcome
	at := s.Now()
	err = s.store.Ingest(ctx, org, func(tx store.IngestTx) error {
		locked, err := tx.Version(ctx, versionID)
		if err != nil {
			return err
		}
		if locked.CurrentSBOM != v.CurrentSBOM {
			return ErrVersionMoved
		}
		sc := Scope{ProductID: v.ProductID, VersionID: versionID, SBOMID: v.CurrentSBOM, ComponentIDs: ComponentIDs(comps),
			Partial: packages != nil, Cause: CauseKnowledgeBase}
		out, err = s.Reconcile(ctx, tx, sc, matched, at)
		return err
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("re-match %s: %w", versionID, err)
	}
	return out, nil
}
