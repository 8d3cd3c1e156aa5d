package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cli"
)

// TestDatabasePasswordNeverPrinted runs every command that touches the
// database with an unreachable or malformed PostgreSQL URL holding a
// password in each form a URL can carry one, from the flag and from the
// environment, with debug logging, and checks that the password appears
// neither on stdout nor on stderr.
func TestDatabasePasswordNeverPrinted(t *testing.T) {
	urls := []string{
		"postgres://rocca:Userinfo-S3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=5",
		"postgres://rocca@127.0.0.1:1/db?password=Query-S3cret&sslmode=disable",
		"postgresql://rocca@127.0.0.1:1/db?sslmode=disable&PASSWORD=Upper-S3cret",
		"postgres://rocca@127.0.0.1:1/db?sslpassword=Ssl-S3cret&sslmode=disable",
		"postgres://rocca@127.0.0.1:1/db?password=Parse-S3cret&sslmode=bogus",           // the driver rejects the URL
		"postgres://rocca:Pct%zz-S3cret@127.0.0.1:1/db?password=Pct-S3cret",             // no URL parser accepts it
		"postgres://rocca:Enc%2FS3cret@127.0.0.1:1/db?password=Enc%2BS3cret&sslmode=no", // percent-encoded passwords
		"host=127.0.0.1 port=1 user=rocca password=Kv-S3cret dbname=db",                 // key=value form, refused
	}
	bom := writeFile(t, "bom.json", conformingBOM)
	dir := t.TempDir()
	// Should a form ever be taken for a SQLite path again, its files land
	// here, and a server it would start stops with the context.
	t.Chdir(dir)
	commands := [][]string{
		{"db", "info"},
		{"db", "migrate"},
		{"db", "import", bom},
		{"db", "backup", filepath.Join(dir, "backup.db")},
		{"scan", bom},
		{"serve", "--addr", "127.0.0.1:0"},
		{"config"},
		{"org", "list"},
		{"product", "list", "--org", "x"},
	}
	for _, u := range urls {
		for _, c := range commands {
			for _, from := range []string{"flag", "env"} {
				args := append(append([]string{}, c...), "--log-level", "debug")
				if from == "flag" {
					args = append(args, "--database", u)
					t.Setenv("ROCCA_DATABASE_URL", "")
				} else {
					t.Setenv("ROCCA_DATABASE_URL", u)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				var stdout, stderr bytes.Buffer
				code := cli.Run(ctx, args, &stdout, &stderr)
				cancel()
				out, errs := stdout.String(), stderr.String()
				if strings.Contains(out+errs, "S3cret") {
					t.Errorf("rocca %s (database from %s: %s) printed the password:\nstdout: %s\nstderr: %s",
						strings.Join(c, " "), from, u, out, errs)
				}
				if c[0] != "config" && code == cli.ExitOK {
					t.Errorf("rocca %s with %s succeeded", strings.Join(c, " "), u)
				}
			}
		}
	}
}
