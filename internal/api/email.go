package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
)

// E-mail subscriptions: POST/GET /api/v1/email-subscriptions,
// GET/DELETE /api/v1/email-subscriptions/{subscription},
// GET /api/v1/email-subscriptions/{subscription}/deliveries. Refused with
// 400 when the server has no SMTP settings.

func (a *API) createEmailSubscription(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in notify.EmailRequest
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	sub, err := a.notify.CreateEmail(r.Context(), orgOf(k), in)
	var ie *notify.InputError
	if errors.As(err, &ie) {
		return badRequest(ie.Msg)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/email-subscriptions/"+sub.ID)
	return writeJSON(w, http.StatusCreated, sub)
}

func (a *API) listEmailSubscriptions(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	subs, err := a.notify.EmailSubscriptions(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(subs))
}

func (a *API) getEmailSubscription(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	sub, err := a.notify.EmailSubscription(r.Context(), orgOf(k), r.PathValue("subscription"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sub)
}

func (a *API) deleteEmailSubscription(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.notify.DeleteEmailSubscription(r.Context(), orgOf(k), r.PathValue("subscription")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listEmailDeliveries(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	limit, err := deliveryLimit(r)
	if err != nil {
		return err
	}
	ds, err := a.notify.EmailDeliveries(r.Context(), orgOf(k), r.PathValue("subscription"), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(ds))
}

// deliveryLimit reads a delivery log's limit parameter (default 100).
func deliveryLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxDeliveries {
		return 0, badRequest("limit: an integer from 1 to " + strconv.Itoa(maxDeliveries))
	}
	return n, nil
}
