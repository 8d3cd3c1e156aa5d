// Package crashpoint lets tests kill rocca at named points of its work,
// as kill -9 would, to check that nothing acknowledged is lost, nothing
// is half-written and every event is recorded once. A point is armed only
// by the environment variable ROCCA_CRASH_AT naming it; unarmed, Hit is
// one environment lookup. It is not meant for production use.
//
// Points:
//
//	upload.before-commit   an upload's ingestion, inside its transaction
//	upload.after-commit    an upload ingested, its token not yet finished
//	import.before-commit   a knowledge-base import, inside its transaction
//	rematch.after-version  the watch, after re-matching one version, before its cursor moves
//	dispatch.after-commit  deliveries created, none sent yet
package crashpoint

import (
	"os"
	"syscall"
)

// Env is the variable that arms a point.
const Env = "ROCCA_CRASH_AT"

// Hit kills the process with SIGKILL when the point name is armed.
func Hit(name string) {
	if os.Getenv(Env) == name {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is delivered asynchronously
	}
}
