package config

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Feed sync settings (rocca feeds sync, and the schedule of rocca serve).

// Environment variables of the feed settings.
const (
	EnvFeedsOSVURL            = "ROCCA_FEEDS_OSV_URL"
	EnvFeedsEcosystems        = "ROCCA_FEEDS_ECOSYSTEMS"
	EnvFeedsCISAKEVURL        = "ROCCA_FEEDS_CISA_KEV_URL"
	EnvFeedsEUKEVURL          = "ROCCA_FEEDS_EU_KEV_URL"
	EnvFeedsEUVDMappingURL    = "ROCCA_FEEDS_EUVD_MAPPING_URL"
	EnvFeedsEUVDExploitedURL  = "ROCCA_FEEDS_EUVD_EXPLOITED_URL"
	EnvFeedsEPSSURL           = "ROCCA_FEEDS_EPSS_URL"
	EnvFeedsExploitedInterval = "ROCCA_FEEDS_EXPLOITED_INTERVAL"
	EnvFeedsInterval          = "ROCCA_FEEDS_INTERVAL"
	EnvFeedsMaxOSVBytes       = "ROCCA_FEEDS_MAX_OSV_BYTES"
	EnvFeedsMaxListBytes      = "ROCCA_FEEDS_MAX_LIST_BYTES"
	EnvFeedsSchedule          = "ROCCA_FEEDS_SCHEDULE"
)

// Defaults of the feed settings: the public feeds.
const (
	DefaultFeedsOSVURL            = "https://osv-vulnerabilities.storage.googleapis.com"
	DefaultFeedsEcosystems        = "Go,npm,PyPI,Maven,crates.io,NuGet,Packagist,RubyGems,Hex,Pub"
	DefaultFeedsCISAKEVURL        = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	DefaultFeedsEUKEVURL          = "https://raw.githubusercontent.com/enisaeu/CNW/main/advisories/eukev/eukev.json"
	DefaultFeedsEUVDMappingURL    = "https://euvdservices.enisa.europa.eu/api/dump/cve-euvd-mapping"
	DefaultFeedsEUVDExploitedURL  = "https://euvdservices.enisa.europa.eu/api/kev/dump"
	DefaultFeedsEPSSURL           = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
	DefaultFeedsExploitedInterval = time.Hour
	DefaultFeedsInterval          = 24 * time.Hour
	DefaultFeedsMaxOSVBytes       = 2 << 30
	DefaultFeedsMaxListBytes      = 256 << 20
)

// Feeds holds the feed settings. An empty URL (configured as "off")
// disables its source.
type Feeds struct {
	OSVURL            string
	Ecosystems        []string
	CISAKEVURL        string
	EUKEVURL          string
	EUVDMappingURL    string
	EUVDExploitedURL  string
	EPSSURL           string
	ExploitedInterval time.Duration
	Interval          time.Duration
	MaxOSVBytes       int64
	MaxListBytes      int64
	// Schedule is true when `rocca serve` syncs the feeds on their
	// intervals (feeds_schedule; default on).
	Schedule bool
}

// FeedFlags are the feed settings' flags as typed ("" = not given).
type FeedFlags struct {
	OSVURL, Ecosystems, CISAKEVURL, EUKEVURL, EUVDMappingURL, EUVDExploitedURL, EPSSURL string
	ExploitedInterval, Interval, MaxOSVBytes, MaxListBytes, Schedule                    string
}

func (f FeedFlags) value(key string) string {
	switch key {
	case "feeds_osv_url":
		return f.OSVURL
	case "feeds_ecosystems":
		return f.Ecosystems
	case "feeds_cisa_kev_url":
		return f.CISAKEVURL
	case "feeds_eu_kev_url":
		return f.EUKEVURL
	case "feeds_euvd_mapping_url":
		return f.EUVDMappingURL
	case "feeds_euvd_exploited_url":
		return f.EUVDExploitedURL
	case "feeds_epss_url":
		return f.EPSSURL
	case "feeds_exploited_interval":
		return f.ExploitedInterval
	case "feeds_interval":
		return f.Interval
	case "feeds_max_osv_bytes":
		return f.MaxOSVBytes
	case "feeds_max_list_bytes":
		return f.MaxListBytes
	case "feeds_schedule":
		return f.Schedule
	}
	return ""
}

// feedURL is a feed-address setting: an http(s) URL, or "off".
func feedURL(key, env, flag, what, def string, field func(*Feeds) *string) setting {
	return setting{key: key, env: env, flag: flag, doc: "feeds: " + what + " (off disables it)", def: constant(def),
		set: func(c *Config, v string) error {
			if strings.EqualFold(v, "off") {
				*field(&c.Feeds) = ""
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("want an http:// or https:// URL, or off")
			}
			*field(&c.Feeds) = strings.TrimRight(v, "/")
			return nil
		},
		get: func(c Config) string {
			if v := *field(&c.Feeds); v != "" {
				return v
			}
			return "off"
		}}
}

func feedInterval(key, env, flag, what string, def time.Duration, field func(*Feeds) *time.Duration) setting {
	return setting{key: key, env: env, flag: flag, doc: "feeds: " + what + " (Go duration, at least 1m)", def: constant(def.String()),
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Minute {
				return errors.New("want a duration of at least 1m, such as 1h or 24h")
			}
			*field(&c.Feeds) = d
			return nil
		},
		get: func(c Config) string { return field(&c.Feeds).String() }}
}

