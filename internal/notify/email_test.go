package notify_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http/httptest"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/jobs"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil/smtpsink"
)

func mailer(t *testing.T, port int, tlsMode string) *notify.SMTPMailer {
	t.Helper()
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: port, From: "rocca <rocca@example.com>",
		TLS: tlsMode, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func exploitedEvent(t *testing.T, productID, versionID string) model.OutboxEvent {
	t.Helper()
	f := finding()
	f.FixedVersions = []string{"2.31.0"}
	f.EPSS, f.EPSSPercentile = 0.0123, 0.81
	payload, err := json.Marshal(map[string]any{"type": "finding.exploited", "productId": productID, "versionId": versionID, "finding": f,
		"event": model.FindingEvent{Kind: model.EventExploited, Detail: "known exploited: listed in CISA KEV since 2026-12-06"}})
	if err != nil {
		t.Fatal(err)
	}
	return model.OutboxEvent{Type: "finding.exploited", ProductID: productID, VersionID: versionID, Payload: payload, Created: time.Now()}
}

func TestCreateEmailValidates(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		// Without a mailer, e-mail subscriptions are refused.
		if _, err := f.svc.CreateEmail(ctx, f.org.ID, notify.EmailRequest{To: []string{"a@example.com"}}); !errors.Is(err, notify.ErrEmailOff) {
			t.Fatalf("without SMTP: %v", err)
		}
		svc := f.svc.WithMailer(mailer(t, 1, notify.SMTPNoTLS))
		other := model.Organisation{Name: "other"}
		if err := f.st.CreateOrg(ctx, &other); err != nil {
			t.Fatal(err)
		}
		foreign := model.Product{Name: "theirs", Role: model.RoleManufacturer}
		if err := f.st.CreateProduct(ctx, other.ID, &foreign); err != nil {
			t.Fatal(err)
		}
		many := make([]string, notify.MaxRecipients+1)
		for i := range many {
			many[i] = "r" + strings.Repeat("x", i) + "@example.com"
		}
		bad := []struct {
			name string
			req  notify.EmailRequest
			want string
		}{
			{"no recipient", notify.EmailRequest{}, "to: 1 to 50"},
			{"too many recipients", notify.EmailRequest{To: many}, "to: 1 to 50"},
			{"not an address", notify.EmailRequest{To: []string{"security"}}, `"security" is not a bare e-mail address`},
			{"display name", notify.EmailRequest{To: []string{"Sec <sec@example.com>"}}, "not a bare e-mail address"},
			{"two in one", notify.EmailRequest{To: []string{"a@example.com, b@example.com"}}, "not a bare e-mail address"},
			{"header injection", notify.EmailRequest{To: []string{"a@example.com\r\nBcc: x@example.com"}}, "not a bare e-mail address"},
			{"spaces", notify.EmailRequest{To: []string{" a@example.com"}}, "not a bare e-mail address"},
			{"repeated", notify.EmailRequest{To: []string{"a@example.com", "A@example.com"}}, "listed twice"},
			{"too long", notify.EmailRequest{To: []string{strings.Repeat("a", 64) + "@" + strings.Repeat("b.", 100) + "com"}}, "not a bare e-mail address"},
			{"unknown event", notify.EmailRequest{To: []string{"a@example.com"}, Events: []string{"finding.eaten"}}, "finding.eaten"},
			{"another organisation's product", notify.EmailRequest{To: []string{"a@example.com"}, ProductID: foreign.ID}, "productId"},
			{"unknown locale", notify.EmailRequest{To: []string{"a@example.com"}, Locale: "fr"}, `locale: "fr" is not a language of e-mails: en or it`},
			{"locale in capitals", notify.EmailRequest{To: []string{"a@example.com"}, Locale: "IT"}, "locale"},
		}
		for _, c := range bad {
			_, err := svc.CreateEmail(ctx, f.org.ID, c.req)
			var ie *notify.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, c.want) {
				t.Errorf("%s: %v, want an input error about %s", c.name, err, c.want)
			}
		}
		if subs, _ := svc.EmailSubscriptions(ctx, f.org.ID); len(subs) != 0 {
			t.Errorf("refused subscriptions stored: %+v", subs)
		}
		sub, err := svc.CreateEmail(ctx, f.org.ID, notify.EmailRequest{To: []string{"sec@example.com", "ops@example.org"}, Events: []string{"finding.exploited"}})
		if err != nil || sub.Channel != model.ChannelEmail || !slices.Equal(sub.To, []string{"sec@example.com", "ops@example.org"}) {
			t.Fatalf("create %+v %v", sub, err)
		}
		got, err := svc.EmailSubscription(ctx, f.org.ID, sub.ID)
		if err != nil || !slices.Equal(got.To, sub.To) || !slices.Equal(got.Events, []string{"finding.exploited"}) {
			t.Fatalf("read back %+v %v", got, err)
		}
		hook, err := svc.CreateWebhook(ctx, f.org.ID, notify.WebhookRequest{URL: "https://h/x", Secret: "0123456789abcdef"})
		if err != nil {
			t.Fatal(err)
		}
		// Each channel's use cases see only their own subscriptions.
		if hooks, _ := svc.Webhooks(ctx, f.org.ID); len(hooks) != 1 || hooks[0].ID != hook.ID {
			t.Errorf("webhooks %+v", hooks)
		}
		if mails, _ := svc.EmailSubscriptions(ctx, f.org.ID); len(mails) != 1 || mails[0].ID != sub.ID {
			t.Errorf("e-mail subscriptions %+v", mails)
		}
		notFound := map[string]error{}
		_, notFound["Webhook(e-mail id)"] = svc.Webhook(ctx, f.org.ID, sub.ID)
		_, notFound["Deliveries(e-mail id)"] = svc.Deliveries(ctx, f.org.ID, sub.ID, 10)
		notFound["DeleteWebhook(e-mail id)"] = svc.DeleteWebhook(ctx, f.org.ID, sub.ID)
		_, notFound["EmailSubscription(webhook id)"] = svc.EmailSubscription(ctx, f.org.ID, hook.ID)
		_, notFound["EmailDeliveries(webhook id)"] = svc.EmailDeliveries(ctx, f.org.ID, hook.ID, 10)
		notFound["DeleteEmailSubscription(webhook id)"] = svc.DeleteEmailSubscription(ctx, f.org.ID, hook.ID)
		_, notFound["another organisation reads"] = svc.EmailSubscription(ctx, other.ID, sub.ID)
		notFound["another organisation deletes"] = svc.DeleteEmailSubscription(ctx, other.ID, sub.ID)
		_, notFound["another organisation's log"] = svc.EmailDeliveries(ctx, other.ID, sub.ID, 10)
		for name, err := range notFound {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want not found", name, err)
			}
		}
		if err := svc.DeleteEmailSubscription(ctx, f.org.ID, sub.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Webhook(ctx, f.org.ID, hook.ID); err != nil {
			t.Errorf("the webhook went with the e-mail subscription: %v", err)
		}
	})
}

