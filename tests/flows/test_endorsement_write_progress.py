"""The write step counts what it has done (issue 14): the screen shows 'record n of m written'
from the flow's own count, not from a timer."""

from __future__ import annotations

from flows.endorsement import EndorsementFlow
from terminal.simulation import pay_shown_code
from tests.flows.test_endorsement_flow import identify, insert_permit


def test_writing_two_records_shows_none_then_one_then_two_of_two(money_driver):
    pump = money_driver
    writing: list[tuple[int | None, int | None]] = []
    pump.listen(lambda v: writing.append((v.data.get("records_written"), v.data.get("records_total")))
                if v.state == "writing" else None)
    pump.start(EndorsementFlow)
    identify(pump, "local_adult")
    insert_permit(pump, "CA1234567")
    pump.touch("destination", "HONG_KONG")
    pump.touch("type", "L")
    pump.touch("trips", "DOUBLE")
    pump.touch("validity_months", 3)
    pump.touch("add_destination")
    pump.touch("type", "L")
    pump.touch("trips", "SINGLE")
    pump.touch("validity_months", 3)
    pump.touch("pay")
    assert pay_shown_code(pump).state == "done"
    # first the state before the paid order is read (nothing counted yet), then 0, 1, 2 of 2
    assert writing == [(None, None), (0, 2), (1, 2), (2, 2)]

