package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/portfolio"
)

// TestUploadActor: an upload through the API carries its API key as the
// actor down to the portfolio's ingestion hook (the audit log's).
func TestUploadActor(t *testing.T) {
	enginesWith(t, harness{}, func(t *testing.T, s *server) {
		var mu sync.Mutex
		var actors []string
		s.svc.OnIngested = func(ctx context.Context, org string, res portfolio.IngestResult) {
			mu.Lock()
			defer mu.Unlock()
			actors = append(actors, accounts.ActorFrom(ctx))
		}
		keys, err := s.svc.APIKeys(context.Background(), "acme")
		if err != nil || len(keys) != 1 {
			t.Fatalf("keys %v %v", keys, err)
		}
		doc := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}]}`)
		res := s.do(t, "POST", "/api/v1/versions/"+s.version.ID+"/sboms", s.acmeKey, "application/json", doc)
		if res.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.status, res.body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(actors) != 1 || actors[0] != "apikey:"+keys[0].ID {
			t.Errorf("actors %v, want apikey:%s", actors, keys[0].ID)
		}
	})
}
