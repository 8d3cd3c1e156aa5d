// Command watch measures issue 8's watch figures on a generated portfolio
// (bench/watch.sh runs it; BENCHMARKS.md, "Issue 8", has the figures):
//
//	watch build    -db URL -pool POOL.cdx.json   generated portfolio, stored in bulk
//	watch rematch  -db URL                        one watch.Watcher.Run, timed (full re-match)
//	watch advisory -db URL -n N -reps R           per rep: import one new OSV record
//	                                              affecting a package present in N versions,
//	                                              then time Run
//	watch kev      -db URL -kev KEV.json -reps R  per rep: a CISA KEV list adding or removing
//	                                              a CVE whose findings are in 100 versions,
//	                                              then time Run
//	watch e2e      -db URL -rocca BIN -reps R     a real `rocca serve`, `rocca db import`
//	                                              of one advisory, until the signed webhook
//	                                              arrives
//
// The portfolio: -products products of -versions versions each, every
// version's current SBOM holding -components components drawn from the
// pool (a CycloneDX SBOM written by bench/gensbom from the OSV zips, so
// purls of real knowledge-base packages, a share of them at affected
// versions). A product's versions share most of their components (each
// later version replaces 2% of them). Four marker packages, taken out of
// the pool, are placed in exactly 1, 10, 100 and every version, for the
// advisory and KEV scenarios. Rows go through the store's own ingestion
// transaction (sbom, sbom_component with pkg_key, current SBOM), 50
// versions per transaction, with the knowledge base empty (so no findings
// are due yet): importing the knowledge base afterwards is what the full
// re-match measures.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/purl"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/watch"
)

// orgName is the organisation the portfolio is built in.
const orgName = "bench"

// markerCounts are the numbers of versions the marker packages are in.
var markerCounts = []int{1, 10, 100, 1000}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: watch build|rematch|advisory|kev|e2e [flags]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	db := fs.String("db", "", "database (SQLite file or postgres:// URL)")
	pool := fs.String("pool", "", "build: CycloneDX SBOM of bench/gensbom the components are drawn from")
	products := fs.Int("products", 100, "build: products")
	versions := fs.Int("versions", 10, "build: versions per product")
	components := fs.Int("components", 1000, "build: components per version")
	seed := fs.Uint64("seed", 1, "build: random seed")
	n := fs.Int("n", 1, "advisory: versions the affected package is in (1, 10, 100 or all)")
	reps := fs.Int("reps", 5, "repetitions")
	kevPath := fs.String("kev", "", "kev: the CISA KEV catalogue the changes are made to")
	rocca := fs.String("rocca", "", "e2e: the rocca binary")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the command to this file")
	_ = fs.Parse(os.Args[2:])
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "watch:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "watch:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *db == "" {
		fmt.Fprintln(os.Stderr, "watch: -db is required")
		os.Exit(2)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var err error
	switch cmd {
	case "build":
		err = build(ctx, *db, *pool, *products, *versions, *components, *seed)
	case "rematch":
		err = rematch(ctx, *db, log)
	case "advisory":
		err = advisory(ctx, *db, *n, *reps, log)
	case "kev":
		err = kevChange(ctx, *db, *kevPath, *reps, log)
	case "e2e":
		err = endToEnd(ctx, *db, *rocca, *reps)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "watch:", err)
		os.Exit(1)
	}
}

