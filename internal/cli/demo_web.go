package cli

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/model"
)

// demoEmail is the demonstration user's address.
const demoEmail = "demo@example-macchine.example"

// runWebDemo builds the demonstration database and serves the web
// application on it until the command's context ends.
func runWebDemo(cmd *cobra.Command, e *env, keep, addr string) error {
	ctx := cmd.Context()
	dir := keep
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "rocca-demo-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	db := filepath.Join(dir, "demo.db")
	if _, err := os.Stat(db); err == nil {
		return usageErr("--keep %s: a demo database is already there; remove it or choose another directory", dir)
	}
	feeds, _, err := demo.WriteTo(dir)
	if err != nil {
		return err
	}
	cfg, err := config.Resolve(config.Flags{Database: db, LogLevel: e.flags.LogLevel}, e.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Importer().Import(ctx, feeds)
	if err != nil {
		return err
	}
	if rep.Failed() {
		return fmt.Errorf("demo data did not import:\n%s", rep.Summary())
	}
	password, err := seedDemo(ctx, a, time.Now())
	if err != nil {
		return fmt.Errorf("demo portfolio: %w", err)
	}
	srv, err := a.NewServer(ctx, app.ServerOptions{Addr: addr, Build: e.build})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		// Taken (another rocca, say): any free port of the same host.
		host, _, _ := net.SplitHostPort(addr)
		if ln, err = net.Listen("tcp", net.JoinHostPort(host, "0")); err != nil {
			return fmt.Errorf("demo: listen: %w", err)
		}
	}
	fmt.Fprintf(e.stdout, `rocca demo: the web application is running.

  Open      http://%s/
  E-mail    %s
  Password  %s   (made for this run only)

The REST API is under /api/v1 on the same address. Data: %s
Press Ctrl-C to stop.
`, ln.Addr(), demoEmail, password, dir)
	return srv.ServeListener(ctx, ln, 10*time.Second)
}

// seedDemo creates the demonstration user and organisation (the user
// owns it) and uploads the demonstration SBOMs, each as of its day in
// the past, through the same use cases as the application. It returns
// the user's password, random for each run.
func seedDemo(ctx context.Context, a *app.App, now time.Time) (string, error) {
	password := demoPassword()
	acc := a.Accounts()
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: demoEmail, Name: "Giulia Demo", Password: password, Admin: true},
		accounts.ActorCLI); err != nil {
		return "", err
	}
	login, err := acc.Login(ctx, accounts.LoginRequest{Email: demoEmail, Password: password, RemoteAddr: "127.0.0.1"})
	if err != nil {
		return "", err
	}
	org, err := acc.CreateOrg(ctx, login.Principal, demo.Organisation, "127.0.0.1")
	if err != nil {
		return "", err
	}
	if err := acc.Logout(ctx, login.Token, "127.0.0.1"); err != nil {
		return "", err
	}
	svc := a.Portfolio(0, 0)
	type upload struct {
		product string
		rel     demo.Release
		version string
	}
	var uploads []upload
	for _, p := range demo.Portfolio() {
		prod := model.Product{Name: p.Name, Role: model.CRARole(p.Role), IntendedPurpose: p.Purpose, SecurityContact: p.Contact}
		if p.SupportEnd != "" {
			prod.SupportEnd, _ = time.Parse(time.DateOnly, p.SupportEnd)
		}
		if err := svc.CreateProduct(ctx, org.ID, &prod); err != nil {
			return "", err
		}
		made := map[string]string{}
		for _, r := range p.Releases {
			if _, ok := made[r.Version]; !ok {
				v := model.Version{ProductID: prod.ID, Name: r.Version, Lifecycle: model.Lifecycle(r.Lifecycle)}
				if r.Released != "" {
					v.ReleaseDate, _ = time.Parse(time.DateOnly, r.Released)
				}
				if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
					return "", err
				}
				made[r.Version] = v.ID
			}
			if r.Components != nil {
				uploads = append(uploads, upload{product: p.Name, rel: r, version: made[r.Version]})
			}
		}
	}
	// Oldest first, each at its own time: the findings' history (and the
	// dashboard's trend) follows.
	slices.SortStableFunc(uploads, func(x, y upload) int { return y.rel.DaysAgo - x.rel.DaysAgo })
	for _, u := range uploads {
		at := now.Add(-time.Duration(u.rel.DaysAgo) * 24 * time.Hour)
		doc, err := u.rel.SBOM(u.product, at)
		if err != nil {
			return "", err
		}
		svc.Now = func() time.Time { return at }
		name := strings.ToLower(strings.NewReplacer(" ", "-", ".", "-").Replace(u.product+"-"+u.rel.Version)) + ".cdx.json"
		if _, err := svc.Ingest(ctx, org.ID, u.version, doc, name); err != nil {
			return "", fmt.Errorf("%s %s: %w", u.product, u.rel.Version, err)
		}
	}
	return password, nil
}

// demoPassword is 20 random letters and digits in groups of five (easy to
// type, well above the password policy's minimum).
func demoPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 20)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return out.String()
}
