// Package watch keeps findings in step with the knowledge base. It follows
// the knowledge base's change log (store.KBChange: written by every import,
// whether by the server's own feed sync, the API or `rocca db import` run
// beside a running server) and re-matches only what changed: the packages
// whose advisories changed, or that a CVE whose exploitation or EPSS
// changed affects, and only in the versions whose current SBOM contains
// them (the reverse index from package key to versions). It never rescans
// the whole portfolio for one advisory.
//
// Progress is a cursor in the database, moved only after every version of
// a batch of changes was re-matched: a crash re-runs the batch, and
// re-matching is idempotent (reconciliation writes events only for real
// differences). Several servers on one database run the watch as a unique
// job, so one batch is processed by one of them.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/rocca-project/rocca/internal/crashpoint"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is what the watch reads and writes.
type Store interface {
	Changes(ctx context.Context, after int64, limit int) ([]store.KBChange, error)
	LatestChange(ctx context.Context) (int64, error)
	WatchCursor(ctx context.Context, name string) (int64, error)
	SetWatchCursor(ctx context.Context, name string, seq int64, at time.Time) error
	VersionsWithPackages(ctx context.Context, keys []string) ([]model.VersionRef, error)
	PackagesOfVulns(ctx context.Context, ids []string) ([]string, error)
	ComponentsWithoutPackageKey(ctx context.Context, limit int) ([]model.StoredComponent, error)
	SetPackageKeys(ctx context.Context, keys map[string]string) error
}

// Rematcher re-matches versions (findings.Service).
type Rematcher interface {
	// Rematch re-matches one version.
	Rematch(ctx context.Context, org, versionID string, packages []string) (findings.Outcome, error)
	// PrepareRematch reads and matches several versions of one
	// organisation together; the result's Commit writes what Rematch on
	// each would.
	PrepareRematch(ctx context.Context, org string, vs []model.VersionRef, packages []string, cache *findings.MatchCache) (*findings.Prepared, error)
}

// Cursor is the name of the watch's change-log cursor.
const Cursor = "rematch"

// batch is the number of change-log entries read at once; maxPending
// bounds those processed together.
const (
	batch      = 20000
	maxPending = 1000000
)

// wholeVersion is the number of changed packages above which a version is
// re-matched whole rather than package by package (a bulk import).
const wholeVersion = 2000

// Versions re-matched together (findings.Service.RematchVersions): their
// distinct components matched once, their findings written in one
// transaction. Whole versions (a bulk import) go in smaller groups, so
// that no transaction holds the write lock long (SQLite has one writer).
const (
	groupPartial = 500
	groupWhole   = 50
)

// Watcher processes the knowledge base's change log.
type Watcher struct {
	store   Store
	rematch Rematcher
	log     *slog.Logger
	now     func() time.Time
	// page is the number of change-log entries read at once (batch).
	page int
	// mu keeps two runs of one process apart (two processes are kept
	// apart by the job engine's unique jobs).
	mu sync.Mutex
	// after, when set, runs after each batch's re-match, before the
	// cursor moves, with the organisations whose versions were re-matched
	// (the reporting cases' opening).
	after func(ctx context.Context, orgs []string) error
}

// AfterRematch sets what runs after each batch of changes is re-matched,
// with the organisations concerned, before the change log's cursor moves:
// when it fails the batch is processed again. Set it before Run.
func (w *Watcher) AfterRematch(fn func(ctx context.Context, orgs []string) error) { w.after = fn }

// New returns a watcher; now is the clock (time.Now when nil).
func New(st Store, rm Rematcher, log *slog.Logger, now func() time.Time) *Watcher {
	if now == nil {
		now = time.Now
	}
	return &Watcher{store: st, rematch: rm, log: log, now: now, page: batch}
}

// Pending reports whether changes wait to be processed.
func (w *Watcher) Pending(ctx context.Context) (bool, error) {
	latest, err := w.store.LatestChange(ctx)
	if err != nil {
		return false, err
	}
	cur, err := w.store.WatchCursor(ctx, Cursor)
	if err != nil {
		return false, err
	}
	return latest > cur, nil
}

