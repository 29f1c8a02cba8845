"""The hall dashboard's queue section (issue 20): today's walk-in tickets (priority ones marked)
and urgent requests, from the reference back end's tables, with no ID number or name on it."""

from __future__ import annotations

import datetime as dt

from lxml import html as lxml_html

from backend import seed
from backend.dashboard_queue import queue_section, render_tickets, render_urgent_cases
from backend_client import models as mo
from backend_client import new_request_id


def test_the_seeded_queue_and_a_new_ticket_are_listed(server, client):
    ticket = client.issue_queue_ticket(mo.AppointmentService.TAIWAN_PERMIT, mo.QueuePriority.NONE, new_request_id())
    case = client.request_urgent_handling(seed.person("minor").id_number, mo.UrgentReason.FUNERAL,
                                          mo.AppointmentService.OTHER, new_request_id())
    page = lxml_html.fromstring(f"<div>{queue_section(server.backend.store, dt.datetime.now(dt.UTC))}</div>")
    tickets = {row.get("data-ticket"): row for row in page.xpath("//table[@id='tickets']/tbody/tr")}
    assert {"A001", "A002", "A003", "B001", "D001", ticket.ticket_number, case.ticket.ticket_number} <= set(tickets)
    assert tickets[case.ticket.ticket_number].get("class") == "priority"
    assert tickets["A003"].get("class") == "priority" and tickets["A001"].get("class") == "normal"
    cases = [row.get("data-case") for row in page.xpath("//table[@id='urgent-cases']/tbody/tr")]
    assert {case.case_number, "JJ-DEMO-0001"} <= set(cases)
    text = page.text_content()
    for person in (seed.person("minor"), seed.person("local_adult")):
        assert person.id_number not in text and person.name not in text


def test_empty_tables_say_so_and_values_are_escaped():
    assert "No ticket today" in render_tickets([])
    assert "No urgent request today" in render_urgent_cases([])
    row = {"ticket_number": "<A1>", "service": "PASSPORT", "priority": "NONE", "terminal_id": "T&1",
           "issued_at": "2026-12-07T01:00:00+00:00", "waiting_ahead": 3, "estimated_minutes": 12, "urgent_case": None}
    rendered = render_tickets([row])
    assert "&lt;A1&gt;" in rendered and "T&amp;1" in rendered and "<A1>" not in rendered
    assert ">09:00<" in rendered  # hall time
