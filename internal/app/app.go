package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// App holds rocca's long-lived parts.
type App struct {
	Config config.Config
	Log    *slog.Logger
	Store  *sqlstore.Store
}

// Open opens the database named by cfg, applies the pending schema
// migrations and builds the App.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	return open(ctx, cfg, log, sqlstore.Open)
}

// OpenNoMigrate is Open without migrating: for commands that migrate
// themselves and report it (db migrate) or copy the database as it is
// (db backup).
func OpenNoMigrate(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	return open(ctx, cfg, log, sqlstore.OpenNoMigrate)
}

func open(ctx context.Context, cfg config.Config, log *slog.Logger,
	opener func(context.Context, string) (*sqlstore.Store, error)) (*App, error) {
	st, err := opener(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	log.Debug("database open", "url", cfg.Redacted(), "source", cfg.DatabaseSource, "engine", st.Engine())
	return &App{Config: cfg, Log: log, Store: st}, nil
}

// Close releases the App's resources.
func (a *App) Close() error {
	if err := a.Store.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Importer returns a knowledge-base importer on the App's store.
func (a *App) Importer() *kb.Importer { return kb.NewImporter(a.Store, a.Log) }

// Matcher returns a matcher on the App's knowledge base.
func (a *App) Matcher() *match.Matcher { return &match.Matcher{KB: a.Store} }
