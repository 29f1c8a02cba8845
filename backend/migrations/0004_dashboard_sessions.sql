-- Version 4 (issue 17): the hall dashboard's logins in the database, so every gunicorn worker and
-- every back-end node knows a session and counts wrong passwords together
-- (backend/storage/sessions.py). Tokens are kept as SHA-256 digests; times are Unix seconds.
CREATE TABLE dashboard_sessions (token_digest TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
CREATE TABLE dashboard_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT NOT NULL, account TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL);
CREATE INDEX dashboard_failures_by_source ON dashboard_failures (address, account, at);
