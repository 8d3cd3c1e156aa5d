package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// The reporting tables (migration 0011) are tenant
// tables like the portfolio's: every query filters by org_id.

var _ store.Cases = (*Store)(nil)

const caseCols = `id, org_id, kind, state, title, vuln_id, vuln_ids, owner, origin, opened_at, proposed_awareness,
	awareness_at, awareness_reason, awareness_by, fix_available_at, fix_details, intermediate_due, statement,
	closed_at, close_reason, updated_at, owner_id`

func scanCase(sc interface{ Scan(...any) error }) (model.Case, error) {
	var c model.Case
	var state, ids, opened, proposed, aware, fix, inter, closed, updated string
	err := sc.Scan(&c.ID, &c.OrgID, &c.Kind, &state, &c.Title, &c.VulnID, &ids, &c.Owner, &c.Origin, &opened, &proposed,
		&aware, &c.AwarenessReason, &c.AwarenessBy, &fix, &c.FixDetails, &inter, &c.Statement, &closed, &c.CloseReason, &updated, &c.OwnerID)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(ids), &c.VulnIDs); err != nil {
		return c, fmt.Errorf("case %s: %w", c.ID, err)
	}
	c.State = model.CaseState(state)
	c.Opened, c.ProposedAwareness, c.Awareness = parseTime(opened), parseTime(proposed), parseTime(aware)
	c.FixAvailable, c.IntermediateDue, c.Closed, c.Updated = parseTime(fix), parseTime(inter), parseTime(closed), parseTime(updated)
	c.VulnIDs, c.Versions, c.Submissions = nonNil(c.VulnIDs), []model.CaseVersion{}, []model.Submission{}
	return c, nil
}