// An event reaches the e-mail subscriptions that want it, with their
// recipients, a subject naming the vulnerability, component and product,
// and the event's JSON attached; filters apply; a server answering 4xx
// gets the message on a later attempt, one answering 5xx every time ends
// "failed" with its reply code in the log.
func TestEmailDelivery(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		sk := smtpsink.Start(t, smtpsink.Options{Faults: map[string]smtpsink.Fault{
			"flaky@example.com": {Reply: "451 4.3.0 try again later", Times: 2},
			"late@example.com":  {AtData: true, Reply: "452 4.3.1 out of space", Times: 1},
			"down@example.com":  {Reply: "550 5.1.1 no such user"},
		}})
		svc := f.svc.WithMailer(mailer(t, sk.Port(), notify.SMTPNoTLS))
		p1 := model.Product{Name: "Linea HMI Gateway", Role: model.RoleManufacturer}
		p2 := model.Product{Name: "Other", Role: model.RoleManufacturer}
		for _, p := range []*model.Product{&p1, &p2} {
			if err := f.st.CreateProduct(ctx, f.org.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		v1 := model.Version{ProductID: p1.ID, Name: "4.2.0", Lifecycle: model.LifecycleOnMarket}
		if err := f.st.CreateVersion(ctx, f.org.ID, &v1); err != nil {
			t.Fatal(err)
		}
		create := func(req notify.EmailRequest) notify.EmailSubscription {
			sub, err := svc.CreateEmail(ctx, f.org.ID, req)
			if err != nil {
				t.Fatal(err)
			}
			return sub
		}
		all := create(notify.EmailRequest{To: []string{"sec@example.com", "ops@example.org"}})
		exploited := create(notify.EmailRequest{To: []string{"kev@example.com"}, Events: []string{"finding.exploited"}, ProductID: p1.ID})
		uploads := create(notify.EmailRequest{To: []string{"uploads@example.com"}, Events: []string{"upload.failed"}})
		other := create(notify.EmailRequest{To: []string{"other@example.com"}, ProductID: p2.ID})
		flaky := create(notify.EmailRequest{To: []string{"flaky@example.com"}})
		late := create(notify.EmailRequest{To: []string{"late@example.com"}})
		down := create(notify.EmailRequest{To: []string{"down@example.com"}})
		italian := create(notify.EmailRequest{To: []string{"qualita@example.it"}, Events: []string{"finding.exploited"}, Locale: "it"})
		if all.Locale != "en" || italian.Locale != "it" {
			t.Errorf("locales %q %q, want en (the default) and it", all.Locale, italian.Locale)
		}
		if got, err := svc.EmailSubscription(ctx, f.org.ID, italian.ID); err != nil || got.Locale != "it" {
			t.Errorf("read back %+v %v, want locale it", got, err)
		}
		ev := exploitedEvent(t, p1.ID, v1.ID)
		if err := f.st.Ingest(ctx, f.org.ID, func(tx store.IngestTx) error { return tx.AddOutbox(ctx, []model.OutboxEvent{ev}) }); err != nil {
			t.Fatal(err)
		}
		eng, err := jobs.New(ctx, f.st.DB(), f.st.Engine(), jobs.Config{Poll: 50 * time.Millisecond, FetchPoll: 50 * time.Millisecond,
			DeliveryAttempts: 4, Retry: func(int) time.Duration { return 10 * time.Millisecond }},
			jobs.Handlers{DispatchPending: svc.Pending, Dispatch: func(ctx context.Context, enq func(context.Context, *sql.Tx, []model.DeliveryRef) error) error {
				_, err := svc.Dispatch(ctx, enq)
				return err
			}, Deliver: svc.Deliver}, discard())
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer eng.Stop(ctx)
		want := map[string]struct {
			state            string
			attempts, status int
		}{
			all.ID: {model.DeliveryDelivered, 1, 250}, exploited.ID: {model.DeliveryDelivered, 1, 250},
			flaky.ID: {model.DeliveryDelivered, 3, 250}, late.ID: {model.DeliveryDelivered, 2, 250},
			down.ID: {model.DeliveryFailed, 4, 550}, italian.ID: {model.DeliveryDelivered, 1, 250},
		}
		log := map[string]model.Delivery{}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			done := true
			for id, w := range want {
				ds, _ := svc.EmailDeliveries(ctx, f.org.ID, id, 10)
				if len(ds) != 1 || ds[0].State != w.state || ds[0].Attempts != w.attempts {
					done = false
					continue
				}
				log[id] = ds[0]
			}
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries after 30 s: %+v", log)
			}
		}
		for id, w := range want {
			if d := log[id]; d.LastStatus != w.status || (w.state == model.DeliveryFailed) != (d.LastError != "") {
				t.Errorf("delivery of %s: %+v, want status %d", id, d, w.status)
			}
		}
		if e := log[down.ID].LastError; !strings.Contains(e, "550") || !strings.Contains(e, "no such user") {
			t.Errorf("last error %q", log[down.ID].LastError)
		}
		for _, id := range []string{uploads.ID, other.ID} {
			if ds, _ := svc.EmailDeliveries(ctx, f.org.ID, id, 10); len(ds) != 0 {
				t.Errorf("a subscription whose filter excludes the event got it: %+v", ds)
			}
		}
		byRcpt := map[string]smtpsink.Message{}
		for _, m := range sk.Messages() {
			byRcpt[strings.Join(m.To, ",")] = m
		}
		if len(byRcpt) != 5 || sk.Attempts("flaky@example.com") != 3 || sk.Attempts("down@example.com") != 4 || sk.Attempts("uploads@example.com") != 0 {
			t.Errorf("sink got %d messages (%v); attempts flaky %d, down %d", len(byRcpt), byRcpt, sk.Attempts("flaky@example.com"), sk.Attempts("down@example.com"))
		}
		m, ok := byRcpt["sec@example.com,ops@example.org"]
		if !ok {
			t.Fatalf("no message to both recipients: %v", byRcpt)
		}
		en := checkMessage(t, m, ev, log[all.ID].ID, englishMail(ev))
		m, ok = byRcpt["qualita@example.it"]
		if !ok {
			t.Fatalf("no message in Italian: %v", byRcpt)
		}
		// The machine-readable part is the same in every language.
		if it := checkMessage(t, m, ev, log[italian.ID].ID, italianMail(ev)); string(it) != string(en) || len(en) == 0 {
			t.Errorf("event.json differs by language:\n%s\n%s", en, it)
		}
	})
}

