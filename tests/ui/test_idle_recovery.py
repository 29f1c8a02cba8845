"""While the kiosk stands idle, transactions left open are settled in the background; never while
a citizen is being served."""

from __future__ import annotations

import time

from flows.journal import TxnStatus


def test_open_transaction_is_settled_at_idle_and_not_during_a_session(kiosk_app, tap, frames):
    app = kiosk_app
    backstage = app.backstage
    backstage.start()
    assert backstage.wait(60)
    journal = backstage.runtime.journal
    txn = journal.open_transaction("appointment")  # a check-in a crash interrupted before any step

    app.session.data["form"] = {"in": "progress"}  # a citizen is being served
    assert not app.recover_if_idle()
    assert journal.get(txn).status is TxnStatus.OPEN
    app.end_session("test")
    frames(2)

    assert backstage.recover_in_background(min_age_seconds=0)
    assert not backstage.ready(), "services must wait while recovery runs"
    deadline = time.monotonic() + 10
    while journal.get(txn).status is TxnStatus.OPEN and time.monotonic() < deadline:
        time.sleep(0.02)
    assert journal.get(txn).status is not TxnStatus.OPEN
    deadline = time.monotonic() + 5
    while not backstage.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert backstage.ready()
    backstage.close()
