package findings

import (
	"context"
	"fmt"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// BatchStore is what RematchVersions needs beyond Store.
type BatchStore interface {
	// ComponentsOfSBOMs lists the components of several SBOMs of org, by
	// SBOM and in document order, the roots excluded: all of them, or
	// those of the package keys when keys is not nil.
	ComponentsOfSBOMs(ctx context.Context, org string, sbomIDs, keys []string) ([]model.StoredComponent, error)
}

// Batch is what RematchVersions did.
type Batch struct {
	// Outcome sums the reconciliations (Events is left empty).
	Outcome
	// Versions is the number of versions reconciled.
	Versions int
	// Moved are the versions whose current SBOM changed after they were
	// read: nothing was written for them; the caller re-matches them
	// alone (Rematch).
	Moved []model.VersionRef
}

// ident is what matching reads of a component (purl, version) and what
// a finding copies from it (name, group).
type ident struct{ purl, version, name, group string }

func identOf(c model.Component) ident { return ident{c.PURL, c.Version, c.Name, c.Group} }

// MatchCache holds the findings of components already matched, so that a
// component held by many versions is matched once in a pass over the
// portfolio (one watch run). It is valid while the knowledge base is the
// one matched: a change committed meanwhile is in the change log, and the
// next pass re-matches what it touches. Not safe for concurrent use.
type MatchCache struct {
	found map[ident][]model.Finding
}

// NewMatchCache returns an empty cache.
func NewMatchCache() *MatchCache { return &MatchCache{found: map[ident][]model.Finding{}} }

// RematchVersions is Rematch for several versions of one organisation at
// once, with the same result as calling Rematch on each: PrepareRematch
// then Commit.
func (s *Service) RematchVersions(ctx context.Context, org string, vs []model.VersionRef, packages []string, cache *MatchCache) (Batch, error) {
	p, err := s.PrepareRematch(ctx, org, vs, packages, cache)
	if err != nil {
		return Batch{}, err
	}
	return p.Commit(ctx)
}

// Prepared is the read side of a re-match of several versions, done:
// their components and the findings each matches. Commit writes it.
type Prepared struct {
	s        *Service
	org      string
	vs       []model.VersionRef
	packages []string
	comps    []model.StoredComponent
	bySBOM   map[string][]int
	found    map[ident][]model.Finding
}

// PrepareRematch reads and matches what a re-match of several versions
// of one organisation needs, without writing: the components of their
// current SBOMs (vs[i].SBOMID; all of them when packages is nil, else
// those of the package keys) in one query, each distinct component
// matched once however many versions hold it (once per cache: nil is a
// cache of this call; several PrepareRematch calls may not share one at
// the same time). The versions of several Prepared are distinct, so one
// can be prepared while another commits.
func (s *Service) PrepareRematch(ctx context.Context, org string, vs []model.VersionRef, packages []string, cache *MatchCache) (*Prepared, error) {
	bs, ok := s.store.(BatchStore)
	if !ok {
		return nil, fmt.Errorf("re-match: the store cannot read several SBOMs at once")
	}
	p := &Prepared{s: s, org: org, vs: vs, packages: packages}
	if len(vs) == 0 {
		return p, nil
	}
	sbomIDs := make([]string, 0, len(vs))
	for _, v := range vs {
		if v.SBOMID != "" {
			sbomIDs = append(sbomIDs, v.SBOMID)
		}
	}
	comps, err := bs.ComponentsOfSBOMs(ctx, org, sbomIDs, packages)
	if err != nil {
		return nil, fmt.Errorf("re-match: %w", err)
	}
	if cache == nil {
		cache = NewMatchCache()
	}
	// The components not matched yet, each once.
	var todo []model.Component
	queued := map[ident]bool{}
	bySBOM := make(map[string][]int, len(sbomIDs))
	for i := range comps {
		c := &comps[i]
		bySBOM[c.SBOMID] = append(bySBOM[c.SBOMID], i)
		k := identOf(c.Component)
		if _, done := cache.found[k]; !done && !queued[k] {
			queued[k] = true
			todo = append(todo, c.Component)
		}
	}
	if len(todo) > 0 {
		mr, err := s.Match(ctx, todo)
		if err != nil {
			return nil, fmt.Errorf("re-match: %w", err)
		}
		// By component, in the order Match gives them (by component, then
		// by first hit): the order a version's own match has.
		for _, c := range todo {
			cache.found[identOf(c)] = nil
		}
		for _, f := range mr.Findings {
			k := identOf(f.Component)
			if !queued[k] {
				return nil, fmt.Errorf("re-match: a finding of an unknown component %s", f.Component.Key())
			}
			cache.found[k] = append(cache.found[k], f)
		}
	}
	// This batch's share of the cache, so that Commit does not read the
	// cache while another batch is prepared.
	p.found = make(map[ident][]model.Finding)
	for i := range comps {
		k := identOf(comps[i].Component)
		if fs := cache.found[k]; len(fs) > 0 {
			p.found[k] = fs
		}
	}
	p.comps, p.bySBOM = comps, bySBOM
	return p, nil
}

// Commit reconciles the prepared versions in one transaction whose writes
// (findings, events, outbox) are sent in multi-row statements. A version
// whose current SBOM is no longer the one prepared is left out and
// returned in Moved; a version deleted meanwhile is skipped.
func (p *Prepared) Commit(ctx context.Context) (Batch, error) {
	var res Batch
	if len(p.vs) == 0 {
		return res, nil
	}
	s, comps, vs, packages := p.s, p.comps, p.vs, p.packages
	versionIDs := make([]string, len(vs))
	for i, v := range vs {
		versionIDs[i] = v.VersionID
	}
	var keys []string
	if packages != nil {
		seen := make(map[string]bool)
		keys = []string{}
		for i := range comps {
			if k := comps[i].Key(); !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	at := s.Now()
	err := s.store.Ingest(ctx, p.org, func(tx store.IngestTx) error {
		res = Batch{}
		current, err := tx.CurrentSBOMs(ctx, versionIDs)
		if err != nil {
			return err
		}
		old, err := tx.FindingsOfVersions(ctx, versionIDs, keys)
		if err != nil {
			return err
		}
		buf := &bufferTx{IngestTx: tx}
		for _, v := range vs {
			cur, exists := current[v.VersionID]
			switch {
			case !exists:
				continue // deleted meanwhile
			case cur != v.SBOMID:
				res.Moved = append(res.Moved, v)
				continue
			case v.SBOMID == "":
				continue
			}
			mine := p.bySBOM[v.SBOMID]
			mineComps := make([]model.StoredComponent, len(mine))
			var matched []model.Finding
			for n, i := range mine {
				mineComps[n] = comps[i]
				for _, f := range p.found[identOf(comps[i].Component)] {
					f.Component = comps[i].Component
					matched = append(matched, f)
				}
			}
			sc := Scope{ProductID: v.ProductID, VersionID: v.VersionID, SBOMID: v.SBOMID,
				ComponentIDs: ComponentIDs(mineComps), Partial: packages != nil, Cause: CauseKnowledgeBase}
			buf.findings = old[v.VersionID]
			out, err := s.Reconcile(ctx, buf, sc, matched, at)
			if err != nil {
				return fmt.Errorf("version %s: %w", v.VersionID, err)
			}
			res.New += out.New
			res.Changed += out.Changed
			res.Resolved += out.Resolved
			res.Open += out.Open
			res.Review += out.Review
			res.Versions++
		}
		return buf.flush(ctx)
	})
	if err != nil {
		return Batch{}, fmt.Errorf("re-match %d versions (%s…): %w", len(vs), vs[0].VersionID, err)
	}
	return res, nil
}

// bufferTx serves a reconciliation the findings read beforehand and keeps
// its writes, so that the writes of many versions go out together.
type bufferTx struct {
	store.IngestTx
	findings []model.TrackedFinding
	put      []*model.TrackedFinding
	events   []model.FindingEvent
	outbox   []model.OutboxEvent
}

func (b *bufferTx) VersionFindings(context.Context, string) ([]model.TrackedFinding, error) {
	return b.findings, nil
}

func (b *bufferTx) PutFindings(_ context.Context, fs []*model.TrackedFinding) error {
	b.put = append(b.put, fs...)
	return nil
}

func (b *bufferTx) AddEvents(_ context.Context, evs []model.FindingEvent) error {
	b.events = append(b.events, evs...)
	return nil
}

func (b *bufferTx) AddOutbox(_ context.Context, evs []model.OutboxEvent) error {
	b.outbox = append(b.outbox, evs...)
	return nil
}

// flush writes what was kept, findings first (events refer to them).
func (b *bufferTx) flush(ctx context.Context) error {
	if err := b.IngestTx.PutFindings(ctx, b.put); err != nil {
		return err
	}
	if len(b.events) > 0 {
		if err := b.IngestTx.AddEvents(ctx, b.events); err != nil {
			return err
		}
	}
	if len(b.outbox) > 0 {
		return b.IngestTx.AddOutbox(ctx, b.outbox)
	}
	return nil
}
