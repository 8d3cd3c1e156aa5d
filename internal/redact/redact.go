// Package redact keeps database passwords out of what rocca prints and
// logs. Every message or log line that may carry a database URL goes
// through it: the configuration listing, the store's open errors (drivers
// repeat their connection string), the CLI's error line and the logger.
//
// A password can sit in three places, and each is replaced by "***":
//
//   - the user info of a URL: postgres://rocca:SECRET@db/rocca
//   - a password or sslpassword query parameter, in any case:
//     postgres://rocca@db/rocca?password=SECRET
//   - a password or sslpassword pair of a key=value connection string:
//     host=db user=rocca password=SECRET (rocca does not accept that form as
//     a PostgreSQL database, but a user may still type it)
//
// The functions work on the text as written, without parsing it as a URL
// first, so that a string no URL parser accepts is redacted too.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces each password.
const Mask = "***"

// kvPassword matches a password pair of a key=value connection string,
// its value bare or single-quoted (libpq's syntax).
// A bare value ends at white space, '&' or a quote character, as drivers
// quote the connection strings they repeat ("`user=rocca password=...`").
var kvPassword = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&'"` + "`" + `]*)`)

// isSecretKey reports whether a query parameter carries a password.
func isSecretKey(key string) bool {
	if k, err := url.QueryUnescape(key); err == nil {
		key = k
	}
	key = strings.ToLower(strings.TrimSpace(key))
	return key == "password" || key == "sslpassword"
}

// DatabaseURL returns s, a database URL, file path or connection string,
// with every password replaced by Mask. Everything else is kept as
// written.
func DatabaseURL(s string) string {
	scheme := strings.Index(s, "://")
	if scheme < 0 {
		return kvPassword.ReplaceAllString(s, "${1}"+Mask)
	}
	rest := s[scheme+3:]
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:scheme+3])
	// The user info ends at the last '@' before the query: a password may
	// hold unescaped '/' or '@'.
	head, query, hasQuery := strings.Cut(rest, "?")
	if at := strings.LastIndexByte(head, '@'); at >= 0 {
		user := head[:at]
		if c := strings.IndexByte(user, ':'); c >= 0 {
			user = user[:c+1] + Mask
		}
		b.WriteString(user)
		head = head[at:]
	}
	b.WriteString(head)
	if !hasQuery {
		return b.String()
	}
	b.WriteByte('?')
	query, frag, hasFrag := strings.Cut(query, "#")
	for i, p := range strings.Split(query, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		if key, _, _ := strings.Cut(p, "="); isSecretKey(key) {
			p = key + "=" + Mask
		}
		b.WriteString(p)
	}
	if hasFrag {
		b.WriteByte('#')
		b.WriteString(frag)
	}
	return b.String()
}

// Secrets returns the passwords written in s (a database URL, path or
// connection string), each as written and, when different, percent-decoded,
// so that a message repeating them in either form can be scrubbed.
func Secrets(s string) []string {
	var out []string
	seen := map[string]bool{"": true}
	add := func(v string) {
		v = strings.Trim(v, "'")
		forms := []string{v}
		if d, err := url.PathUnescape(v); err == nil {
			forms = append(forms, d)
		}
		if d, err := url.QueryUnescape(v); err == nil {
			forms = append(forms, d)
		}
		for _, f := range forms {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	if scheme := strings.Index(s, "://"); scheme >= 0 {
		head, query, _ := strings.Cut(s[scheme+3:], "?")
		if at := strings.LastIndexByte(head, '@'); at >= 0 {
			if _, pw, ok := strings.Cut(head[:at], ":"); ok {
				add(pw)
			}
		}
		query, _, _ = strings.Cut(query, "#")
		for _, p := range strings.Split(query, "&") {
			if key, v, ok := strings.Cut(p, "="); ok && isSecretKey(key) {
				add(v)
			}
		}
		return out
	}
	for _, m := range kvPassword.FindAllStringSubmatch(s, -1) {
		add(m[2])
	}
	return out
}

// Message returns msg with the passwords of dbURL removed: dbURL itself is
// shown redacted, every password it holds is replaced by Mask wherever it
// appears (as written or percent-decoded), and password pairs are masked.
func Message(msg, dbURL string) string {
	if dbURL != "" {
		if r := DatabaseURL(dbURL); r != dbURL {
			msg = strings.ReplaceAll(msg, dbURL, r)
		}
		for _, pw := range Secrets(dbURL) {
			msg = strings.ReplaceAll(msg, pw, Mask)
		}
	}
	return kvPassword.ReplaceAllString(msg, "${1}"+Mask)
}

// Error returns err with Message applied to its text, or err itself when
// nothing needed removing. errors.Is and errors.As still see err.
func Error(err error, dbURL string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if r := Message(msg, dbURL); r != msg {
		return &redacted{msg: r, err: err}
	}
	return err
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
