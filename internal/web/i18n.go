package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Languages are the languages of the interface, the default first.
var Languages = []string{"en", "it"}

//go:embed locales/*.json
var localeFS embed.FS

// Catalogues holds the translation of every message key per language.
type Catalogues map[string]map[string]string

// LoadCatalogues reads the embedded catalogues (locales/<lang>.json, a
// flat object of key → text).
func LoadCatalogues() (Catalogues, error) {
	c := Catalogues{}
	for _, lang := range Languages {
		b, err := localeFS.ReadFile("locales/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse catalogue %s: %w", lang, err)
		}
		c[lang] = m
	}
	return c, nil
}

// Keys returns every key of a language's catalogue, sorted.
func (c Catalogues) Keys(lang string) []string {
	out := make([]string, 0, len(c[lang]))
	for k := range c[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Localizer translates and formats for one language.
type Localizer struct {
	Lang string
	cat  map[string]string
	// fallback is the English catalogue, used (and logged by the tests)
	// when a key is missing.
	fallback map[string]string
}

// For returns the localizer of lang (English when lang is not offered).
func (c Catalogues) For(lang string) *Localizer {
	if _, ok := c[lang]; !ok {
		lang = Languages[0]
	}
	return &Localizer{Lang: lang, cat: c[lang], fallback: c[Languages[0]]}
}

// T returns the text of key, formatted with args (fmt verbs; Italian
// texts may reorder them with %[n]s). A missing key shows as itself, so
// that it is noticed (the catalogue test prevents it).
func (l *Localizer) T(key string, args ...any) string {
	s, ok := l.cat[key]
	if !ok {
		if s, ok = l.fallback[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N returns the plural form of key for n (key.one for 1, key.other
// otherwise: the rule of both English and Italian), with n formatted in
// the locale as its first argument.
func (l *Localizer) N(key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return l.T(key+form, append([]any{l.Num(n)}, args...)...)
}

// Num formats an integer with the locale's digit grouping (1,234 in
// English; 1.234 in Italian).
func (l *Localizer) Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if l.Lang == "it" {
		sep = "."
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Dec formats a number with prec decimals and the locale's decimal mark.
func (l *Localizer) Dec(f float64, prec int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if l.Lang == "it" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Pct formats a share (0 to 1) as a percentage with one decimal.
func (l *Localizer) Pct(f float64) string {
	return l.Dec(f*100, 1) + "%"
}

// Date formats a date as the locale writes it (7 Dec 2026; 7 dic 2026);
// "–" for the zero time.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	t = t.UTC()
	return fmt.Sprintf("%d %s %d", t.Day(), l.T("month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// DateTime formats a moment in UTC with the date as Date does.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	t = t.UTC()
	return l.Date(t) + ", " + t.Format("15:04") + " UTC"
}

// ISO is a date in ISO 8601, for machine-readable attributes and date
// inputs.
func (l *Localizer) ISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// Since says how long ago t was, roughly (3 hours ago; 3 ore fa).
func (l *Localizer) Since(t, now time.Time) string {
	if t.IsZero() {
		return l.T("time.never")
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return l.T("time.just_now")
	case d < time.Hour:
		return l.N("time.minutes_ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return l.N("time.hours_ago", int(d/time.Hour))
	default:
		return l.N("time.days_ago", int(d/(24*time.Hour)))
	}
}

// negotiate picks the language of a request for a person without a
// stored preference: the lang cookie (set by the language switch), else
// the best match of Accept-Language, else English.
func negotiate(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && offered(c.Value) {
		return c.Value
	}
	best, bestQ := Languages[0], -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if offered(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// offered reports whether lang is a language of the interface.
func offered(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
