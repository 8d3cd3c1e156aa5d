// Package app wires rocca together: it is the one place where the
// configuration, the store and the services are built and connected.
package app