// Report tells what a run did.
type Report struct {
	// Changes is the number of change-log entries processed.
	Changes int
	// Packages is the number of package keys re-evaluated.
	Packages int
	// Versions is the number of versions re-matched; Skipped the versions
	// past their support end that were not.
	Versions, Skipped int
	// New, Changed, Resolved count the finding events written.
	New, Changed, Resolved int
	Took                   time.Duration
}

// Run processes every pending change and returns what it did.
func (w *Watcher) Run(ctx context.Context) (Report, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	start := time.Now()
	var rep Report
	if err := w.backfill(ctx); err != nil {
		return rep, err
	}
	cur, err := w.store.WatchCursor(ctx, Cursor)
	if err != nil {
		return rep, err
	}
	for {
		// Every pending change (up to maxPending) is processed at once: a
		// bulk import's tens of thousands of changes re-match each version
		// once, not once per page of the change log.
		var chs []store.KBChange
		for len(chs) < maxPending {
			page, err := w.store.Changes(ctx, cur, w.page)
			if err != nil {
				return rep, fmt.Errorf("watch: read changes: %w", err)
			}
			if len(page) == 0 {
				break
			}
			chs = append(chs, page...)
			cur = page[len(page)-1].Seq
		}
		if len(chs) == 0 {
			break
		}
		if err := w.process(ctx, chs, &rep); err != nil {
			return rep, err
		}
		if err := w.store.SetWatchCursor(ctx, Cursor, cur, w.now()); err != nil {
			return rep, err
		}
		rep.Changes += len(chs)
	}
	rep.Took = time.Since(start)
	if rep.Changes > 0 {
		w.log.Info("knowledge base changes re-matched", "changes", rep.Changes, "packages", rep.Packages,
			"versions", rep.Versions, "skipped_end_of_support", rep.Skipped, "new", rep.New, "changed", rep.Changed,
			"resolved", rep.Resolved, "took", rep.Took)
	}
	return rep, nil
}

func (w *Watcher) process(ctx context.Context, chs []store.KBChange, rep *Report) error {
	var pkgs, vulns, exploited []string
	for _, c := range chs {
		switch c.Kind {
		case store.ChangePackage:
			pkgs = append(pkgs, c.Key)
		default: // exploitation, EPSS: the packages the vulnerability affects
			vulns = append(vulns, c.Key)
			if c.Kind == store.ChangeExploited {
				exploited = append(exploited, c.Key)
			}
		}
	}
	if len(vulns) > 0 {
		slices.Sort(vulns)
		more, err := w.store.PackagesOfVulns(ctx, slices.Compact(vulns))
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		pkgs = append(pkgs, more...)
	}
	// Versions past their support end are re-matched only for a change
	// of exploitation: CRA Art. 14 reporting still applies to them.
	var pastSupportOK map[string]bool
	if len(exploited) > 0 {
		slices.Sort(exploited)
		epkgs, err := w.store.PackagesOfVulns(ctx, slices.Compact(exploited))
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		if len(epkgs) > 0 {
			evs, err := w.store.VersionsWithPackages(ctx, epkgs)
			if err != nil {
				return fmt.Errorf("watch: %w", err)
			}
			pastSupportOK = make(map[string]bool, len(evs))
			for _, v := range evs {
				pastSupportOK[v.VersionID] = true
			}
		}
	}
	slices.Sort(pkgs)
	pkgs = slices.Compact(pkgs)
	if len(pkgs) == 0 {
		return nil
	}
	rep.Packages += len(pkgs)
	vs, err := w.store.VersionsWithPackages(ctx, pkgs)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	scope := pkgs
	if len(pkgs) > wholeVersion {
		scope = nil
	}
	today := w.now()
	size := groupPartial
	if scope == nil {
		size = groupWhole
	}
	var groups [][]model.VersionRef
	var orgs []string
	for _, v := range vs { // ordered by organisation
		if PastSupport(v, today) && !pastSupportOK[v.VersionID] {
			rep.Skipped++
			continue
		}
		if n := len(orgs); n == 0 || orgs[n-1] != v.OrgID {
			orgs = append(orgs, v.OrgID)
		}
		if n := len(groups); n == 0 || groups[n-1][0].OrgID != v.OrgID || len(groups[n-1]) == size {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], v)
	}
	if err := w.rematchGroups(ctx, groups, scope, rep); err != nil {
		return err
	}
	if w.after != nil && len(orgs) > 0 {
		if err := w.after(ctx, orgs); err != nil {
			return fmt.Errorf("watch: after re-match: %w", err)
		}
	}
	return nil
}

