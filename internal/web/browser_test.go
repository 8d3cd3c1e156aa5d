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
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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
	c.checkExcept(name, nil, 5)
}

// plainTextRules are the axe-core rules a text/plain answer cannot
// follow: Chromium shows it in an HTML page of its own, without a
// language or a title (rocca sends the language as Content-Language).
var plainTextRules = map[string]bool{"html-has-lang": true, "document-title": true}

// checkText is check for a text/plain answer (the user notice), where
// axe-core has little to check.
func (c *chrome) checkText(name string) {
	c.t.Helper()
	c.checkExcept(name, plainTextRules, 1)
}

// checkExcept is check with the violations of the rules in except only
// logged, failing when axe-core passed fewer than minPasses rules.
func (c *chrome) checkExcept(name string, except map[string]bool, minPasses int) {
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
	if res.Passes < minPasses {
		// A checker that checked nothing would pass every page.
		c.t.Errorf("%s (%s): axe-core passed only %d rules", name, c.lang, res.Passes)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target...))
		}
		msg := fmt.Sprintf("%s (%s): axe %s %s: %s at %s", name, c.lang, v.Impact, v.ID, v.Help, strings.Join(where, ", "))
		if (v.Impact == "serious" || v.Impact == "critical") && !except[v.ID] {
			c.t.Error(msg)
		} else {
			c.t.Log(msg)
		}
	}
	if c.shots == "" {
		return
	}
	png := get(c, "screenshot "+name, screenshot)
	c.n++
	file := filepath.Join(c.shots, fmt.Sprintf("%03d-%s-%s.png", c.n, name, c.lang))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// screenshot photographs the whole page as PNG, encoded for speed (the
// test takes over a hundred).
func screenshot(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	yes := true
	r, err := cdp.Call(ctx, t, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{CaptureBeyondViewport: &yes, FromSurface: &yes,
		Format: cdppage.CaptureScreenshotFormatPng, OptimizeForSpeed: &yes})
	if err != nil {
		return nil, err
	}
	return r.Data, nil
}

// setLang switches the interface language with the header's button.
func (c *chrome) setLang(lang, pageName string) {
	c.t.Helper()
	c.run("switch to "+lang, chromedp.Click(css(`form.lang button[value="`+lang+`"]`)), page(pageName),
		chromedp.WaitVisible(css(`html[lang="`+lang+`"]`)))
	c.lang = lang
}

// otherLang is the interface language that is not lang.
func otherLang(lang string) string {
	if lang == "en" {
		return "it"
	}
	return "en"
}

// postLang switches the interface language as the header's button does
// (the same form posted to /lang) but stays on the page: for a screen
// that is the answer to a post, whose address a language switch cannot
// re-open. The next page opened is in lang.
func (c *chrome) postLang(lang string) {
	c.t.Helper()
	js := fmt.Sprintf(`(async () => {
		const body = new URLSearchParams(new FormData(document.querySelector("form.lang")));
		body.set("lang", %q);
		const r = await fetch("/lang", {method: "POST", body: body, redirect: "manual"});
		return r.type === "opaqueredirect" ? 303 : r.status;
	})()`, lang)
	if code := get(c, "post the language "+lang, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise)); code != 303 {
		c.t.Fatalf("language switch to %s: status %d", lang, code)
	}
	c.lang = lang
}

// checkBoth checks and photographs the current screen in the current
// language, then in the other one, and leaves it shown in the first
// language again. again re-creates the screen after each switch (it
// navigates and repeats the actions that led to it: a post, or a click
// that opens a form); with again nil the switch itself re-opens the
// page's address, which shows the same state (a page, or the answer to a
// post redirected to an address with its ?notice=).
func (c *chrome) checkBoth(name string, again func()) {
	c.t.Helper()
	first := c.lang
	c.check(name)
	if again == nil {
		pg := get(c, "page name", chromedp.AttributeValue(css("body"), "data-page")).Value
		c.setLang(otherLang(first), pg)
		c.check(name)
		c.setLang(first, pg)
		return
	}
	for _, lang := range []string{otherLang(first), first} {
		c.postLang(lang)
		again()
		c.run("the screen in "+lang, chromedp.WaitVisible(css(`html[lang="`+lang+`"]`)))
		if lang != first {
			c.check(name)
		}
	}
}

