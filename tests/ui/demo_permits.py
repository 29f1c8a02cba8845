"""Demo permit cards put into the simulated slot as they were issued.

The simulated card store is shared by the whole test session (tests/ui/conftest.py's
simulator cache), and the endorsement tests write records onto these very cards: a test that
reads a card's seeded history, or expects no "same as last time" offer, restores it first.
"""

from __future__ import annotations


def insert_as_issued(app, permit_number: str) -> None:
    """Restore the demo card `permit_number` to its seeded records, then insert it."""
    simulator = app.backstage.runtime.simulators["permit"]
    simulator.store.restore_demo_card(permit_number)
    simulator.insert_card(permit_number)
