package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/termtext"
)

// UserNotice is the plain-text information for the users of the
// products a case concerns (Art. 14(8)): the vulnerability, the versions
// affected, the fix and what users can do. It stands in for the CSAF
// advisory until rocca writes one. Text from outside (advisory summaries,
// product names) is escaped for the terminal.
func (s *Service) UserNotice(ctx context.Context, org, id string) (string, error) {
	c, err := s.store.Case(ctx, org, id)
	if err != nil {
		return "", err
	}
	prof, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return "", err
	}
	o, err := s.store.Org(ctx, org)
	if err != nil {
		return "", err
	}
	maker := prof.LegalName
	if maker == "" {
		maker = o.Name
	}
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	esc := termtext.Escape
	line("Security notice from %s", esc(maker))
	line("Date: %s", s.Now().Format(time.DateOnly))
	line("")
	line("%s", esc(c.Title))
	if len(c.VulnIDs) > 0 {
		line("Vulnerability: %s", esc(strings.Join(c.VulnIDs, ", ")))
	}
	line("")
	line("Affected products and versions:")
	for _, v := range c.Versions {
		p, err := s.store.Product(ctx, org, v.ProductID)
		if err != nil {
			return "", err
		}
		line("  - %s %s", esc(p.Name), esc(v.VersionName))
	}
	if c.Kind == "aev" {
		f, comps, fixed, err := s.caseFindings(ctx, org, c)
		if err != nil {
			return "", err
		}
		if len(comps) > 0 {
			line("Affected component(s): %s", esc(strings.Join(comps, ", ")))
		}
		if f != nil {
			if f.Summary != "" {
				line("Description: %s", esc(f.Summary))
			}
			if sev := severityText(f, nil, ""); sev != "" {
				line("Severity: %s", esc(sev))
			}
		}
		line("This vulnerability is known to be actively exploited.")
		line("")
		switch {
		case !c.FixAvailable.IsZero():
			line("Fix available since %s.", c.FixAvailable.Format(time.DateOnly))
			if c.FixDetails != "" {
				line("%s", termtext.EscapeLines(c.FixDetails))
			}
		case len(fixed) > 0:
			line("The affected component is fixed in: %s. An update of the product is in preparation.", esc(strings.Join(fixed, ", ")))
		default:
			line("No fix is available yet; this notice will be updated.")
		}
	}
	if c.Statement != "" {
		line("")
		line("%s", termtext.EscapeLines(c.Statement))
	}
	line("")
	line("Reference: %s", c.ID)
	return b.String(), nil
}
