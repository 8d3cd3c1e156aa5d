// Package metrics exposes rocca's Prometheus metrics (all named rocca_…)
// from a registry of its own (no global state):
//
//	rocca_http_requests_total{route,code}          requests by route pattern and status
//	rocca_http_request_duration_seconds{route}     request latency
//	rocca_jobs_waiting{queue}                      jobs waiting per queue (at scrape time)
//	rocca_job_wait_seconds{kind}                   time from scheduled to started
//	rocca_job_duration_seconds{kind,outcome}       time a job ran
//	rocca_rematch_duration_seconds                 one watch run (knowledge-base changes re-matched)
//	rocca_feed_age_seconds{source}                 time since a feed source's last success
//	rocca_findings_open{severity,kev}              open findings of every organisation
//
// The values read from the database (waiting jobs, feed ages, findings)
// are computed when Prometheus scrapes, bounded by a timeout.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rocca-project/rocca/internal/model"
)

// Sources read the values computed at scrape time; nil ones are left out.
type Sources struct {
	QueueDepth func(ctx context.Context) (map[string]int, error)
	FeedAges   func(ctx context.Context) (map[string]time.Duration, error)
	Findings   func(ctx context.Context) ([]model.FindingCount, error)
}

// Metrics holds the collectors.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	jobWait  *prometheus.HistogramVec
	jobRun   *prometheus.HistogramVec
	rematch  prometheus.Histogram
}

// New registers rocca's metrics and the Go runtime's in a new registry.
func New(src Sources, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rocca_http_requests_total",
			Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rocca_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
			[]string{"route"}),
		jobWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rocca_job_wait_seconds",
			Help: "Time from a job's scheduled time to its start, by job kind.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)},
			[]string{"kind"}),
		jobRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rocca_job_duration_seconds",
			Help: "Time a job ran, by job kind and outcome (ok, error).", Buckets: prometheus.ExponentialBuckets(0.005, 4, 10)},
			[]string{"kind", "outcome"}),
		rematch: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "rocca_rematch_duration_seconds",
			Help:    "Duration of one watch run: knowledge-base changes re-matched against the versions they touch.",
			Buckets: prometheus.ExponentialBuckets(0.01, 3, 10)}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.jobWait, m.jobRun, m.rematch,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&scraped{src: src, log: log})
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records one HTTP request; route is the matched pattern ("" for
// none).
func (m *Metrics) Request(route string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Job records one job run.
func (m *Metrics) Job(kind string, wait, run time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.jobWait.WithLabelValues(kind).Observe(max(wait, 0).Seconds())
	m.jobRun.WithLabelValues(kind, outcome).Observe(run.Seconds())
}

// Rematch records the duration of one watch run that processed changes.
func (m *Metrics) Rematch(d time.Duration) { m.rematch.Observe(d.Seconds()) }

var (
	descWaiting  = prometheus.NewDesc("rocca_jobs_waiting", "Jobs waiting (available, scheduled or retryable) per queue.", []string{"queue"}, nil)
	descFeedAge  = prometheus.NewDesc("rocca_feed_age_seconds", "Time since a feed source's last successful sync.", []string{"source"}, nil)
	descFindings = prometheus.NewDesc("rocca_findings_open", "Open findings of every organisation by severity and known-exploited flag.", []string{"severity", "kev"}, nil)
)

// scraped computes the database-derived values at scrape time.
type scraped struct {
	src Sources
	log *slog.Logger
}

func (s *scraped) Describe(ch chan<- *prometheus.Desc) {
	ch <- descWaiting
	ch <- descFeedAge
	ch <- descFindings
}

func (s *scraped) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if s.src.QueueDepth != nil {
		if depth, err := s.src.QueueDepth(ctx); err != nil {
			s.log.Warn("metrics: job queues", "error", err)
		} else {
			for q, n := range depth {
				ch <- prometheus.MustNewConstMetric(descWaiting, prometheus.GaugeValue, float64(n), q)
			}
		}
	}
	if s.src.FeedAges != nil {
		if ages, err := s.src.FeedAges(ctx); err != nil {
			s.log.Warn("metrics: feed ages", "error", err)
		} else {
			for src, age := range ages {
				ch <- prometheus.MustNewConstMetric(descFeedAge, prometheus.GaugeValue, age.Seconds(), src)
			}
		}
	}
	if s.src.Findings != nil {
		if counts, err := s.src.Findings(ctx); err != nil {
			s.log.Warn("metrics: findings", "error", err)
		} else {
			for _, c := range counts {
				ch <- prometheus.MustNewConstMetric(descFindings, prometheus.GaugeValue, float64(c.N), c.Severity, strconv.FormatBool(c.KEV))
			}
		}
	}
}
