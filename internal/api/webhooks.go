package api

import (
	"errors"
	"net/http"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
)

// Webhooks: POST/GET /api/v1/webhooks, GET/DELETE /api/v1/webhooks/{webhook},
// GET /api/v1/webhooks/{webhook}/deliveries. The secret is write-only.

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in notify.WebhookRequest
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	sub, err := a.notify.CreateWebhook(r.Context(), orgOf(k), in)
	var ie *notify.InputError
	if errors.As(err, &ie) {
		return badRequest(ie.Msg)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+sub.ID)
	return writeJSON(w, http.StatusCreated, sub)
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	subs, err := a.notify.Webhooks(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(subs))
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	sub, err := a.notify.Webhook(r.Context(), orgOf(k), r.PathValue("webhook"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sub)
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.notify.DeleteWebhook(r.Context(), orgOf(k), r.PathValue("webhook")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxDeliveries bounds the delivery log returned at once.
const maxDeliveries = 1000

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	limit, err := deliveryLimit(r)
	if err != nil {
		return err
	}
	ds, err := a.notify.Deliveries(r.Context(), orgOf(k), r.PathValue("webhook"), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(ds))
}
