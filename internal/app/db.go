package app

import (
	"context"
	"net/http"
	"time"

	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/scan"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// Database administration and the knowledge base's own use cases, for
// the CLI: commands call these (or a service the App builds) and never
// the store itself.

// Engine names the database engine: "sqlite" or "postgres".
func (a *App) Engine() string { return a.Store.Engine() }

// SchemaVersion returns the database's schema version (0 when empty).
func (a *App) SchemaVersion(ctx context.Context) (int, error) { return a.Store.SchemaVersion(ctx) }

// Migrate applies the embedded schema migrations the database does not
// have yet and reports the versions before and after.
func (a *App) Migrate(ctx context.Context) (sqlstore.MigrationReport, error) {
	return a.Store.Migrate(ctx)
}

// Backup writes a consistent copy of the SQLite database to dest, which
// must not exist (sqlstore.ErrBackupExists).
func (a *App) Backup(ctx context.Context, dest string) error { return a.Store.Backup(ctx, dest) }

// KnowledgeBaseStats summarises the knowledge base.
func (a *App) KnowledgeBaseStats(ctx context.Context) (model.DatabaseInfo, error) {
	return a.Store.Stats(ctx)
}

// Scan runs one scan against the App's knowledge base.
func (a *App) Scan(ctx context.Context, req scan.Request) (*model.ScanResult, error) {
	return scan.Run(ctx, a.Store, req)
}

// Feeds returns a feed syncer for cfg on the App's knowledge base; client
// nil means http.DefaultClient.
func (a *App) Feeds(cfg feeds.Config, client *http.Client) *feeds.Syncer {
	return feeds.New(cfg, a.Store, client, a.Log, time.Now)
}
