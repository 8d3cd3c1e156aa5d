package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/feeds"
)

func newFeedsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feeds",
		Short: "Download the vulnerability feeds into the knowledge base, and show their state",
		Long: `Keep the knowledge base up to date from the public feeds:

  osv/<ecosystem>  OSV's all.zip of each configured ecosystem (feeds_ecosystems)
  cisa-kev         the CISA Known Exploited Vulnerabilities catalogue
  eu-kev           the EU KEV list (ENISA and the EU CSIRTs Network)
  euvd-exploited   EUVD's list of exploited vulnerabilities
  euvd-mapping     EUVD's CVE to EUVD id mapping (EUVD ids become aliases)
  epss             FIRST's EPSS scores

Each address, the OSV ecosystems, the schedule (exploited lists hourly, the
rest daily) and the download caps are settings: see 'rocca config' (keys
feeds_*, environment ROCCA_FEEDS_*, flags --feeds-*). A source set to off is
not synced. 'rocca serve' syncs the sources on that schedule; 'feeds sync'
syncs now. Sites without Internet access download the same files elsewhere and
load them with 'rocca db import'.`,
		Args: exactArgs(0, "a subcommand"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	addFeedFlags(cmd.PersistentFlags(), &e.flags.Feeds)
	cmd.AddCommand(newFeedsSyncCmd(e), newFeedsStatusCmd(e))
	return cmd
}

// addFeedFlags registers the feed settings' flags (on feeds and config).
func addFeedFlags(fs interface {
	StringVar(p *string, name, value, usage string)
}, f *config.FeedFlags) {
	fs.StringVar(&f.OSVURL, "feeds-osv-url", "", "OSV bucket base URL, <base>/<ecosystem>/all.zip (off disables OSV)")
	fs.StringVar(&f.Ecosystems, "feeds-ecosystems", "", "OSV ecosystems to sync, comma separated (default "+config.DefaultFeedsEcosystems+")")
	fs.StringVar(&f.CISAKEVURL, "feeds-cisa-kev-url", "", "CISA KEV catalogue URL (off disables it)")
	fs.StringVar(&f.EUKEVURL, "feeds-eu-kev-url", "", "EU KEV list URL (off disables it)")
	fs.StringVar(&f.EUVDMappingURL, "feeds-euvd-mapping-url", "", "EUVD CVE-EUVD mapping CSV URL (off disables it)")
	fs.StringVar(&f.EUVDExploitedURL, "feeds-euvd-exploited-url", "", "EUVD exploited dump URL (off disables it)")
	fs.StringVar(&f.EPSSURL, "feeds-epss-url", "", "FIRST EPSS csv.gz URL (off disables it)")
	fs.StringVar(&f.ExploitedInterval, "feeds-exploited-interval", "", "how often the exploited lists are synced (default 1h)")
	fs.StringVar(&f.Interval, "feeds-interval", "", "how often OSV, the EUVD mapping and EPSS are synced (default 24h)")
	fs.StringVar(&f.MaxOSVBytes, "feeds-max-osv-bytes", "", "largest OSV all.zip download (default 2GiB)")
	fs.StringVar(&f.MaxListBytes, "feeds-max-list-bytes", "", "largest KEV, EU KEV, EUVD or EPSS download (default 256MiB)")
	fs.StringVar(&f.Schedule, "feeds-schedule", "", "serve: sync the feeds on their intervals, on or off (default on)")
}

