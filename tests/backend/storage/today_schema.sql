-- The reference back end's schema on 2026-12-06, before versions were kept (git show 7fbf996:backend/store.py,
-- DDL), for the migration test: a database of that day must open and be upgraded in place.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id_number TEXT PRIMARY KEY, name TEXT NOT NULL, name_pinyin TEXT, sex TEXT NOT NULL,
    ethnicity_code TEXT, birth_date TEXT NOT NULL, document_kind TEXT NOT NULL,
    hukou_region_code TEXT, hukou_region_name TEXT, id_valid_from TEXT NOT NULL,
    id_valid_to TEXT, registered_state_employee INTEGER NOT NULL DEFAULT 0,
    relatives_in TEXT NOT NULL DEFAULT '', business_registered INTEGER NOT NULL DEFAULT 0,
    face_matches INTEGER NOT NULL DEFAULT 1, photo BLOB NOT NULL,
    residence_permit_region_code TEXT, birth_place TEXT);
CREATE TABLE IF NOT EXISTS permits (
    permit_number TEXT PRIMARY KEY, id_number TEXT NOT NULL REFERENCES persons,
    issued_on TEXT NOT NULL, valid_to TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drivers (
    licence_number TEXT PRIMARY KEY REFERENCES persons(id_number),
    points_in_cycle INTEGER NOT NULL, cycle_ends_on TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS violations (
    violation_number TEXT PRIMARY KEY, licence_number TEXT NOT NULL REFERENCES drivers,
    plate_type TEXT NOT NULL, plate_number TEXT NOT NULL, occurred_at TEXT NOT NULL,
    place TEXT NOT NULL, violation_code TEXT NOT NULL, description TEXT NOT NULL,
    points INTEGER NOT NULL, fine TEXT NOT NULL, source TEXT NOT NULL,
    decision_number TEXT UNIQUE, decided_at TEXT, order_id TEXT, paid_at TEXT);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, kind TEXT NOT NULL, terminal_id TEXT NOT NULL,
    id_number TEXT NOT NULL, permit_number TEXT, status TEXT NOT NULL, amount TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, write_failure TEXT);
CREATE TABLE IF NOT EXISTS order_items (
    order_id TEXT NOT NULL REFERENCES orders, position INTEGER NOT NULL,
    destination TEXT NOT NULL, type TEXT NOT NULL, trips TEXT NOT NULL,
    validity_months INTEGER NOT NULL, max_stay_days INTEGER NOT NULL, fee TEXT NOT NULL,
    endorsement_number TEXT, valid_from TEXT, valid_to TEXT,
    PRIMARY KEY (order_id, position));
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders,
    terminal_id TEXT NOT NULL, amount TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, paid_at TEXT, refunded_at TEXT,
    refund_id TEXT, refund_reason TEXT, method TEXT, card_reference TEXT, card_auth_code TEXT,
    card_masked_pan TEXT, card_batch TEXT, card_trace TEXT);
CREATE INDEX IF NOT EXISTS payments_by_order ON payments (order_id);
CREATE INDEX IF NOT EXISTS payments_by_terminal ON payments (terminal_id, created_at);
CREATE TABLE IF NOT EXISTS applications (
    application_number TEXT PRIMARY KEY, id_number TEXT NOT NULL, terminal_id TEXT NOT NULL,
    document_types TEXT NOT NULL, form_xml TEXT NOT NULL, status TEXT NOT NULL,
    submitted_at TEXT NOT NULL, expected_ready_on TEXT, tracking_number TEXT,
    collection_place TEXT);
CREATE TABLE IF NOT EXISTS application_steps (
    application_number TEXT NOT NULL REFERENCES applications, status TEXT NOT NULL,
    at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS photos (
    receipt_number TEXT PRIMARY KEY, id_number TEXT NOT NULL, terminal_id TEXT NOT NULL,
    photo BLOB NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
    size INTEGER NOT NULL, accepted_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS appointments (
    appointment_code TEXT PRIMARY KEY, id_number TEXT NOT NULL, service TEXT NOT NULL,
    starts_at TEXT NOT NULL, ticket_number TEXT, checked_in_at TEXT, waiting_ahead INTEGER);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS terminals (
    terminal_id TEXT PRIMARY KEY, hall_name TEXT, software_version TEXT,
    contract_version TEXT, registered_at TEXT, last_heartbeat_at TEXT);
CREATE TABLE IF NOT EXISTS heartbeats (
    id INTEGER PRIMARY KEY AUTOINCREMENT, terminal_id TEXT NOT NULL, sent_at TEXT NOT NULL,
    received_at TEXT NOT NULL, devices TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS terminal_status (
    terminal_id TEXT PRIMARY KEY, sent_at TEXT NOT NULL, received_at TEXT NOT NULL,
    devices TEXT NOT NULL, paper_low INTEGER, software_version TEXT, config_version TEXT,
    last_transaction_at TEXT, outbox_length INTEGER);
CREATE TABLE IF NOT EXISTS transactions (
    terminal_id TEXT NOT NULL, transaction_id TEXT NOT NULL, service TEXT NOT NULL,
    outcome TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    hall_day TEXT NOT NULL, amount TEXT, payment_id TEXT, refs TEXT NOT NULL,
    failure_key TEXT, recorded_at TEXT NOT NULL, PRIMARY KEY (terminal_id, transaction_id));
CREATE INDEX IF NOT EXISTS transactions_by_day ON transactions (terminal_id, hall_day);
CREATE TABLE IF NOT EXISTS idempotency (
    terminal_id TEXT NOT NULL, request_id TEXT NOT NULL, operation TEXT NOT NULL,
    digest TEXT NOT NULL, response TEXT, fault TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, request_id));
CREATE TABLE IF NOT EXISTS ready_documents (
    document_number TEXT PRIMARY KEY, application_number TEXT NOT NULL, id_number TEXT NOT NULL,
    kind TEXT NOT NULL, terminal_id TEXT NOT NULL, slot INTEGER NOT NULL, loaded_at TEXT NOT NULL,
    status TEXT NOT NULL, collected_at TEXT, not_collected_count INTEGER NOT NULL DEFAULT 0,
    last_not_collected_reason TEXT, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ready_documents_by_person ON ready_documents (id_number, terminal_id);
CREATE TABLE IF NOT EXISTS acceptance_quotes (
    order_id TEXT PRIMARY KEY REFERENCES orders, document_types TEXT NOT NULL,
    delivery_method TEXT NOT NULL, postage TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS acceptances (
    application_number TEXT PRIMARY KEY REFERENCES applications, order_id TEXT NOT NULL UNIQUE,
    photo_receipt_number TEXT NOT NULL, signature BLOB NOT NULL, postal_address TEXT);
CREATE TABLE IF NOT EXISTS acceptance_fingerprints (
    application_number TEXT NOT NULL REFERENCES acceptances, position INTEGER NOT NULL,
    finger TEXT NOT NULL, image BLOB, substitute_reason TEXT, not_captured_reason TEXT,
    PRIMARY KEY (application_number, position));
CREATE TABLE IF NOT EXISTS text_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, application_number TEXT NOT NULL, mobile TEXT NOT NULL,
    text TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS face_matches (
    match_token TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, id_number TEXT NOT NULL,
    expires_at TEXT NOT NULL);
