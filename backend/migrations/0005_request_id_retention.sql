-- Version 5 (issue 17): request-id records of every operation pruned after
-- [backend] reference_request_id_retention_days (backend/handlers/terminals.py), by age alone.
CREATE INDEX idempotency_by_created ON idempotency (created_at);
-- The hall dashboard's one remaining unindexed filter: today's urgent cases (backend/dashboard_queue.py).
CREATE INDEX urgent_cases_by_received ON urgent_cases (received_at);