// Cases implements store.Cases.
func (s *Store) Cases(ctx context.Context, org string, q store.CaseQuery) ([]model.Case, error) {
	where, args := []string{"c.org_id = ?"}, []any{org}
	if len(q.States) > 0 {
		where = append(where, "c.state IN ("+placeholders(len(q.States))+")")
		for _, st := range q.States {
			args = append(args, string(st))
		}
	}
	if q.Kind != "" {
		where, args = append(where, "c.kind = ?"), append(args, q.Kind)
	}
	if q.VersionID != "" {
		where = append(where, "EXISTS (SELECT 1 FROM report_case_version cv WHERE cv.org_id = c.org_id AND cv.case_id = c.id AND cv.version_id = ?)")
		args = append(args, q.VersionID)
	}
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+prefixCols("c.", caseCols)+` FROM report_case c
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.opened_at DESC, c.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: cases: %w", err)
	}
	var out []model.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: cases: %w", err)
		}
		if q.Vuln != "" && c.VulnID != q.Vuln && !contains(c.VulnIDs, q.Vuln) {
			continue
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cases: %w", err)
	}
	for i := range out {
		if err := caseDetails(ctx, s.reader(), s.d, org, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Case implements store.Cases.
func (s *Store) Case(ctx context.Context, org, id string) (model.Case, error) {
	return getCase(ctx, s.reader(), s.d, org, id, "")
}

func getCase(ctx context.Context, q queryer, d dialect, org, id, suffix string) (model.Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, d.rebind(`SELECT `+caseCols+` FROM report_case WHERE org_id = ? AND id = ?`+suffix), org, id))
	if err != nil {
		return c, notFound(err, "case")
	}
	return c, caseDetails(ctx, q, d, org, &c)
}

// caseDetails reads a case's versions (with their product and version
// names) and submissions.
func caseDetails(ctx context.Context, q queryer, d dialect, org string, c *model.Case) error {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT cv.version_id, v.product_id, p.name, v.name, v.lifecycle, cv.components, cv.added_at
		FROM report_case_version cv
		JOIN product_version v ON v.org_id = cv.org_id AND v.id = cv.version_id
		JOIN product p ON p.org_id = v.org_id AND p.id = v.product_id
		WHERE cv.org_id = ? AND cv.case_id = ? ORDER BY p.name, v.created_at, v.id`), org, c.ID)
	if err != nil {
		return fmt.Errorf("store: case versions: %w", err)
	}
	for rows.Next() {
		var v model.CaseVersion
		var lc, comps, added string
		if err := rows.Scan(&v.VersionID, &v.ProductID, &v.ProductName, &v.VersionName, &lc, &comps, &added); err != nil {
			rows.Close()
			return fmt.Errorf("store: case versions: %w", err)
		}
		if err := json.Unmarshal([]byte(comps), &v.Components); err != nil {
			rows.Close()
			return fmt.Errorf("store: case versions: %w", err)
		}
		v.Lifecycle, v.Added = model.Lifecycle(lc), parseTime(added)
		c.Versions = append(c.Versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: case versions: %w", err)
	}
	rows, err = q.QueryContext(ctx, d.rebind(`SELECT stage, submitted_at, srp_reference, already_provided, glossary, content,
		recorded_at, recorded_by FROM report_submission WHERE org_id = ? AND case_id = ? ORDER BY submitted_at, stage`), org, c.ID)
	if err != nil {
		return fmt.Errorf("store: case submissions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sub model.Submission
		var submitted, content, recorded string
		if err := rows.Scan(&sub.Stage, &submitted, &sub.Reference, &sub.AlreadyProvided, &sub.Glossary, &content, &recorded, &sub.By); err != nil {
			return fmt.Errorf("store: case submissions: %w", err)
		}
		sub.Submitted, sub.Recorded = parseTime(submitted), parseTime(recorded)
		if content != "" {
			sub.Content = json.RawMessage(content)
		}
		c.Submissions = append(c.Submissions, sub)
	}
	return rows.Err()
}

// CaseLog implements store.Cases.
func (s *Store) CaseLog(ctx context.Context, org, id string) ([]model.CaseLogEntry, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT seq, case_id, at, actor, action, detail FROM report_case_log
		WHERE org_id = ? AND case_id = ? ORDER BY seq`), org, id)
	if err != nil {
		return nil, fmt.Errorf("store: case log: %w", err)
	}
	defer rows.Close()
	out := []model.CaseLogEntry{}
	for rows.Next() {
		var e model.CaseLogEntry
		var at string
		if err := rows.Scan(&e.Seq, &e.CaseID, &at, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: case log: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// kevOpen is the condition of the partial index finding_kev_open, written
// as the index is for each engine so that the planner uses it.
func (d dialect) kevOpen(alias string) string {
	if d.dollar {
		return alias + "kev AND " + alias + "state = 'open'"
	}
	return alias + "kev = 1 AND " + alias + "state = 'open'"
}

// CaseCandidates implements store.Cases.
func (s *Store) CaseCandidates(ctx context.Context, org string) ([]model.CaseCandidate, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+prefixCols("f.", findingCols)+`, v.product_id, p.name, v.name, v.lifecycle
		FROM finding f
		JOIN product_version v ON v.org_id = f.org_id AND v.id = f.version_id
		JOIN product p ON p.org_id = v.org_id AND p.id = v.product_id
		WHERE f.org_id = ? AND `+s.d.kevOpen("f.")+` AND v.lifecycle IN (?, ?)
		ORDER BY f.vuln_id, p.name, v.name, f.component_key`), org, string(model.LifecycleOnMarket), string(model.LifecycleEndOfSupport))
	if err != nil {
		return nil, fmt.Errorf("store: case candidates: %w", err)
	}
	defer rows.Close()
	var out []model.CaseCandidate
	for rows.Next() {
		var c model.CaseCandidate
		var lc string
		f, err := scanFindingWith(rows, &c.ProductID, &c.ProductName, &c.VersionName, &lc)
		if err != nil {
			return nil, fmt.Errorf("store: case candidates: %w", err)
		}
		c.Finding, c.Lifecycle = f, model.Lifecycle(lc)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CandidateOrgs implements store.Cases.
func (s *Store) CandidateOrgs(ctx context.Context) ([]string, error) {
	return s.orgList(ctx, `SELECT DISTINCT f.org_id FROM finding f JOIN product_version v ON v.org_id = f.org_id AND v.id = f.version_id
		WHERE `+s.d.kevOpen("f.")+` AND v.lifecycle IN (?, ?) ORDER BY 1`, string(model.LifecycleOnMarket), string(model.LifecycleEndOfSupport))
}

// OpenCaseOrgs implements store.Cases.
func (s *Store) OpenCaseOrgs(ctx context.Context) ([]string, error) {
	return s.orgList(ctx, `SELECT DISTINCT org_id FROM report_case WHERE state <> ? ORDER BY 1`, string(model.CaseClosed))
}

func (s *Store) orgList(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: organisations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: organisations: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CaseTx implements store.Cases.
func (s *Store) CaseTx(ctx context.Context, org string, fn func(store.CaseTx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin case change: %w", err)
	}
	if err := fn(&caseTx{tx: tx, d: s.d, org: org}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit case change: %w", err)
	}
	return nil
}

type caseTx struct {
	tx  *sql.Tx
	d   dialect
	org string
}

func (t *caseTx) lock() string {
	if t.d.dollar {
		return " FOR UPDATE"
	}
	return ""
}

func (t *caseTx) Case(ctx context.Context, id string) (model.Case, error) {
	return getCase(ctx, t.tx, t.d, t.org, id, t.lock())
}

func (t *caseTx) CasesOfVulns(ctx context.Context, ids []string) ([]model.Case, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(`SELECT `+caseCols+` FROM report_case WHERE org_id = ? AND kind = 'aev'
		ORDER BY opened_at, id`+t.lock()), t.org)
	if err != nil {
		return nil, fmt.Errorf("store: cases of vulnerabilities: %w", err)
	}
	var out []model.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: cases of vulnerabilities: %w", err)
		}
		for _, id := range ids {
			if c.VulnID == id || contains(c.VulnIDs, id) {
				out = append(out, c)
				break
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cases of vulnerabilities: %w", err)
	}
	for i := range out {
		if err := caseDetails(ctx, t.tx, t.d, t.org, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *caseTx) PutCase(ctx context.Context, c *model.Case) error {
	newID(&c.ID)
	c.OrgID = t.org
	ids, _ := json.Marshal(nonNil(c.VulnIDs))
	_, err := t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO report_case (`+caseCols+`) VALUES (`+placeholders(22)+`)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, title = excluded.title, vuln_id = excluded.vuln_id,
		vuln_ids = excluded.vuln_ids, owner = excluded.owner, owner_id = excluded.owner_id, proposed_awareness = excluded.proposed_awareness,
		awareness_at = excluded.awareness_at, awareness_reason = excluded.awareness_reason, awareness_by = excluded.awareness_by,
		fix_available_at = excluded.fix_available_at, fix_details = excluded.fix_details,
		intermediate_due = excluded.intermediate_due, statement = excluded.statement, closed_at = excluded.closed_at,
		close_reason = excluded.close_reason, updated_at = excluded.updated_at
		WHERE report_case.org_id = excluded.org_id`),
		c.ID, t.org, c.Kind, string(c.State), c.Title, c.VulnID, string(ids), c.Owner, c.Origin, stamp(c.Opened),
		stamp(c.ProposedAwareness), stamp(c.Awareness), c.AwarenessReason, c.AwarenessBy, stamp(c.FixAvailable), c.FixDetails,
		stamp(c.IntermediateDue), c.Statement, stamp(c.Closed), c.CloseReason, stamp(c.Updated), c.OwnerID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: case of %s: %w", c.VulnID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: put case: %w", err)
	}
	return nil
}

