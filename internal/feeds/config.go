package feeds

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/kb"
)

// Source names besides the OSV ones ("osv/<ecosystem>").
const (
	SourceCISAKEV       = "cisa-kev"
	SourceEUKEV         = "eu-kev"
	SourceEUVDMapping   = "euvd-mapping"
	SourceEUVDExploited = "euvd-exploited"
	SourceEPSS          = "epss"
	// OSVPrefix starts the name of each OSV source: "osv/PyPI".
	OSVPrefix = "osv/"
)

// Default addresses of the feeds (the settings' defaults, internal/config).
const (
	DefaultOSVBaseURL       = config.DefaultFeedsOSVURL
	DefaultCISAKEVURL       = config.DefaultFeedsCISAKEVURL
	DefaultEUKEVURL         = config.DefaultFeedsEUKEVURL
	DefaultEUVDMappingURL   = config.DefaultFeedsEUVDMappingURL
	DefaultEUVDExploitedURL = config.DefaultFeedsEUVDExploitedURL
	DefaultEPSSURL          = config.DefaultFeedsEPSSURL
)

// DefaultEcosystems returns the OSV ecosystems synced unless configured:
// the language package ecosystems. Distributions (Debian, Ubuntu,
// Alpine...) have large archives and are added when a site ships them.
func DefaultEcosystems() []string { return strings.Split(config.DefaultFeedsEcosystems, ",") }

// Config says where the feeds are, how often they are due and how large a
// download may be. An empty URL disables its source.
type Config struct {
	OSVBaseURL       string
	Ecosystems       []string
	CISAKEVURL       string
	EUKEVURL         string
	EUVDMappingURL   string
	EUVDExploitedURL string
	EPSSURL          string
	// ExploitedInterval is how often the exploited lists (CISA KEV, EU
	// KEV, EUVD exploited) are due; Interval the other sources.
	ExploitedInterval time.Duration
	Interval          time.Duration
	// MaxOSVBytes caps one all.zip download; MaxListBytes a KEV, EU KEV,
	// EUVD or EPSS download (compressed size as sent).
	MaxOSVBytes  int64
	MaxListBytes int64
	// Limits bound what an import reads from a download.
	Limits kb.Limits
	// Lease is how long one process may hold a source before another
	// may take it over (a crashed process's lease expires).
	Lease time.Duration
	// ProgressEvery is how often a running download is logged.
	ProgressEvery time.Duration
	// TempDir holds the downloads while they are checked ("" = the
	// system's temporary directory).
	TempDir string
}

// Defaults of the schedule and caps.
const (
	DefaultExploitedInterval = config.DefaultFeedsExploitedInterval
	DefaultInterval          = config.DefaultFeedsInterval
	DefaultMaxOSVBytes       = config.DefaultFeedsMaxOSVBytes
	DefaultMaxListBytes      = config.DefaultFeedsMaxListBytes
	DefaultLease             = 2 * time.Hour
)

// ConfigFrom returns the feed configuration of rocca's settings
// (config.Config.Feeds), with the default lease, limits and progress
// interval.
func ConfigFrom(f config.Feeds) Config {
	c := DefaultConfig()
	c.OSVBaseURL, c.Ecosystems = f.OSVURL, append([]string(nil), f.Ecosystems...)
	c.CISAKEVURL, c.EUKEVURL, c.EPSSURL = f.CISAKEVURL, f.EUKEVURL, f.EPSSURL
	c.EUVDMappingURL, c.EUVDExploitedURL = f.EUVDMappingURL, f.EUVDExploitedURL
	c.ExploitedInterval, c.Interval = f.ExploitedInterval, f.Interval
	c.MaxOSVBytes, c.MaxListBytes = f.MaxOSVBytes, f.MaxListBytes
	return c
}

// DefaultConfig returns the public feeds with the default schedule.
func DefaultConfig() Config {
	return Config{
		OSVBaseURL:        DefaultOSVBaseURL,
		Ecosystems:        DefaultEcosystems(),
		CISAKEVURL:        DefaultCISAKEVURL,
		EUKEVURL:          DefaultEUKEVURL,
		EUVDMappingURL:    DefaultEUVDMappingURL,
		EUVDExploitedURL:  DefaultEUVDExploitedURL,
		EPSSURL:           DefaultEPSSURL,
		ExploitedInterval: DefaultExploitedInterval,
		Interval:          DefaultInterval,
		MaxOSVBytes:       DefaultMaxOSVBytes,
		MaxListBytes:      DefaultMaxListBytes,
		Limits:            kb.DefaultLimits(),
		Lease:             DefaultLease,
		ProgressEvery:     10 * time.Second,
	}
}

// Source is one feed to download.
type Source struct {
	Name     string
	URL      string
	Interval time.Duration
	// MaxBytes caps the download.
	MaxBytes int64
	// Format is the kb format the download must be in.
	Format string
}

// Exploited reports whether the source is an exploited list.
func (s Source) Exploited() bool {
	return s.Name == SourceCISAKEV || s.Name == SourceEUKEV || s.Name == SourceEUVDExploited
}

// Sources lists the enabled sources of cfg: the OSV ecosystems in the
// configured order, then the lists.
func Sources(cfg Config) []Source {
	var out []Source
	if base := strings.TrimRight(cfg.OSVBaseURL, "/"); base != "" {
		for _, eco := range cfg.Ecosystems {
			eco = strings.TrimSpace(eco)
			if eco == "" {
				continue
			}
			out = append(out, Source{Name: OSVPrefix + eco, URL: base + "/" + url.PathEscape(eco) + "/all.zip",
				Interval: cfg.Interval, MaxBytes: cfg.MaxOSVBytes, Format: kb.FormatOSVZip})
		}
	}
	for _, s := range []Source{
		{Name: SourceCISAKEV, URL: cfg.CISAKEVURL, Interval: cfg.ExploitedInterval, Format: kb.FormatCISAKEV},
		{Name: SourceEUKEV, URL: cfg.EUKEVURL, Interval: cfg.ExploitedInterval, Format: kb.FormatEUKEV},
		{Name: SourceEUVDExploited, URL: cfg.EUVDExploitedURL, Interval: cfg.ExploitedInterval, Format: kb.FormatEUVDExploited},
		{Name: SourceEUVDMapping, URL: cfg.EUVDMappingURL, Interval: cfg.Interval, Format: kb.FormatEUVDMapping},
		{Name: SourceEPSS, URL: cfg.EPSSURL, Interval: cfg.Interval, Format: kb.FormatEPSS},
	} {
		if s.URL != "" {
			s.MaxBytes = cfg.MaxListBytes
			out = append(out, s)
		}
	}
	return out
}

// Select returns the sources of cfg named by names: a source name, "osv"
// for every OSV ecosystem, or "exploited" for the exploited lists. No
// names selects every source.
func Select(cfg Config, names []string) ([]Source, error) {
	all := Sources(cfg)
	if len(names) == 0 {
		return all, nil
	}
	var out []Source
	seen := map[string]bool{}
	add := func(s Source) {
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s)
		}
	}
	for _, n := range names {
		found := false
		for _, s := range all {
			if s.Name == n || strings.EqualFold(s.Name, n) || (n == "osv" && strings.HasPrefix(s.Name, OSVPrefix)) ||
				(n == "exploited" && s.Exploited()) {
				add(s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown feed source %q (configured: %s)", n, sourceNames(all))
		}
	}
	return out, nil
}

func sourceNames(ss []Source) string {
	ns := make([]string, len(ss))
	for i, s := range ss {
		ns[i] = s.Name
	}
	return strings.Join(ns, ", ")
}
