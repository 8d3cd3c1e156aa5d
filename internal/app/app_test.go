package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
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
	cfg, err := config.Resolve(config.Flags{Database: filepath.Join(t.TempDir(), "r.db"), Workers: "3", Addr: "127.0.0.1:0",
		ReminderLeadTimes: "2h,30m"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if o := ServerOptionsOf(cfg); o.Workers != 3 || o.Addr != "127.0.0.1:0" || o.MaxBOMBytes != config.DefaultMaxBOMBytes || o.Backlog != config.DefaultBacklog ||
		o.MinBodyRate != config.DefaultMinBodyRate || o.TLSCert != "" || !slices.Equal(o.ReminderLeads, []time.Duration{2 * time.Hour, 30 * time.Minute}) {
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

// TestMaxComponentsSetting checks that the max_components setting reaches
// the server's SBOM reader.
func TestMaxComponentsSetting(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := config.Resolve(config.Flags{Database: filepath.Join(t.TempDir(), "r.db"), MaxComponents: "2", QueueBytes: "1MiB"},
		func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	o := ServerOptionsOf(cfg)
	if o.MaxComponents != 2 || o.QueueBytes != 1<<20 {
		t.Fatalf("server options %+v", o)
	}
	a, err := Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	svc := a.Portfolio(o.MaxBOMBytes, o.MaxComponents)
	doc := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`)
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"type":"library","name":"c%d","version":"1"}`, i)
		}
		b.WriteString("]}")
		return []byte(b.String())
	}
	if _, err := svc.Parse(doc(2), "two"); err != nil {
		t.Errorf("2 components: %v", err)
	}
	if _, err := svc.Parse(doc(3), "three"); !errors.Is(err, sbom.ErrTooManyComponents) || !portfolio.IsInput(err) {
		t.Errorf("3 components: %v, want an input error wrapping sbom.ErrTooManyComponents", err)
	}
}
