-- Version 3 (issue 17): WS-Security nonces in the database, so a token replayed to another
-- gunicorn worker or another back-end node behind the load balancer is refused as well
-- (backend/storage/nonces.py). Rows live twice the token window, then are pruned.
CREATE TABLE wsse_nonces (
    username TEXT NOT NULL, nonce TEXT NOT NULL, keep_until TEXT NOT NULL,
    PRIMARY KEY (username, nonce));
CREATE INDEX wsse_nonces_by_age ON wsse_nonces (keep_until);
