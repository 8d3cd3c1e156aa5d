package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed data
var data embed.FS

// SBOMName is the file name of the example SBOM.
const SBOMName = "hmi-gateway.cdx.json"

// WriteTo writes the demonstration data into dir and returns the paths to
// import (the OSV directory, KEV and EPSS) and the example SBOM's path.
func WriteTo(dir string) (feeds []string, sbomPath string, err error) {
	err = fs.WalkDir(data, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("data", p)
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		b, err := data.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o640)
	})
	if err != nil {
		return nil, "", fmt.Errorf("write demo data: %w", err)
	}
	feeds = []string{filepath.Join(dir, "osv"), filepath.Join(dir, "kev.json"), filepath.Join(dir, "epss.csv")}
	return feeds, filepath.Join(dir, SBOMName), nil
}