// wantMail is what checkMessage expects of a message's text.
type wantMail struct {
	to            []string
	subject, lang string
	lines, absent []string
}

func englishMail(ev model.OutboxEvent) wantMail {
	return wantMail{to: []string{"sec@example.com", "ops@example.org"}, lang: "en",
		subject: "[rocca] Known-exploited vulnerability CVE-2023-32681 in requests 2.28.1 (Linea HMI Gateway 4.2.0)",
		lines: []string{
			"Known-exploited vulnerability.",
			"Vulnerability:   CVE-2023-32681 (also GHSA-j8r2-6x86-q33q, PYSEC-2023-74)",
			"Component:       requests 2.28.1 (pkg:pypi/requests@2.28.1)",
			"Severity:        medium 6.1",
			"Known exploited: yes",
			"EPSS:            1.23% (percentile 81)",
			"Fixed versions:  2.31.0",
			"Finding:         f1 (open)",
			"Detail:          known exploited: listed in CISA KEV since 2026-12-06",
			"Product:         Linea HMI Gateway (" + ev.ProductID + ")",
			"Version:         4.2.0 (" + ev.VersionID + ")",
		}}
}

func italianMail(ev model.OutboxEvent) wantMail {
	return wantMail{to: []string{"qualita@example.it"}, lang: "it",
		subject: "[rocca] Vulnerabilità sfruttata attivamente CVE-2023-32681 in requests 2.28.1 (Linea HMI Gateway 4.2.0)",
		lines: []string{
			"Vulnerabilità sfruttata attivamente.",
			"Vulnerabilità:          CVE-2023-32681 (anche GHSA-j8r2-6x86-q33q, PYSEC-2023-74)",
			"Gravità:                media 6,1",
			"Sfruttata attivamente:  sì",
			"EPSS:                   1,23% (percentile 81)",
			"Versioni corrette:      2.31.0",
			"Rilevazione:            f1 (aperta)",
			"Dettaglio:              sfruttata attivamente: presente in CISA KEV dal 6 dic 2026",
			"Prodotto:               Linea HMI Gateway (" + ev.ProductID + ")",
			"In allegato il documento JSON dell'evento (event.json), nel formato dei webhook di rocca.",
		},
		absent: []string{"Known exploited", "Sent by rocca", "attached"}}
}