// marker is a package placed in a known number of versions.
type marker struct {
	Versions  int    `json:"versions"`
	PURL      string `json:"purl"`
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

func build(ctx context.Context, dbURL, poolPath string, products, versions, size int, seed uint64) error {
	f, err := os.Open(poolPath)
	if err != nil {
		return err
	}
	doc, err := sbom.Read(f, poolPath, sbom.DefaultLimits())
	f.Close()
	if err != nil {
		return fmt.Errorf("read pool: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, 8))
	pool := doc.Components
	// Markers: PyPI packages of the pool at one version only, taken out of it.
	perKey := map[string]int{}
	for _, c := range pool {
		perKey[match.PackageKey(c)]++
	}
	var markers []marker
	var markerComps []model.Component
	for i := 0; i < len(pool) && len(markers) < len(markerCounts); i++ {
		c := pool[i]
		p, err := purl.Parse(c.PURL)
		if err != nil || p.Type != "pypi" || perKey[match.PackageKey(c)] != 1 {
			continue
		}
		co, err := purl.ToOSV(p)
		if err != nil {
			continue
		}
		markers = append(markers, marker{Versions: min(markerCounts[len(markers)], products*versions), PURL: c.PURL, Ecosystem: co.Ecosystem, Name: co.Name})
		markerComps = append(markerComps, model.Component{Name: c.Name, Version: c.Version, PURL: c.PURL, Type: "library"})
		pool = slices.Delete(pool, i, i+1)
		i--
	}
	if len(markers) < len(markerCounts) {
		return errors.New("pool has too few PyPI packages for the markers")
	}
	st, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	org := model.Organisation{Name: orgName}
	if err := st.CreateOrg(ctx, &org); err != nil {
		return err
	}
	start := time.Now()
	type pending struct {
		v    model.Version
		doc  []byte
		comp []model.Component
	}
	var batch []pending
	flush := func() error {
		err := st.Ingest(ctx, org.ID, func(tx store.IngestTx) error {
			for _, p := range batch {
				sum := sha256.Sum256(p.doc)
				b := model.StoredSBOM{VersionID: p.v.ID, Name: "bom.cdx.json", Digest: hex.EncodeToString(sum[:]), Size: int64(len(p.doc)),
					Format: "CycloneDX", SpecVersion: "1.6", Encoding: "JSON", Components: len(p.comp)}
				if err := tx.PutSBOM(ctx, &b, p.doc); err != nil {
					return err
				}
				rows := make([]model.StoredComponent, 0, len(p.comp)+1)
				rows = append(rows, model.StoredComponent{SBOMID: b.ID, VersionID: p.v.ID, Root: true,
					Component: model.Component{Name: "product", Version: p.v.Name, Type: "firmware"}})
				for _, c := range p.comp {
					rows = append(rows, model.StoredComponent{SBOMID: b.ID, VersionID: p.v.ID, Component: c, PkgKey: match.PackageKey(c)})
				}
				if err := tx.PutComponents(ctx, 0, rows); err != nil {
					return err
				}
				if err := tx.SetCurrentSBOM(ctx, p.v.ID, b.ID); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	idx := 0
	for p := range products {
		prod := model.Product{Name: fmt.Sprintf("Product %03d", p), Role: model.RoleManufacturer}
		if err := st.CreateProduct(ctx, org.ID, &prod); err != nil {
			return err
		}
		comps := make([]model.Component, size)
		for i, j := range rng.Perm(len(pool))[:size] {
			comps[i] = trim(pool[j])
		}
		for v := range versions {
			if v > 0 {
				for range size / 50 {
					comps[rng.IntN(size)] = trim(pool[rng.IntN(len(pool))])
				}
			}
			mine := slices.Clone(comps)
			for k, m := range markers {
				if idx < m.Versions {
					mine[k] = markerComps[k]
				}
			}
			ver := model.Version{ProductID: prod.ID, Name: fmt.Sprintf("%d.0.0", v+1), Lifecycle: model.LifecycleOnMarket}
			if err := st.CreateVersion(ctx, org.ID, &ver); err != nil {
				return err
			}
			batch = append(batch, pending{v: ver, doc: cyclonedx(prod.Name, ver.Name, mine), comp: mine})
			if len(batch) == 50 {
				if err := flush(); err != nil {
					return err
				}
			}
			idx++
		}
	}
	if err := flush(); err != nil {
		return err
	}
	// What is in the change log now (nothing, on a fresh database) is not
	// the portfolio's business.
	latest, err := st.LatestChange(ctx)
	if err != nil {
		return err
	}
	if err := st.SetWatchCursor(ctx, watch.Cursor, latest, time.Now()); err != nil {
		return err
	}
	out := struct {
		Versions, Components int
		Took                 string
		Markers              []marker
	}{idx, idx * size, time.Since(start).Round(time.Millisecond).String(), markers}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// trim keeps what an SBOM row of a generated component needs.
func trim(c model.Component) model.Component {
	return model.Component{Ref: c.PURL, Name: c.Name, Version: c.Version, Group: c.Group, PURL: c.PURL, Type: "library"}
}

// cyclonedx writes a minimal CycloneDX 1.6 JSON document of the components.
func cyclonedx(product, version string, comps []model.Component) []byte {
	type comp struct {
		Type    string `json:"type"`
		Ref     string `json:"bom-ref,omitempty"`
		Group   string `json:"group,omitempty"`
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
		PURL    string `json:"purl,omitempty"`
	}
	d := struct {
		Format  string `json:"bomFormat"`
		Spec    string `json:"specVersion"`
		Version int    `json:"version"`
		Meta    struct {
			Component comp `json:"component"`
		} `json:"metadata"`
		Components []comp `json:"components"`
	}{Format: "CycloneDX", Spec: "1.6", Version: 1}
	d.Meta.Component = comp{Type: "firmware", Name: product, Version: version}
	for i, c := range comps {
		d.Components = append(d.Components, comp{Type: "library", Ref: fmt.Sprintf("c%d", i), Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PURL})
	}
	b, _ := json.Marshal(d)
	return b
}

func open(ctx context.Context, dbURL string, log *slog.Logger) (*sqlstore.Store, *watch.Watcher, error) {
	st, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		return nil, nil, err
	}
	return st, watch.New(st, findings.New(st, log, nil), log, nil), nil
}

func rematch(ctx context.Context, dbURL string, log *slog.Logger) error {
	st, w, err := open(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := w.Run(ctx)
	if err != nil {
		return err
	}
	return printRuns("full re-match", []watch.Report{rep})
}

// markers reads the markers back from the portfolio: the PyPI package in
// exactly n versions' current SBOMs.
func markerOf(ctx context.Context, st *sqlstore.Store, n int) (marker, error) {
	var m marker
	rows, err := st.DB().QueryContext(ctx, `SELECT purl, COUNT(*) FROM sbom_component c
		WHERE purl LIKE 'pkg:pypi/%' GROUP BY purl HAVING COUNT(*) = `+fmt.Sprint(n)+` ORDER BY purl LIMIT 2000`)
	if err != nil {
		return m, err
	}
	var purls []string
	for rows.Next() {
		var p string
		var c int
		if err := rows.Scan(&p, &c); err != nil {
			rows.Close()
			return m, err
		}
		purls = append(purls, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}
	// SQLite has one writer connection: the rows are read before the next query.
	for _, p := range purls {
		pp, err := purl.Parse(p)
		if err != nil {
			continue
		}
		co, err := purl.ToOSV(pp)
		if err != nil {
			continue
		}
		// A marker's package is at one version only: any other row of it
		// would put it in more versions.
		var total int
		if err := st.DB().QueryRowContext(ctx, rebind(st, `SELECT COUNT(*) FROM sbom_component WHERE pkg_key = ?`),
			store.PackageKey("PyPI", co.Name)).Scan(&total); err != nil {
			return m, err
		}
		if total == n {
			return marker{Versions: n, PURL: p, Ecosystem: co.Ecosystem, Name: co.Name}, nil
		}
	}
	return m, fmt.Errorf("no marker package in exactly %d versions", n)
}

func rebind(st *sqlstore.Store, q string) string {
	if st.Engine() != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// osvRecord is a new OSV record affecting every version of the package.
func osvRecord(id, cve string, m marker, modified time.Time) []byte {
	return fmt.Appendf(nil, `{"schema_version":"1.6.0","id":%q,"modified":%q,"aliases":[%q],"summary":"rocca watch benchmark",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":%q,"name":%q},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
		id, modified.UTC().Format(time.RFC3339), cve, m.Ecosystem, m.Name)
}

func importFile(ctx context.Context, st *sqlstore.Store, dir, name string, content []byte) error {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		return err
	}
	im := kb.NewImporter(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	fr, err := im.ImportFile(ctx, p, "", nil)
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	if fr.Rejected > 0 {
		return fmt.Errorf("import %s: %d rejected", name, fr.Rejected)
	}
	return nil
}

func advisory(ctx context.Context, dbURL string, n, reps int, log *slog.Logger) error {
	st, w, err := open(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := w.Run(ctx); err != nil { // anything pending first
		return err
	}
	m, err := markerOf(ctx, st, n)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "watch-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	stamp := time.Now().UnixNano()
	var runs []watch.Report
	for r := range reps {
		id := fmt.Sprintf("ROCCA-BENCH-%d-%d-%d", n, stamp, r)
		cve := fmt.Sprintf("CVE-2099-%d%03d", stamp%100000, r)
		if err := importFile(ctx, st, dir, id+".json", osvRecord(id, cve, m, time.Now())); err != nil {
			return err
		}
		rep, err := w.Run(ctx)
		if err != nil {
			return err
		}
		if rep.New != n {
			return fmt.Errorf("advisory affecting %d versions: %d new findings (%+v)", n, rep.New, rep)
		}
		runs = append(runs, rep)
	}
	return printRuns(fmt.Sprintf("new advisory, package in %d versions", n), runs)
}

func kevChange(ctx context.Context, dbURL, kevPath string, reps int, log *slog.Logger) error {
	st, w, err := open(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer st.Close()
	base, err := os.ReadFile(kevPath)
	if err != nil {
		return err
	}
	if _, err := w.Run(ctx); err != nil {
		return err
	}
	m, err := markerOf(ctx, st, 100)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "watch-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The vulnerability whose findings the KEV change touches: in the 100
	// versions of the marker package.
	stamp := time.Now().UnixNano()
	cve := fmt.Sprintf("CVE-2098-%d", stamp%1000000)
	id := fmt.Sprintf("ROCCA-BENCH-KEV-%d", stamp)
	if err := importFile(ctx, st, dir, id+".json", osvRecord(id, cve, m, time.Now())); err != nil {
		return err
	}
	if rep, err := w.Run(ctx); err != nil || rep.New != 100 {
		return fmt.Errorf("KEV setup: %+v %v", rep, err)
	}
	entry := fmt.Sprintf(`"vulnerabilities": [
    {"cveID": %q, "vendorProject": "Bench", "product": "Bench", "vulnerabilityName": "bench", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`, cve)
	var runs []watch.Report
	for r := range reps {
		doc := base
		if r%2 == 0 { // listed; on odd repetitions delisted again
			doc = bytes.Replace(base, []byte(`"vulnerabilities": [`), []byte(entry), 1)
			if bytes.Equal(doc, base) {
				return errors.New("KEV catalogue: no \"vulnerabilities\": [ to add an entry to")
			}
		}
		if err := importFile(ctx, st, dir, fmt.Sprintf("kev-%d.json", r), doc); err != nil {
			return err
		}
		rep, err := w.Run(ctx)
		if err != nil {
			return err
		}
		if rep.Changed != 100 {
			return fmt.Errorf("KEV change: %d changed findings, want 100 (%+v)", rep.Changed, rep)
		}
		runs = append(runs, rep)
	}
	return printRuns("KEV change, 100 versions", runs)
}

func printRuns(what string, runs []watch.Report) error {
	var took []time.Duration
	for _, r := range runs {
		took = append(took, r.Took)
	}
	slices.Sort(took)
	out := struct {
		What                       string
		Runs                       int
		MedianMs, MinMs, MaxMs     float64
		Versions, New, Changed     int
		Resolved, Packages, Change int
	}{What: what, Runs: len(runs), MedianMs: ms(took[len(took)/2]), MinMs: ms(took[0]), MaxMs: ms(took[len(took)-1]),
		Versions: runs[0].Versions, New: runs[0].New, Changed: runs[0].Changed, Resolved: runs[0].Resolved,
		Packages: runs[0].Packages, Change: runs[0].Changes}
	return json.NewEncoder(os.Stdout).Encode(out)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// endToEnd starts `rocca serve` on the database, subscribes a webhook,
// and times, per repetition, `rocca db import` of one advisory (affecting
// the package in one version) until its signed webhook arrives.
func endToEnd(ctx context.Context, dbURL, rocca string, reps int) error {
	if rocca == "" {
		return errors.New("-rocca is required")
	}
	const secret = "a-webhook-secret-for-the-benchmark"
	st, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	m, err := markerOf(ctx, st, 1)
	if err != nil {
		st.Close()
		return err
	}
	// The events of the portfolio's full re-match (one per finding) count
	// as notified: a server running all along would have sent them, and a
	// new subscription would otherwise get them all before the advisory's.
	_, err = st.DB().ExecContext(ctx, rebind(st, `UPDATE outbox SET dispatched_at = ? WHERE dispatched_at IS NULL`),
		time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"))
	st.Close()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "watch-e2e")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, rocca, append(args, "--database", dbURL)...)
		cmd.Env = append(os.Environ(), "ROCCA_FEEDS_SCHEDULE=false")
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return "", fmt.Errorf("rocca %v: %w: %s", args, err, ee.Stderr)
			}
			return "", fmt.Errorf("rocca %v: %w", args, err)
		}
		return string(out), nil
	}
	out, err := run("apikey", "create", "--org", orgName, "--name", fmt.Sprintf("e2e-%d", time.Now().UnixNano()))
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := strings.TrimSpace(lines[len(lines)-1])

	// The receiver: every signature checked; arrivals by vulnerability id.
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	var bad []string
	rcv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		at := time.Now()
		mu.Lock()
		defer mu.Unlock()
		if err := notify.Verify(secret, r.Header.Get("X-Rocca-Signature"), body, at, 5*time.Minute); err != nil {
			bad = append(bad, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var env notify.Envelope
		var n findings.Notice
		if json.Unmarshal(body, &env) == nil && json.Unmarshal(env.Data, &n) == nil && n.Finding != nil {
			if _, seen := arrived[n.Finding.VulnID]; !seen {
				arrived[n.Finding.VulnID] = at
			}
		}
	})}
	rl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = rcv.Serve(rl) }()
	defer rcv.Close()

	sl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := sl.Addr().String()
	sl.Close()
	srv := exec.CommandContext(ctx, rocca, "serve", "--database", dbURL, "--addr", addr)
	srv.Env = append(os.Environ(), "ROCCA_FEEDS_SCHEDULE=false", "ROCCA_WEBHOOK_ALLOW_LOOPBACK=1") // the receiver is on this machine
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	srv.Stderr = logf
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		_ = srv.Process.Signal(os.Interrupt)
		_ = srv.Wait()
		if keepLog := os.Getenv("WATCH_SERVE_LOG"); keepLog != "" {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				_ = os.WriteFile(keepLog, b, 0o600)
			}
		}
	}()
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			return errors.New("rocca serve not ready within 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/webhooks", strings.NewReader(`{"url":"http://`+rl.Addr().String()+`/hook","secret":"`+secret+`","events":["finding.new"]}`))
	req.Header.Set("X-Api-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("create webhook: %s", res.Status)
	}
	stamp := time.Now().UnixNano()
	var took []time.Duration
	for r := range reps {
		id := fmt.Sprintf("ROCCA-BENCH-E2E-%d-%d", stamp, r)
		cve := fmt.Sprintf("CVE-2097-%d%03d", stamp%100000, r)
		p := filepath.Join(dir, id+".json")
		if err := os.WriteFile(p, osvRecord(id, cve, m, time.Now()), 0o600); err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := run("db", "import", p); err != nil {
			return err
		}
		imported := time.Since(t0)
		var at time.Time
		for at.IsZero() {
			mu.Lock()
			at = arrived[cve]
			nbad := len(bad)
			mu.Unlock()
			if nbad > 0 {
				return fmt.Errorf("receiver: bad signatures: %v", bad)
			}
			if at.IsZero() {
				if time.Since(t0) > 60*time.Second {
					return fmt.Errorf("no webhook for %s within 60 s", cve)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		took = append(took, at.Sub(t0))
		fmt.Fprintf(os.Stderr, "e2e rep %d: import %v, webhook after %v\n", r, imported.Round(time.Millisecond), at.Sub(t0).Round(time.Millisecond))
		time.Sleep(time.Duration(rand.IntN(1000)) * time.Millisecond) // not in step with the server's poll
	}
	slices.Sort(took)
	out2 := struct {
		What                   string
		Runs                   int
		MedianMs, MinMs, MaxMs float64
	}{"db import → webhook received", len(took), ms(took[len(took)/2]), ms(took[0]), ms(took[len(took)-1])}
	return json.NewEncoder(os.Stdout).Encode(out2)
}
