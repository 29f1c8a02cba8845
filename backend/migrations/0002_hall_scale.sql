-- Version 2 (issue 17): a province's hall server, 5,000 terminals and more.
-- Heartbeat history keeps only device state changes (backend/handlers/terminals.py): the beats a
-- terminal sent with the same devices as the one before are dropped from an existing history.
DELETE FROM heartbeats WHERE id IN (
    SELECT id FROM (
        SELECT id, devices, LAG(devices) OVER (PARTITION BY terminal_id ORDER BY id) AS before
        FROM heartbeats) AS beats
    WHERE before = devices);
-- A terminal's history in order, and pruning by age ([backend] reference_heartbeat_history_days).
CREATE INDEX heartbeats_by_terminal ON heartbeats (terminal_id, id);
CREATE INDEX heartbeats_by_received ON heartbeats (received_at);
-- The dashboard filters and pages terminals by hall, and counts today's transactions of all of them.
CREATE INDEX terminals_by_hall ON terminals (hall_name, terminal_id);
CREATE INDEX transactions_by_hall_day ON transactions (hall_day, terminal_id);
-- Pruning heartbeats' request-id records by age (every heartbeat leaves one).
CREATE INDEX idempotency_by_operation ON idempotency (operation, created_at);