// rematchGroups re-matches groups of versions in a pipeline: the next
// group is read and matched (read-only connections) while the previous
// one is written (the writer), so both CPUs work on a bulk re-match.
func (w *Watcher) rematchGroups(ctx context.Context, groups [][]model.VersionRef, scope []string, rep *Report) error {
	type prepared struct {
		p   *findings.Prepared
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan prepared, 1)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait() // the reader stops before the caller goes on
	}()
	wg.Go(func() {
		defer close(ready)
		cache := findings.NewMatchCache()
		for _, g := range groups {
			p, err := w.rematch.PrepareRematch(ctx, g[0].OrgID, g, scope, cache)
			select {
			case ready <- prepared{p, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	})
	for pr := range ready {
		if pr.err != nil {
			return fmt.Errorf("watch: %w", pr.err)
		}
		b, err := pr.p.Commit(ctx)
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		rep.Versions += b.Versions
		crashpoint.Hit("rematch.after-version")
		rep.New += b.New
		rep.Changed += b.Changed
		rep.Resolved += b.Resolved
		// Those whose current SBOM changed meanwhile: alone, on their new SBOM.
		for _, v := range b.Moved {
			out, err := w.rematchVersion(ctx, v, scope)
			if err != nil {
				return err
			}
			rep.Versions++
			rep.New += out.New
			rep.Changed += out.Changed
			rep.Resolved += out.Resolved
		}
	}
	return ctx.Err()
}

// PastSupport reports whether a version is past its support end: its
// lifecycle says so, or its product's support period ended. Such versions
// are not re-matched by the watch (a user can still ask for a re-match),
// except for a change of exploitation (CRA Art. 14 still applies).
func PastSupport(v model.VersionRef, now time.Time) bool {
	if v.Lifecycle == model.LifecycleEndOfSupport {
		return true
	}
	return !v.SupportEnd.IsZero() && v.SupportEnd.Before(now)
}

func (w *Watcher) rematchVersion(ctx context.Context, v model.VersionRef, scope []string) (findings.Outcome, error) {
	out, err := w.rematch.Rematch(ctx, v.OrgID, v.VersionID, scope)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil // deleted meanwhile
	}
	if err != nil {
		return out, fmt.Errorf("watch: version %s: %w", v.VersionID, err)
	}
	return out, nil
}

// backfill records the package key of components stored before keys were
// kept (databases migrated from before the watch).
func (w *Watcher) backfill(ctx context.Context) error {
	total := 0
	for {
		cs, err := w.store.ComponentsWithoutPackageKey(ctx, 5000)
		if err != nil {
			return fmt.Errorf("watch: backfill: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		keys := make(map[string]string, len(cs))
		for _, c := range cs {
			k := ""
			if !c.Root {
				k = match.PackageKey(c.Component)
			}
			keys[c.ID] = k
		}
		if err := w.store.SetPackageKeys(ctx, keys); err != nil {
			return fmt.Errorf("watch: backfill: %w", err)
		}
		total += len(cs)
	}
	if total > 0 {
		w.log.Info("package keys recorded for components stored before the watch", "components", total)
	}
	return nil
}
