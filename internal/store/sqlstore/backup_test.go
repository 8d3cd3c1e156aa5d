package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// TestBackupRestore creates data, backs the database up while it is open
// and being written to, then opens the backup as the database (the
// documented restore) and finds the data.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlstore.Open(ctx, filepath.Join(dir, "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	org, v := tenant(t, s, "acme")
	key := model.APIKey{Label: "ci", Prefix: "rk_test"}
	if err := s.CreateAPIKey(ctx, org.ID, &key, "0123abcd"); err != nil {
		t.Fatal(err)
	}
	feeds, _, err := demo.WriteTo(filepath.Join(dir, "feeds"))
	if err != nil {
		t.Fatal(err)
	}
	demokb.Import(t, s, feeds...)
	kb, err := s.Stats(ctx)
	if err != nil || kb.Advisories == 0 {
		t.Fatalf("knowledge base: %+v %v", kb, err)
	}

	// Writers keep going while the copy is taken.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			o := model.Organisation{Name: "tenant-" + time.Now().Format("150405.000000000")}
			if err := s.CreateOrg(ctx, &o); err != nil && !errors.Is(err, store.ErrConflict) {
				t.Error(err)
				return
			}
		}
	}()
	backup := filepath.Join(dir, "backups", "rocca-backup.db")
	if err := os.MkdirAll(filepath.Dir(backup), 0o750); err != nil {
		t.Fatal(err)
	}
	err = s.Backup(ctx, backup)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}

	// Never overwrite: a second backup to the same file is refused and the
	// file is left as it was.
	before, _ := os.ReadFile(backup)
	if err := s.Backup(ctx, backup); !errors.Is(err, sqlstore.ErrBackupExists) {
		t.Errorf("second backup: %v, want ErrBackupExists", err)
	}
	if after, _ := os.ReadFile(backup); !bytes.Equal(before, after) {
		t.Error("the existing backup file was changed")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "backups", ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// Restore: open the backup as the database.
	r, err := sqlstore.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Ready(ctx); err != nil {
		t.Fatalf("restored database not ready: %v", err)
	}
	got, err := r.OrgByName(ctx, "acme")
	if err != nil || got.ID != org.ID {
		t.Fatalf("organisation in the backup: %+v %v", got, err)
	}
	gv, err := r.Version(ctx, org.ID, v.ID)
	if err != nil || gv.Name != "1.0" {
		t.Fatalf("version in the backup: %+v %v", gv, err)
	}
	if k, err := r.APIKeyByHash(ctx, "0123abcd"); err != nil || k.OrgID != org.ID {
		t.Fatalf("API key in the backup: %+v %v", k, err)
	}
	if got, err := r.Stats(ctx); err != nil || got.Advisories != kb.Advisories || got.KEVEntries != kb.KEVEntries {
		t.Fatalf("knowledge base in the backup: %+v %v, want %+v", got, err, kb)
	}
}

func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlstore.Open(ctx, filepath.Join(dir, "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Backup(ctx, filepath.Join(dir, "rocca.db")); !errors.Is(err, sqlstore.ErrBackupExists) {
		t.Errorf("backup onto the database itself: %v", err)
	}
	if err := s.Backup(ctx, filepath.Join(dir, "missing", "dir", "b.db")); err == nil {
		t.Error("backup into a missing directory succeeded")
	}
	if pg := testutil.PostgresURL(t); pg != "" {
		p, err := sqlstore.Open(ctx, pg)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if err := p.Backup(ctx, filepath.Join(dir, "pg.db")); !errors.Is(err, sqlstore.ErrBackupUnsupported) {
			t.Errorf("PostgreSQL backup: %v, want ErrBackupUnsupported", err)
		}
	}
}
