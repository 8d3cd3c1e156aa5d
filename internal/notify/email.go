package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/termtext"
)

// Mail is one e-mail notification, ready to send.
type Mail struct {
	To      []string
	Subject string
	// Text is the plain-text body.
	Text string
	// JSON is the event in rocca's webhook format, attached as event.json.
	JSON []byte
	// ID is the delivery's id: the message's Message-ID and its
	// X-Rocca-Delivery header are built from it, the same on every retry,
	// so that a receiver can drop a duplicate.
	ID string
	// EventType is sent as X-Rocca-Event.
	EventType string
	// Locale is the language of the text ("en", "it"), sent as
	// Content-Language.
	Locale string
}

// Mailer sends e-mail. Send returns the server's reply code (250 when the
// message was accepted; the code of the refusing reply, or 0 when there
// was none, such as a connection that failed) with the error.
type Mailer interface {
	Send(ctx context.Context, m Mail) (int, error)
}

// EmailRequest is what a client asks to create an e-mail subscription.
type EmailRequest struct {
	// To are the recipients' bare addresses (security@example.com).
	To     []string `json:"to"`
	Events []string `json:"events"`
	// ProductID limits the subscription to one product's events.
	ProductID string `json:"productId"`
	// Locale is the language of the e-mails: "en" (the default) or "it".
	Locale string `json:"locale"`
}

