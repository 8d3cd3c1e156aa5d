// Command load drives a running `rocca serve` from a separate process on
// loopback for a bounded time (bench/load.sh starts the server): findings
// reads (GET /api/v1/versions/{id}/findings, the first page and the
// pages after it, following the cursor) and SBOM uploads (POST
// /api/v1/versions/{id}/sboms of generated CycloneDX documents, each new,
// to versions it creates) at the same time. It prints per kind the
// requests, throughput, latency percentiles and errors (any transport
// error or status other than the expected one) as JSON.
//
//	load -url http://127.0.0.1:8080 -key KEY -pool POOL.cdx.json -duration 60s -readers 4 -uploaders 2
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
)

type sample struct {
	kind string
	took time.Duration
	err  string
}

type client struct {
	base, key string
	http      *http.Client
}

func (c *client) do(ctx context.Context, method, path string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-Api-Key", c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d %.200s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

type page struct {
	Items []json.RawMessage `json:"items"`
	Next  string            `json:"next"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	key := flag.String("key", "", "API key")
	poolPath := flag.String("pool", "", "CycloneDX SBOM (bench/gensbom) the uploaded documents draw components from")
	duration := flag.Duration("duration", 60*time.Second, "how long to load")
	readers := flag.Int("readers", 4, "concurrent findings readers")
	uploaders := flag.Int("uploaders", 2, "concurrent SBOM uploaders")
	components := flag.Int("components", 1000, "components per uploaded SBOM")
	pages := flag.Int("pages", 3, "pages a reader follows per version (first page included)")
	limit := flag.Int("limit", 100, "findings per page")
	rate := flag.Float64("rate", 0, "versions read per second (open loop, latency counted from when each was due); 0: each reader reads again as soon as it is done")
	flag.Parse()
	if err := run(*base, *key, *poolPath, *duration, *readers, *uploaders, *components, *pages, *limit, *rate); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(base, key, poolPath string, duration time.Duration, readers, uploaders, size, pages, limit int, rate float64) error {
	ctx := context.Background()
	c := &client{base: base, key: key, http: &http.Client{Timeout: 2 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: readers + uploaders + 4}}}
	// The versions to read: every version of every product holding findings.
	var products page
	if err := c.do(ctx, "GET", "/api/v1/products?limit=1000", nil, 200, &products); err != nil {
		return err
	}
	var versions []string
	for _, raw := range products.Items {
		var p model.Product
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		var vs page
		if err := c.do(ctx, "GET", "/api/v1/products/"+p.ID+"/versions?limit=1000", nil, 200, &vs); err != nil {
			return err
		}
		for _, rv := range vs.Items {
			var v model.Version
			if err := json.Unmarshal(rv, &v); err != nil {
				return err
			}
			if v.CurrentSBOM != "" {
				versions = append(versions, v.ID)
			}
		}
	}
	if len(versions) == 0 {
		return errors.New("no version with an SBOM to read findings of")
	}
	// Upload targets: a product of this run with one version per uploader.
	f, err := os.Open(poolPath)
	if err != nil {
		return err
	}
	pool, err := sbom.Read(f, poolPath, sbom.DefaultLimits())
	f.Close()
	if err != nil {
		return err
	}
	var prod model.Product
	name := fmt.Sprintf("load %d", time.Now().UnixNano())
	if err := c.do(ctx, "POST", "/api/v1/products", fmt.Appendf(nil, `{"name":%q,"craRole":"manufacturer"}`, name), 201, &prod); err != nil {
		return err
	}
	targets := make([]string, uploaders)
	for i := range targets {
		var v model.Version
		if err := c.do(ctx, "POST", "/api/v1/products/"+prod.ID+"/versions", fmt.Appendf(nil, `{"name":"%d.0","lifecycle":"on_market"}`, i+1), 201, &v); err != nil {
			return err
		}
		targets[i] = v.ID
	}

	samples := make(chan sample, 1024)
	var all []sample
	collected := make(chan struct{})
	go func() {
		for s := range samples {
			all = append(all, s)
		}
		close(collected)
	}()
	// No new request after the deadline; those in flight finish (and count).
	start := time.Now()
	deadline := start.Add(duration)
	running := func() bool { return time.Now().Before(deadline) }
	record := func(kind string, t0 time.Time, err error) {
		s := sample{kind: kind, took: time.Since(t0)}
		if err != nil {
			s.err = err.Error()
		}
		samples <- s
	}
	// readVersion reads a version's findings pages; t0 is when the first
	// request was due (open loop: the wait for a free reader counts).
	readVersion := func(rng *rand.Rand, t0 time.Time) {
		v := versions[rng.IntN(len(versions))]
		path := fmt.Sprintf("/api/v1/versions/%s/findings?limit=%d", v, limit)
		for p := 0; p < pages; p++ {
			var pg page
			if p > 0 {
				t0 = time.Now()
			}
			err := c.do(ctx, "GET", path, nil, 200, &pg)
			kind := "findings first page"
			if p > 0 {
				kind = "findings next page"
			}
			record(kind, t0, err)
			if err != nil || pg.Next == "" || !running() {
				break
			}
			path = fmt.Sprintf("/api/v1/versions/%s/findings?limit=%d&cursor=%s", v, limit, url.QueryEscape(pg.Next))
		}
	}
	var wg sync.WaitGroup
	var due chan time.Time
	if rate > 0 {
		// Open loop: a version's reading is due every 1/rate s, whether
		// or not the server kept up.
		due = make(chan time.Time, 100000)
		wg.Go(func() {
			defer close(due)
			every := time.Duration(float64(time.Second) / rate)
			for t := start; t.Before(deadline); t = t.Add(every) {
				time.Sleep(time.Until(t))
				due <- t
			}
		})
	}
	for r := range readers {
		rng := rand.New(rand.NewPCG(uint64(r), 1))
		wg.Go(func() {
			if due != nil {
				for t := range due {
					readVersion(rng, t)
				}
				return
			}
			for running() {
				readVersion(rng, time.Now())
			}
		})
	}
	for u := range uploaders {
		rng := rand.New(rand.NewPCG(uint64(u), 2))
		wg.Go(func() {
			for n := 0; running(); n++ {
				doc := document(rng, pool.Components, size, fmt.Sprintf("load-%d-%d", u, n))
				t0 := time.Now()
				err := c.do(ctx, "POST", "/api/v1/versions/"+targets[u]+"/sboms", doc, 201, nil)
				record("SBOM upload", t0, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(samples)
	<-collected
	return report(all, elapsed, len(versions), rate)
}

// document is a CycloneDX 1.6 JSON SBOM of size components drawn from the
// pool, with a serial number making each one new.
func document(rng *rand.Rand, pool []model.Component, size int, serial string) []byte {
	type comp struct {
		Type    string `json:"type"`
		Ref     string `json:"bom-ref"`
		Group   string `json:"group,omitempty"`
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
		PURL    string `json:"purl,omitempty"`
	}
	d := struct {
		Format  string `json:"bomFormat"`
		Spec    string `json:"specVersion"`
		Serial  string `json:"serialNumber"`
		Version int    `json:"version"`
		Meta    struct {
			Component comp `json:"component"`
		} `json:"metadata"`
		Components []comp `json:"components"`
	}{Format: "CycloneDX", Spec: "1.6", Version: 1}
	d.Serial = fmt.Sprintf("urn:uuid:%08x-0000-4000-8000-%012x", rng.Uint32(), rng.Uint64()&0xffffffffffff)
	d.Meta.Component = comp{Type: "firmware", Ref: "product", Name: "load test " + serial, Version: "1"}
	for i, j := range rng.Perm(len(pool))[:min(size, len(pool))] {
		c := pool[j]
		d.Components = append(d.Components, comp{Type: "library", Ref: fmt.Sprintf("c%d", i), Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PURL})
	}
	b, _ := json.Marshal(d)
	return b
}

type kindReport struct {
	Kind                       string
	Requests, Errors           int
	PerSecond                  float64
	P50Ms, P90Ms, P99Ms, MaxMs float64
	FirstErrors                []string `json:",omitempty"`
}

func report(all []sample, elapsed time.Duration, versions int, rate float64) error {
	by := map[string][]sample{}
	for _, s := range all {
		by[s.kind] = append(by[s.kind], s)
	}
	var kinds []string
	for k := range by {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	out := struct {
		Seconds  float64
		Versions int
		Rate     float64 `json:",omitempty"`
		Kinds    []kindReport
	}{Seconds: elapsed.Seconds(), Versions: versions, Rate: rate}
	for _, k := range kinds {
		ss := by[k]
		var ok []time.Duration
		r := kindReport{Kind: k, Requests: len(ss), PerSecond: float64(len(ss)) / elapsed.Seconds()}
		for _, s := range ss {
			if s.err != "" {
				r.Errors++
				if len(r.FirstErrors) < 5 {
					r.FirstErrors = append(r.FirstErrors, s.err)
				}
				continue
			}
			ok = append(ok, s.took)
		}
		slices.Sort(ok)
		if len(ok) > 0 {
			q := func(p float64) float64 { return ms(ok[min(len(ok)-1, int(p*float64(len(ok))))]) }
			r.P50Ms, r.P90Ms, r.P99Ms, r.MaxMs = q(0.50), q(0.90), q(0.99), ms(ok[len(ok)-1])
		}
		out.Kinds = append(out.Kinds, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
