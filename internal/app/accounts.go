package app

import (
	"context"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/portfolio"
)

// Accounts returns the accounts service (users, sessions, memberships,
// API keys through the portfolio, setup, audit log) on the App's store.
// It keeps no state of its own (sessions and login throttles are in the
// database), so building one per use is cheap and every instance agrees.
func (a *App) Accounts() *accounts.Service {
	return accounts.New(a.Store, a.Portfolio(0, 0), a.Log, accounts.Options{})
}

// auditUploads makes svc record every stored SBOM in the audit log.
func (a *App) auditUploads(svc *portfolio.Service) {
	acc := accounts.New(a.Store, nil, a.Log, accounts.Options{})
	svc.OnIngested = func(ctx context.Context, org string, res portfolio.IngestResult) {
		acc.RecordUpload(ctx, org, res.SBOM.VersionID, res.SBOM.ID, res.SBOM.Digest, res.SBOM.Name)
	}
}
