package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/config"
)

func TestDefaultsAgree(t *testing.T) {
	if config.DefaultMaxBOMBytes != api.DefaultMaxBOMBytes {
		t.Errorf("config.DefaultMaxBOMBytes %d, api.DefaultMaxBOMBytes %d", config.DefaultMaxBOMBytes, api.DefaultMaxBOMBytes)
	}
	if config.DefaultMinBodyRate != api.DefaultMinBodyRate {
		t.Errorf("config.DefaultMinBodyRate %d, api.DefaultMinBodyRate %d", config.DefaultMinBodyRate, api.DefaultMinBodyRate)
	}
}

func TestOpenMigratesAndOpenNoMigrateDoesNot(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := config.Resolve(config.Flags{Database: filepath.Join(t.TempDir(), "r.db"), Workers: "3", Addr: "127.0.0.1:0"},
		func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if o := ServerOptionsOf(cfg); o.Workers != 3 || o.Addr != "127.0.0.1:0" || o.MaxBOMBytes != config.DefaultMaxBOMBytes || o.Backlog != config.DefaultBacklog ||
		o.MinBodyRate != config.DefaultMinBodyRate || o.TLSCert != "" {
		t.Errorf("server options %+v", o)
	}
	a, err := OpenNoMigrate(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.Store.SchemaVersion(ctx); err != nil || v != 0 {
		t.Errorf("OpenNoMigrate: schema version %d, %v", v, err)
	}
	a.Close()
	a, err = Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Store.Ready(ctx); err != nil {
		t.Errorf("Open: %v", err)
	}
}
