// Package api serves rocca's REST API under /api/v1: the portfolio
// (organisation, products, versions, SBOMs, components, findings and their
// events, knowledge-base lookups), a Dependency-Track-compatible BOM
// upload subset, the OpenAPI document and the health probes. Every route
// is listed once in routes.go; handlers call package portfolio and never
// see SQL. Errors are rendered in one place as RFC 9457 problem details.
package api
