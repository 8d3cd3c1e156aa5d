// Package notify delivers the outbox's events to the organisations'
// webhooks and e-mail subscriptions. Events are written by the changes
// they describe, in the same transaction (the outbox); Dispatch turns each
// into one delivery per subscription that wants it, and the deliveries'
// jobs commit with them; Deliver sends one delivery (a signed POST, or an
// e-mail through the Mailer) and records the attempt. A failed attempt
// returns an error so that the job engine retries it with backoff; a
// rolled-back change never reaches the outbox, so it is never notified.
//
// Signature: every request carries
//
//	X-Rocca-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>
//
// with X-Rocca-Event (the event type) and X-Rocca-Delivery (the delivery's
// id, unique; the body's "id" is the event's, the same on every retry, for
// receivers that deduplicate). Verify checks a signature the way a
// receiver should.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/crashpoint"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is what notifications read and write.
type Store interface {
	CreateSubscription(ctx context.Context, org string, sub *model.Subscription) error
	Subscriptions(ctx context.Context, org string) ([]model.Subscription, error)
	Subscription(ctx context.Context, org, id string) (model.Subscription, error)
	DeleteSubscription(ctx context.Context, org, id string) error
	SetSubscriptionTarget(ctx context.Context, org, id, target, locale string) error
	Deliveries(ctx context.Context, org, subscriptionID string, limit int) ([]model.Delivery, error)
	Product(ctx context.Context, org, id string) (model.Product, error)
	Version(ctx context.Context, org, id string) (model.Version, error)
	OutboxPending(ctx context.Context) (bool, error)
	Dispatch(ctx context.Context, limit int, at time.Time, enqueue func(ctx context.Context, tx *sql.Tx, deliveries []model.DeliveryRef) error) (int, error)
	DeliveryToSend(ctx context.Context, id string) (model.Delivery, model.Subscription, model.OutboxEvent, error)
	RecordDelivery(ctx context.Context, id, state string, status int, errMsg string, at time.Time) error
}

// EventTypes lists the event types a subscription may ask for.
var EventTypes = []string{
	"finding.new", "finding.exploited", "finding.severity_changed", "finding.fix_available", "finding.changed",
	"finding.resolved", "finding.withdrawn", "finding.analysis", "finding.analysis_review", "upload.processed", "upload.failed",
	// CRA reporting cases (package cases).
	"case.opened", "case.version_added", "case.awareness_confirmed", "case.deadline_reminder", "case.overdue",
	"case.stage_submitted", "case.closed",
}

// Service implements the notification use cases.
type Service struct {
	store  Store
	client *http.Client
	// mailer sends e-mail; nil when SMTP is not configured.
	mailer Mailer
	log    *slog.Logger
	now    func() time.Time
	// refuseLoopback refuses webhook URLs naming a loopback host when
	// they are created (RefusingLoopback).
	refuseLoopback bool
}

// New returns the service; client sends the webhooks (its Timeout bounds
// one attempt), now is the clock (time.Now when nil).
func New(st Store, client *http.Client, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, client: client, log: log, now: now}
}

// WithMailer returns a copy of the service that sends e-mail with m.
// Without one, e-mail subscriptions are refused.
func (s *Service) WithMailer(m Mailer) *Service {
	c := *s
	c.mailer = m
	return &c
}

// RefusingLoopback returns a copy of the service that refuses, when a
// webhook is created, a URL whose host is a loopback address or
// localhost: the server's client (NewClient without allowLoopback) would
// refuse to send there, so the person is told at once rather than by a
// failed delivery later.
func (s *Service) RefusingLoopback() *Service {
	c := *s
	c.refuseLoopback = true
	return &c
}

// WebhookRequest is what a client asks to create a webhook.
type WebhookRequest struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret"`
	Events []string `json:"events"`
	// ProductID limits the webhook to one product's events.
	ProductID string `json:"productId"`
	// Format is "rocca" (default) or "dependency-track".
	Format string `json:"format"`
}

// InputError is a problem with what the client asked.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// ErrLocalURL refuses a webhook URL whose host is an address the webhook
// client never connects to: link-local (cloud metadata), unspecified or
// multicast, a cloud metadata service, and loopback (localhost) when the service refuses it
// (RefusingLoopback). Host names are checked again on the address dialled.
var ErrLocalURL = &InputError{"url: the host is this server's own (loopback), a link-local, unspecified or multicast address or a cloud metadata service, where rocca does not send webhooks"}

