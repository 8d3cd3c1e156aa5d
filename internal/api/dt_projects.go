package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/uid"
)

// The read side of the Dependency-Track-compatible subset that CI clients
// call around an upload: the server's version, the projects, the API key's
// team, a project's metrics and policy violations.

// dtAPIVersion is the Dependency-Track release whose API the subset
// follows. GET /api/version reports it as the version, since clients (the
// Jenkins plug-in) compare it with the oldest release they support.
const dtAPIVersion = "4.13.0"

// dtTotalCount is Dependency-Track's header with the length of a whole
// list, of which a response carries one page.
const dtTotalCount = "X-Total-Count"

// dtAbout is the answer of GET /api/version.
type dtAbout struct {
	Version     string      `json:"version"`
	Timestamp   string      `json:"timestamp,omitempty"`
	UUID        string      `json:"uuid"`
	Application string      `json:"application"`
	Framework   dtFramework `json:"framework"`
}

type dtFramework struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Timestamp string `json:"timestamp,omitempty"`
	UUID      string `json:"uuid"`
}

// dtVersion answers GET /api/version (no key needed, as in
// Dependency-Track): the API level, and rocca's own build as the framework.
func (a *API) dtVersion(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, dtAbout{
		Version: dtAPIVersion, UUID: uid.FromName("rocca-dependency-track-api", dtAPIVersion), Application: "rocca",
		Timestamp: a.build.CommitTime,
		Framework: dtFramework{Name: "rocca", Version: a.build.Version, Timestamp: a.build.CommitTime,
			UUID: uid.FromName("rocca-build", a.build.Version+" "+a.build.Commit)},
	})
}

// dtProjectVersion is one of the versions of a project's name, as
// Dependency-Track lists them with a project.
type dtProjectVersion struct {
	UUID    string `json:"uuid"`
	Version string `json:"version"`
	Active  bool   `json:"active"`
}

// toDTProject maps a rocca version (with its product) to a
// Dependency-Track project.
func toDTProject(pv portfolio.ProductVersion) dtProject {
	pj := dtProject{UUID: pv.Version.ID, Name: pv.Product.Name, Version: pv.Version.Name, Classifier: "APPLICATION",
		Description: pv.Product.IntendedPurpose, Active: pv.Active(), Tags: []dtTag{}}
	if pv.SBOM.ID != "" {
		pj.LastBOMImport = pv.SBOM.Created.UnixMilli()
		pj.LastBOMImportFormat = dtBOMFormat(pv.SBOM)
	}
	return pj
}

// dtBOMFormat names an SBOM's format as Dependency-Track does
// ("CycloneDX 1.6", "SPDX 2.3").
func dtBOMFormat(b model.StoredSBOM) string {
	name := b.Format
	switch strings.ToLower(b.Format) {
	case "cyclonedx":
		name = "CycloneDX"
	case "spdx":
		name = "SPDX"
	}
	if b.SpecVersion != "" {
		name += " " + b.SpecVersion
	}
	return name
}

// dtProjects answers GET /api/v1/project: a page of the organisation's
// versions, with the whole list's length in X-Total-Count.
func (a *API) dtProjects(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	q := r.URL.Query()
	vq, err := dtPaging(q)
	if err != nil {
		return err
	}
	if vq.Product = q.Get("name"); vq.Product != "" {
		if err := portfolio.CheckName("name", vq.Product); err != nil {
			return err
		}
	}
	if vq.Search = dtParam(q, "searchText", "filter"); vq.Search != "" {
		if err := portfolio.CheckName("searchText", vq.Search); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name string
		v    *bool
	}{{"excludeInactive", &vq.ExcludeInactive}, {"onlyRoot", new(bool)}} {
		if s := q.Get(p.name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return badRequest(p.name + ": want true or false")
			}
			*p.v = b
		}
	}
	page, err := a.svc.AllVersions(r.Context(), orgOf(k), vq)
	if err != nil {
		return err
	}
	out := make([]dtProject, len(page.Items))
	for i, pv := range page.Items {
		out[i] = toDTProject(pv)
	}
	w.Header().Set(dtTotalCount, strconv.Itoa(page.Total))
	return writeJSON(w, http.StatusOK, out)
}

