// Package buildinfo identifies the running rocca binary: its version, the
// commit it was built from and whether the tree was modified, the Go
// version and the platform. `rocca version`, the server's /healthz and its
// start-up log line all show the same Info, which the CLI reads once and
// passes on.
//
// The identity comes from the build information the Go toolchain records
// (runtime/debug.ReadBuildInfo): the main module's version (a tag, or a
// pseudo-version such as v0.0.0-20261207033752-1e61aa801041 when built
// from a git checkout) and the vcs.revision, vcs.time and vcs.modified
// settings. A release build may set the version at link time:
//
//	go build -ldflags "-X github.com/rocca-project/rocca/internal/buildinfo.Version=v1.2.0" ./cmd/rocca
//
// Version is the package's only variable, and it is not meant to change
// after the program starts: the linker can set only a package-level string
// variable, which makes it the standard exception to rocca's rule against
// package-level state.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version, when set with -ldflags -X (see the package documentation),
// overrides the version the Go toolchain recorded. Leave it empty in code.
var Version string

// Info is a binary's identity. Fields the build did not record are empty.
type Info struct {
	// Version is the -ldflags override, else the main module's version
	// (a tag or a pseudo-version), else "devel".
	Version string `json:"version"`
	// Commit is the full VCS revision the binary was built from.
	Commit string `json:"commit,omitempty"`
	// CommitTime is that revision's commit time (RFC 3339). The Go
	// toolchain records no build time, so that builds are reproducible;
	// the commit time dates the source instead.
	CommitTime string `json:"commitTime,omitempty"`
	// Modified reports uncommitted changes in the tree at build time.
	Modified bool `json:"modified"`
	// GoVersion is the toolchain that built the binary ("go1.26.8").
	GoVersion string `json:"goVersion"`
	// OS and Arch are the platform the binary was built for.
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// Read returns the running binary's identity.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return From(bi, Version)
}

// From builds an Info from recorded build information (nil when there is
// none) and a link-time version override ("" when there is none).
func From(bi *debug.BuildInfo, override string) Info {
	info := Info{Version: "devel", GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			info.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				info.CommitTime = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			case "GOOS":
				info.OS = s.Value
			case "GOARCH":
				info.Arch = s.Value
			}
		}
	}
	if override = strings.TrimSpace(override); override != "" {
		info.Version = override
	}
	return info
}

// ShortCommit returns the first 12 hex digits of the commit, or "".
func (i Info) ShortCommit() string {
	if len(i.Commit) > 12 {
		return i.Commit[:12]
	}
	return i.Commit
}

// String returns the version as one word, for reports and tool names:
// the version, or "devel-<commit>" (with "-dirty" for a modified tree)
// when the build has no version but a commit, or "devel".
func (i Info) String() string {
	if i.Version != "devel" || i.Commit == "" {
		return i.Version
	}
	s := "devel-" + i.ShortCommit()
	if i.Modified {
		s += "-dirty"
	}
	return s
}

// Line returns the one-line description `rocca version` prints, e.g.
//
//	rocca v1.2.0 (commit 1e61aa801041, 2026-12-07T03:37:52Z; go1.26.8 linux/amd64)
//	rocca devel-1e61aa801041-dirty (commit 1e61aa801041, 2026-12-07T03:37:52Z, modified; go1.26.8 linux/amd64)
//	rocca devel (go1.26.8 linux/amd64)
func (i Info) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rocca %s (", i)
	if i.Commit != "" {
		fmt.Fprintf(&b, "commit %s", i.ShortCommit())
		if i.CommitTime != "" {
			b.WriteString(", " + i.CommitTime)
		}
		if i.Modified {
			b.WriteString(", modified")
		}
		b.WriteString("; ")
	}
	fmt.Fprintf(&b, "%s %s/%s)", i.GoVersion, i.OS, i.Arch)
	return b.String()
}

// LogAttrs returns the identity as slog key/value pairs, for a log line.
func (i Info) LogAttrs() []any {
	attrs := []any{"version", i.String()}
	if i.Commit != "" {
		attrs = append(attrs, "commit", i.ShortCommit(), "modified", i.Modified)
	}
	return append(attrs, "go", i.GoVersion)
}
