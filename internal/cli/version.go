package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func newVersionCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print rocca's version, commit and build platform",
		Long: `Print rocca's version: the release version, or for a source build the module
pseudo-version or the commit (with "modified" when the tree had uncommitted
changes), then the Go version and platform. Quote this line in bug reports.

--json prints the same as one JSON object for scripts: version, commit,
commitTime, modified, goVersion, os, arch.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				out, err := json.Marshal(e.build)
				if err != nil {
					return fmt.Errorf("version: %w", err)
				}
				_, err = fmt.Fprintf(e.stdout, "%s\n", out)
				return err
			}
			_, err := fmt.Fprintln(e.stdout, e.build.Line())
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the build identity as JSON")
	return cmd
}
