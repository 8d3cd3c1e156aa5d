package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/testutil/smtpsink"
)

// The SMTP settings reach the server: an e-mail subscription created
// through the API receives the upload's notification from the job engine.
func TestEmailEndToEnd(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { emailEndToEnd(t, e.URL) })
	}
}

func emailEndToEnd(t *testing.T, dbURL string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sk := smtpsink.Start(t, smtpsink.Options{})
	env := map[string]string{config.EnvSMTPHost: "127.0.0.1", config.EnvSMTPPort: strconv.Itoa(sk.Port()), config.EnvSMTPTLS: "none",
		config.EnvSMTPFrom: "rocca <rocca@example.com>"}
	cfg, err := config.Resolve(config.Flags{Database: dbURL, Addr: "127.0.0.1:0"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	org := model.Organisation{Name: "acme"}
	if err := a.Store.CreateOrg(ctx, &org); err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Portfolio(0, 0).CreateAPIKey(ctx, "acme", "ci")
	if err != nil {
		t.Fatal(err)
	}
	opts := app.ServerOptionsOf(cfg)
	if opts.SMTP == nil || opts.SMTP.Port != sk.Port() || opts.SMTP.TLS != "none" {
		t.Fatalf("SMTP options %+v", opts.SMTP)
	}
	opts.Feeds, opts.Poll, opts.WebhookLoopback = nil, 100*time.Millisecond, true
	srv, err := a.NewServer(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeListener(ctx, ln, 10*time.Second) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	call := func(method, path string, body []byte, want int) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+ln.Addr().String()+path, bytes.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		var v map[string]any
		_ = json.Unmarshal(b, &v)
		return v
	}
	call("POST", "/api/v1/email-subscriptions", []byte(`{"to":["sec@example.com"],"events":["upload.processed"]}`), http.StatusCreated)
	p := call("POST", "/api/v1/products", []byte(`{"name":"Linea HMI Gateway","craRole":"manufacturer"}`), http.StatusCreated)
	v := call("POST", "/api/v1/products/"+p["id"].(string)+"/versions", []byte(`{"name":"4.2.0","lifecycle":"on_market"}`), http.StatusCreated)
	_, sbomPath, err := demo.WriteTo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	call("POST", "/api/v1/versions/"+v["id"].(string)+"/sboms", doc, http.StatusCreated)
	deadline := time.Now().Add(30 * time.Second)
	for len(sk.Messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no e-mail after 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // nothing else is due
	msgs := sk.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "sec@example.com" {
		t.Fatalf("messages %+v", msgs)
	}
	m, err := mail.ReadMessage(strings.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != "[rocca] SBOM processed for Linea HMI Gateway 4.2.0" || m.Header.Get("X-Rocca-Event") != "upload.processed" {
		t.Errorf("subject %q, headers %v", subject, m.Header)
	}
}
