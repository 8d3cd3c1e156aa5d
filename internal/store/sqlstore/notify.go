package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// Notification subscriptions, the outbox's dispatch and the delivery log
// (migration 0006).

const subscriptionCols = `id, org_id, channel, target, secret, events, product_id, format, locale, created_at, user_id`

func scanSubscription(sc interface{ Scan(...any) error }) (model.Subscription, error) {
	var s model.Subscription
	var events, created string
	if err := sc.Scan(&s.ID, &s.OrgID, &s.Channel, &s.Target, &s.Secret, &events, &s.ProductID, &s.Format, &s.Locale, &created, &s.UserID); err != nil {
		return s, err
	}
	s.Created = parseTime(created)
	if err := json.Unmarshal([]byte(events), &s.Events); err != nil {
		return s, fmt.Errorf("events of subscription %s: %w", s.ID, err)
	}
	return s, nil
}

// CreateSubscription stores a notification subscription of org.
func (s *Store) CreateSubscription(ctx context.Context, org string, sub *model.Subscription) error {
	newID(&sub.ID)
	sub.OrgID = org
	if sub.Created.IsZero() {
		sub.Created = now()
	}
	if sub.Events == nil {
		sub.Events = []string{}
	}
	if sub.Locale == "" {
		sub.Locale = "en"
	}
	events, _ := json.Marshal(sub.Events)
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO subscription (`+subscriptionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		sub.ID, org, sub.Channel, sub.Target, sub.Secret, string(events), sub.ProductID, sub.Format, sub.Locale, stamp(sub.Created), sub.UserID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: create subscription: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	return nil
}

// SetSubscriptionTarget changes the recipients and the language of one
// of org's subscriptions (a personal subscription rocca keeps up to date),
// keeping its deliveries; ErrNotFound when it does not exist.
func (s *Store) SetSubscriptionTarget(ctx context.Context, org, id, target, locale string) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE subscription SET target = ?, locale = ? WHERE org_id = ? AND id = ?`),
		target, locale, org, id)
	if err != nil {
		return fmt.Errorf("store: update subscription: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("store: subscription %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// Subscriptions lists org's subscriptions, oldest first.
func (s *Store) Subscriptions(ctx context.Context, org string) ([]model.Subscription, error) {
	return s.subscriptions(ctx, s.reader(), `WHERE org_id = ? ORDER BY created_at, id`, org)
}

func (s *Store) subscriptions(ctx context.Context, q queryer, where string, args ...any) ([]model.Subscription, error) {
	rows, err := q.QueryContext(ctx, s.d.rebind(`SELECT `+subscriptionCols+` FROM subscription `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	defer rows.Close()
	var out []model.Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("store: subscriptions: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// Subscription returns one of org's subscriptions.
func (s *Store) Subscription(ctx context.Context, org, id string) (model.Subscription, error) {
	sub, err := scanSubscription(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+subscriptionCols+` FROM subscription
		WHERE org_id = ? AND id = ?`), org, id))
	if err != nil {
		return sub, notFound(err, "subscription")
	}
	return sub, nil
}

// DeleteSubscription deletes one of org's subscriptions with its delivery
// log; ErrNotFound when org has no such subscription.
func (s *Store) DeleteSubscription(ctx context.Context, org, id string) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM subscription WHERE org_id = ? AND id = ?`), org, id)
	if err != nil {
		return fmt.Errorf("store: delete subscription: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(sql.ErrNoRows, "subscription")
	}
	return nil
}

const deliveryCols = `id, org_id, subscription_id, event_id, event_type, state, attempts, last_status, last_error, created_at, updated_at`

func scanDelivery(sc interface{ Scan(...any) error }) (model.Delivery, error) {
	var d model.Delivery
	var created, updated string
	err := sc.Scan(&d.ID, &d.OrgID, &d.SubscriptionID, &d.EventID, &d.EventType, &d.State, &d.Attempts, &d.LastStatus,
		&d.LastError, &created, &updated)
	d.Created, d.Updated = parseTime(created), parseTime(updated)
	return d, err
}

// Deliveries returns up to limit deliveries of one of org's
// subscriptions, newest first.
func (s *Store) Deliveries(ctx context.Context, org, subscriptionID string, limit int) ([]model.Delivery, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+deliveryCols+` FROM delivery
		WHERE org_id = ? AND subscription_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`), org, subscriptionID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []model.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// OutboxPending reports whether outbox events wait to be dispatched.
func (s *Store) OutboxPending(ctx context.Context) (bool, error) {
	var n int
	err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE dispatched_at IS NULL LIMIT 1) p`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: outbox pending: %w", err)
	}
	return n > 0, nil
}

// Dispatch takes up to limit undispatched outbox events, oldest first,
// creates a pending delivery for every subscription that wants each, marks
// the events dispatched, and calls enqueue with the transaction and the
// new deliveries' ids so that their jobs commit with them. On PostgreSQL
// the events are locked with SKIP LOCKED: two servers dispatching at once
// take different events. It returns the number of events dispatched.
func (s *Store) Dispatch(ctx context.Context, limit int, at time.Time,
	enqueue func(ctx context.Context, tx *sql.Tx, deliveries []model.DeliveryRef) error) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: dispatch: %w", err)
	}
	defer tx.Rollback()
	lock := ""
	if s.d.dollar {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := tx.QueryContext(ctx, s.d.rebind(`SELECT id, org_id, type, product_id, user_id FROM outbox
		WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?`+lock), limit)
	if err != nil {
		return 0, fmt.Errorf("store: dispatch: %w", err)
	}
	var evs []model.OutboxEvent
	for rows.Next() {
		var e model.OutboxEvent
		if err := rows.Scan(&e.ID, &e.OrgID, &e.Type, &e.ProductID, &e.UserID); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: dispatch: %w", err)
		}
		evs = append(evs, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: dispatch: %w", err)
	}
	if len(evs) == 0 {
		return 0, nil
	}
	subs := map[string][]model.Subscription{}
	var ids []model.DeliveryRef
	for _, e := range evs {
		if _, ok := subs[e.OrgID]; !ok {
			list, err := s.subscriptions(ctx, tx, `WHERE org_id = ?`, e.OrgID)
			if err != nil {
				return 0, err
			}
			subs[e.OrgID] = list
		}
		for _, sub := range subs[e.OrgID] {
			if !sub.Wants(e.Type, e.ProductID, e.UserID) {
				continue
			}
			id := uid.New()
			_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO delivery (`+deliveryCols+`) VALUES (?, ?, ?, ?, ?, ?, 0, 0, '', ?, ?)
				ON CONFLICT (subscription_id, event_id) DO NOTHING`),
				id, e.OrgID, sub.ID, e.ID, e.Type, model.DeliveryPending, stamp(at), stamp(at))
			if err != nil {
				return 0, fmt.Errorf("store: dispatch: %w", err)
			}
			ids = append(ids, model.DeliveryRef{ID: id, EventType: e.Type})
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE outbox SET dispatched_at = ? WHERE id = ?`), stamp(at), e.ID); err != nil {
			return 0, fmt.Errorf("store: dispatch: %w", err)
		}
	}
	if len(ids) > 0 && enqueue != nil {
		if err := enqueue(ctx, tx, ids); err != nil {
			return 0, fmt.Errorf("store: dispatch: enqueue: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: dispatch: %w", err)
	}
	return len(evs), nil
}

// DeliveryToSend returns a delivery with its subscription and event. It
// serves the delivery job, which holds only the delivery's id.
func (s *Store) DeliveryToSend(ctx context.Context, id string) (model.Delivery, model.Subscription, model.OutboxEvent, error) {
	var sub model.Subscription
	var ev model.OutboxEvent
	d, err := scanDelivery(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+deliveryCols+` FROM delivery WHERE id = ?`), id))
	if err != nil {
		return d, sub, ev, notFound(err, "delivery")
	}
	sub, err = scanSubscription(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+subscriptionCols+` FROM subscription
		WHERE org_id = ? AND id = ?`), d.OrgID, d.SubscriptionID))
	if err != nil {
		return d, sub, ev, notFound(err, "subscription of delivery")
	}
	var payload, created string
	err = s.db.QueryRowContext(ctx, s.d.rebind(`SELECT seq, id, org_id, type, product_id, version_id, payload, created_at
		FROM outbox WHERE org_id = ? AND id = ?`), d.OrgID, d.EventID).
		Scan(&ev.Seq, &ev.ID, &ev.OrgID, &ev.Type, &ev.ProductID, &ev.VersionID, &payload, &created)
	if err != nil {
		return d, sub, ev, notFound(err, "event of delivery")
	}
	ev.Payload, ev.Created = []byte(payload), parseTime(created)
	return d, sub, ev, nil
}

// RecordDelivery records one attempt of a delivery: its new state, the
// receiver's status code (0 when none) and error.
func (s *Store) RecordDelivery(ctx context.Context, id, state string, status int, errMsg string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE delivery SET state = ?, attempts = attempts + 1, last_status = ?,
		last_error = ?, updated_at = ? WHERE id = ?`), state, status, errMsg, stamp(at), id)
	if err != nil {
		return fmt.Errorf("store: record delivery: %w", err)
	}
	return nil
}
