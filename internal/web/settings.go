package web

import (
	"errors"
	"github.com/rocca-project/rocca/internal/store"
	"net/http"
	"net/mail"
	"strings"

	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
)

// settingsData is the settings page's data.
type settingsData struct {
	Org     model.Organisation
	Members []Member
	Pager   pager
	Roles   []Role
	// Add is the add-member form.
	Add memberForm
}

// memberForm is the add-member form.
type memberForm struct {
	Email, Role string
	Errors      map[string]string
}

func (w *Web) settings(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.showSettings(rw, r, p, http.StatusOK, memberForm{Role: string(RoleViewer)})
}

func (w *Web) showSettings(rw http.ResponseWriter, r *http.Request, p *Principal, status int, f memberForm) error {
	org, err := w.o.Portfolio.Organisation(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	ms, err := w.o.Accounts.Members(r.Context(), *p)
	if err != nil {
		return err
	}
	page := pageOf(r)
	from := min((page-1)*pageSize, len(ms))
	l := w.localizer(r)
	return w.render(rw, r, status, "settings", view{L: l, Title: l.T("settings.title"), Nav: "settings",
		Data: settingsData{Org: org, Members: ms[from:min(from+pageSize, len(ms))], Pager: newPager(r, page, len(ms)),
			Roles: []Role{RoleOwner, RoleEditor, RoleViewer}, Add: f}})
}

func (w *Web) addMember(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	f := memberForm{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role"), Errors: map[string]string{}}
	if Role(f.Role).rank() == 0 {
		f.Errors["role"] = "form.choose"
	}
	if _, err := mail.ParseAddress(f.Email); err != nil || strings.ContainsAny(f.Email, "<> ") {
		f.Errors["email"] = "form.email_invalid"
	}
	if len(f.Errors) == 0 {
		err := w.o.Accounts.AddMember(r.Context(), *p, f.Email, Role(f.Role))
		switch {
		case err == nil:
			http.Redirect(rw, r, "/settings?notice=member_added", http.StatusSeeOther)
			return nil
		case errors.Is(err, store.ErrNotFound):
			f.Errors["email"] = "settings.no_account"
		case errors.Is(err, store.ErrConflict):
			f.Errors["email"] = "settings.already_member"
		default:
			return err
		}
	}
	return w.showSettings(rw, r, p, http.StatusBadRequest, f)
}

func (w *Web) setRole(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	role := Role(r.PostFormValue("role"))
	if role.rank() == 0 {
		return inputError("error.input", "role")
	}
	err := w.o.Accounts.SetRole(r.Context(), *p, r.PathValue("user"), role)
	if errors.Is(err, ErrLastOwner) {
		return &pageError{status: http.StatusConflict, key: "settings.last_owner"}
	}
	if err != nil {
		return err
	}
	http.Redirect(rw, r, "/settings?notice=role_changed", http.StatusSeeOther)
	return nil
}

// keysData is the API keys page's data.
type keysData struct {
	Keys []model.APIKey
	// Secret is a key just created: shown this once.
	Secret string
	Label  string
	Error  string
}

func (w *Web) apiKeys(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.showKeys(rw, r, p, http.StatusOK, keysData{})
}

func (w *Web) showKeys(rw http.ResponseWriter, r *http.Request, p *Principal, status int, d keysData) error {
	ks, err := w.o.Accounts.APIKeys(r.Context(), *p)
	if err != nil {
		return err
	}
	d.Keys = ks
	l := w.localizer(r)
	return w.render(rw, r, status, "apikeys", view{L: l, Title: l.T("keys.title"), Nav: "settings", Data: d})
}

func (w *Web) createAPIKey(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	label := strings.TrimSpace(r.PostFormValue("label"))
	if k := checkName(label); k != "" {
		return w.showKeys(rw, r, p, http.StatusBadRequest, keysData{Label: label, Error: k})
	}
	secret, _, err := w.o.Accounts.CreateAPIKey(r.Context(), *p, label)
	if err != nil {
		return err
	}
	// Shown in this response only; never stored or shown again.
	return w.showKeys(rw, r, p, http.StatusOK, keysData{Secret: secret})
}

func (w *Web) revokeAPIKey(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := w.o.Accounts.RevokeAPIKey(r.Context(), *p, r.PathValue("key")); err != nil {
		return err
	}
	http.Redirect(rw, r, "/settings/api-keys?notice=revoked", http.StatusSeeOther)
	return nil
}

// feedsData is the feeds page's data.
type feedsData struct {
	Feeds []feeds.SourceStatus
	// Off is true when the server has no feed status (not configured).
	Off bool
}

func (w *Web) feedsPage(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	d := feedsData{Off: w.o.FeedStatus == nil}
	if w.o.FeedStatus != nil {
		fs, err := w.o.FeedStatus(r.Context())
		if err != nil {
			return err
		}
		d.Feeds = fs
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "feeds", view{L: l, Title: l.T("feeds.title"), Nav: "settings", Data: d})
}

// notificationsData is the notifications page's data.
type notificationsData struct {
	Webhooks []model.Subscription
	Emails   []notify.EmailSubscription
	// Off is true when the server has no notification service.
	Off bool
}

// notificationsPage lists the organisation's webhooks and e-mail
// subscriptions, read-only (the REST API manages them; webhook secrets
// are never shown).
func (w *Web) notificationsPage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	d := notificationsData{Off: w.o.Notify == nil}
	if w.o.Notify != nil {
		var err error
		if d.Webhooks, err = w.o.Notify.Webhooks(r.Context(), p.Org.OrgID); err != nil {
			return err
		}
		if d.Emails, err = w.o.Notify.EmailSubscriptions(r.Context(), p.Org.OrgID); err != nil {
			return err
		}
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "notifications", view{L: l, Title: l.T("notifications.title"), Nav: "settings", Data: d})
}
