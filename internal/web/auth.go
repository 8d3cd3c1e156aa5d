package web

import (
	"errors"
	"net"
	"net/http"
	"net/mail"
	"strings"
)

// minPassword is the shortest password the setup form accepts (the
// accounts service applies its own rule too).
const minPassword = 12

// loginForm is the sign-in page's data.
type loginForm struct {
	Email string
	Next  string
	// Error is the message key of a refused attempt.
	Error string
	Setup bool
}

// safeNext keeps a return address only when it is a path of this site.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || strings.ContainsAny(s, "\r\n") {
		return "/"
	}
	return s
}

func (w *Web) loginPage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if p != nil {
		http.Redirect(rw, r, "/", http.StatusSeeOther)
		return nil
	}
	setup, err := w.o.Accounts.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "login", view{L: l, Title: l.T("login.title"),
		Data: loginForm{Next: safeNext(r.URL.Query().Get("next")), Setup: setup}})
}

func (w *Web) login(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	tok, err := w.o.Accounts.Login(r.Context(), email, password, remoteHost(r))
	if err != nil {
		key := ""
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, ErrBadLogin):
			key = "login.wrong"
		case errors.Is(err, ErrRateLimited):
			key, status = "login.rate_limited", http.StatusTooManyRequests
		default:
			return err
		}
		l := w.localizer(r)
		return w.render(rw, r, status, "login", view{L: l, Title: l.T("login.title"),
			Data: loginForm{Email: email, Next: next, Error: key}})
	}
	w.setCookie(rw, r, sessionCookie, tok, 0)
	http.Redirect(rw, r, next, http.StatusSeeOther)
	return nil
}

// remoteHost is the client's address without its port.
func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

func (w *Web) logout(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := w.o.Accounts.Logout(r.Context(), c.Value, remoteHost(r)); err != nil {
			return err
		}
	}
	w.setCookie(rw, r, sessionCookie, "", -1)
	http.Redirect(rw, r, "/login?notice=signed_out", http.StatusSeeOther)
	return nil
}

// setupForm is the first-administrator page's data.
type setupForm struct {
	Email, Org, Token string
	// Errors are message keys, by field.
	Errors map[string]string
}

func (w *Web) setupPage(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	need, err := w.o.Accounts.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !need {
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
		return nil
	}
	l := w.localizer(r)
	// The setup URL in the server's log carries the token.
	return w.render(rw, r, http.StatusOK, "setup", view{L: l, Title: l.T("setup.title"), Data: setupForm{Token: r.URL.Query().Get("token")}})
}

func (w *Web) setup(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	f := setupForm{Email: strings.TrimSpace(r.PostFormValue("email")), Org: strings.TrimSpace(r.PostFormValue("org")),
		Token: strings.TrimSpace(r.PostFormValue("token")), Errors: map[string]string{}}
	token, password := f.Token, r.PostFormValue("password")
	if token == "" {
		f.Errors["token"] = "setup.token_required"
	}
	if _, err := mail.ParseAddress(f.Email); err != nil || strings.ContainsAny(f.Email, "<> ") {
		f.Errors["email"] = "form.email_invalid"
	}
	if len([]rune(password)) < minPassword {
		f.Errors["password"] = "form.password_short"
	} else if password != r.PostFormValue("password2") {
		f.Errors["password2"] = "form.password_mismatch"
	}
	if err := checkName(f.Org); err != "" {
		f.Errors["org"] = err
	}
	if len(f.Errors) == 0 {
		tok, err := w.o.Accounts.Setup(r.Context(), SetupForm{Token: token, Email: f.Email, Password: password, OrgName: f.Org,
			Lang: w.localizer(r).Lang, Remote: remoteHost(r)})
		switch {
		case err == nil:
			w.setCookie(rw, r, sessionCookie, tok, 0)
			http.Redirect(rw, r, "/", http.StatusSeeOther)
			return nil
		case errors.Is(err, ErrBadSetupToken):
			f.Errors["token"] = "setup.token_wrong"
		case errors.Is(err, ErrWeakPassword):
			f.Errors["password"] = "form.password_short"
		default:
			return err
		}
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusBadRequest, "setup", view{L: l, Title: l.T("setup.title"), Data: f})
}

// checkName returns the message key of a problem with a name field, ""
// when it is acceptable (the use cases check it again).
func checkName(s string) string {
	switch {
	case s == "":
		return "form.required"
	case len([]rune(s)) > 200:
		return "form.too_long"
	case strings.ContainsAny(s, "\x00\r\n\t"):
		return "form.invalid_chars"
	}
	return ""
}

// setLang stores the chosen language (cookie, and the person's
// preference when signed in) and returns to the page, or to the nearest
// page above it when its address has none (landing).
func (w *Web) setLang(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	lang := r.PostFormValue("lang")
	if !offered(lang) {
		return inputError("error.input", "lang")
	}
	w.setCookie(rw, r, langCookie, lang, 365*24*3600)
	if p != nil {
		if err := w.o.Accounts.SetLanguage(r.Context(), *p, lang); err != nil {
			return err
		}
	}
	http.Redirect(rw, r, w.landing(safeNext(r.PostFormValue("next"))), http.StatusSeeOther)
	return nil
}

func (w *Web) switchOrg(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	org := r.PostFormValue("org")
	if !isID(org) {
		return errForbiddenPage
	}
	if err := w.o.Accounts.SwitchOrg(r.Context(), *p, org); err != nil {
		return err
	}
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}

// accountForm is the account page's data.
type accountForm struct {
	Errors map[string]string
}

func (w *Web) accountPage(rw http.ResponseWriter, r *http.Request, _ *Principal) error {
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "account", view{L: l, Title: l.T("account.title"), Nav: "account",
		Data: accountForm{}})
}

func (w *Web) changePassword(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	f := accountForm{Errors: map[string]string{}}
	old, nw := r.PostFormValue("old"), r.PostFormValue("new")
	if len([]rune(nw)) < minPassword {
		f.Errors["new"] = "form.password_short"
	} else if nw != r.PostFormValue("new2") {
		f.Errors["new2"] = "form.password_mismatch"
	}
	if len(f.Errors) == 0 {
		err := w.o.Accounts.ChangePassword(r.Context(), *p, old, nw)
		switch {
		case err == nil:
			http.Redirect(rw, r, "/account?notice=password_changed", http.StatusSeeOther)
			return nil
		case errors.Is(err, ErrBadLogin):
			f.Errors["old"] = "account.old_wrong"
		case errors.Is(err, ErrWeakPassword):
			f.Errors["new"] = "form.password_short"
		default:
			return err
		}
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusBadRequest, "account", view{L: l, Title: l.T("account.title"), Nav: "account", Data: f})
}
