package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// The browser tests drive Debian's chromium headless through the whole
// application (the real server, accounts and database), check every page
// with axe-core (WCAG 2.1 A and AA rules; a serious or critical violation
// fails the test) and write a screenshot of every screen in English and
// Italian. scripts/test.sh installs chromium and axe-core and requires
// them (ROCCA_REQUIRE_BROWSER=1); elsewhere the test skips with a message.

// browserEnv returns chromium's path and axe-core's source, or skips (or
// fails, when required) saying how to run the test.
func browserEnv(t *testing.T) (chromium string, axe []byte) {
	t.Helper()
	required := os.Getenv("ROCCA_REQUIRE_BROWSER") == "1"
	missing := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...) + "; run ./scripts/test.sh (installs chromium and axe-core), or " +
			"apt-get install -y chromium && export ROCCA_AXE_JS=$(scripts/install-axe.sh)"
		if required {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	chromium = os.Getenv("ROCCA_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("browser tests need chromium: %v", err)
	}
	js := os.Getenv("ROCCA_AXE_JS")
	if js == "" {
		missing("browser tests need axe-core: ROCCA_AXE_JS is not set")
	}
	axe, err := os.ReadFile(js)
	if err != nil {
		missing("ROCCA_AXE_JS: %v", err)
	}
	return chromium, axe
}

// liveApp is the whole server on a fresh SQLite database with the demo
// knowledge base, and its log (where the setup URL appears).
type liveApp struct {
	base string
	app  *app.App
	log  *testutil.SyncBuffer
	demo []byte
}

func startLiveApp(t *testing.T) *liveApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	feeds, sbomPath, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Resolve(config.Flags{Database: filepath.Join(dir, "web.db"), Addr: "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &testutil.SyncBuffer{}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	demokb.Import(t, a.Store, feeds...)
	srv, err := a.NewServer(ctx, app.ServerOptions{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeListener(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		a.Close()
	})
	raw, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	return &liveApp{base: "http://" + ln.Addr().String(), app: a, log: logBuf, demo: demokb.WithGraph(raw)}
}

// setupURL waits for the setup URL the server logs at start.
func (l *liveApp) setupURL(t *testing.T) string {
	t.Helper()
	re := regexp.MustCompile(`url="?(http://[^"\s]+/setup\?token=[^"\s]+)`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := re.FindStringSubmatch(l.log.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no setup URL in the log:\n%s", l.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// chrome is one browser tab with the test's helpers.
type chrome struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	shots string
	lang  string
	n     int
}

func newChrome(t *testing.T, exe string, axe []byte, base, shots string) *chrome {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-GB"),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &chrome{t: t, ctx: ctx, base: base, axe: string(axe), shots: shots, lang: "en"}
}

// step is an action without a result.
type step = chromedp.Action[chromedp.Void]

// run runs steps with a time limit, failing the test on error.
func (c *chrome) run(what string, steps ...step) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		c.fail(what, err)
	}
}

// fail ends the test with the current page's main content.
func (c *chrome) fail(what string, err error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
	c.t.Fatalf("%s: %v\n%.3000s", what, err, html)
}

// get runs an action with a result.
func get[T any](c *chrome, what string, a chromedp.Action[T]) T {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		c.fail(what, err)
	}
	return v
}

// css is a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// page waits for the page named name (body[data-page]).
func page(name string) step {
	return chromedp.WaitVisible(css(`body[data-page="` + name + `"]`))
}

// open navigates to path and waits for the page named name.
func (c *chrome) open(path, name string) {
	c.t.Helper()
	c.run("open "+path, chromedp.Navigate(c.base+path), page(name))
}

// text returns the text of the first element matching sel.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	return get(c, "text of "+sel, chromedp.Text(css(sel)))
}

