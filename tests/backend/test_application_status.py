"""Staff move an application along its statuses (`main.py backend applications advance`), and a
citizen who asked for a text at a milestone gets it recorded (issue 20's notices, whose ready and
posted milestones nothing reached before: the reference back end has no back office).

A reference back end serves its demo data on a SQLite file; the command runs in its own process
on the same file while the back end serves, as staff would run it in a hall (those tests read the
SQLite file, so they run in the SQLite pass). The move itself is also made in process, on either
engine (KIOSK_TEST_DATABASE=postgresql).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import seed
from backend.server import ReferenceServer
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import models as mo
from core.config import PROJECT_ROOT

COMMAND_SECONDS = 60.0
PLACE = "长沙市出入境接待大厅 自助取证区"
local = seed.person("local_adult")  # AP-DEMO-0001, under review
minority = seed.person("minority_name")  # AP-DEMO-0003, posted


@pytest.fixture(scope="module")
def db_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("status") / "reference.sqlite3"


@pytest.fixture(scope="module")
def server(db_file) -> Iterator[ReferenceServer]:
    started = ReferenceServer(db_file).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def client(server) -> Iterator[BackendClient]:
    made = BackendClient(ClientSettings(server.url, seed.DEMO_TERMINAL_ID, retries=0))
    yield made
    made.close()


def advance(db_file: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "backend", "applications", "advance",
                           *args, "--db", str(db_file)], capture_output=True, text=True, timeout=COMMAND_SECONDS,
                          env={**os.environ, "KIOSK_CONFIG": ""}, cwd=PROJECT_ROOT, check=False)


def texts(db_file: Path, milestone: str) -> list[str]:
    with sqlite3.connect(db_file) as db:
        return [row[0] for row in db.execute("SELECT text FROM notice_messages WHERE milestone = ?", (milestone,))]


def test_moved_in_process_on_either_engine(server, client):
    from backend.application_status import MoveRefused
    from backend.application_status import advance as move
    from backend.timeutil import utc_now

    client.subscribe_notices(minority.id_number, "13900139000", new_request_id(), application_number="AP-DEMO-0003")
    with server.backend.store.write() as db:
        assert move(db, "AP-DEMO-0003", "COLLECTED", utc_now()) == 0  # no milestone for collected
    assert client.get_application_progress("AP-DEMO-0003", minority.id_number).status is mo.ApplicationStatus.COLLECTED
    with pytest.raises(MoveRefused), server.backend.store.write() as db:
        move(db, "AP-DEMO-0003", "APPROVED", utc_now())


@pytest.mark.sqlite_only
def test_moved_to_ready_the_subscriber_gets_the_text_and_the_query_shows_the_step(client, db_file):
    client.subscribe_notices(local.id_number, "13800138000", new_request_id(), application_number="AP-DEMO-0001",
                             milestones=[mo.NoticeMilestone.READY_FOR_COLLECTION])
    for status in ("APPROVED", "IN_PRODUCTION"):
        moved = advance(db_file, "AP-DEMO-0001", status)
        assert moved.returncode == 0, moved.stderr
        assert "text" not in moved.stdout  # no milestone, nothing recorded
    assert texts(db_file, "READY_FOR_COLLECTION") == []

    ready = advance(db_file, "AP-DEMO-0001", "READY_FOR_COLLECTION", "--place", PLACE)
    assert ready.returncode == 0, ready.stderr
    assert "1 text(s) recorded" in ready.stdout
    assert texts(db_file, "READY_FOR_COLLECTION") == [
        f"【出入境】您的申请AP-DEMO-0001的证件已制作完成，请到{PLACE}领取。"]

    progress = client.get_application_progress("AP-DEMO-0001", local.id_number)
    assert progress.status is mo.ApplicationStatus.READY_FOR_COLLECTION and progress.collection_place == PLACE
    assert [s.status for s in progress.steps][-3:] == [
        mo.ApplicationStatus.APPROVED, mo.ApplicationStatus.IN_PRODUCTION, mo.ApplicationStatus.READY_FOR_COLLECTION]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args, why", [
    (("AP-DEMO-0002", "UNDER_REVIEW"), "does not come after ready_for_collection"),  # backwards
    (("AP-DEMO-0002", "POSTED", "--tracking", "SF0000000001"), "already ready_for_collection"),
    (("AP-DEMO-0002", "REJECTED"), "can no longer be refused"),
    (("AP-DEMO-9999", "APPROVED"), "no application AP-DEMO-9999 on file"),
])
def test_moves_that_make_no_sense_are_refused_in_one_line(db_file, client, args, why):
    moved = advance(db_file, *args)
    assert moved.returncode == 1 and why in moved.stderr and "Traceback" not in moved.stderr
    assert len(moved.stderr.strip().splitlines()) == 1


@pytest.mark.sqlite_only
def test_a_refused_application_moves_no_further(db_file, client):
    with sqlite3.connect(db_file) as db:
        db.execute("INSERT INTO applications VALUES ('AP-TEST-0002', ?, 'COUNTER', 'PASSPORT', '', 'REJECTED', "
                   "'2026-01-01T00:00:00+00:00', NULL, NULL, NULL)", (local.id_number,))
    again = advance(db_file, "AP-TEST-0002", "APPROVED")
    assert again.returncode == 1 and "moves no further" in again.stderr


@pytest.mark.sqlite_only
def test_posting_needs_a_tracking_number_and_ready_a_place(db_file, client):
    with sqlite3.connect(db_file) as db:  # a fresh application under review, with no place on file
        db.execute("INSERT INTO applications VALUES ('AP-TEST-0001', ?, 'COUNTER', 'PASSPORT', '', 'IN_PRODUCTION', "
                   "'2026-01-01T00:00:00+00:00', NULL, NULL, NULL)", (local.id_number,))
    for args, why in ((("POSTED",), "tracking number"), (("READY_FOR_COLLECTION",), "the place to collect it")):
        moved = advance(db_file, "AP-TEST-0001", *args)
        assert moved.returncode == 1 and why in moved.stderr
    posted = advance(db_file, "AP-TEST-0001", "POSTED", "--tracking", "SF0000000002")
    assert posted.returncode == 0, posted.stderr
    with sqlite3.connect(db_file) as db:
        assert db.execute("SELECT status, tracking_number FROM applications WHERE application_number = "
                          "'AP-TEST-0001'").fetchone() == ("POSTED", "SF0000000002")