// checkMessage parses a received message: envelope, headers, the text part
// and the attached event.
func checkMessage(t *testing.T, m smtpsink.Message, ev model.OutboxEvent, deliveryID string, want wantMail) []byte {
	t.Helper()
	if m.From != "rocca@example.com" {
		t.Errorf("MAIL FROM %q", m.From)
	}
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if subject != want.subject {
		t.Errorf("subject %q, want %q", subject, want.subject)
	}
	to, err := h.AddressList("To")
	var addrs []string
	for _, a := range to {
		addrs = append(addrs, a.Address)
	}
	if err != nil || !slices.Equal(addrs, want.to) {
		t.Errorf("To %v %v, want %v", to, err, want.to)
	}
	if h.Get("Content-Language") != want.lang {
		t.Errorf("Content-Language %q, want %q", h.Get("Content-Language"), want.lang)
	}
	if h.Get("Message-Id") != "<"+deliveryID+"@example.com>" || h.Get("X-Rocca-Delivery") != deliveryID ||
		h.Get("X-Rocca-Event") != "finding.exploited" || h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers %v", h)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", h.Get("Content-Type"), err)
	}
	var text string
	var attached []byte
	var event struct{ ID, Type, VersionID string }
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = p // quoted-printable is decoded by the reader, base64 is not
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() == "event.json" {
			attached = b
			if err := json.Unmarshal(b, &event); err != nil {
				t.Fatalf("event.json: %v: %s", err, b)
			}
		} else if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			text = string(b)
		}
	}
	for _, line := range want.lines {
		if !strings.Contains(text, line+"\n") && !strings.Contains(text, line+"\r\n") {
			t.Errorf("text lacks %q:\n%s", line, text)
		}
	}
	for _, no := range want.absent {
		if strings.Contains(text, no) {
			t.Errorf("text has %q:\n%s", no, text)
		}
	}
	if event.Type != "finding.exploited" || event.ID == "" || event.VersionID != ev.VersionID {
		t.Errorf("attached event %+v", event)
	}
	return attached
}

