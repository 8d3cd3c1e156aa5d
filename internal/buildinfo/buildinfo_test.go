package buildinfo

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func fakeBuild(version string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/rocca-project/rocca", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

func TestFrom(t *testing.T) {
	const rev = "1e61aa801041da783ed4e53f561ed52c37e06d14"
	vcs := []string{"GOOS", "linux", "GOARCH", "arm64", "vcs", "git", "vcs.revision", rev, "vcs.time", "2026-12-07T03:37:52Z"}
	tests := []struct {
		name     string
		bi       *debug.BuildInfo
		override string
		str      string // Info.String
		line     string // Info.Line
		json     string
	}{
		{
			name: "tagged module",
			bi:   fakeBuild("v1.2.0", vcs...),
			str:  "v1.2.0",
			line: "rocca v1.2.0 (commit 1e61aa801041, 2026-12-07T03:37:52Z; go1.26.8 linux/arm64)",
			json: `{"version":"v1.2.0","commit":"` + rev + `","commitTime":"2026-12-07T03:37:52Z","modified":false,"goVersion":"go1.26.8","os":"linux","arch":"arm64"}`,
		},
		{
			name: "pseudo-version of a modified checkout",
			bi:   fakeBuild("v0.0.0-20261207033752-1e61aa801041+dirty", append(vcs, "vcs.modified", "true")...),
			str:  "v0.0.0-20261207033752-1e61aa801041+dirty",
			line: "rocca v0.0.0-20261207033752-1e61aa801041+dirty (commit 1e61aa801041, 2026-12-07T03:37:52Z, modified; go1.26.8 linux/arm64)",
		},
		{
			name: "devel with a commit",
			bi:   fakeBuild("(devel)", append(vcs, "vcs.modified", "true")...),
			str:  "devel-1e61aa801041-dirty",
			line: "rocca devel-1e61aa801041-dirty (commit 1e61aa801041, 2026-12-07T03:37:52Z, modified; go1.26.8 linux/arm64)",
			json: `{"version":"devel","commit":"` + rev + `","commitTime":"2026-12-07T03:37:52Z","modified":true,"goVersion":"go1.26.8","os":"linux","arch":"arm64"}`,
		},
		{
			name: "devel without VCS information",
			bi:   fakeBuild("(devel)", "GOOS", "windows", "GOARCH", "amd64"),
			str:  "devel",
			line: "rocca devel (go1.26.8 windows/amd64)",
			json: `{"version":"devel","modified":false,"goVersion":"go1.26.8","os":"windows","arch":"amd64"}`,
		},
		{
			name:     "link-time override",
			bi:       fakeBuild("(devel)", vcs...),
			override: "v2.0.0-rc.1",
			str:      "v2.0.0-rc.1",
			line:     "rocca v2.0.0-rc.1 (commit 1e61aa801041, 2026-12-07T03:37:52Z; go1.26.8 linux/arm64)",
		},
		{
			name:     "override without build information",
			override: " v2.0.0 ",
			str:      "v2.0.0",
			line:     "rocca v2.0.0 (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := From(tt.bi, tt.override)
			if got := info.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := info.Line(); got != tt.line {
				t.Errorf("Line() = %q\nwant      %q", got, tt.line)
			}
			if tt.json != "" {
				b, err := json.Marshal(info)
				if err != nil || string(b) != tt.json {
					t.Errorf("JSON = %s, %v\nwant   %s", b, err, tt.json)
				}
			}
		})
	}
}

// TestLinkTimeVersion builds the rocca binary with the version set by
// -ldflags -X, as a release build does, and checks what `rocca version`
// and `rocca version --json` print.
func TestLinkTimeVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the rocca binary; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "rocca")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	const ver = "v9.8.7-linktest"
	build := exec.Command(goBin, "build", "-o", bin,
		"-ldflags", "-X github.com/rocca-project/rocca/internal/buildinfo.Version="+ver,
		"github.com/rocca-project/rocca/cmd/rocca")
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("rocca version: %v", err)
	}
	if line := string(out); !strings.HasPrefix(line, "rocca "+ver+" (") || !strings.Contains(line, runtime.GOOS+"/"+runtime.GOARCH+")") {
		t.Errorf("rocca version printed %q", line)
	}
	out, err = exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("rocca version --json: %v", err)
	}
	var info Info
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("rocca version --json printed %q: %v", out, err)
	}
	if info.Version != ver || info.GoVersion == "" || info.OS != runtime.GOOS || info.Arch != runtime.GOARCH {
		t.Errorf("rocca version --json = %+v", info)
	}
}
