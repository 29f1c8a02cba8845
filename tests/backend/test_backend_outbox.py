"""The outbox over real HTTP: delivery in order, nothing lost across a restart, backoff while the back
end is down, the same request id on every redelivery, and final refusals set aside."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from backend_client import Outbox
from backend_client import models as mo
from devices.base import DeviceStatus

from .conftest import Canned, client_for, envelope, fault_envelope, free_port

T0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
HEARTBEAT_OK = envelope("<tns:HeartbeatResponse><tns:receivedAt>2025-03-01T08:00:00+00:00</tns:receivedAt>"
                        "</tns:HeartbeatResponse>")
BACKOFF, BACKOFF_MAX = 0.05, 0.4
DRAIN_SECONDS = 5.0


def heartbeat(n: int) -> mo.Heartbeat:
    return mo.Heartbeat(T0 + dt.timedelta(seconds=n), (mo.DeviceState("printer", DeviceStatus.READY, f"beat {n}"),))


def report(n: int) -> mo.TransactionReport:
    return mo.TransactionReport(f"TX-{n:04d}", mo.ServiceKind.PROGRESS, mo.TransactionOutcome.COMPLETED,
                                T0 + dt.timedelta(seconds=n), T0 + dt.timedelta(seconds=n, milliseconds=500))


def delivered_in_order(server) -> list[str]:
    """What the back end recorded, in the order it recorded it."""
    db = server.backend.store.connection()
    rows = db.execute("SELECT received_at AS at, devices AS what, 1 AS beat FROM heartbeats UNION ALL "
                      "SELECT recorded_at, transaction_id, 0 FROM transactions ORDER BY at").fetchall()
    return ["beat " + json.loads(row["what"])[0]["detail"] if row["beat"] else row["what"] for row in rows]


def test_delivered_in_the_order_queued(server, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3", client_for(server.url), BACKOFF, BACKOFF_MAX)
    expected = []
    for n in range(6):
        if n % 2:
            outbox.put_report(report(n))
            expected.append(f"TX-{n:04d}")
        else:
            outbox.put_heartbeat(heartbeat(n))
            expected.append(f"beat beat {n}")
    outbox.start()
    try:
        assert outbox.wait_until_empty(DRAIN_SECONDS)
    finally:
        outbox.close()
    assert delivered_in_order(server)[-6:] == expected


def test_nothing_is_lost_across_a_restart(server, tmp_path):
    path = tmp_path / "outbox.sqlite3"
    down = client_for(f"http://127.0.0.1:{free_port()}/soap", retries=0)
    first_run = Outbox(path, down, BACKOFF, BACKOFF_MAX).start()
    ids = [first_run.put_report(report(100 + n)) for n in range(3)]
    time.sleep(0.2)  # it tries, fails, backs off
    assert first_run.pending() == 3
    first_run.close()  # the kiosk is switched off

    second_run = Outbox(path, client_for(server.url), BACKOFF, BACKOFF_MAX)
    assert second_run.pending() == 3
    second_run.start()
    try:
        assert second_run.wait_until_empty(DRAIN_SECONDS)
    finally:
        second_run.close()
    assert delivered_in_order(server)[-3:] == ["TX-0100", "TX-0101", "TX-0102"]
    recorded_ids = {row[0] for row in server.backend.store.connection().execute(
        "SELECT request_id FROM idempotency WHERE operation = 'ReportTransaction'")}
    assert set(ids) <= recorded_ids  # delivered under the request ids given when queued


def test_backs_off_while_down_then_drains_in_order(canned, tmp_path):
    canned.answer = Canned(status=503, body=b"")
    outbox = Outbox(tmp_path / "outbox.sqlite3", client_for(canned.url, retries=0), BACKOFF, BACKOFF_MAX)
    for n in range(3):
        outbox.put_heartbeat(heartbeat(n))
    outbox.start()
    try:
        time.sleep(1.0)
        attempts_while_down = len(canned.requests)
        # Waits of 0.05, 0.1, 0.2, 0.4, 0.4 s: about six tries in a second, not hundreds.
        assert 3 <= attempts_while_down <= 8
        assert outbox.pending() == 3
        canned.answer = Canned(body=HEARTBEAT_OK)
        assert outbox.wait_until_empty(DRAIN_SECONDS)
    finally:
        outbox.close()
    first_message_id = canned.request_ids()[0]
    assert canned.request_ids()[:attempts_while_down] == [first_message_id] * attempts_while_down
    delivered = canned.request_ids()[attempts_while_down:]
    assert len(delivered) == 3 and delivered[0] == first_message_id  # the head went first, then the others


def test_a_final_refusal_is_set_aside_and_the_queue_moves_on(canned, tmp_path):
    canned.answer = Canned(status=500, body=fault_envelope("Client.InvalidInput", "bad", (
        "<tns:InvalidInput><tns:field>transaction.failureKey</tns:field><tns:problem>is not valid</tns:problem>"
        "</tns:InvalidInput>")))
    outbox = Outbox(tmp_path / "outbox.sqlite3", client_for(canned.url, retries=0), BACKOFF, BACKOFF_MAX)
    outbox.put_report(report(1))
    assert outbox.deliver_next() is True
    assert (outbox.pending(), outbox.rejected()) == (0, 1)
    canned.answer = Canned(body=HEARTBEAT_OK)
    outbox.put_heartbeat(heartbeat(2))
    assert outbox.deliver_next() is True and outbox.pending() == 0
    outbox.close()


@pytest.mark.parametrize("answer", [Canned(status=503, body=b""), Canned(status=500, body=fault_envelope(
    "Server.Internal", "x", "<tns:InternalError><tns:incidentId>i1</tns:incidentId><tns:message>x</tns:message>"
                            "</tns:InternalError>"))])
def test_a_passing_failure_keeps_the_message(canned, tmp_path, answer):
    canned.answer = answer
    outbox = Outbox(tmp_path / "outbox.sqlite3", client_for(canned.url, retries=0), BACKOFF, BACKOFF_MAX)
    outbox.put_heartbeat(heartbeat(1))
    assert outbox.deliver_next() is False
    assert (outbox.pending(), outbox.rejected()) == (1, 0)
    outbox.close()
