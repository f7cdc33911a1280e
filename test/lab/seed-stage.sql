-- Stale content of a staging database (run in the new, empty destination database by test/lab/seed.ts):
-- an older schema with old rows and a table production no longer has, so a sync visibly replaces it.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET ROLE stage;

CREATE TABLE auth_user (
  id          serial PRIMARY KEY,
  username    varchar(150) NOT NULL UNIQUE,
  email       varchar(254) NOT NULL,
  date_joined timestamptz NOT NULL DEFAULT now()
);
INSERT INTO auth_user (username, email, date_joined)
SELECT 'stale-user' || g, 'stale' || g || '@stage.example.invalid', timestamptz '2019-03-01' + g * interval '1 day'
FROM generate_series(1, 25) AS g;

CREATE TABLE socialaccount_socialapp (
  id        serial PRIMARY KEY,
  provider  varchar(30) NOT NULL,
  name      varchar(40) NOT NULL,
  client_id varchar(191) NOT NULL,
  secret    varchar(191) NOT NULL,
  key       varchar(191) NOT NULL DEFAULT '',
  settings  jsonb NOT NULL DEFAULT '{}'::jsonb
);
INSERT INTO socialaccount_socialapp (provider, name, client_id, secret) VALUES
  ('google', 'Google', 'stale-stage-google-client-id', 'stale-stage-secret');

-- Gone from production long ago: must disappear after a sync.
CREATE TABLE legacy_feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL);
INSERT INTO legacy_feature_flags VALUES ('old_checkout', true), ('beta_search', false);

CREATE TABLE lab_stale_marker (seeded_at timestamptz NOT NULL DEFAULT now(), note text);
INSERT INTO lab_stale_marker (note) VALUES ('stale staging content from npm run lab -- seed');
RESET ROLE;
