// Package web is rocca's web application: server-rendered HTML pages for
// the people who watch their products' vulnerabilities, mounted in the
// same HTTP server as the REST API.
//
// Decisions:
//
//   - Pages are html/template files embedded in the binary (templates/),
//     parsed once at start (a broken template stops the start); each page
//     is the layout plus its own "content". Assets (static/) are embedded
//     too, served with an ETag and a day's caching. No build step, no CDN,
//     no third-party script: the one script (static/app.js) only adds drag
//     and drop to the SBOM upload form, which works without it; charts are
//     SVG drawn on the server (chart.go) with a text alternative.
//   - One route table (routes.go) lists every page and action with the
//     least role it needs (Public, Signed, Viewer, Editor, Owner). guard
//     applies it on the server for every request, checks the path's ids,
//     bounds bodies and checks each post's CSRF token; the tests walk the
//     same table as nobody, as a viewer, as an editor and as a member of
//     another organisation. The organisation is the session's current one
//     (Principal), never a request parameter: every read passes it to the
//     use cases, which scope every query to it, so another organisation's
//     id gives 404.
//   - Sessions come from Accounts (the accounts service, wired by
//     internal/app). The session cookie is HttpOnly, SameSite=Lax, and
//     Secure when the request came over TLS (or through a proxy trusted to
//     say so with X-Forwarded-Proto). Forms carry a token derived from the
//     session's CSRF secret (an HMAC, so nothing is stored); the sign-in
//     and setup forms, before any session, carry a random token matched
//     against a cookie. Go's http.CrossOriginProtection refuses
//     cross-origin posts by Sec-Fetch-Site/Origin first. Every response
//     carries a CSP without inline script or style, frame denial, nosniff
//     and a referrer policy.
//   - Languages: English and Italian catalogues (locales/*.json, flat
//     key → text with fmt verbs; plurals as key.one/key.other, the rule of
//     both languages). The person's stored preference wins, then the
//     language switch's cookie, then Accept-Language. Dates, numbers and
//     percentages are formatted per language by Localizer. A test fails
//     when a key is missing in either language, when a template or the code
//     uses a key absent from the catalogues, or when a key is unused.
//     Messages of outside origin — an SBOM parser's located errors, feed
//     errors, advisory summaries — are shown as they are (marked lang="en"
//     where they are known to be English), under translated headings.
//   - Handlers call the use cases (portfolio.Service, the upload queue,
//     Accounts) only; the organisation-wide reads they need (dashboard,
//     findings across products, a finding with its history) are use cases
//     of portfolio (overview.go) over store.Overview.
package web
