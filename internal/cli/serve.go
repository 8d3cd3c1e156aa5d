package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/app"
)

func newServeCmd(e *env) *cobra.Command {
	var o app.ServerOptions
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the REST API server (portfolio API and Dependency-Track-compatible upload)",
		Long: `Serve rocca's REST API on --addr: products, versions, SBOM uploads, components,
findings and knowledge-base lookups under /api/v1 (OpenAPI document at
/api/v1/openapi.json), a Dependency-Track-compatible BOM upload (PUT/POST
/api/v1/bom), and the probes /healthz (process up) and /readyz (database
reachable and migrated).

Every /api/v1 request needs an organisation's API key in the X-Api-Key header
(or Authorization: Bearer KEY): create one with 'rocca apikey create'.

Logs are structured (log/slog) on stderr, at info level unless --log-level is
given. SIGINT or SIGTERM shut the server down gracefully: it stops accepting
connections, finishes requests in flight and the queued uploads (within
--shutdown-timeout), then closes the database.`,
		Example: `  rocca org create "Example Macchine"
  rocca apikey create --org "Example Macchine" --name ci
  rocca serve --addr 0.0.0.0:8080`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.MaxBOMBytes <= 0 {
				return usageErr("--max-bom-bytes must be positive")
			}
			if e.flags.LogLevel == "" {
				e.flags.LogLevel = "info"
			}
			a, err := e.open()
			if err != nil {
				return err
			}
			defer a.Close()
			return a.NewServer(o).Serve(cmd.Context(), grace)
		},
	}
	cmd.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT")
	cmd.Flags().Int64Var(&o.MaxBOMBytes, "max-bom-bytes", api.DefaultMaxBOMBytes, "largest SBOM upload accepted, in bytes (larger bodies get 413)")
	cmd.Flags().IntVar(&o.Workers, "workers", 2, "SBOM uploads processed at once")
	cmd.Flags().IntVar(&o.Backlog, "backlog", 64, "uploads queued before new ones get 503")
	cmd.Flags().DurationVar(&grace, "shutdown-timeout", 30*time.Second, "how long shutdown waits for requests and queued uploads")
	return cmd
}
