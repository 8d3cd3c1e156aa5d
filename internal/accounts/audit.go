package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Audit actions.
const (
	ActionLogin          = "login"
	ActionLoginFailed    = "login.failed"
	ActionLogout         = "logout"
	ActionPasswordChange = "password.change"
	ActionPasswordReset  = "password.reset"
	ActionUserCreate     = "user.create"
	ActionSetup          = "setup"
	ActionOrgCreate      = "org.create"
	ActionMemberAdd      = "member.add"
	ActionMemberRole     = "member.role"
	ActionMemberRemove   = "member.remove"
	ActionKeyCreate      = "apikey.create"
	ActionKeyRevoke      = "apikey.revoke"
	ActionSBOMUpload     = "sbom.upload"
)

// ActorCLI is the actor of what an operator does with the rocca command.
const ActorCLI = "cli"

// auditFormat names the canonical encoding, so that a later change of it
// is a new format rather than a silent break of old chains.
const auditFormat = "rocca-audit-v1"

// CanonicalEntry is the byte string an entry's hash covers: the format
// name and every field but the hashes, each as a big-endian uint32 length
// followed by its bytes, in a fixed order (seq, time as RFC 3339 with
// microseconds in UTC, actor, organisation, action, target, remote
// address, detail). Lengths make the encoding unambiguous whatever the
// fields contain.
func CanonicalEntry(e model.AuditEntry) []byte {
	fields := []string{auditFormat, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		e.Actor, e.OrgID, e.Action, e.Target, e.RemoteAddr, e.Detail}
	var b []byte
	for _, f := range fields {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

// EntryHash returns hex(SHA-256(prev || canonical entry)), where prev is
// the previous entry's hash as raw bytes (32 zero bytes for the first
// entry; an unreadable previous hash counts as given, in hex, so that
// the chain stays checkable).
func EntryHash(prevHash string, e model.AuditEntry) string {
	prev, err := hex.DecodeString(prevHash)
	if err != nil || (prevHash != "" && len(prev) != sha256.Size) {
		prev = []byte(prevHash)
	}
	if prevHash == "" {
		prev = make([]byte, sha256.Size)
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(CanonicalEntry(e))
	return hex.EncodeToString(h.Sum(nil))
}

// seal is the store's sealing function: the entry's hash over its
// previous hash and content.
func seal(e *model.AuditEntry) string { return EntryHash(e.PrevHash, *e) }

// Record appends an entry to the audit log; its time is the service's
// clock unless set. A failure to record is returned: security-relevant
// actions should not go unrecorded silently.
func (s *Service) Record(ctx context.Context, e model.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if host, _, err := net.SplitHostPort(e.RemoteAddr); err == nil {
		e.RemoteAddr = host
	}
	if err := s.store.AppendAudit(ctx, &e, seal); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// record is Record for the service's own use cases, after the action
// succeeded: a failure is logged, not returned, because the action is
// done and the caller must learn its outcome.
func (s *Service) record(ctx context.Context, e model.AuditEntry) {
	if err := s.Record(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit entry not recorded", "action", e.Action, "actor", e.Actor, "target", e.Target, "error", err)
	}
}

// AuditEntries returns up to limit entries after seq after (0: from the
// start), of one organisation or of all when orgID is "", for a
// principal allowed to see them: an organisation's owner for its
// entries, an administrator for any.
func (s *Service) AuditEntries(ctx context.Context, p Principal, orgID string, after int64, limit int) ([]model.AuditEntry, error) {
	if orgID == "" && !p.User.Admin {
		return nil, ErrForbidden
	}
	if orgID != "" && !p.User.Admin && !p.Role(orgID).CanManage() {
		return nil, ErrForbidden
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return s.store.AuditEntries(ctx, orgID, after, limit)
}

// AuditLog returns up to limit entries after seq after, of the
// organisation named orgName or of all when it is "", for the operator
// (rocca audit list).
func (s *Service) AuditLog(ctx context.Context, orgName string, after int64, limit int) ([]model.AuditEntry, error) {
	orgID := ""
	if orgName != "" {
		o, err := s.store.OrgByName(ctx, orgName)
		if err != nil {
			return nil, fmt.Errorf("organisation %s: %w", orgName, err)
		}
		orgID = o.ID
	}
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	return s.store.AuditEntries(ctx, orgID, after, limit)
}

// VerifyReport is the outcome of VerifyAudit.
type VerifyReport struct {
	// Entries is the number of entries checked.
	Entries int64
	// Broken is the first entry that does not hold (nil when the chain is
	// intact), and Reason why.
	Broken *model.AuditEntry
	Reason string
	// Last is the hash of the last intact entry: kept elsewhere, it shows
	// later whether entries were removed from the end.
	Last string
}

// OK reports whether the chain is intact.
func (r VerifyReport) OK() bool { return r.Broken == nil }

// VerifyAudit walks the whole audit log in order and checks that the
// sequence numbers follow each other from 1, that each entry names its
// predecessor's hash, and that each entry's hash matches its content. It
// stops at the first entry that fails. Removing entries at the end of the
// log cannot be detected from the log alone: compare Entries (or the last
// hash) with a copy kept elsewhere.
func (s *Service) VerifyAudit(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	var prev model.AuditEntry
	after := int64(0)
	for {
		es, err := s.store.AuditEntries(ctx, "", after, 1000)
		if err != nil {
			return rep, err
		}
		for i := range es {
			e := es[i]
			reason := ""
			switch {
			case e.Seq != prev.Seq+1:
				reason = fmt.Sprintf("sequence number %d follows %d: entries missing", e.Seq, prev.Seq)
			case e.PrevHash != prev.Hash:
				reason = fmt.Sprintf("previous hash %s does not match entry %d's hash %s", e.PrevHash, prev.Seq, prev.Hash)
			case EntryHash(e.PrevHash, e) != e.Hash:
				reason = "hash does not match the entry's content (the entry was changed)"
			}
			if reason != "" {
				rep.Broken, rep.Reason = &e, reason
				return rep, nil
			}
			rep.Entries++
			prev = e
			rep.Last = e.Hash
		}
		if len(es) < 1000 {
			return rep, nil
		}
		after = es[len(es)-1].Seq
	}
}

// actorKey is the context key of the actor of a request.
type actorKey struct{}

// WithActor returns ctx carrying the actor of the request ("user:<id>",
// "apikey:<id>"), for audit entries recorded by hooks deeper down (an
// SBOM upload).
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor WithActor put in ctx, or "".
func ActorFrom(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// ActorOf names a principal as an actor (for WithActor).
func ActorOf(p Principal) string { return p.actor() }

// RecordUpload audits an SBOM stored for an organisation's version; the
// actor comes from ctx (WithActor), "" when unknown (a queued upload
// processed by a worker). It is the portfolio's OnIngested hook.
func (s *Service) RecordUpload(ctx context.Context, orgID, versionID, sbomID, digest, name string) {
	detail := "version:" + versionID + " sha256:" + digest
	if name != "" {
		detail += " name:" + name
	}
	s.record(ctx, model.AuditEntry{Actor: ActorFrom(ctx), OrgID: orgID, Action: ActionSBOMUpload, Target: "sbom:" + sbomID, Detail: detail})
}
