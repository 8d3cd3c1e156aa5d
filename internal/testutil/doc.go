// Package testutil holds helpers shared by rocca's tests: locating the
// shared corpora and the module root.
package testutil