// The mailer returns the reply code that accepted or refused a message,
// and 0 when no server answered.
func TestSMTPMailerReplyCodes(t *testing.T) {
	sk := smtpsink.Start(t, smtpsink.Options{Faults: map[string]smtpsink.Fault{
		"full@example.com": {Reply: "452 4.2.2 mailbox full"},
		"gone@example.com": {Reply: "550 5.1.1 no such user"},
		"late@example.com": {AtData: true, Reply: "554 5.6.0 message refused"},
	}})
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	cases := []struct {
		to   string
		port int
		code int
		ok   bool
	}{
		{"ok@example.com", sk.Port(), 250, true},
		{"full@example.com", sk.Port(), 452, false},
		{"gone@example.com", sk.Port(), 550, false},
		{"late@example.com", sk.Port(), 554, false},
		{"ok@example.com", closedPort, 0, false},
	}
	for _, c := range cases {
		code, err := mailer(t, c.port, notify.SMTPNoTLS).Send(context.Background(), notify.Mail{To: []string{c.to}, Subject: "s", Text: "t", ID: "d1"})
		if code != c.code || (err == nil) != c.ok {
			t.Errorf("%s on %d: %d %v, want %d ok=%v", c.to, c.port, code, err, c.code, c.ok)
		}
	}
}

