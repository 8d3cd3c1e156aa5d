-- A reporting case's owner is a member of its organisation (issue 11 §2):
-- report_case.owner_id is the user's id, owner keeps their e-mail address
-- as shown (or, for a case saved before, the free text it was, unless it
-- is a member's address). The owner receives the case's reminders by
-- e-mail through a personal subscription (subscription.user_id): it takes
-- only the outbox events addressed to that user (outbox.user_id).
ALTER TABLE report_case ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
UPDATE report_case SET owner_id = COALESCE((SELECT u.id FROM membership m JOIN app_user u ON u.id = m.user_id
    WHERE m.org_id = report_case.org_id AND u.email_key = lower(trim(report_case.owner))), '')
    WHERE owner <> '';
ALTER TABLE outbox ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX subscription_user ON subscription (org_id, user_id) WHERE user_id <> '';