// EmailSubscription is an e-mail subscription as the API shows it.
type EmailSubscription struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"organisationId"`
	Channel   string    `json:"channel"`
	To        []string  `json:"to"`
	Events    []string  `json:"events"`
	ProductID string    `json:"productId,omitempty"`
	Locale    string    `json:"locale"`
	Created   time.Time `json:"created"`
	// UserID marks a case owner's personal subscription to the reminders
	// addressed to them, which rocca keeps (KeepPersonal).
	UserID string `json:"userId,omitempty"`
}

// Limits of an e-mail subscription's recipients.
const (
	MaxRecipients    = 50
	maxAddressLength = 254 // RFC 5321's path limit, less the brackets
)

// ErrEmailOff refuses an e-mail subscription on a server without SMTP.
var ErrEmailOff = &InputError{"e-mail is not configured on this server: its operator sets smtp_host and smtp_from (see rocca config) and restarts rocca serve"}

// EmailEnabled reports whether the service sends e-mail (SMTP is
// configured): e-mail subscriptions are refused otherwise.
func (s *Service) EmailEnabled() bool { return s.mailer != nil }

// CreateEmail validates and stores an e-mail subscription of org.
func (s *Service) CreateEmail(ctx context.Context, org string, req EmailRequest) (EmailSubscription, error) {
	if s.mailer == nil {
		return EmailSubscription{}, ErrEmailOff
	}
	to, err := recipients(req.To)
	if err != nil {
		return EmailSubscription{}, err
	}
	if err := s.checkFilter(ctx, org, req.Events, req.ProductID); err != nil {
		return EmailSubscription{}, err
	}
	locale, err := checkLocale(req.Locale)
	if err != nil {
		return EmailSubscription{}, err
	}
	sub := model.Subscription{Channel: model.ChannelEmail, Target: strings.Join(to, ", "), Events: req.Events,
		ProductID: req.ProductID, Format: model.FormatRocca, Locale: locale, Created: s.now().UTC().Truncate(time.Microsecond)}
	if err := s.store.CreateSubscription(ctx, org, &sub); err != nil {
		return EmailSubscription{}, err
	}
	return emailView(sub), nil
}

// checkLocale validates an e-mail subscription's language: "" is English.
func checkLocale(l string) (string, error) {
	if l == "" {
		return LocaleEnglish, nil
	}
	if !ValidLocale(l) {
		shown := l
		if len(shown) > 20 {
			shown = shown[:20] + "..."
		}
		return "", &InputError{fmt.Sprintf("locale: %q is not a language of e-mails: %s", shown, strings.Join(Locales, " or "))}
	}
	return l, nil
}

// recipients validates a subscription's addresses: bare addresses (no
// display name, no comments: what is stored is what is sent to), at least
// one, no repeats.
func recipients(in []string) ([]string, error) {
	if len(in) == 0 || len(in) > MaxRecipients {
		return nil, &InputError{fmt.Sprintf("to: 1 to %d e-mail addresses are required", MaxRecipients)}
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, a := range in {
		shown := a
		if len(shown) > 80 {
			shown = shown[:80] + "..."
		}
		p, err := mail.ParseAddress(a)
		if err != nil || p.Name != "" || p.Address != a || len(a) > maxAddressLength {
			return nil, &InputError{fmt.Sprintf("to: %q is not a bare e-mail address such as security@example.com", shown)}
		}
		k := strings.ToLower(a)
		if seen[k] {
			return nil, &InputError{fmt.Sprintf("to: %q is listed twice", shown)}
		}
		seen[k] = true
		out = append(out, a)
	}
	return out, nil
}

// Recipients returns the addresses of an e-mail subscription.
func Recipients(sub model.Subscription) []string {
	if sub.Target == "" {
		return nil
	}
	return strings.Split(sub.Target, ", ")
}

func emailView(sub model.Subscription) EmailSubscription {
	events := sub.Events
	if events == nil {
		events = []string{}
	}
	return EmailSubscription{ID: sub.ID, OrgID: sub.OrgID, Channel: sub.Channel, To: Recipients(sub), Events: events,
		ProductID: sub.ProductID, Locale: localeOf(sub.Locale), Created: sub.Created, UserID: sub.UserID}
}

// EmailSubscriptions lists org's e-mail subscriptions.
func (s *Service) EmailSubscriptions(ctx context.Context, org string) ([]EmailSubscription, error) {
	subs, err := s.subscriptions(ctx, org, model.ChannelEmail)
	if err != nil {
		return nil, err
	}
	out := make([]EmailSubscription, len(subs))
	for i, sub := range subs {
		out[i] = emailView(sub)
	}
	return out, nil
}

// EmailSubscription returns one of org's e-mail subscriptions.
func (s *Service) EmailSubscription(ctx context.Context, org, id string) (EmailSubscription, error) {
	sub, err := s.subscription(ctx, org, id, model.ChannelEmail)
	if err != nil {
		return EmailSubscription{}, err
	}
	return emailView(sub), nil
}

// DeleteEmailSubscription deletes one of org's e-mail subscriptions with
// its delivery log.
func (s *Service) DeleteEmailSubscription(ctx context.Context, org, id string) error {
	return s.deleteSubscription(ctx, org, id, model.ChannelEmail)
}

// EmailDeliveries returns the newest deliveries of one of org's e-mail
// subscriptions.
func (s *Service) EmailDeliveries(ctx context.Context, org, id string, limit int) ([]model.Delivery, error) {
	return s.deliveries(ctx, org, id, model.ChannelEmail, limit)
}

// errNoMailer fails the deliveries of e-mail subscriptions created while
// SMTP was configured, on a server started without it; they are retried,
// so configuring SMTP and restarting within the retry window sends them.
var errNoMailer = errors.New("e-mail: SMTP is not configured on this server (smtp_host)")

func (s *Service) mail(ctx context.Context, m Mail) (int, error) {
	if s.mailer == nil {
		return 0, errNoMailer
	}
	return s.mailer.Send(ctx, m)
}

// compose builds the e-mail of one delivery. Product and version names are
// looked up for the subject and body; their ids stand in when that fails.
func (s *Service) compose(ctx context.Context, sub model.Subscription, d model.Delivery, ev model.OutboxEvent) (Mail, error) {
	js, err := Body(model.FormatRocca, ev)
	if err != nil {
		return Mail{}, err
	}
	var where Where
	if ev.ProductID != "" {
		if p, err := s.store.Product(ctx, ev.OrgID, ev.ProductID); err == nil {
			where.Product = p.Name
		}
	}
	if ev.VersionID != "" {
		if v, err := s.store.Version(ctx, ev.OrgID, ev.VersionID); err == nil {
			where.Version = v.Name
		}
	}
	locale := localeOf(sub.Locale)
	subject, text, err := MailText(ev, where, locale)
	if err != nil {
		return Mail{}, err
	}
	text += "\n--\n" + termtext.Escape(Footer(locale, sub.ID, sub.OrgID)) + "\n"
	return Mail{To: Recipients(sub), Subject: subject, Text: text, JSON: js, ID: d.ID, EventType: ev.Type, Locale: locale}, nil
}

// Subscribe subscribes e-mail addresses to event types, with e-mails in a
// language ("" is English), and returns the subscription's id (the
// reporting contacts' subscription to the case events, kept by package
// cases).
func (s *Service) Subscribe(ctx context.Context, org string, to, events []string, locale string) (string, error) {
	sub, err := s.CreateEmail(ctx, org, EmailRequest{To: to, Events: events, Locale: locale})
	return sub.ID, err
}

// Unsubscribe removes an e-mail subscription; one already gone is no error.
func (s *Service) Unsubscribe(ctx context.Context, org, id string) error {
	if err := s.DeleteEmailSubscription(ctx, org, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// PersonalEvents are the event types of a case owner's personal
// subscription: the reminders of the cases they own.
var PersonalEvents = []string{"case.deadline_reminder", "case.overdue"}

// KeepPersonal makes sure a user (a case owner) has a personal e-mail
// subscription to the reminders addressed to them (model.OutboxEvent.UserID),
// at address and in locale, and returns its id: the existing one, its
// address and language brought up to date (its deliveries kept), else a
// new one. On a server without e-mail it makes none and returns "".
func (s *Service) KeepPersonal(ctx context.Context, org, userID, address, locale string) (string, error) {
	if s.mailer == nil {
		return "", nil
	}
	to, err := recipients([]string{address})
	if err != nil {
		return "", err
	}
	if locale, err = checkLocale(locale); err != nil {
		return "", err
	}
	for attempt := 0; ; attempt++ {
		subs, err := s.subscriptions(ctx, org, model.ChannelEmail)
		if err != nil {
			return "", err
		}
		for _, sub := range subs {
			if sub.UserID != userID {
				continue
			}
			if sub.Target != to[0] || localeOf(sub.Locale) != locale {
				if err := s.store.SetSubscriptionTarget(ctx, org, sub.ID, to[0], locale); err != nil {
					return "", err
				}
			}
			return sub.ID, nil
		}
		sub := model.Subscription{Channel: model.ChannelEmail, Target: to[0], Events: PersonalEvents, Format: model.FormatRocca,
			Locale: locale, UserID: userID, Created: s.now().UTC().Truncate(time.Microsecond)}
		err = s.store.CreateSubscription(ctx, org, &sub)
		if errors.Is(err, store.ErrConflict) && attempt == 0 {
			continue // made meanwhile by another server: use it
		}
		if err != nil {
			return "", err
		}
		return sub.ID, nil
	}
}

// DropPersonal removes a user's personal subscription, if any.
func (s *Service) DropPersonal(ctx context.Context, org, userID string) error {
	subs, err := s.subscriptions(ctx, org, model.ChannelEmail)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if sub.UserID == userID && userID != "" {
			return s.Unsubscribe(ctx, org, sub.ID)
		}
	}
	return nil
}
