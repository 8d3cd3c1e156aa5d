package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// findingFilter is the findings list's filter form, as given.
type findingFilter struct {
	Severity, KEV, EPSS, Fix, State, Sort, Query, Product string
	// Analysis is the effective-status filter: a status, "none"
	// (untriaged), "actionable" or "review" (needs review).
	Analysis string
}

// analysisFilters are the effective-status filter's values, in the order
// offered.
var analysisFilters = []string{"none", "under_investigation", "affected", "not_affected", "fixed", "actionable", "review"}

// findingsData is a findings list's data.
type findingsData struct {
	Filter   findingFilter
	Findings []store.OrgFinding
	// Next is the address of the next page; First that of the first when
	// this is a later one.
	Next, First string
	// Products offers the product filter (organisation-wide list only).
	Products []model.Product
	// Version and Product are set on a version's list.
	Version *model.Version
	Product *model.Product
	// Action is the filter form's address.
	Action string
	// Filtered is true when any filter is set (empty state wording).
	Filtered bool
	// AnalysisFilters are the effective-status filter's choices.
	AnalysisFilters []string
	// List is the list's address with its filters (without the page
	// cursor), where a bulk triage returns.
	List string
	// CanTriage shows the selection and the bulk triage form.
	CanTriage bool
	// Form is the bulk triage form.
	Form triageFormView
}

// parseFindingFilter reads the list's filters into a query; a malformed
// value is an input error.
func parseFindingFilter(v url.Values) (findingFilter, store.OrgFindingQuery, error) {
	f := findingFilter{Severity: v.Get("severity"), KEV: v.Get("kev"), EPSS: v.Get("epss"), Fix: v.Get("fix"),
		State: v.Get("state"), Sort: v.Get("sort"), Query: strings.TrimSpace(v.Get("q")), Product: v.Get("product"),
		Analysis: v.Get("analysis")}
	q := store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: pageSize, Cursor: v.Get("cursor")}, Search: f.Query, Decisions: true}
	switch f.Severity {
	case "", "critical", "high", "medium", "low":
		q.MinSeverity = model.Rating(f.Severity)
	default:
		return f, q, inputError("error.filter", "severity")
	}
	yes, no := true, false
	for _, b := range []struct {
		val string
		dst **bool
	}{{f.KEV, &q.KEV}, {f.Fix, &q.FixAvailable}} {
		switch b.val {
		case "":
		case "yes":
			*b.dst = &yes
		case "no":
			*b.dst = &no
		default:
			return f, q, inputError("error.filter", "kev/fix")
		}
	}
	if f.EPSS != "" {
		e, err := strconv.ParseFloat(strings.Replace(f.EPSS, ",", ".", 1), 64)
		if err != nil || e < 0 || e > 100 {
			return f, q, inputError("error.filter", "epss")
		}
		q.MinEPSS = e / 100
	}
	switch f.State {
	case "", "open":
		f.State, q.State = "open", model.FindingOpen
	case "resolved":
		q.State = model.FindingResolved
	case "all":
	default:
		return f, q, inputError("error.filter", "state")
	}
	switch f.Sort {
	case "", "kev":
		f.Sort, q.Sort = "kev", store.SortKEV
	case "severity", "epss", "first_seen":
		q.Sort = store.FindingSort(f.Sort)
	default:
		return f, q, inputError("error.filter", "sort")
	}
	switch f.Analysis {
	case "":
	case "actionable":
		q.Actionable = true
	case "review":
		q.NeedsReview = true
	case "none", "under_investigation", "affected", "not_affected", "fixed":
		q.Analysis = []string{f.Analysis}
	default:
		return f, q, inputError("error.filter", "analysis")
	}
	if f.Product != "" {
		if !isID(f.Product) {
			return f, q, inputError("error.filter", "product")
		}
		q.ProductID = f.Product
	}
	return f, q, nil
}

// listFindings reads a page and fills the list's links.
func (w *Web) listFindings(r *http.Request, org string, f findingFilter, q store.OrgFindingQuery, action string) (findingsData, error) {
	page, err := w.o.Portfolio.OrgFindings(r.Context(), org, q)
	if err != nil {
		return findingsData{}, err
	}
	d := findingsData{Filter: f, Findings: page.Findings, Action: action, AnalysisFilters: analysisFilters,
		Filtered: f.Severity != "" || f.KEV != "" || f.EPSS != "" || f.Fix != "" || f.Query != "" || f.Product != "" ||
			f.State != "open" || f.Analysis != ""}
	vals := r.URL.Query()
	vals.Del("notice")
	lv := url.Values{}
	for k, v := range vals {
		if k != "cursor" {
			lv[k] = v
		}
	}
	d.List = action
	if e := lv.Encode(); e != "" {
		d.List += "?" + e
	}
	if p := principalOf(r.Context()); p.CanEdit() && w.o.Triage != nil {
		d.CanTriage = true
		d.Form = triageFormView{L: w.localizer(r), F: triageForm{Scope: "version"}, Prefix: "b-", Bulk: true}
	}
	if page.Next != "" {
		vals.Set("cursor", page.Next)
		d.Next = action + "?" + vals.Encode()
	}
	if q.Cursor != "" {
		vals.Del("cursor")
		d.First = action + "?" + vals.Encode()
	}
	return d, nil
}

func (w *Web) findings(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	f, q, err := parseFindingFilter(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := w.listFindings(r, p.Org.OrgID, f, q, "/findings")
	if err != nil {
		return err
	}
	if d.Products, err = w.o.Portfolio.Products(r.Context(), p.Org.OrgID); err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "findings", view{L: l, Title: l.T("findings.title"), Nav: "findings", Data: d})
}

func (w *Web) versionFindings(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	v, prod, err := w.versionOf(r, p)
	if err != nil {
		return err
	}
	f, q, err := parseFindingFilter(r.URL.Query())
	if err != nil {
		return err
	}
	f.Product, q.ProductID, q.VersionID = "", "", v.ID
	d, err := w.listFindings(r, p.Org.OrgID, f, q, "/versions/"+v.ID+"/findings")
	if err != nil {
		return err
	}
	d.Version, d.Product = &v, &prod
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "findings", view{L: l, Title: l.T("findings.version_title", prod.Name, v.Name), Nav: "products", Data: d})
}

// kbData is the knowledge-base search's data.
type kbData struct {
	Query   string
	Results []model.Vulnerability
	// Searched is true once a query was given (empty-result wording).
	Searched bool
	// Pager pages the results (Total of them in all).
	Pager pager
}

func (w *Web) kb(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := kbData{Query: q, Searched: q != ""}
	if q != "" {
		page := pageOf(r)
		res, total, err := w.o.Portfolio.SearchKnowledgeBasePage(r.Context(), q, (page-1)*pageSize, pageSize)
		if err != nil {
			return err
		}
		d.Results, d.Pager = res, newPager(r, page, total)
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "kb", view{L: l, Title: l.T("kb.title"), Nav: "kb", Data: d})
}