func newFeedsSyncCmd(e *env) *cobra.Command {
	var asJSON, dueOnly bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "sync [SOURCE...]",
		Short: "Download the feeds now and import what changed",
		Long: `Download each SOURCE (all configured sources when none is named; "osv" names
every OSV ecosystem, "exploited" the exploited lists) and import it.

A conditional request (ETag, Last-Modified) skips a source the server reports
unchanged. A download is checked before anything is imported: its size against
the cap, its length against Content-Length, and its whole content (every zip
entry, the gzip stream, the JSON or CSV). Each source is imported in one
transaction, so a failed or partial download leaves the knowledge base as it
was; the failure is recorded and shown by 'rocca feeds status'. A source that
another rocca process is syncing at the moment is skipped.`,
		Example: `  rocca feeds sync
  rocca feeds sync exploited
  rocca feeds sync osv/PyPI epss --json
  ROCCA_FEEDS_ECOSYSTEMS=Go,npm,Debian rocca feeds sync osv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open()
			if err != nil {
				return err
			}
			defer a.Close()
			fcfg := feeds.ConfigFrom(a.Config.Feeds)
			srcs, err := feeds.Select(fcfg, args)
			if err != nil {
				return usageErr("feeds sync: %v", err)
			}
			client := &http.Client{Timeout: timeout}
			sy := a.Feeds(fcfg, client)
			if dueOnly {
				sts, err := sy.Status(cmd.Context())
				if err != nil {
					return err
				}
				due := map[string]bool{}
				for _, st := range sts {
					due[st.Source] = st.Due
				}
				kept := srcs[:0]
				for _, s := range srcs {
					if due[s.Name] {
						kept = append(kept, s)
					}
				}
				srcs = kept
			}
			results, syncErr := sy.SyncSources(cmd.Context(), srcs)
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					fmt.Fprintln(e.stdout, describeResult(r))
				}
			}
			if syncErr != nil {
				return &exitError{code: ExitFailure, err: fmt.Errorf("some feeds could not be synced; the knowledge base keeps their previous data")}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.Flags().BoolVar(&dueOnly, "due", false, "sync only the sources whose interval has passed since their last success")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up one download after this long")
	return cmd
}

func describeResult(r feeds.Result) string {
	d := r.Duration.Round(100 * time.Millisecond)
	switch {
	case r.Err != "":
		return fmt.Sprintf("%s: failed, nothing stored: %s", r.Source, r.Err)
	case r.Skipped != "":
		return fmt.Sprintf("%s: skipped: %s", r.Source, r.Skipped)
	case r.NotModified:
		return fmt.Sprintf("%s: unchanged (not modified) (%s)", r.Source, d)
	case r.Report != nil:
		fr := r.Report
		removed := ""
		if fr.Removed > 0 {
			removed = fmt.Sprintf(", %d removed", fr.Removed)
		}
		return fmt.Sprintf("%s: %s downloaded, %d new, %d updated, %d unchanged%s, %d rejected (%s)",
			r.Source, byteSize(r.Bytes), fr.New, fr.Updated, fr.Unchanged, removed, fr.Rejected, d)
	}
	return r.Source + ": done"
}

func newFeedsStatusCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each feed source's last success, last error and age",
		Long: `Show every configured source with the time of its last successful sync (a
download imported, or the server reporting it unchanged), its age, whether it
is due (its interval has passed), the last time it changed the knowledge
base, and the last error. The state is kept in the database, so it shows the
syncs of every rocca process using it (rocca serve's schedule included).`,
		Example: `  rocca feeds status
  rocca feeds status --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open()
			if err != nil {
				return err
			}
			defer a.Close()
			sts, err := a.Feeds(feeds.ConfigFrom(a.Config.Feeds), nil).Status(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(sts)
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tLAST SUCCESS\tAGE\tEVERY\tDUE\tLAST CHANGE\tLAST ERROR")
			for _, st := range sts {
				success, age := "never", "-"
				if !st.Never {
					success, age = st.LastSuccess.UTC().Format(time.RFC3339), roundAge(st.Age)
				}
				change := "-"
				if !st.LastChange.IsZero() {
					change = st.LastChange.UTC().Format(time.RFC3339)
				}
				lastErr := "-"
				if st.LastError != "" {
					lastErr = st.LastErrorAt.UTC().Format(time.RFC3339) + " " + oneLine(st.LastError, 100)
				}
				due := "no"
				if st.Due {
					due = "yes"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st.Source, success, age, roundAge(st.Interval), due, change, lastErr)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

// roundAge shows a duration to the minute (seconds under a minute).
func roundAge(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	s := d.Round(time.Minute).String()
	return strings.TrimSuffix(s, "0s")
}

func oneLine(s string, max int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
