package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
)

// Envelope is the body of a webhook in rocca's format.
type Envelope struct {
	// ID is the event's id: the same on every retry of every delivery.
	ID             string          `json:"id"`
	Type           string          `json:"type"`
	CreatedAt      time.Time       `json:"createdAt"`
	OrganisationID string          `json:"organisationId"`
	ProductID      string          `json:"productId,omitempty"`
	VersionID      string          `json:"versionId,omitempty"`
	Data           json.RawMessage `json:"data"`
}

// Body renders an event in a subscription's format.
func Body(format string, ev model.OutboxEvent) ([]byte, error) {
	if format == model.FormatDependencyTrack {
		return dtBody(ev)
	}
	return json.Marshal(Envelope{ID: ev.ID, Type: ev.Type, CreatedAt: ev.Created, OrganisationID: ev.OrgID,
		ProductID: ev.ProductID, VersionID: ev.VersionID, Data: ev.Payload})
}

// dtGroups maps rocca's event types to Dependency-Track's notification
// groups (REPORTING.md §5); changes of an existing finding have no group
// of their own there and are sent as PROJECT_AUDIT_CHANGE.
var dtGroups = map[string]string{
	"finding.new":      "NEW_VULNERABILITY",
	"upload.processed": "BOM_PROCESSED",
	"upload.failed":    "BOM_PROCESSING_FAILED",
}

type dtNotification struct {
	Notification struct {
		Level     string         `json:"level"`
		Scope     string         `json:"scope"`
		Group     string         `json:"group"`
		Timestamp string         `json:"timestamp"`
		Title     string         `json:"title"`
		Content   string         `json:"content"`
		Subject   map[string]any `json:"subject"`
	} `json:"notification"`
}

// dtBody renders an event in Dependency-Track's webhook envelope, so that
// receivers written for it (chat bridges) work unchanged.
func dtBody(ev model.OutboxEvent) ([]byte, error) {
	var n dtNotification
	group, ok := dtGroups[ev.Type]
	if !ok {
		group = "PROJECT_AUDIT_CHANGE"
	}
	n.Notification.Level, n.Notification.Scope, n.Notification.Group = "INFORMATIONAL", "PORTFOLIO", group
	n.Notification.Timestamp = ev.Created.UTC().Format("2006-01-02T15:04:05.000Z")
	n.Notification.Subject = map[string]any{"project": map[string]any{"uuid": ev.VersionID}}
	if !strings.HasPrefix(ev.Type, "finding.") {
		n.Notification.Title = ev.Type
		var data map[string]any
		if err := json.Unmarshal(ev.Payload, &data); err != nil {
			return nil, fmt.Errorf("event %s: %w", ev.ID, err)
		}
		n.Notification.Content = fmt.Sprint(data["detail"])
		n.Notification.Subject["bom"] = data
		return json.Marshal(n)
	}
	var notice findings.Notice
	if err := json.Unmarshal(ev.Payload, &notice); err != nil || notice.Finding == nil {
		return nil, fmt.Errorf("event %s: not a finding notice: %v", ev.ID, err)
	}
	f := notice.Finding
	if group == "NEW_VULNERABILITY" {
		n.Notification.Level = "INFORMATIONAL"
		n.Notification.Title = "New Vulnerability Identified"
	} else {
		n.Notification.Title = "Analysis Decision: " + strings.TrimPrefix(ev.Type, "finding.")
	}
	n.Notification.Content = f.VulnID + " in " + f.ComponentKey
	if notice.Event.Detail != "" {
		n.Notification.Content += ": " + notice.Event.Detail
	}
	aliases := make([]map[string]string, 0, len(f.VulnIDs))
	for _, id := range f.VulnIDs {
		if id != f.VulnID {
			aliases = append(aliases, map[string]string{"vulnId": id})
		}
	}
	n.Notification.Subject["component"] = map[string]any{"uuid": f.ComponentID, "name": f.Component.Name,
		"version": f.Component.Version, "group": f.Component.Group, "purl": f.Component.PURL}
	n.Notification.Subject["vulnerability"] = map[string]any{"vulnId": f.VulnID, "source": source(f.VulnID),
		"aliases": aliases, "title": f.Summary, "severity": strings.ToUpper(string(f.Severity.Rating)),
		"cvssv3BaseScore": f.Severity.Score, "isKev": f.KEV, "epssScore": f.EPSS}
	return json.Marshal(n)
}

// source names the database an id comes from, as Dependency-Track does.
func source(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD"
	case strings.HasPrefix(id, "GHSA-"):
		return "GITHUB"
	default:
		return "OSV"
	}
}
