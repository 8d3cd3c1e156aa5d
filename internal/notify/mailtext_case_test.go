package notify_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
)

// A case reminder's e-mail names the case, the stage and the due time;
// outside text cannot add lines.
func TestMailTextCase(t *testing.T) {
	n := cases.Notice{Type: cases.EventOverdue, Stage: "early_warning", Due: "2026-12-08T05:12:00Z",
		Detail: "the early warning was due at 2026-12-08T05:12:00Z",
		Case:   cases.NoticeCase{ID: "c1", Type: "aev", State: "aware", Title: "CVE-2023-32681: leak\nBcc: x@evil.example", VulnIDs: []string{"CVE-2023-32681"}}}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	ev := model.OutboxEvent{ID: "e1", Type: cases.EventOverdue, ProductID: "p1", VersionID: "v1", Payload: b, Created: time.Date(2026, 12, 8, 5, 12, 0, 0, time.UTC)}
	subject, body, err := notify.MailText(ev, notify.Where{Product: "Linea HMI", Version: "4.2.0"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "[rocca] CRA reporting deadline overdue: CVE-2023-32681") || strings.ContainsAny(subject, "\r\n") {
		t.Fatalf("subject %q", subject)
	}
	for _, want := range []string{"Case:", "c1 (aev, aware)", "Stage:", "early_warning", "Due:", "2026-12-08T05:12:00Z", "Vulnerability:"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "\nBcc:") {
		t.Fatalf("a title added a line:\n%s", body)
	}
	for _, typ := range cases.EventTypes {
		found := false
		for _, e := range notify.EventTypes {
			found = found || e == typ
		}
		if !found {
			t.Errorf("subscriptions cannot ask for %s", typ)
		}
	}
}