// localHost reports whether a URL's host names an address the webhook
// client refuses (see ErrLocalURL).
func localHost(host string, refuseLoopback bool) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return refuseLoopback
	}
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return refuseLoopback
	}
	return ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		cloudMetadata(ip)
}

// MinSecretLength is the shortest secret a webhook accepts.
const MinSecretLength = 16

// CreateWebhook validates and stores a webhook of org.
func (s *Service) CreateWebhook(ctx context.Context, org string, req WebhookRequest) (model.Subscription, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(req.URL) > 2000 {
		return model.Subscription{}, &InputError{"url: an absolute http or https URL of at most 2000 characters is required"}
	}
	if u.User != nil {
		return model.Subscription{}, &InputError{"url: must not carry credentials; the secret authenticates rocca to the receiver"}
	}
	if localHost(u.Hostname(), s.refuseLoopback) {
		return model.Subscription{}, ErrLocalURL
	}
	if utf8.RuneCountInString(req.Secret) < MinSecretLength || len(req.Secret) > 256 {
		return model.Subscription{}, &InputError{fmt.Sprintf("secret: %d to 256 characters are required", MinSecretLength)}
	}
	switch req.Format {
	case "":
		req.Format = model.FormatRocca
	case model.FormatRocca, model.FormatDependencyTrack:
	default:
		return model.Subscription{}, &InputError{`format: "rocca" or "dependency-track"`}
	}
	if err := s.checkFilter(ctx, org, req.Events, req.ProductID); err != nil {
		return model.Subscription{}, err
	}
	sub := model.Subscription{Channel: model.ChannelWebhook, Target: req.URL, Secret: req.Secret, Events: req.Events,
		ProductID: req.ProductID, Format: req.Format, Created: s.now().UTC().Truncate(time.Microsecond)}
	if err := s.store.CreateSubscription(ctx, org, &sub); err != nil {
		return model.Subscription{}, err
	}
	return sub, nil
}

// checkFilter checks a subscription's event and product filter: known
// event types, a product of org.
func (s *Service) checkFilter(ctx context.Context, org string, events []string, productID string) error {
	for _, e := range events {
		if !known(e) {
			return &InputError{fmt.Sprintf("events: unknown event type %q (known: %s)", e, strings.Join(EventTypes, ", "))}
		}
	}
	if productID != "" {
		if _, err := s.store.Product(ctx, org, productID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &InputError{"productId: no such product"}
			}
			return err
		}
	}
	return nil
}

func known(e string) bool {
	for _, k := range EventTypes {
		if k == e {
			return true
		}
	}
	return false
}

// Webhooks lists org's webhooks.
func (s *Service) Webhooks(ctx context.Context, org string) ([]model.Subscription, error) {
	return s.subscriptions(ctx, org, model.ChannelWebhook)
}

// Webhook returns one of org's webhooks.
func (s *Service) Webhook(ctx context.Context, org, id string) (model.Subscription, error) {
	return s.subscription(ctx, org, id, model.ChannelWebhook)
}

// DeleteWebhook deletes one of org's webhooks.
func (s *Service) DeleteWebhook(ctx context.Context, org, id string) error {
	return s.deleteSubscription(ctx, org, id, model.ChannelWebhook)
}

// Deliveries returns the newest deliveries of one of org's webhooks.
func (s *Service) Deliveries(ctx context.Context, org, id string, limit int) ([]model.Delivery, error) {
	return s.deliveries(ctx, org, id, model.ChannelWebhook, limit)
}

// The subscriptions of one channel: each channel's routes see only their
// own (a webhook's id does not name an e-mail subscription, nor the
// reverse).

func (s *Service) subscriptions(ctx context.Context, org, channel string) ([]model.Subscription, error) {
	all, err := s.store.Subscriptions(ctx, org)
	if err != nil {
		return nil, err
	}
	out := make([]model.Subscription, 0, len(all))
	for _, sub := range all {
		if sub.Channel == channel {
			out = append(out, sub)
		}
	}
	return out, nil
}

func (s *Service) subscription(ctx context.Context, org, id, channel string) (model.Subscription, error) {
	sub, err := s.store.Subscription(ctx, org, id)
	if err == nil && sub.Channel != channel {
		return model.Subscription{}, store.ErrNotFound
	}
	return sub, err
}