func (t *caseTx) AddCaseVersions(ctx context.Context, caseID string, vs []model.CaseVersion) ([]string, error) {
	var added []string
	for _, v := range vs {
		var comps string
		err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT components FROM report_case_version
			WHERE org_id = ? AND case_id = ? AND version_id = ?`), t.org, caseID, v.VersionID).Scan(&comps)
		switch {
		case err == sql.ErrNoRows:
			b, _ := json.Marshal(nonNil(v.Components))
			if _, err := t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO report_case_version (org_id, case_id, version_id,
				components, added_at) VALUES (?, ?, ?, ?, ?)`), t.org, caseID, v.VersionID, string(b), stamp(v.Added)); err != nil {
				if isForeignKeyViolation(err) {
					return nil, fmt.Errorf("store: case version %s: %w", v.VersionID, store.ErrNotFound)
				}
				if isUniqueViolation(err) {
					return nil, fmt.Errorf("store: case version %s: %w", v.VersionID, store.ErrConflict)
				}
				return nil, fmt.Errorf("store: add case version: %w", err)
			}
			added = append(added, v.VersionID)
		case err != nil:
			return nil, fmt.Errorf("store: add case version: %w", err)
		default:
			var old []string
			if err := json.Unmarshal([]byte(comps), &old); err != nil {
				return nil, fmt.Errorf("store: case version components: %w", err)
			}
			merged := old
			for _, c := range v.Components {
				if !contains(merged, c) {
					merged = append(merged, c)
				}
			}
			if len(merged) == len(old) {
				continue
			}
			b, _ := json.Marshal(merged)
			if _, err := t.tx.ExecContext(ctx, t.d.rebind(`UPDATE report_case_version SET components = ?
				WHERE org_id = ? AND case_id = ? AND version_id = ?`), string(b), t.org, caseID, v.VersionID); err != nil {
				return nil, fmt.Errorf("store: update case version: %w", err)
			}
		}
	}
	return added, nil
}

