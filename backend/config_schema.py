"""Configuration keys of the back-end connection ([backend] in the TOML files).

The kiosk-side keys (timeouts, retries, TLS, WS-Security, outbox) configure the zeep client in
backend_client/; the embedded_* and reference_* keys configure the reference back end
when it runs in-process (mode = 'embedded') or as `python main.py backend`.
"""

from backend.storage import check_database_url
from core.schema import Field, Schema

BACKEND_SCHEMA: Schema = {
    "mode": Field(str, "'embedded' starts the reference back end in-process; 'remote' uses url.",
                  choices=("embedded", "remote")),
    "url": Field(str, "SOAP endpoint of the hall's back end (mode = 'remote')."),
    "connect_timeout_seconds": Field(float, "Give up connecting to the back end after this long.",
                                     minimum=0.1, maximum=60),
    "operation_timeout_seconds": Field(float, "Give up waiting for one answer after this long.",
                                       minimum=0.1, maximum=300),
    "retries": Field(int, "Extra attempts after a timeout, refused connection or HTTP 5xx; only for "
                          "calls that are safe to repeat (queries, and mutations carrying a request id).",
                     minimum=0, maximum=10),
    "retry_backoff_seconds": Field(float, "Wait before the first retry; doubles on each further retry.",
                                   minimum=0, maximum=60),
    "retry_backoff_max_seconds": Field(float, "Longest wait between two retries.", minimum=0, maximum=600),
    "tls_verify": Field(bool, "Verify the back end's TLS certificate (https). Turn off only on a test bench."),
    "ca_bundle": Field(str, "PEM file of the CA(s) that signed the back end's certificate ('' = system CAs)."),
    "client_cert": Field(str, "PEM client certificate for mutual TLS ('' = none)."),
    "client_key": Field(str, "PEM private key of client_cert ('' = the key is inside client_cert)."),
    "wsse_username": Field(str, "WS-Security UsernameToken user name ('' = no WS-Security header)."),
    "wsse_password": Field(str, "WS-Security UsernameToken password.", secret=True),
    "wsse_digest": Field(bool, "Send the password as a digest (PasswordDigest) instead of text; the reference "
                               "back end then refuses a PasswordText token."),
    "wsse_secret_file": Field(str, "File holding this terminal's secret, made by `python main.py backend terminals "
                                   "add` ('' = none). Set, the terminal signs every call with a PasswordDigest "
                                   "UsernameToken named by terminal.id (docs/hall.md); wsse_username/password "
                                   "are then not used."),
    "outbox_path": Field(str, "SQLite file of the outbox: heartbeats, transaction reports and evaluations waiting "
                              "to be delivered ('' = backend/outbox.sqlite3 in the terminal's data_dir)."),
    "outbox_backoff_seconds": Field(float, "Outbox: first wait after a failed delivery; doubles after "
                                           "each further failure.", minimum=0.01, maximum=600),
    "outbox_backoff_max_seconds": Field(float, "Outbox: longest wait between delivery attempts.",
                                        minimum=0.01, maximum=3600),
    "heartbeat_interval_seconds": Field(int, "Seconds between terminal heartbeats (the reference back end "
                                             "tells terminals this when they register).",
                                        minimum=5, maximum=3600),
    "embedded_db": Field(str, "Reference back end database when embedded ('' = a fresh database with "
                              "today's demo data at every start)."),
    "reference_hall_region_code": Field(str, "Reference back end: GB/T 2260 code of the hall's city; "
                                             "applicants with a hukou elsewhere get group tours (L) only."),
    "reference_payment_expiry_seconds": Field(float, "Reference back end: a payment QR code expires after this long.",
                                              minimum=1, maximum=86400),
    "reference_auto_pay_seconds": Field(float, "Reference back end: a pending payment pays itself after this "
                                               "long, for demos without a phone (0 = never).",
                                        minimum=0, maximum=86400),
    "reference_public_url": Field(str, "Reference back end: base URL put in payment QR codes ('' = the "
                                       "address the kiosk reached it at); set it so phones can open the page."),
    "reference_dashboard_password_hash": Field(str, "Reference back end: scrypt hash of the hall dashboard's "
                                                    "password (/hall/), made with `python main.py dashboard "
                                                    "hash-password` ('' = the dashboard is closed).", secret=True),
    "reference_terminal_auth": Field(str, "Reference back end: per-terminal credentials ('auto' = required "
                                          "unless it listens on loopback only; 'required'; 'off').",
                                     choices=("auto", "required", "off")),
    "reference_wsse_window_seconds": Field(float, "Reference back end: a WS-Security token's Created time may be "
                                                  "this many seconds off its clock, either side; its nonce is "
                                                  "refused again for twice as long.", minimum=10, maximum=3600),
    "reference_dashboard_stale_seconds": Field(float, "Reference back end: the hall dashboard shows a terminal "
                                                      "as stale when its last heartbeat is older than this.",
                                               minimum=10, maximum=86400),
    "reference_dashboard_trusted_proxies": Field(list, "Reference back end: addresses or networks of the TLS "
                                                       "proxies in front of the hall dashboard; only their "
                                                       "X-Forwarded-For and X-Forwarded-Proto are believed "
                                                       "(per-address login lock-out, Secure cookie).",
                                                 item_kind=str),
    "reference_connection_limit": Field(int, "Reference back end: open connections at most, all clients together "
                                             "(docs/hall.md, Server limits).", minimum=16, maximum=20000),
    "reference_connections_per_client": Field(int, "Reference back end: open connections at most from one client "
                                                   "address (0 = no limit, e.g. behind a TLS proxy).",
                                              minimum=0, maximum=20000),
    "reference_idle_timeout_seconds": Field(float, "Reference back end: a connection with no request in progress "
                                                   "is closed after this long.", minimum=1, maximum=3600),
    "reference_request_timeout_seconds": Field(float, "Reference back end: a connection whose request has not "
                                                      "fully arrived this long after its first byte is closed.",
                                               minimum=1, maximum=600),
    "reference_face_match_distance": Field(float, "Reference back end's CompareFace: largest distance between "
                                                  "dlib face descriptors that counts as the same person (0.6 is "
                                                  "the model's published operating point; lower is stricter).",
                                           minimum=0.1, maximum=1.2),
    # Issue 17: the hall server at province scale (docs/hall.md).
    "reference_database_url": Field(str, "Reference back end's database: '' = a SQLite file (embedded_db, or "
                                         "--db when served); postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE "
                                         "= PostgreSQL (backend/storage/).", secret=True,
                                    rule=check_database_url),
    "reference_heartbeat_history_days": Field(float, "Reference back end: terminals' device-state changes "
                                                     "(heartbeat history) kept this many days; the latest state "
                                                     "of every terminal is always kept.", minimum=1, maximum=3650),
    "reference_request_id_retention_days": Field(float, "Reference back end: how long the answer to a request id is "
                                                        "kept, so a kiosk's retry gets the same answer and never a "
                                                        "second effect; longer than any kiosk may hold a request in "
                                                        "its outbox (heartbeats' records are kept one day).",
                                                 minimum=1, maximum=3650),
    "reference_workers": Field(int, "Served reference back end (`python main.py backend`): gunicorn worker "
                                    "processes; 0 = waitress in one process (docs/hall.md).", minimum=0, maximum=64),
    "reference_worker_timeout_seconds": Field(float, "Served with gunicorn: a worker silent this long (stuck on one "
                                                     "request) is restarted.", minimum=5, maximum=600),
}
