"""Real kiosk flows with per-terminal credentials on (issue 18): the kiosk reaches a back end
that requires them over real HTTP, reads its secret from the file [backend] wsse_secret_file
names, and a citizen accepts and pays a fine (the look-ups carrying the face match's proof),
then renews an endorsement written to the permit card, from card to receipt. The back end
records orders, payments, the registration and the heartbeats under the credential's terminal."""

from __future__ import annotations

import sqlite3
import time

import pytest

from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend.terminal_credentials import TerminalCredentials
from backend_client.models import OrderStatus
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from terminal.simulation import pay_shown_code

TERMINAL = "HALL1-K07"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guarded")
    server = ReferenceServer(folder / "backend.sqlite3",
                             settings=ServerSettings(terminal_auth="required", auto_pay_seconds=0)).start()
    secret_file = folder / "kiosk.secret"
    secret_file.write_text(TerminalCredentials(server.backend.store).add(TERMINAL) + "\n")
    yield server, secret_file
    server.stop()


@pytest.fixture(scope="module")
def money(money_kiosk_factory, guarded):
    server, secret_file = guarded
    settings = {"terminal": {"id": TERMINAL},
                "backend": {"mode": "remote", "url": server.url, "wsse_secret_file": str(secret_file)}}
    with money_kiosk_factory("credentials", settings) as kiosk:
        yield kiosk


def rows(server, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(server.backend.store.path) as db:
        return db.execute(sql, args).fetchall()


def test_a_fine_is_accepted_and_paid_with_credentials_on(money_driver, guarded):
    server, _ = guarded
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    view = pump.tick_until(lambda v: v.state in ("list", "refused", "no_violations"), "the violation list")
    assert view.state == "list", view.error_key
    pump.touch("select", "WF-DEMO-0001")
    view = pump.touch("accept")
    assert view.state == "paying" and view.data["amount"] == "100.00"
    view = pay_shown_code(pump)
    assert view.state == "settled" and view.error_key is None
    assert rows(server, "SELECT terminal_id, status FROM orders WHERE kind = 'FINE' AND terminal_id != 'COUNTER'") \
        == [(TERMINAL, "PAID")]
    assert rows(server, "SELECT terminal_id, status FROM payments") == [(TERMINAL, "PAID")]


def test_an_endorsement_is_paid_written_and_confirmed_with_credentials_on(money_driver, guarded):
    server, _ = guarded
    pump = money_driver
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    view = pump.tick_until(lambda v: v.state in ("insert_permit", "refused"), "insert_permit")
    assert view.state == "insert_permit", view.error_key
    pump.simulators["permit"].insert_card("C12345678")
    assert pump.send(CardInserted("permit")).state == "offer"
    pump.touch("same")
    assert pump.touch("pay").state == "paying"
    view = pay_shown_code(pump)
    assert view.state == "done" and view.error_key is None
    assert pump.ctx.backend.get_endorsement_order(view.data["order_id"]).status is OrderStatus.WRITTEN
    assert rows(server, "SELECT terminal_id, status FROM orders WHERE order_id = ?", view.data["order_id"]) \
        == [(TERMINAL, "WRITTEN")]


def test_the_terminal_registers_and_reports_under_its_credential(money, guarded):
    server, _ = guarded
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not rows(server, "SELECT 1 FROM terminals WHERE terminal_id = ? "
                                                           "AND registered_at IS NOT NULL", TERMINAL):
        time.sleep(0.1)
    assert rows(server, "SELECT terminal_id FROM terminals") == [(TERMINAL,)]