// axeViolation is what the test reports of an axe-core violation.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// check runs axe-core on the current page (WCAG 2.1 A/AA rules) and
// fails the test on a serious or critical violation; it then writes the
// page's screenshot as NN-name-lang.png.
func (c *chrome) check(name string) {
	c.t.Helper()
	get(c, "inject axe-core", chromedp.Evaluate[bool](c.axe+";true"))
	const runAxe = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify({violations: r.violations, passes: r.passes.length}))`
	raw := get(c, "run axe-core on "+name, chromedp.Evaluate[string](runAxe, chromedp.EvalAwaitPromise))
	var res struct {
		Violations []axeViolation `json:"violations"`
		Passes     int            `json:"passes"`
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		c.t.Fatalf("axe-core result on %s: %v", name, err)
	}
	if res.Passes < 5 {
		// A checker that checked nothing would pass every page.
		c.t.Errorf("%s (%s): axe-core passed only %d rules", name, c.lang, res.Passes)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		msg := fmt.Sprintf("%s (%s): axe %s %s: %s at %s", name, c.lang, v.Impact, v.ID, v.Help, strings.Join(where, ", "))
		if v.Impact == "serious" || v.Impact == "critical" {
			c.t.Error(msg)
		} else {
			c.t.Log(msg)
		}
	}
	if c.shots == "" {
		return
	}
	png := get(c, "screenshot "+name, chromedp.FullScreenshot(100))
	c.n++
	file := filepath.Join(c.shots, fmt.Sprintf("%02d-%s-%s.png", c.n, name, c.lang))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// setLang switches the interface language with the header's button.
func (c *chrome) setLang(lang, pageName string) {
	c.t.Helper()
	c.run("switch to "+lang, chromedp.Click(css(`form.lang button[value="`+lang+`"]`)), page(pageName),
		chromedp.WaitVisible(css(`html[lang="`+lang+`"]`)))
	c.lang = lang
}

// login signs in with the form.
func (c *chrome) login(email, password, next string) {
	c.t.Helper()
	c.open("/login", "login")
	c.run("sign in as "+email, chromedp.SendKeys(css("#email"), email), chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)), page(next))
}

// logout signs out with the header's button.
func (c *chrome) logout() {
	c.t.Helper()
	c.run("sign out", chromedp.Click(css(`form[action="/logout"] button`)), page("login"))
}

const (
	adminEmail    = "admin@acme.example"
	viewerEmail   = "viewer@acme.example"
	otherEmail    = "owner@bolt.example"
	leavingEmail  = "leaving@acme.example"
	browserPasswd = "a long enough passphrase for the tests"
)

// orgIDOf returns the id of the organisation named name.
func orgIDOf(t *testing.T, live *liveApp, name string) string {
	t.Helper()
	o, err := live.app.Store.OrgByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// TestBrowser covers, in a real browser: the first administrator's setup
// with the token from the log, a product and a version created, an SBOM
// uploaded with its findings shown (and a broken one with its located
// problems), a finding's detail, sign-out, a wrong password, a viewer who
// sees no editing forms and is refused the editing pages, a member of
// another organisation who cannot see the first one's product, the
// language switch, a webhook refused (loopback address), created and
// deleted, a member removed after the confirmation and an organisation
// created and listed by the switcher; every screen is checked with axe-core and
// photographed in English and Italian.
func TestBrowser(t *testing.T) {
	exe, axe := browserEnv(t)
	shots := os.Getenv("ROCCA_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(shots, "*.png"))
		for _, f := range old {
			os.Remove(f)
		}
	}
	live := startLiveApp(t)
	setup := live.setupURL(t)
	c := newChrome(t, exe, axe, live.base, shots)
	ctx := context.Background()

	// Setup: the page in both languages, then the first administrator.
	c.open(strings.TrimPrefix(setup, live.base), "setup")
	c.check("setup")
	c.setLang("it", "setup")
	c.check("setup")
	c.setLang("en", "setup")
	c.run("complete the setup",
		chromedp.SendKeys(css("#org"), "Acme Industrial"), chromedp.SendKeys(css("#email"), adminEmail),
		chromedp.SendKeys(css("#password"), browserPasswd), chromedp.SendKeys(css("#password2"), browserPasswd),
		chromedp.Click(css(`form[action="/setup"] button[type=submit]`)), page("dashboard"))
	if got := c.text("main h2"); !strings.Contains(got, "Welcome") {
		t.Errorf("empty dashboard heading %q", got)
	}
	c.check("dashboard-empty")

	// A product and a version.
	c.open("/products/new", "product_new")
	c.run("create a product", chromedp.SendKeys(css("#name"), "Linea HMI Gateway"),
		chromedp.SetValue(css("#support_end"), "2031-12-31"),
		chromedp.Click(css(`form[action="/products"] button[type=submit]`)), page("product"))
	productURL := get(c, "product address", chromedp.Location())
	c.run("add a version", chromedp.SendKeys(css("#vname"), "4.2.0"),
		chromedp.Click(css(`form[action$="/versions"] button[type=submit]`)), page("version"))
	versionURL := get(c, "version address", chromedp.Location())
	versionPath := strings.TrimPrefix(versionURL, live.base)
	versionPath = strings.SplitN(versionPath, "?", 2)[0]

	// A broken SBOM is refused with its located problems; the demo SBOM
	// is accepted and its findings appear.
	dir := t.TempDir()
	broken, good := filepath.Join(dir, "broken.cdx.json"), filepath.Join(dir, "hmi-gateway.cdx.json")
	os.WriteFile(broken, []byte(brokenSBOM), 0o644)
	os.WriteFile(good, live.demo, 0o644)
	c.open(versionPath+"/upload", "upload")
	c.run("upload a broken SBOM", chromedp.SetUploadFiles(css("#sbom"), []string{broken}),
		chromedp.Click(css(`form[data-dropzone] button[type=submit]`)), chromedp.WaitVisible(css(".error-box")))
	if got := c.text(".error-box"); !strings.Contains(got, "broken.cdx.json") {
		t.Errorf("rejection box: %q", got)
	}
	c.check("upload-rejected")
	c.run("upload the demo SBOM", chromedp.SetUploadFiles(css("#sbom"), []string{good}),
		chromedp.Click(css(`form[data-dropzone] button[type=submit]`)), chromedp.WaitVisible(css(".ok-box")))
	c.check("upload-accepted")
	c.run("see the findings", chromedp.Click(css(".ok-box a")), page("findings"))
	if got := c.text("table.findings"); !strings.Contains(got, "CVE-2021-44228") {
		t.Errorf("the version's findings lack Log4Shell:\n%s", got)
	}
	c.run("open Log4Shell", chromedp.Click(`//table[contains(@class,"findings")]//a[text()="CVE-2021-44228"]`), page("finding"))
	if got := c.text(".facts"); !strings.Contains(got, "GHSA-jfh8-c2jp-5v3q") || !strings.Contains(got, "2.15.0") {
		t.Errorf("finding detail lacks its ids or fixed version:\n%s", got)
	}
	findingURL := get(c, "finding address", chromedp.Location())

	// Triage from the finding's page: not affected (the vulnerable code is
	// never called), for every version of the product.
	c.run("open the triage form", chromedp.Click(css(`details.triage summary`)), chromedp.WaitVisible(css(`#t-status-not_affected`)))
	c.check("finding-triage-form")
	c.run("record a decision", chromedp.Click(css(`#t-status-not_affected`)),
		chromedp.Click(css(`#t-just-vulnerable_code_not_in_execute_path`)), chromedp.Click(css(`#t-scope-product`)),
		chromedp.Click(css(`form[action$="/analysis"] button[type=submit]`)), page("finding"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("#analysis .facts"); !strings.Contains(got, "Not affected") || !strings.Contains(got, "Vulnerable code not in execute path") ||
		!strings.Contains(got, adminEmail) {
		t.Errorf("the recorded decision is not shown:\n%s", got)
	}
	c.check("finding-triaged")

	// Triage from the list: one selected finding, then every untriaged
	// one after the confirmation of their number.
	c.open(versionPath+"/findings?analysis=none", "findings")
	first := get(c, "first untriaged finding", chromedp.AttributeValue(css(`table.findings input[name="id"]`), "value")).Value
	c.run("triage a selection", chromedp.Click(css(`table.findings input[name="id"]`)), chromedp.Click(css(`#bulk-triage summary`)),
		chromedp.Click(css(`#b-status-under_investigation`)), chromedp.Click(css(`#bulk button[value="selected"]`)),
		page("findings"), chromedp.WaitVisible(css(`main .notice`)))
	c.open("/findings/"+first, "finding")
	if got := c.text("#analysis .facts"); !strings.Contains(got, "Under investigation") {
		t.Errorf("the selected finding was not triaged:\n%s", got)
	}
	c.open(versionPath+"/findings?analysis=none", "findings")
	c.run("triage by filter", chromedp.Click(css(`#bulk-triage summary`)), chromedp.Click(css(`#b-status-affected`)),
		chromedp.SendKeys(css(`#b-action`), "Update the gateway to the next release."),
		chromedp.Click(css(`#bulk button[value="filter"]`)), page("triage_confirm"))
	if got := c.text("main"); !strings.Contains(got, "match the filters") && !strings.Contains(got, "matches the filters") {
		t.Errorf("confirmation without the count:\n%s", got)
	}
	c.check("triage-confirm")
	c.run("confirm", chromedp.Click(css(`main form button[type=submit]`)), page("findings"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("main"); !strings.Contains(got, "No finding matches these filters") {
		t.Errorf("untriaged findings remain:\n%.2000s", got)
	}

	// Every screen, in English then in Italian.
	acc := live.app.Accounts()
	admin, err := acc.Login(ctx, accounts.LoginRequest{Email: adminEmail, Password: browserPasswd, RemoteAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	orgA := admin.Principal.Org.OrgID
	c.open(versionPath, "version")
	sbomPath := get(c, "SBOM link", chromedp.AttributeValue(css(`a[href^="/sboms/"]`), "href")).Value
	c.open(versionPath+"/components?q=log4j", "components")
	componentPath := get(c, "component link", chromedp.AttributeValue(css(`table a[href^="/components/"]`), "href")).Value
	screens := []struct{ path, name string }{
		{"/", "dashboard"}, {"/products", "products"}, {"/products/new", "product_new"},
		{strings.TrimPrefix(productURL, live.base), "product"}, {versionPath, "version"},
		{versionPath + "/components", "components"}, {componentPath, "component"}, {sbomPath, "sbom"},
		{versionPath + "/upload", "upload"}, {"/findings", "findings"}, {"/findings?kev=yes&sort=epss", "findings"},
		{versionPath + "/findings", "findings"}, {"/findings?analysis=actionable", "findings"},
		{strings.TrimPrefix(findingURL, live.base), "finding"}, {"/kb?q=CVE-2021-44228", "kb"}, {"/kb?q=npm:lodash", "kb"},
		{"/settings", "settings"}, {"/settings/api-keys", "apikeys"}, {"/settings/feeds", "feeds"}, {"/settings/notifications", "notifications"}, {"/account", "account"},
		{"/orgs/new", "org_new"},
		{"/no-such-page", "error"},
	}
	for _, lang := range []string{"en", "it"} {
		c.open("/", "dashboard")
		if c.lang != lang {
			c.setLang(lang, "dashboard")
		}
		for _, s := range screens {
			c.open(s.path, s.name)
			c.check(s.name)
		}
	}
	// The triage forms, opened, in Italian.
	c.open(strings.TrimPrefix(findingURL, live.base), "finding")
	c.run("open the triage form (it)", chromedp.Click(css(`details.triage summary`)), chromedp.WaitVisible(css(`#t-status-not_affected`)))
	c.check("finding-triage-form")
	c.open(versionPath+"/findings", "findings")
	c.run("open the bulk form (it)", chromedp.Click(css(`#bulk-triage summary`)), chromedp.WaitVisible(css(`#b-status-fixed`)))
	c.check("findings-bulk-form")
	if got := c.text("nav"); !strings.Contains(got, "Cruscotto") || !strings.Contains(got, "Prodotti") {
		t.Errorf("Italian navigation: %q", got)
	}
	// A tablet's viewport (portrait): the layout reflows.
	c.run("tablet viewport", chromedp.EmulateViewport(768, 1024))
	for _, s := range []struct{ path, name string }{{"/", "dashboard"}, {"/findings", "findings"}, {strings.TrimPrefix(findingURL, live.base), "finding"}} {
		c.open(s.path, s.name)
		c.check(s.name + "-tablet")
	}
	c.run("laptop viewport", chromedp.ResetViewport())
	// An API key, shown once.
	c.open("/settings/api-keys", "apikeys")
	c.run("create an API key", chromedp.SendKeys(css("#label"), "ci"),
		chromedp.Click(css(`form[action="/settings/api-keys"] button[type=submit]`)), chromedp.WaitVisible(css("#secret")))
	c.check("apikey-created")
	c.setLang("en", "apikeys")

	// A webhook: a loopback address is refused next to the field (in
	// Italian, then English); a Dependency-Track webhook for exploited
	// findings is created with its secret shown once, then deleted.
	c.open("/settings/notifications", "notifications")
	c.setLang("it", "notifications")
	c.run("refused loopback webhook", chromedp.SendKeys(css("#wh-url"), "http://127.0.0.1:9/hook"),
		chromedp.Click(css(`form[action="/settings/notifications/webhooks"] button[type=submit]`)), page("notifications"),
		chromedp.WaitVisible(css(`#wh_url-error`)))
	if got := c.text("#wh_url-error"); !strings.Contains(got, "loopback") || !strings.Contains(got, "rocca non vi invia webhook") {
		t.Errorf("loopback refusal: %q", got)
	}
	c.check("notifications-refused")
	c.open("/settings/notifications", "notifications")
	c.setLang("en", "notifications")
	c.run("create a webhook", chromedp.SendKeys(css("#wh-url"), "https://tickets.example.com/hooks/rocca"),
		chromedp.Click(css(`#wh-format-dependency-track`)), chromedp.Click(css(`input[id="wh-ev-finding.exploited"]`)),
		chromedp.Click(css(`form[action="/settings/notifications/webhooks"] button[type=submit]`)), page("notifications"),
		chromedp.WaitVisible(css(`#wh-created-secret`)))
	if got := c.text("#wh-h ~ table"); !strings.Contains(got, "https://tickets.example.com/hooks/rocca") || !strings.Contains(got, "dependency-track") {
		t.Errorf("the new webhook is not listed: %q", got)
	}
	c.check("notifications-webhook-created")
	c.run("delete the webhook", chromedp.Click(css(`form[action$="/delete"][action^="/settings/notifications/webhooks/"] button`)),
		page("notifications"), chromedp.WaitVisible(css(`main .notice`)))
	if n := get(c, "count the webhooks", chromedp.Evaluate[int](`document.querySelectorAll('form[action^="/settings/notifications/webhooks/"]').length`)); n != 0 {
		t.Errorf("%d webhooks left after the deletion", n)
	}
	c.check("notifications-webhook-deleted")

	// Members and organisations: the administrator removes a member after
	// the confirmation page (in both languages) and creates an
	// organisation, which becomes the current one and which the switcher
	// lists; then switches back to acme.
	if _, err := live.app.Accounts().CreateUser(ctx, accounts.NewUser{Email: leavingEmail, Password: browserPasswd}, accounts.ActorCLI); err != nil {
		t.Fatal(err)
	}
	if err := live.app.Accounts().Grant(ctx, "Acme Industrial", leavingEmail, "editor", accounts.ActorCLI); err != nil {
		t.Fatal(err)
	}
	c.open("/settings", "settings")
	removePath := get(c, "removal link", chromedp.AttributeValue(css(`a[href$="/remove"]`), "href")).Value
	c.open(removePath, "member_remove")
	if got := c.text("main"); !strings.Contains(got, leavingEmail) {
		t.Errorf("the confirmation does not name the member: %q", got)
	}
	c.check("member_remove")
	c.setLang("it", "member_remove")
	c.check("member_remove")
	c.setLang("en", "member_remove")
	c.run("remove the member", chromedp.Click(css(`main form button[type=submit]`)), page("settings"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("main table"); strings.Contains(got, leavingEmail) {
		t.Errorf("the removed member is listed: %q", got)
	}
	c.open("/orgs/new", "org_new")
	c.run("create an organisation", chromedp.SendKeys(css("#org-name"), "Nuova Meccanica Srl"),
		chromedp.Click(css(`form[action="/orgs"] button[type=submit]`)), page("settings"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("#org-switch"); !strings.Contains(got, "Acme Industrial") || !strings.Contains(got, "Nuova Meccanica Srl") {
		t.Errorf("the organisation switcher lists %q", got)
	}
	if got := c.text("main .facts"); !strings.Contains(got, "Nuova Meccanica Srl") {
		t.Errorf("the new organisation is not the current one: %q", got)
	}
	c.check("settings-new-org")
	c.run("switch back to acme", chromedp.SetValue(css("#org-switch"), orgIDOf(t, live, "Acme Industrial")),
		chromedp.Click(css(`form[action="/org"] button[type=submit]`)), page("dashboard"))

	// CRA reporting, in the browser's time zone (Rome): putting the
	// version on the market opens the cases of its known-exploited
	// findings for assessment; the person confirms awareness, sees the
	// deadlines and the SRP draft, and "mark submitted" is refused while
	// a required field is empty.
	c.run("time zone Europe/Rome", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Rome"})
		return err
	}))
	c.open(versionPath, "version")
	c.run("put the version on the market", chromedp.SetValue(css("#lc"), "on_market"),
		chromedp.Click(css(`form[action$="/lifecycle"] button[type=submit]`)), chromedp.WaitVisible(css("main p.notice")))
	cs, err := live.app.Cases(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Log4Shell was triaged not_affected above, so it opens no case
	// (cases.Sync leaves out findings whose effective status is
	// not_affected or fixed); the other known-exploited findings do.
	if log4shell, err := cs.List(ctx, orgA, store.CaseQuery{Vuln: "CVE-2021-44228"}); err != nil || len(log4shell) != 0 {
		t.Errorf("a case for Log4Shell, triaged not_affected: %v, %d", err, len(log4shell))
	}
	found, err := cs.List(ctx, orgA, store.CaseQuery{})
	if err != nil || len(found) == 0 {
		t.Fatalf("no reporting case: %v\n%s", err, live.log.String())
	}
	casePath := "/cases/" + found[0].ID
	c.open("/", "dashboard")
	if got := c.text(".clocks"); !strings.Contains(got, "Waiting for assessment") || !strings.Contains(got, "Europe/Rome") {
		t.Errorf("dashboard's open clocks: %q", got)
	}
	c.open(casePath, "case")
	c.check("case-assessment")
	c.run("confirm awareness", chromedp.SendKeys(css("#aw-reason"), "The vulnerability is on CISA KEV and the component ships in the gateway"),
		chromedp.Click(css(`#awareness-form button[type=submit]`)), page("case"), chromedp.WaitVisible(css(`tr[data-stage="early_warning"]`)))
	if got := c.text(`tr[data-stage="early_warning"]`); !strings.Contains(got, "left") || !strings.Contains(got, "CET") {
		t.Errorf("early warning row: %q", got)
	}
	c.check("case-aware")
	c.open(casePath+"/draft?stage=early_warning", "draft")
	c.run("mark submitted with a required field empty", chromedp.Click(css(`form.draft button[type=submit]`)),
		page("draft"), chromedp.WaitVisible(css("#draft-refusal")))
	if got := c.text("#draft-refusal"); !strings.Contains(got, "required fields are empty") {
		t.Errorf("draft refusal: %q", got)
	}
	c.check("draft-refused")
	reporting := []struct{ path, name string }{
		{"/", "dashboard"}, {"/cases", "cases"}, {"/cases/new", "case_new"}, {casePath, "case"},
		{casePath + "/draft?stage=early_warning", "draft"}, {casePath + "/draft?stage=notification", "draft"},
		{"/settings/reporting", "reporting_profile"},
	}
	for _, lang := range []string{"en", "it"} {
		c.open("/", "dashboard")
		if c.lang != lang {
			c.setLang(lang, "dashboard")
		}
		for _, s := range reporting {
			c.open(s.path, s.name)
			c.check("reporting-" + s.name)
		}
	}
	c.open("/", "dashboard")
	if got := c.text(".clocks"); !strings.Contains(got, "Termini in corso") || !strings.Contains(got, "mancano") {
		t.Errorf("Italian open clocks: %q", got)
	}
	c.setLang("en", "dashboard")

	// Sign out; a wrong password is refused.
	c.logout()
	c.check("login")
	c.run("wrong password", chromedp.SendKeys(css("#email"), adminEmail), chromedp.SendKeys(css("#password"), "not the password"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)), chromedp.WaitVisible(css("#login-error")))
	c.check("login-wrong")
	c.setLang("it", "login")
	c.check("login")
	c.setLang("en", "login")

	// A viewer of acme sees no editing forms and is refused the editing
	// pages.
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: viewerEmail, Password: browserPasswd}, accounts.ActorCLI); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.AddMember(ctx, admin.Principal, orgA, viewerEmail, "viewer", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	c.login(viewerEmail, browserPasswd, "dashboard")
	c.open(strings.TrimPrefix(productURL, live.base), "product")
	forms := get(c, "count the forms", chromedp.Evaluate[int](`document.querySelectorAll('main form[method="post"]').length`))
	if forms != 0 {
		t.Errorf("the viewer sees %d editing forms on the product page", forms)
	}
	c.open("/products/new", "error")
	if got := c.text("main .error"); !strings.Contains(got, "role") {
		t.Errorf("viewer on /products/new: %q", got)
	}
	c.check("error-forbidden")
	c.logout()

	// A member of another organisation cannot see acme's product.
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: otherEmail, Password: browserPasswd}, accounts.ActorCLI); err != nil {
		t.Fatal(err)
	}
	other, err := acc.Login(ctx, accounts.LoginRequest{Email: otherEmail, Password: browserPasswd, RemoteAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.CreateOrg(ctx, other.Principal, "Bolt Automazione", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	c.login(otherEmail, browserPasswd, "dashboard")
	for _, p := range []string{strings.TrimPrefix(productURL, live.base), versionPath, strings.TrimPrefix(findingURL, live.base)} {
		c.open(p, "error")
	}
	c.open("/products", "products")
	if got := c.text("main"); strings.Contains(got, "Linea HMI Gateway") {
		t.Error("another organisation's member sees acme's product in the list")
	}
}