func (s *Service) deleteSubscription(ctx context.Context, org, id, channel string) error {
	if _, err := s.subscription(ctx, org, id, channel); err != nil {
		return err
	}
	return s.store.DeleteSubscription(ctx, org, id)
}

func (s *Service) deliveries(ctx context.Context, org, id, channel string, limit int) ([]model.Delivery, error) {
	if _, err := s.subscription(ctx, org, id, channel); err != nil {
		return nil, err
	}
	return s.store.Deliveries(ctx, org, id, limit)
}

// Pending reports whether outbox events wait to be dispatched.
func (s *Service) Pending(ctx context.Context) (bool, error) { return s.store.OutboxPending(ctx) }

// Dispatch turns waiting outbox events into deliveries, batch by batch,
// until none is left; enqueue schedules the deliveries' jobs in the same
// transaction. It returns the number of events dispatched.
func (s *Service) Dispatch(ctx context.Context, enqueue func(ctx context.Context, tx *sql.Tx, deliveries []model.DeliveryRef) error) (int, error) {
	total := 0
	for {
		n, err := s.store.Dispatch(ctx, 500, s.now(), enqueue)
		if n > 0 {
			crashpoint.Hit("dispatch.after-commit")
		}
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// ErrGiveUp wraps the error of a delivery's last attempt.
var ErrGiveUp = errors.New("delivery failed for good")

// Deliver sends one delivery, on its subscription's channel, and records
// the attempt (with the HTTP status or the SMTP reply code). A failure
// returns an error (the job is retried) unless final is set, which marks
// the delivery failed. A delivery that no longer exists (its subscription
// was deleted) is done.
func (s *Service) Deliver(ctx context.Context, id string, final bool) error {
	d, sub, ev, err := s.store.DeliveryToSend(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.State == model.DeliveryDelivered {
		return nil
	}
	var status int
	var sendErr error
	switch sub.Channel {
	case model.ChannelEmail:
		m, err := s.compose(ctx, sub, d, ev)
		if err != nil {
			return s.record(ctx, d, sub, model.DeliveryFailed, 0, err)
		}
		status, sendErr = s.mail(ctx, m)
	default:
		body, err := Body(sub.Format, ev)
		if err != nil {
			return s.record(ctx, d, sub, model.DeliveryFailed, 0, err)
		}
		status, sendErr = s.send(ctx, sub, d, ev, body)
	}
	switch {
	case sendErr == nil:
		return s.record(ctx, d, sub, model.DeliveryDelivered, status, nil)
	case final:
		if err := s.record(ctx, d, sub, model.DeliveryFailed, status, sendErr); err != nil {
			return err
		}
		return fmt.Errorf("%w: %w", ErrGiveUp, sendErr)
	default:
		if err := s.record(ctx, d, sub, model.DeliveryPending, status, sendErr); err != nil {
			return err
		}
		return sendErr
	}
}

func (s *Service) record(ctx context.Context, d model.Delivery, sub model.Subscription, state string, status int, err error) error {
	msg := ""
	if err != nil {
		msg = err.Error()
		s.log.Warn("notification delivery failed", "channel", sub.Channel, "delivery", d.ID, "event", d.EventType,
			"attempt", d.Attempts+1, "status", status, "error", err)
	} else {
		s.log.Info("notification delivered", "channel", sub.Channel, "delivery", d.ID, "event", d.EventType, "status", status)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return s.store.RecordDelivery(rctx, d.ID, state, status, msg, s.now().UTC().Truncate(time.Microsecond))
}

func (s *Service) send(ctx context.Context, sub model.Subscription, d model.Delivery, ev model.OutboxEvent, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook request: %w", err)
	}
	t := s.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "rocca-webhook")
	req.Header.Set("X-Rocca-Event", ev.Type)
	req.Header.Set("X-Rocca-Delivery", d.ID)
	req.Header.Set("X-Rocca-Signature", Sign(sub.Secret, t, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook POST: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook POST: receiver answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}

// Sign returns the X-Rocca-Signature value of body sent at unix time t.
func Sign(secret string, t int64, body []byte) string {
	ts := strconv.FormatInt(t, 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signature header against body as a receiver should:
// the HMAC compared in constant time, and the timestamp no further than
// tolerance from now (replay protection).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("signature header: want t=<unix seconds>,v1=<hex>")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signature timestamp %d is outside the tolerance of %s", t, tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return errors.New("signature does not match")
}