// inLang opens path (the page named pageName) in lang.
func (c *chrome) inLang(lang, path, pageName string) {
	c.t.Helper()
	c.open(path, pageName)
	if c.lang != lang {
		c.setLang(lang, pageName)
	}
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
// with the token from the log, keyboard focus on the skip link, a product
// and a version created, an SBOM uploaded with its findings shown (a
// broken one with its located problems, and one dropped onto the form's
// zone), a finding's detail and its triage, a VEX document imported,
// sign-out, a wrong password, a viewer who sees no editing forms and is
// refused the editing pages, a member of another organisation who cannot
// see the first one's product, the language switch, a webhook refused
// (loopback address), created and deleted, a member removed after the
// confirmation, an organisation created and listed by the switcher, and
// a reporting case from its assessment to its closing with its drafts,
// printable draft and user notice. Every screen and state is checked with
// axe-core and photographed in English and in Italian.
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
	c.checkBoth("setup", nil)
	c.run("complete the setup",
		chromedp.SendKeys(css("#org"), "Acme Industrial"), chromedp.SendKeys(css("#email"), adminEmail),
		chromedp.SendKeys(css("#password"), browserPasswd), chromedp.SendKeys(css("#password2"), browserPasswd),
		chromedp.Click(css(`form[action="/setup"] button[type=submit]`)), page("dashboard"))
	if got := c.text("main h2"); !strings.Contains(got, "Welcome") {
		t.Errorf("empty dashboard heading %q", got)
	}
	c.checkBoth("dashboard-empty", nil)

	// Keyboard: the first Tab from the top of a page reaches the skip
	// link, and its focus is visible.
	c.open("/", "dashboard")
	c.run("press Tab", chromedp.KeyEvent(kb.Tab))
	const focused = `(() => { const e = document.activeElement; const s = getComputedStyle(e);
		return JSON.stringify({skip: e.classList.contains("skip"), href: e.getAttribute("href") || "",
			outline: s.outlineStyle + " " + s.outlineWidth, shadow: s.boxShadow, left: e.getBoundingClientRect().left}); })()`
	var focus struct {
		Skip    bool    `json:"skip"`
		Href    string  `json:"href"`
		Outline string  `json:"outline"`
		Shadow  string  `json:"shadow"`
		Left    float64 `json:"left"`
	}
	if err := json.Unmarshal([]byte(get(c, "focused element", chromedp.Evaluate[string](focused))), &focus); err != nil {
		t.Fatal(err)
	}
	if !focus.Skip || focus.Href != "#main" {
		t.Errorf("the first Tab focuses %+v, not the skip link", focus)
	}
	if (strings.HasPrefix(focus.Outline, "none") || strings.HasSuffix(focus.Outline, " 0px")) && focus.Shadow == "none" {
		t.Errorf("the skip link's focus is not visible: outline %q, box-shadow %q", focus.Outline, focus.Shadow)
	}
	if focus.Left < 0 {
		t.Errorf("the focused skip link stays off screen (left %v)", focus.Left)
	}

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
	// is accepted and its findings appear. In Italian, the demo SBOM (one
	// byte longer, so not the same upload) is dropped onto the form's
	// zone: static/app.js puts the dropped file in the form's field.
	dir := t.TempDir()
	broken, good := filepath.Join(dir, "broken.cdx.json"), filepath.Join(dir, "hmi-gateway.cdx.json")
	os.WriteFile(broken, []byte(brokenSBOM), 0o644)
	os.WriteFile(good, live.demo, 0o644)
	uploadBroken := func() {
		c.open(versionPath+"/upload", "upload")
		c.run("upload a broken SBOM", chromedp.SetUploadFiles(css("#sbom"), []string{broken}),
			chromedp.Click(css(`form[data-dropzone] button[type=submit]`)), chromedp.WaitVisible(css(".error-box")))
	}
	uploadBroken()
	if got := c.text(".error-box"); !strings.Contains(got, "broken.cdx.json") {
		t.Errorf("rejection box: %q", got)
	}
	c.checkBoth("upload-rejected", uploadBroken)
	c.run("upload the demo SBOM", chromedp.SetUploadFiles(css("#sbom"), []string{good}),
		chromedp.Click(css(`form[data-dropzone] button[type=submit]`)), chromedp.WaitVisible(css(".ok-box")))
	c.check("upload-accepted")
	c.inLang("it", versionPath+"/upload", "upload")
	content, err := json.Marshal(string(live.demo) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	drop := `(() => {
		const zone = document.querySelector("form[data-dropzone] [data-drop-target]");
		const dt = new DataTransfer();
		dt.items.add(new File([` + string(content) + `], "hmi-gateway-dropped.cdx.json", {type: "application/json"}));
		const ev = t => zone.dispatchEvent(new DragEvent(t, {bubbles: true, cancelable: true, dataTransfer: dt}));
		ev("dragenter"); ev("dragover");
		const over = zone.classList.contains("over");
		const taken = !ev("drop");
		const input = document.querySelector("#sbom");
		return JSON.stringify({over: over, taken: taken, after: zone.classList.contains("over"),
			files: input.files.length, name: input.files.length ? input.files[0].name : "",
			status: document.querySelector("[data-drop-status]").textContent});
	})()`
	var dropped struct {
		Over   bool   `json:"over"`
		Taken  bool   `json:"taken"`
		After  bool   `json:"after"`
		Files  int    `json:"files"`
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(get(c, "drop the SBOM", chromedp.Evaluate[string](drop))), &dropped); err != nil {
		t.Fatal(err)
	}
	if !dropped.Over || !dropped.Taken || dropped.After || dropped.Files != 1 || dropped.Name != "hmi-gateway-dropped.cdx.json" ||
		dropped.Status != "hmi-gateway-dropped.cdx.json" {
		t.Errorf("the drop zone did not take the file: %+v", dropped)
	}
	c.run("upload the dropped SBOM", chromedp.Click(css(`form[data-dropzone] button[type=submit]`)), chromedp.WaitVisible(css(".ok-box")))
	if got := c.text(".ok-box"); !strings.Contains(got, "SBOM accettata") {
		t.Errorf("the dropped SBOM's answer: %q", got)
	}
	c.check("upload-accepted")
	c.inLang("en", versionPath+"/findings", "findings")
	if got := c.text("table.findings"); !strings.Contains(got, "CVE-2021-44228") {
		t.Errorf("the version's findings lack Log4Shell:\n%s", got)
	}
	c.run("open Log4Shell", chromedp.Click(`//table[contains(@class,"findings")]//a[text()="CVE-2021-44228"]`), page("finding"))
	if got := c.text(".facts"); !strings.Contains(got, "GHSA-jfh8-c2jp-5v3q") || !strings.Contains(got, "2.15.0") {
		t.Errorf("finding detail lacks its ids or fixed version:\n%s", got)
	}
	findingURL := get(c, "finding address", chromedp.Location())
	findingPath := strings.TrimPrefix(findingURL, live.base)

	// Triage from the finding's page: not affected (the vulnerable code is
	// never called), for every version of the product.
	c.run("open the triage form", chromedp.Click(css(`details.triage summary`)), chromedp.WaitVisible(css(`#t-status-not_affected`)))
	c.run("record a decision", chromedp.Click(css(`#t-status-not_affected`)),
		chromedp.Click(css(`#t-just-vulnerable_code_not_in_execute_path`)), chromedp.Click(css(`#t-scope-product`)),
		chromedp.Click(css(`form[action$="/analysis"] button[type=submit]`)), page("finding"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("#analysis .facts"); !strings.Contains(got, "Not affected") || !strings.Contains(got, "Vulnerable code not in execute path") ||
		!strings.Contains(got, adminEmail) {
		t.Errorf("the recorded decision is not shown:\n%s", got)
	}
	c.checkBoth("finding-triaged", nil)

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
	askConfirmation := func() {
		c.open(versionPath+"/findings?analysis=none", "findings")
		c.run("triage by filter", chromedp.Click(css(`#bulk-triage summary`)), chromedp.Click(css(`#b-status-affected`)),
			chromedp.SendKeys(css(`#b-action`), "Update the gateway to the next release."),
			chromedp.Click(css(`#bulk button[value="filter"]`)), page("triage_confirm"))
	}
	askConfirmation()
	if got := c.text("main"); !strings.Contains(got, "match the filters") && !strings.Contains(got, "matches the filters") {
		t.Errorf("confirmation without the count:\n%s", got)
	}
	c.checkBoth("triage-confirm", askConfirmation)
	c.run("confirm", chromedp.Click(css(`main form button[type=submit]`)), page("findings"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("main"); !strings.Contains(got, "No finding matches these filters") {
		t.Errorf("untriaged findings remain:\n%.2000s", got)
	}

	// A VEX document imported on the version's page: its statement on
	// Log4Shell is applied (recorded for this version in English, the
	// same decision again, unchanged, in Italian), the one on a
	// vulnerability the version does not have is listed as unmatched.
	vexDoc := filepath.Join(dir, "gateway.openvex.json")
	os.WriteFile(vexDoc, []byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/gateway-4.2.0",
		"author": "Acme Industrial PSIRT", "timestamp": "2026-11-20T09:00:00Z", "version": 1, "statements": [
		{"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
		 "status": "not_affected", "justification": "inline_mitigations_already_exist"},
		{"vulnerability": {"name": "CVE-2099-0001"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
		 "status": "not_affected", "justification": "component_not_present"}]}`), 0o644)
	for _, lang := range []string{"en", "it"} {
		c.inLang(lang, versionPath, "version")
		c.run("import a VEX document", chromedp.SetUploadFiles(css("#vex-file"), []string{vexDoc}),
			chromedp.Click(css(`form[action$="/vex"] button[type=submit]`)), page("vex_import"), chromedp.WaitVisible(css(".ok-box")))
		if got := c.text("main"); !strings.Contains(got, "CVE-2021-44228") || !strings.Contains(got, "CVE-2099-0001") {
			t.Errorf("VEX import (%s) lacks its applied or unmatched statement:\n%.2000s", lang, got)
		}
		c.check("vex-imported")
	}

	// Every screen, in English then in Italian; then, in each language,
	// the triage forms opened, a tablet's viewport (portrait: the layout
	// reflows) and an API key shown once.
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
	screens := []struct{ path, name, shot string }{
		{"/", "dashboard", ""}, {"/products", "products", ""}, {"/products/new", "product_new", ""},
		{strings.TrimPrefix(productURL, live.base), "product", ""}, {versionPath, "version", ""},
		{versionPath + "/components", "components", ""}, {componentPath, "component", ""}, {sbomPath, "sbom", ""},
		{versionPath + "/upload", "upload", ""}, {"/findings", "findings", ""}, {"/findings?kev=yes&sort=epss", "findings", "findings-kev-epss"},
		{versionPath + "/findings", "findings", "findings-version"}, {"/findings?analysis=actionable", "findings", "findings-actionable"},
		{findingPath, "finding", ""}, {"/kb?q=CVE-2021-44228", "kb", "kb-cve"}, {"/kb?q=npm:lodash", "kb", "kb-package"},
		{"/settings", "settings", ""}, {"/settings/api-keys", "apikeys", ""}, {"/settings/feeds", "feeds", ""},
		{"/settings/notifications", "notifications", ""}, {"/account", "account", ""},
		{"/orgs/new", "org_new", ""},
		{"/no-such-page", "error", "error-not-found"},
	}
	for _, lang := range []string{"en", "it"} {
		c.inLang(lang, "/", "dashboard")
		for _, s := range screens {
			c.open(s.path, s.name)
			if s.shot == "" {
				s.shot = s.name
			}
			c.check(s.shot)
		}
		c.open(findingPath, "finding")
		c.run("open the triage form", chromedp.Click(css(`details.triage summary`)), chromedp.WaitVisible(css(`#t-status-not_affected`)))
		c.check("finding-triage-form")
		c.open(versionPath+"/findings", "findings")
		c.run("open the bulk form", chromedp.Click(css(`#bulk-triage summary`)), chromedp.WaitVisible(css(`#b-status-fixed`)))
		c.check("findings-bulk-form")
		if lang == "it" {
			if got := c.text("nav"); !strings.Contains(got, "Cruscotto") || !strings.Contains(got, "Prodotti") {
				t.Errorf("Italian navigation: %q", got)
			}
		}
		c.run("tablet viewport", chromedp.EmulateViewport(768, 1024))
		for _, s := range []struct{ path, name string }{{"/", "dashboard"}, {"/findings", "findings"}, {findingPath, "finding"}} {
			c.open(s.path, s.name)
			// The page fits the tablet's width: nothing makes the whole
			// page scroll sideways (a wide table scrolls in its own region).
			if w := get(c, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 768 {
				t.Errorf("%s (%s) is %d pixels wide on a 768-pixel tablet", s.name, lang, w)
			}
			c.check(s.name + "-tablet")
		}
		// (chromedp.ResetViewport leaves the page at 768 pixels.)
		c.run("laptop viewport", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
			return err
		}))
		c.run("back to the laptop's width", chromedp.Poll[chromedp.Void](`window.innerWidth === 1280`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
		c.open("/settings/api-keys", "apikeys")
		c.run("create an API key", chromedp.SendKeys(css("#label"), "ci-"+lang),
			chromedp.Click(css(`form[action="/settings/api-keys"] button[type=submit]`)), chromedp.WaitVisible(css("#secret")))
		c.check("apikey-created")
	}

	// A webhook, in each language: a loopback address is refused next to
	// the field; a Dependency-Track webhook for exploited findings is
	// created with its secret shown once, then deleted.
	for _, lang := range []string{"en", "it"} {
		c.inLang(lang, "/settings/notifications", "notifications")
		c.run("refused loopback webhook", chromedp.SendKeys(css("#wh-url"), "http://127.0.0.1:9/hook"),
			chromedp.Click(css(`form[action="/settings/notifications/webhooks"] button[type=submit]`)), page("notifications"),
			chromedp.WaitVisible(css(`#wh_url-error`)))
		refusal := map[string]string{"en": "rocca does not send webhooks there", "it": "rocca non vi invia webhook"}[lang]
		if got := c.text("#wh_url-error"); !strings.Contains(got, "loopback") || !strings.Contains(got, refusal) {
			t.Errorf("loopback refusal (%s): %q", lang, got)
		}
		c.check("notifications-refused")
		c.open("/settings/notifications", "notifications")
		c.run("create a webhook", chromedp.SendKeys(css("#wh-url"), "https://tickets.example.com/hooks/rocca-"+lang),
			chromedp.Click(css(`#wh-format-dependency-track`)), chromedp.Click(css(`input[id="wh-ev-finding.exploited"]`)),
			chromedp.Click(css(`form[action="/settings/notifications/webhooks"] button[type=submit]`)), page("notifications"),
			chromedp.WaitVisible(css(`#wh-created-secret`)))
		if got := c.text("#wh-h ~ table"); !strings.Contains(got, "https://tickets.example.com/hooks/rocca-"+lang) || !strings.Contains(got, "dependency-track") {
			t.Errorf("the new webhook is not listed: %q", got)
		}
		c.check("notifications-webhook-created")
		c.run("delete the webhook", chromedp.Click(css(`form[action$="/delete"][action^="/settings/notifications/webhooks/"] button`)),
			page("notifications"), chromedp.WaitVisible(css(`main .notice`)))
		if n := get(c, "count the webhooks", chromedp.Evaluate[int](`document.querySelectorAll('form[action^="/settings/notifications/webhooks/"]').length`)); n != 0 {
			t.Errorf("%d webhooks left after the deletion", n)
		}
		c.check("notifications-webhook-deleted")
	}
	c.inLang("en", "/settings", "settings")

	// Members and organisations: the administrator removes a member after
	// the confirmation page and creates an organisation, which becomes
	// the current one and which the switcher lists; then switches back to
	// acme.
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
	c.checkBoth("member_remove", nil)
	c.run("remove the member", chromedp.Click(css(`main form button[type=submit]`)), page("settings"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("main table"); strings.Contains(got, leavingEmail) {
		t.Errorf("the removed member is listed: %q", got)
	}
	c.checkBoth("settings-member-removed", nil)
	c.open("/orgs/new", "org_new")
	c.run("create an organisation", chromedp.SendKeys(css("#org-name"), "Nuova Meccanica Srl"),
		chromedp.Click(css(`form[action="/orgs"] button[type=submit]`)), page("settings"), chromedp.WaitVisible(css(`main .notice`)))
	if got := c.text("#org-switch"); !strings.Contains(got, "Acme Industrial") || !strings.Contains(got, "Nuova Meccanica Srl") {
		t.Errorf("the organisation switcher lists %q", got)
	}
	if got := c.text("main .facts"); !strings.Contains(got, "Nuova Meccanica Srl") {
		t.Errorf("the new organisation is not the current one: %q", got)
	}
	c.checkBoth("settings-new-org", nil)
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
	c.checkBoth("case-assessment", nil)
	c.run("confirm awareness", chromedp.SendKeys(css("#aw-reason"), "The vulnerability is on CISA KEV and the component ships in the gateway"),
		chromedp.Click(css(`#awareness-form button[type=submit]`)), page("case"), chromedp.WaitVisible(css(`tr[data-stage="early_warning"]`)))
	if got := c.text(`tr[data-stage="early_warning"]`); !strings.Contains(got, "left") || !strings.Contains(got, "CET") {
		t.Errorf("early warning row: %q", got)
	}
	c.checkBoth("case-aware", nil)
	refuseDraft := func() {
		c.open(casePath+"/draft?stage=early_warning", "draft")
		c.run("mark submitted with a required field empty", chromedp.Click(css(`form.draft button[type=submit]`)),
			page("draft"), chromedp.WaitVisible(css("#draft-refusal")))
	}
	refuseDraft()
	if got := c.text("#draft-refusal"); !strings.Contains(got, "required fields are empty") {
		t.Errorf("draft refusal: %q", got)
	}
	c.checkBoth("draft-refused", refuseDraft)
	reporting := []struct{ path, name, shot string }{
		{"/", "dashboard", "reporting-dashboard"}, {"/cases", "cases", "reporting-cases"}, {"/cases/new", "case_new", "reporting-case_new"},
		{casePath, "case", "reporting-case"}, {casePath + "/draft?stage=early_warning", "draft", "reporting-draft-early_warning"},
		{casePath + "/draft?stage=notification", "draft", "reporting-draft-notification"},
		{casePath + "/draft?stage=final_report", "draft", "reporting-draft-final_report"},
		{casePath + "/draft/print?stage=notification", "draft_print", "reporting-draft-print"},
		{"/settings/reporting", "reporting_profile", "reporting-reporting_profile"},
	}
	for _, lang := range []string{"en", "it"} {
		c.inLang(lang, "/", "dashboard")
		for _, s := range reporting {
			c.open(s.path, s.name)
			c.check(s.shot)
		}
		// The notice to the product's users is plain English text, the
		// same in both languages.
		c.run("open the user notice", chromedp.Navigate(c.base+casePath+"/user-notice"), chromedp.WaitVisible(css("body pre")))
		if got := c.text("body pre"); !strings.Contains(got, "Security notice from Acme Industrial") {
			t.Errorf("the user notice:\n%.1000s", got)
		}
		c.checkText("reporting-user-notice")
	}
	c.open("/", "dashboard")
	if got := c.text(".clocks"); !strings.Contains(got, "Termini in corso") || !strings.Contains(got, "mancano") {
		t.Errorf("Italian open clocks: %q", got)
	}
	c.setLang("en", "dashboard")
	// The case closed.
	c.open(casePath, "case")
	c.run("close the case", chromedp.SendKeys(css("#cl-reason"), "Fixed in 4.2.1; every customer updated."),
		chromedp.Click(css(`form[action$="/close"] button[type=submit]`)), page("case"), chromedp.WaitVisible(css(`main .notice`)))
	if n := get(c, "count the case's forms", chromedp.Evaluate[int](`document.querySelectorAll('main form[action$="/close"]').length`)); n != 0 {
		t.Errorf("a closed case still offers %d closing forms", n)
	}
	if got := c.text("main"); !strings.Contains(got, "Fixed in 4.2.1") {
		t.Errorf("the closed case does not show its reason:\n%.2000s", got)
	}
	c.checkBoth("case-closed", nil)

	// Sign out; a wrong password is refused.
	c.logout()
	c.checkBoth("login", nil)
	wrongPassword := func() {
		c.open("/login", "login")
		c.run("wrong password", chromedp.SendKeys(css("#email"), adminEmail), chromedp.SendKeys(css("#password"), "not the password"),
			chromedp.Click(css(`form[action="/login"] button[type=submit]`)), chromedp.WaitVisible(css("#login-error")))
	}
	wrongPassword()
	c.checkBoth("login-wrong", wrongPassword)

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
	c.checkBoth("error-forbidden", nil)
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
	for _, p := range []string{strings.TrimPrefix(productURL, live.base), versionPath, findingPath} {
		c.open(p, "error")
	}
	c.open("/products", "products")
	if got := c.text("main"); strings.Contains(got, "Linea HMI Gateway") {
		t.Error("another organisation's member sees acme's product in the list")
	}
}