// starttls is mandatory: a server that does not offer it, or fails it,
// never gets the message in clear, and the connection is closed.
func TestSMTPMailerRequiresTLS(t *testing.T) {
	for _, offers := range []bool{false, true} {
		sk := smtpsink.Start(t, smtpsink.Options{StartTLS: offers})
		_, err := mailer(t, sk.Port(), notify.SMTPStartTLS).Send(context.Background(), notify.Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t", ID: "d1"})
		if err == nil || len(sk.Messages()) != 0 || sk.Attempts("a@example.com") != 0 {
			t.Errorf("STARTTLS offered %v: err %v, %d messages sent in clear", offers, err, len(sk.Messages()))
		}
		for deadline := time.Now().Add(5 * time.Second); sk.Open() > 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Errorf("STARTTLS offered %v: the connection is left open", offers)
				break
			}
		}
	}
}

// Both TLS modes send over TLS to a server whose certificate verifies,
// and to no other.
func TestSMTPMailerTLS(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil) // for its certificate for 127.0.0.1
	ts.StartTLS()
	defer ts.Close()
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	server := &tls.Config{Certificates: ts.TLS.Certificates, MinVersion: tls.VersionTLS12}
	for _, mode := range []string{notify.SMTPStartTLS, notify.SMTPImplicitTLS} {
		sk := smtpsink.Start(t, smtpsink.Options{StartTLS: true, TLS: server, Implicit: mode == notify.SMTPImplicitTLS, Auth: true})
		for _, pool := range []*x509.CertPool{roots, nil} {
			m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: sk.Port(), Username: "rocca", Password: "pw",
				From: "rocca@example.com", TLS: mode, Timeout: 5 * time.Second, RootCAs: pool})
			if err != nil {
				t.Fatal(err)
			}
			code, err := m.Send(context.Background(), notify.Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t", ID: "d1"})
			if trusted := pool != nil; (err == nil) != trusted || (code == 250) != trusted {
				t.Errorf("%s, certificate trusted %v: %d %v", mode, trusted, code, err)
			}
		}
		if n, creds := len(sk.Messages()), sk.Credentials(); n != 1 || len(creds) != 1 || creds[0] != "\x00rocca\x00pw" {
			t.Errorf("%s: %d messages, credentials %q (PLAIN over TLS for the trusted server only)", mode, n, creds)
		}
	}
}

// With credentials, a loopback relay without TLS gets AUTH PLAIN (the
// password stays on the machine); without them, the relay's demand for
// authentication is the send's error.
func TestSMTPMailerAuthenticates(t *testing.T) {
	sk := smtpsink.Start(t, smtpsink.Options{Auth: true})
	mail := notify.Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t", ID: "d1"}
	if code, err := mailer(t, sk.Port(), notify.SMTPNoTLS).Send(context.Background(), mail); code != 530 || err == nil {
		t.Errorf("without credentials: %d %v", code, err)
	}
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: sk.Port(), Username: "rocca", Password: "pa55 w0rd",
		From: "rocca@example.com", TLS: notify.SMTPNoTLS, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if code, err := m.Send(context.Background(), mail); code != 250 || err != nil {
		t.Fatalf("with credentials: %d %v", code, err)
	}
	if got := sk.Credentials(); len(got) != 1 || got[0] != "\x00rocca\x00pa55 w0rd" || len(sk.Messages()) != 1 {
		t.Errorf("credentials %q, %d messages", got, len(sk.Messages()))
	}
}

func TestNewSMTPMailerValidates(t *testing.T) {
	for _, c := range []notify.SMTPConfig{
		{Host: "h", Port: 587, From: "not an address", TLS: notify.SMTPStartTLS},
		{Host: "", Port: 587, From: "r@example.com", TLS: notify.SMTPStartTLS},
		{Host: "h", Port: 0, From: "r@example.com", TLS: notify.SMTPStartTLS},
		{Host: "h", Port: 587, From: "r@example.com", TLS: "ssl"},
	} {
		if _, err := notify.NewSMTPMailer(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