func (t *caseTx) PutSubmission(ctx context.Context, caseID string, sub *model.Submission) error {
	_, err := t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO report_submission (org_id, case_id, stage, submitted_at,
		srp_reference, already_provided, glossary, content, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (case_id, stage) DO UPDATE SET submitted_at = excluded.submitted_at, srp_reference = excluded.srp_reference,
		already_provided = excluded.already_provided, glossary = excluded.glossary, content = excluded.content,
		recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by
		WHERE report_submission.org_id = excluded.org_id`),
		t.org, caseID, sub.Stage, stamp(sub.Submitted), sub.Reference, sub.AlreadyProvided, sub.Glossary, string(sub.Content),
		stamp(sub.Recorded), sub.By)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: submission: case: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: put submission: %w", err)
	}
	return nil
}

func (t *caseTx) AddCaseLog(ctx context.Context, es []model.CaseLogEntry) error {
	for _, e := range es {
		if _, err := t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO report_case_log (org_id, case_id, at, actor, action, detail)
			VALUES (?, ?, ?, ?, ?, ?)`), t.org, e.CaseID, stamp(e.At), e.Actor, e.Action, e.Detail); err != nil {
			return fmt.Errorf("store: case log: %w", err)
		}
	}
	return nil
}

func (t *caseTx) ReminderSent(ctx context.Context, caseID, key string) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT COUNT(*) FROM report_reminder WHERE org_id = ? AND case_id = ? AND rkey = ?`),
		t.org, caseID, key).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: reminder: %w", err)
	}
	return n > 0, nil
}

func (t *caseTx) MarkReminder(ctx context.Context, caseID, key string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO report_reminder (org_id, case_id, rkey, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (case_id, rkey) DO NOTHING`), t.org, caseID, key, stamp(at))
	if err != nil {
		return false, fmt.Errorf("store: mark reminder: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: mark reminder: %w", err)
	}
	return n == 1, nil
}