// dtParam returns the first of the named query parameters that is set
// (Dependency-Track accepts several names for its paging parameters).
func dtParam(q url.Values, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(q.Get(n)); v != "" {
			return v
		}
	}
	return ""
}

// dtPaging reads Dependency-Track's paging parameters: offset, or a page
// number from 1 (page or pageNumber), and the page size (size, pageSize
// or limit; 100 when not given). Numbers that are not integers are refused
// (400); the use case bounds them.
func dtPaging(q url.Values) (portfolio.VersionQuery, error) {
	vq := portfolio.VersionQuery{Limit: portfolio.DefaultPageLimit}
	num := func(field, s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, badRequest(field + ": want an integer")
		}
		return n, nil
	}
	var err error
	if s := dtParam(q, "size", "pageSize", "limit"); s != "" {
		if vq.Limit, err = num("pageSize", s); err != nil {
			return vq, err
		}
	}
	if s := dtParam(q, "offset"); s != "" {
		vq.Offset, err = num("offset", s)
		return vq, err
	}
	if s := dtParam(q, "page", "pageNumber"); s != "" {
		n, err := num("pageNumber", s)
		if err != nil {
			return vq, err
		}
		if n < 1 {
			return vq, badRequest("pageNumber: pages are numbered from 1")
		}
		// Capped at 2^30 (no list is that long) so as not to overflow: a
		// page past the end is empty, as in Dependency-Track.
		vq.Offset = min(n-1, (1<<30)/max(vq.Limit, 1)) * vq.Limit
	}
	return vq, nil
}

// dtGetProject answers GET /api/v1/project/{uuid}.
func (a *API) dtGetProject(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	return a.writeDTProject(w, r, k, r.PathValue("project"))
}

// writeDTProject answers with one project, with the other versions of its
// name.
func (a *API) writeDTProject(w http.ResponseWriter, r *http.Request, k model.APIKey, versionID string) error {
	pv, err := a.svc.ProductVersion(r.Context(), orgOf(k), versionID)
	if err != nil {
		return dtNotFound(err, "the project could not be found")
	}
	vs, err := a.svc.Versions(r.Context(), orgOf(k), pv.Product.ID)
	if err != nil {
		return err
	}
	pj := toDTProject(pv)
	for _, v := range vs {
		pj.Versions = append(pj.Versions, dtProjectVersion{UUID: v.ID, Version: v.Name,
			Active: v.Lifecycle != model.LifecycleEndOfSupport})
	}
	return writeJSON(w, http.StatusOK, pj)
}

// dtPermission is one of Dependency-Track's permissions.
type dtPermission struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// dtKeyPermissions are the Dependency-Track permissions that describe what
// a rocca API key can do through the compatible subset. rocca keys carry
// no permissions: a key can do everything inside its organisation.
var dtKeyPermissions = []dtPermission{
	{"BOM_UPLOAD", "upload BOMs to the organisation's projects"},
	{"PROJECT_CREATION_UPLOAD", "create a project (a product and version) with an upload (autoCreate)"},
	{"VIEW_PORTFOLIO", "read the organisation's projects, findings and metrics"},
	{"VIEW_VULNERABILITY", "read the organisation's findings and their analysis"},
	{"VULNERABILITY_ANALYSIS", "record the analysis of findings (rocca's triage decisions)"},
	{"VIEW_POLICY_VIOLATION", "read policy violations (rocca has no policy engine: always none)"},
}

// dtTeamSelf answers GET /api/v1/team/self: the team of a
// Dependency-Track API key is, in rocca, the organisation the key belongs
// to.
func (a *API) dtTeamSelf(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	o, err := a.svc.Organisation(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		UUID        string         `json:"uuid"`
		Name        string         `json:"name"`
		Permissions []dtPermission `json:"permissions"`
	}{o.ID, o.Name, dtKeyPermissions})
}

