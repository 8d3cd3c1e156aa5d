-- The language of e-mail notifications (issue 9 §3): each e-mail
-- subscription is written in English ('en') or Italian ('it'); the
-- reporting profile's language is that of the subscription rocca keeps
-- for the reporting contacts ('' = English).
ALTER TABLE subscription ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE reporting_profile ADD COLUMN locale TEXT NOT NULL DEFAULT '';
