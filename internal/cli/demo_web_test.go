package cli_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestDemoServesWebApplication runs `rocca demo`: it prints the address
// and a login that works, the dashboard shows the demonstration
// organisation's findings (Log4Shell first: known exploited), and it stops
// cleanly when interrupted.
func TestDemoServesWebApplication(t *testing.T) {
	addr := testutil.FreeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- cli.Run(ctx, []string{"demo", "--addr", addr}, &stdout, &stderr) }()
	pwRe := regexp.MustCompile(`Password  (\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stdout.String(), "Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	out := stdout.String()
	m := pwRe.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "http://"+addr+"/") || !strings.Contains(out, "demo@example-macchine.example") {
		t.Fatalf("demo output:\n%s", out)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) string {
		res, err := c.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	page := get("/login")
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if tok == nil {
		t.Fatalf("login page:\n%s", page)
	}
	res, err := c.PostForm("http://"+addr+"/login", url.Values{"csrf": {tok[1]}, "email": {"demo@example-macchine.example"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	dash := string(body)
	for _, want := range []string{"Example Macchine S.r.l.", "CVE-2021-44228", "Linea HMI Gateway", "<svg"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if !strings.Contains(get("/products"), "Sensor hub SH-10") {
		t.Error("products page lacks the product without SBOM")
	}
	cancel()
	select {
	case code := <-done:
		if code != cli.ExitOK {
			t.Errorf("demo exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}
}
