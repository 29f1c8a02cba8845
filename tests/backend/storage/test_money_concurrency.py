"""The money rules under real concurrency: 64 clients at once, each on its own connection to a
served back end with 64 worker threads and 64 database connections, paying (card and QR),
confirming card writes and refunding the same orders with the same request ids, in a different
order each. Afterwards every invariant is checked in the database: an order's money taken at most
once, never both refunded and written, endorsements issued once per paid order, one idempotency
record per request id, and every client that sent a request id got the same answer.

Runs on PostgreSQL (a throwaway cluster: serialisable transactions retried) and on SQLite (one
writer at a time), the same test."""

from __future__ import annotations

import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import requests

from backend import seed
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend_client import errors as e
from backend_client import models as mo
from tests.backend.storage import engine

from ..conftest import client_for

CLIENTS = 64
ORDERS = 8
LOCAL = seed.person("local_adult")
CHOICES = [mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT, mo.Trips.DOUBLE, 3)]
# Faults the contract allows in this race (the loser of a race is told, never charged).
EXPECTED_FAULTS = (e.NotEligibleError, e.NotFoundError)


@pytest.fixture(params=["postgresql", "sqlite"])
def served(request, tmp_path):
    location = engine.fresh_database("money") if request.param == "postgresql" else tmp_path / "money.sqlite3"
    server = ReferenceServer(location, threads=CLIENTS, settings=ServerSettings(
        payment_expiry_seconds=600, connections_per_client=0)).start()  # 64 clients on one address
    yield server
    server.stop()


def rid(label: str) -> str:
    """The request id of one logical request: the same label, the same id, for every client."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kiosk-test:{label}"))


def card(order: int, which: int) -> mo.CardPayment:
    return mo.CardPayment(f"REF-{order}-{which}", "A1B2C3", "622202******1234", "000012", f"{order:03d}{which:03d}")


def test_64_clients_pay_refund_and_confirm_the_same_orders(served):
    setup = client_for(served.url, retries=0)
    orders = [setup.create_endorsement_order(LOCAL.id_number, "CA1234567", CHOICES, rid(f"order-{n}")).order_id
              for n in range(ORDERS)]
    amount: Decimal = setup.get_endorsement_order(orders[0]).amount
    setup.close()

    answers: dict[str, set[str]] = defaultdict(set)  # request id -> every answer any client got
    unexpected: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def note(request_id: str, call: Callable[[], Any]) -> Any:
        try:
            result = call()
        except EXPECTED_FAULTS as fault:
            answer, result = f"fault {type(fault).__name__} {getattr(fault, 'reason', '')}", None
        except Exception as exc:  # noqa: BLE001 - anything else is a failure of the back end
            with lock:
                unexpected.append(f"{request_id}: {type(exc).__name__}: {exc}")
            return None
        else:
            answer = _summary(result)
        with lock:
            answers[request_id].add(answer)
        return result

    def client_run(number: int) -> None:
        rng = random.Random(number)
        client = client_for(served.url, retries=0, operation_timeout=60.0)
        steps: list[Callable[[], None]] = []
        for n, order in enumerate(orders):
            which = rng.randrange(2)

            def pay_by_card(n=n, order=order, which=which) -> None:
                paid = note(f"card-{n}-{which}", lambda: client.record_card_payment(
                    order, amount, card(n, which), rid(f"card-{n}-{which}")))
                if paid is not None and rng.random() < 0.5:
                    note(f"refund-{n}-{paid.payment_id}", lambda: client.refund_payment(
                        paid.payment_id, "card write failed", rid(f"refund-{n}-{paid.payment_id}")))

            def pay_by_qr(n=n, order=order) -> None:
                payment = note(f"qr-{n}", lambda: client.create_payment(order, rid(f"qr-{n}")))
                if payment is not None and payment.status is mo.PaymentStatus.PENDING:
                    try:
                        requests.post(payment.qr_payload, data={"action": "pay"}, timeout=60)
                    except requests.RequestException as exc:
                        with lock:
                            unexpected.append(f"pay page: {exc}")

            def confirm(n=n, order=order) -> None:
                outcome = rng.choice([mo.WriteOutcome.WRITTEN, mo.WriteOutcome.FAILED])
                note(f"write-{n}-{outcome.value}", lambda: client.confirm_endorsement_write(
                    order, outcome, rid(f"write-{n}-{outcome.value}"), None if outcome is mo.WriteOutcome.WRITTEN
                    else "card not written"))

            steps += [pay_by_card, pay_by_qr, confirm]
        rng.shuffle(steps)
        start.wait()
        for step in steps:
            step()
        client.close()

    threads = [threading.Thread(target=client_run, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(t.is_alive() for t in threads), "a client never finished"
    assert unexpected == [], unexpected[:5]

    # Every client that sent one request id got one and the same answer.
    differing = {rid: got for rid, got in answers.items() if len(got) != 1}
    assert differing == {}

    store = served.backend.store

    def check(db: Any) -> None:
        for order_id in orders:
            order = db.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone()
            payments = db.execute("SELECT status, method, card_reference FROM payments WHERE order_id = ?",
                                  (order_id,)).fetchall()
            taken = [p for p in payments if p["status"] in ("PAID", "REFUNDED")]
            refunded = [p for p in payments if p["status"] == "REFUNDED"]
            items = db.execute("SELECT endorsement_number FROM order_items WHERE order_id = ?", (order_id,)).fetchall()
            assert len(taken) <= 1, (order_id, [tuple(p) for p in payments])  # money taken once at most
            if order["status"] == "AWAITING_PAYMENT":
                assert taken == [] and all(i["endorsement_number"] is None for i in items)
            else:
                assert len(taken) == 1, (order_id, order["status"])
                assert all(i["endorsement_number"] for i in items)  # issued once paid
            assert (order["status"] == "REFUNDED") == (len(refunded) == 1), (order_id, order["status"])
            assert not (order["status"] == "WRITTEN" and refunded)
            references = [p["card_reference"] for p in payments if p["method"] == "CARD"]
            assert len(references) == len(set(references))  # one payment per card sale
            assert sum(1 for p in payments if p["status"] == "PENDING") <= 1
        duplicated = db.execute("SELECT terminal_id, request_id, COUNT(*) FROM idempotency "
                                "GROUP BY terminal_id, request_id HAVING COUNT(*) > 1").fetchall()
        assert duplicated == []
        recorded = db.execute("SELECT COUNT(*) FROM idempotency").fetchone()[0]
        assert recorded >= len(answers)

    store.transaction(check, write=False)
    statuses = store.transaction(lambda db: sorted(r[0] for r in db.execute(
        "SELECT status FROM orders WHERE order_id IN (" + ",".join("?" * len(orders)) + ")", orders)), write=False)
    assert set(statuses) - {"AWAITING_PAYMENT"}, "no order was paid at all: the race did not happen"


def _summary(result: Any) -> str:
    if isinstance(result, mo.Payment):
        return f"payment {result.payment_id} {result.status.value}"
    if isinstance(result, mo.EndorsementOrder):
        return f"order {result.order_id} {result.status.value}"
    return repr(result)
