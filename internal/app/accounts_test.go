package app

import (
	"context"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestServeAnnouncesSetup: serve on a database without users logs a
// setup URL with a one-time token, which creates the first
// administrator; the next start announces nothing.
func TestServeAnnouncesSetup(t *testing.T) {
	cfg, err := config.Resolve(config.Flags{Database: filepath.Join(t.TempDir(), "r.db")}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	urlRE := regexp.MustCompile(`url="?(http://[^"\s]+/setup\?token=[^"\s]+)`)
	serve := func() string {
		t.Helper()
		from := len(logs.String())
		since := func() string { return logs.String()[from:] }
		addr := testutil.FreeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		srv, err := a.NewServer(ctx, ServerOptions{Addr: addr})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, 5*time.Second) }()
		for deadline := time.Now().Add(20 * time.Second); !regexp.MustCompile(`msg=listening`).MatchString(since()); {
			if time.Now().After(deadline) {
				t.Fatalf("server did not start: %s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		m := urlRE.FindStringSubmatch(since())
		if m == nil {
			return ""
		}
		u, err := url.Parse(m[1])
		if err != nil || u.Host != addr {
			t.Fatalf("setup URL %q: %v", m[1], err)
		}
		return u.Query().Get("token")
	}
	token := serve()
	if token == "" {
		t.Fatalf("no setup URL logged:\n%s", logs.String())
	}
	res, err := a.Accounts().CompleteSetup(context.Background(), accounts.Setup{Token: token, Email: "admin@example.com",
		Password: "correct horse battery", OrgName: "Example Macchine"})
	if err != nil || !res.Principal.User.Admin {
		t.Fatalf("setup with the logged token: %+v %v", res.Principal.User, err)
	}
	if token := serve(); token != "" {
		t.Errorf("setup announced again once a user exists:\n%s", logs.String())
	}
}

// TestUploadAudited: every SBOM the App's portfolio stores is in the
// audit log with the request's actor; the current SBOM sent again is not.
func TestUploadAudited(t *testing.T) {
	a := openTestApp(t)
	ctx := context.Background()
	svc := a.Portfolio(0, 0)
	org, err := svc.CreateOrg(ctx, "Example Macchine")
	if err != nil {
		t.Fatal(err)
	}
	p := model.Product{Name: "Gateway"}
	if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
		t.Fatal(err)
	}
	v := model.Version{ProductID: p.ID, Name: "1.0"}
	if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}]}`)
	actx := accounts.WithActor(ctx, "apikey:k1")
	res, err := svc.Ingest(actx, org.ID, v.ID, doc, "bom.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ingest(actx, org.ID, v.ID, doc, "bom.json"); err != nil {
		t.Fatal(err)
	}
	es, err := a.Store.AuditEntries(ctx, org.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Action != accounts.ActionSBOMUpload || es[0].Actor != "apikey:k1" || es[0].Target != "sbom:"+res.SBOM.ID ||
		!regexp.MustCompile(`^version:`+v.ID+` sha256:[0-9a-f]{64} name:bom.json$`).MatchString(es[0].Detail) {
		t.Fatalf("audit entries %+v", es)
	}
}
