"""What to bring and how long (issue 14, item 5): one table entry for every service on the home
screen, each thing in both languages, a sensible time; no entry for a service that is not offered."""

from __future__ import annotations

import pytest

from core.i18n import Translator
from flows.registry import FLOWS
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.preparation import PREPARATIONS, preparation


def test_every_service_on_the_home_screen_has_an_entry():
    missing = [e.service_id for e in FLOWS if e.service_id not in PREPARATIONS]
    assert not missing, f"no 'what to bring' entry for {missing} (kiosk/ui/presenters/preparation.py)"
    assert set(PREPARATIONS) == {e.service_id for e in FLOWS}, "an entry for a service the kiosk does not offer"


def test_a_service_without_an_entry_is_named():
    with pytest.raises(KeyError, match="no_such_service"):
        preparation("no_such_service")


@pytest.mark.parametrize("service_id", sorted(PREPARATIONS))
def test_each_thing_reads_in_both_languages_with_its_picture(service_id):
    wanted = preparation(service_id)
    assert wanted.things and 1 <= wanted.minutes <= 30
    translator = Translator()
    for lang in ("zh_CN", "en"):
        for thing in wanted.things:
            assert translator.translate(thing.key, lang) != thing.key, f"{thing.key} untranslated in {lang}"
            assert thing.picture == "" or thing.picture in pictures.ALL
        minutes = translator.translate("prepare.minutes", lang, minutes=wanted.minutes)
        assert str(wanted.minutes) in minutes and "{" not in minutes


def test_the_services_that_take_the_permit_card_ask_for_it():
    """The table follows the registry: a service whose flow needs the permit module lists the card."""
    for entry in FLOWS:
        keys = {t.key for t in preparation(entry.service_id).things}
        assert ("prepare.thing.permit" in keys) == ("permit" in entry.devices), entry.service_id