func feedBytes(key, env, flag, what string, def int64, field func(*Feeds) *int64) setting {
	return setting{key: key, env: env, flag: flag, doc: "feeds: " + what + " (bytes, or with KiB/MiB/GiB)",
		def: constant(strconv.FormatInt(def, 10)),
		set: func(c *Config, v string) (err error) { *field(&c.Feeds), err = parseBytes(v); return err },
		get: func(c Config) string { return strconv.FormatInt(*field(&c.Feeds), 10) }}
}

// feedSettings are the feed settings in the order `rocca config` lists
// them, after the others.
func feedSettings() []setting {
	return []setting{
		{key: "feeds_schedule", env: EnvFeedsSchedule, flag: "feeds-schedule",
			doc: "serve: sync the feeds on their intervals, on or off (offline sites: off, and rocca db import)", def: constant("on"),
			set: func(c *Config, v string) error {
				switch strings.ToLower(v) {
				case "on", "true", "yes":
					c.Feeds.Schedule = true
				case "off", "false", "no":
					c.Feeds.Schedule = false
				default:
					return errors.New("want on or off")
				}
				return nil
			},
			get: func(c Config) string {
				if c.Feeds.Schedule {
					return "on"
				}
				return "off"
			}},
		feedURL("feeds_osv_url", EnvFeedsOSVURL, "feeds-osv-url", "OSV bucket base URL (<base>/<ecosystem>/all.zip)",
			DefaultFeedsOSVURL, func(f *Feeds) *string { return &f.OSVURL }),
		{key: "feeds_ecosystems", env: EnvFeedsEcosystems, flag: "feeds-ecosystems",
			doc: "feeds: OSV ecosystems to sync, comma separated (off for none)", def: constant(DefaultFeedsEcosystems),
			set: func(c *Config, v string) error {
				c.Feeds.Ecosystems = nil
				if strings.EqualFold(v, "off") {
					return nil
				}
				for _, e := range strings.Split(v, ",") {
					e = strings.TrimSpace(e)
					if e == "" || strings.ContainsAny(e, "/?#") {
						return errors.New("want OSV ecosystem names separated by commas, such as Go,npm,PyPI")
					}
					c.Feeds.Ecosystems = append(c.Feeds.Ecosystems, e)
				}
				return nil
			},
			get: func(c Config) string {
				if len(c.Feeds.Ecosystems) == 0 {
					return "off"
				}
				return strings.Join(c.Feeds.Ecosystems, ",")
			}},
		feedURL("feeds_cisa_kev_url", EnvFeedsCISAKEVURL, "feeds-cisa-kev-url", "CISA KEV catalogue JSON",
			DefaultFeedsCISAKEVURL, func(f *Feeds) *string { return &f.CISAKEVURL }),
		feedURL("feeds_eu_kev_url", EnvFeedsEUKEVURL, "feeds-eu-kev-url", "EU KEV list JSON",
			DefaultFeedsEUKEVURL, func(f *Feeds) *string { return &f.EUKEVURL }),
		feedURL("feeds_euvd_mapping_url", EnvFeedsEUVDMappingURL, "feeds-euvd-mapping-url", "EUVD CVE-EUVD id mapping CSV",
			DefaultFeedsEUVDMappingURL, func(f *Feeds) *string { return &f.EUVDMappingURL }),
		feedURL("feeds_euvd_exploited_url", EnvFeedsEUVDExploitedURL, "feeds-euvd-exploited-url", "EUVD exploited dump JSON",
			DefaultFeedsEUVDExploitedURL, func(f *Feeds) *string { return &f.EUVDExploitedURL }),
		feedURL("feeds_epss_url", EnvFeedsEPSSURL, "feeds-epss-url", "FIRST EPSS scores CSV (gzip)",
			DefaultFeedsEPSSURL, func(f *Feeds) *string { return &f.EPSSURL }),
		feedInterval("feeds_exploited_interval", EnvFeedsExploitedInterval, "feeds-exploited-interval",
			"how often the exploited lists (CISA KEV, EU KEV, EUVD) are synced", DefaultFeedsExploitedInterval,
			func(f *Feeds) *time.Duration { return &f.ExploitedInterval }),
		feedInterval("feeds_interval", EnvFeedsInterval, "feeds-interval", "how often OSV, the EUVD mapping and EPSS are synced",
			DefaultFeedsInterval, func(f *Feeds) *time.Duration { return &f.Interval }),
		feedBytes("feeds_max_osv_bytes", EnvFeedsMaxOSVBytes, "feeds-max-osv-bytes", "largest OSV all.zip download",
			DefaultFeedsMaxOSVBytes, func(f *Feeds) *int64 { return &f.MaxOSVBytes }),
		feedBytes("feeds_max_list_bytes", EnvFeedsMaxListBytes, "feeds-max-list-bytes", "largest KEV, EU KEV, EUVD or EPSS download",
			DefaultFeedsMaxListBytes, func(f *Feeds) *int64 { return &f.MaxListBytes }),
	}
}