// dtMetrics is Dependency-Track's ProjectMetrics, computed when asked.
type dtMetrics struct {
	Critical             int     `json:"critical"`
	High                 int     `json:"high"`
	Medium               int     `json:"medium"`
	Low                  int     `json:"low"`
	Unassigned           int     `json:"unassigned"`
	Vulnerabilities      int     `json:"vulnerabilities"`
	VulnerableComponents int     `json:"vulnerableComponents"`
	Components           int     `json:"components"`
	Suppressed           int     `json:"suppressed"`
	FindingsTotal        int     `json:"findingsTotal"`
	FindingsAudited      int     `json:"findingsAudited"`
	FindingsUnaudited    int     `json:"findingsUnaudited"`
	InheritedRiskScore   float64 `json:"inheritedRiskScore"`
	// rocca has no policy engine: every policy count is 0.
	PolicyViolationsFail                 int   `json:"policyViolationsFail"`
	PolicyViolationsWarn                 int   `json:"policyViolationsWarn"`
	PolicyViolationsInfo                 int   `json:"policyViolationsInfo"`
	PolicyViolationsTotal                int   `json:"policyViolationsTotal"`
	PolicyViolationsAudited              int   `json:"policyViolationsAudited"`
	PolicyViolationsUnaudited            int   `json:"policyViolationsUnaudited"`
	PolicyViolationsSecurityTotal        int   `json:"policyViolationsSecurityTotal"`
	PolicyViolationsSecurityAudited      int   `json:"policyViolationsSecurityAudited"`
	PolicyViolationsSecurityUnaudited    int   `json:"policyViolationsSecurityUnaudited"`
	PolicyViolationsLicenseTotal         int   `json:"policyViolationsLicenseTotal"`
	PolicyViolationsLicenseAudited       int   `json:"policyViolationsLicenseAudited"`
	PolicyViolationsLicenseUnaudited     int   `json:"policyViolationsLicenseUnaudited"`
	PolicyViolationsOperationalTotal     int   `json:"policyViolationsOperationalTotal"`
	PolicyViolationsOperationalAudited   int   `json:"policyViolationsOperationalAudited"`
	PolicyViolationsOperationalUnaudited int   `json:"policyViolationsOperationalUnaudited"`
	FirstOccurrence                      int64 `json:"firstOccurrence"`
	LastOccurrence                       int64 `json:"lastOccurrence"`
}

// toDTMetrics maps a tally to Dependency-Track's metrics at time at.
// Settled findings (not_affected, fixed) are Dependency-Track's suppressed
// ones: they count only in suppressed. Audited findings are those decided
// affected (under investigation is not audited yet). Findings rated none
// (Dependency-Track's INFO) count only in vulnerabilities and the findings
// totals, as in Dependency-Track; the inherited risk score is
// Dependency-Track's weighting (critical 10, high 5, medium 3, low 1,
// unassigned 5).
func toDTMetrics(t portfolio.FindingTally, at time.Time) dtMetrics {
	m := dtMetrics{Critical: t.Critical, High: t.High, Medium: t.Medium, Low: t.Low, Unassigned: t.Unknown,
		Vulnerabilities: t.Findings, VulnerableComponents: t.VulnerableComponents, Components: t.Components,
		Suppressed: t.Settled, FindingsTotal: t.Findings, FindingsAudited: t.Affected, FindingsUnaudited: t.Findings - t.Affected,
		FirstOccurrence: at.UnixMilli(), LastOccurrence: at.UnixMilli()}
	m.InheritedRiskScore = float64(10*m.Critical + 5*m.High + 3*m.Medium + m.Low + 5*m.Unassigned)
	return m
}

// dtProjectMetrics answers GET /api/v1/metrics/project/{uuid}/current,
// computed from the project's open findings when asked.
func (a *API) dtProjectMetrics(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	t, err := a.svc.VersionTally(r.Context(), orgOf(k), r.PathValue("project"))
	if err != nil {
		return dtNotFound(err, "the project could not be found")
	}
	return writeJSON(w, http.StatusOK, toDTMetrics(t, time.Now()))
}

// dtProjectViolations answers GET /api/v1/violation/project/{uuid}: rocca
// has no policy engine, so a project of the organisation has no policy
// violations (an empty list, X-Total-Count 0); another's is 404.
func (a *API) dtProjectViolations(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if s := r.URL.Query().Get("suppressed"); s != "" {
		if _, err := strconv.ParseBool(s); err != nil {
			return badRequest("suppressed: want true or false")
		}
	}
	if _, err := a.svc.Version(r.Context(), orgOf(k), r.PathValue("project")); err != nil {
		return dtNotFound(err, "the project could not be found")
	}
	w.Header().Set(dtTotalCount, "0")
	return writeJSON(w, http.StatusOK, []struct{}{})
}