func (t *caseTx) AddOutbox(ctx context.Context, evs []model.OutboxEvent) error {
	for i := range evs {
		e := &evs[i]
		newID(&e.ID)
		e.OrgID = t.org
		if _, err := t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO outbox (id, org_id, type, product_id, version_id, payload, created_at, user_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), e.ID, t.org, e.Type, e.ProductID, e.VersionID, string(e.Payload), stamp(e.Created), e.UserID); err != nil {
			return fmt.Errorf("store: add outbox events: %w", err)
		}
	}
	return nil
}

const profileCols = `legal_name, main_establishment, routing, csirt_state, csirt_name, csirt_reason, representatives,
	contacts, holidays, updated_at, contacts_sub, locale`

// ReportingProfile implements store.Cases.
func (s *Store) ReportingProfile(ctx context.Context, org string) (model.ReportingProfile, error) {
	p := model.ReportingProfile{OrgID: org, Representatives: []model.Representative{}, ReportingContacts: []string{}, Holidays: []string{}}
	var routing, reps, contacts, holidays, updated string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+profileCols+` FROM reporting_profile WHERE org_id = ?`), org).Scan(
		&p.LegalName, &p.MainEstablishment, &routing, &p.CSIRTState, &p.CSIRTName, &p.CSIRTReason, &reps, &contacts, &holidays, &updated, &p.ContactsSubscription, &p.Locale)
	if err == sql.ErrNoRows {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("store: reporting profile: %w", err)
	}
	for _, j := range []struct {
		raw string
		dst any
	}{{routing, &p.Routing}, {reps, &p.Representatives}, {contacts, &p.ReportingContacts}, {holidays, &p.Holidays}} {
		if err := json.Unmarshal([]byte(j.raw), j.dst); err != nil {
			return p, fmt.Errorf("store: reporting profile: %w", err)
		}
	}
	p.Updated = parseTime(updated)
	return p, nil
}

// PutReportingProfile implements store.Cases.
func (s *Store) PutReportingProfile(ctx context.Context, org string, p *model.ReportingProfile) error {
	p.OrgID = org
	routing, _ := json.Marshal(p.Routing)
	if p.Representatives == nil {
		p.Representatives = []model.Representative{}
	}
	reps, _ := json.Marshal(p.Representatives)
	contacts, _ := json.Marshal(nonNil(p.ReportingContacts))
	holidays, _ := json.Marshal(nonNil(p.Holidays))
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO reporting_profile (org_id, `+profileCols+`) VALUES (`+placeholders(13)+`)
		ON CONFLICT (org_id) DO UPDATE SET legal_name = excluded.legal_name, main_establishment = excluded.main_establishment,
		routing = excluded.routing, csirt_state = excluded.csirt_state, csirt_name = excluded.csirt_name,
		csirt_reason = excluded.csirt_reason, representatives = excluded.representatives, contacts = excluded.contacts,
		holidays = excluded.holidays, updated_at = excluded.updated_at, contacts_sub = excluded.contacts_sub,
		locale = excluded.locale`),
		org, p.LegalName, p.MainEstablishment, string(routing), p.CSIRTState, p.CSIRTName, p.CSIRTReason, string(reps),
		string(contacts), string(holidays), stamp(p.Updated), p.ContactsSubscription, p.Locale)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: reporting profile: organisation: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: put reporting profile: %w", err)
	}
	return nil
}

// SetCalendarHash implements store.Cases.
func (s *Store) SetCalendarHash(ctx context.Context, org, hash string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO reporting_profile (org_id, calendar_hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET calendar_hash = excluded.calendar_hash`), org, hash, stamp(at))
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: calendar: organisation: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: set calendar secret: %w", err)
	}
	return nil
}

// OrgByCalendarHash implements store.Cases.
func (s *Store) OrgByCalendarHash(ctx context.Context, hash string) (string, error) {
	if hash == "" {
		return "", store.ErrNotFound
	}
	var org string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT org_id FROM reporting_profile WHERE calendar_hash = ?`), hash).Scan(&org)
	if err != nil {
		return "", notFound(err, "calendar")
	}
	return org, nil
}
