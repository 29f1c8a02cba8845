"""The home screen's reasons: each service greyed for its own cause, the others unaffected."""

from devices.base import DeviceStatus
from devices.config_schema import DEVICE_KINDS
from flows import registry
from terminal.availability import REASON_BACKEND_DOWN, REASON_NOT_BUILT, REASON_STARTING, reason_for

READY = {kind: DeviceStatus.READY for kind in DEVICE_KINDS}


def built():
    return registry.built_services()[0]


def test_unbuilt_service_says_so():
    assert reason_for("no_such_service", True, True, READY) == REASON_NOT_BUILT


def test_starting_and_backend_down():
    assert reason_for(built(), False, True, READY) == REASON_STARTING
    assert reason_for(built(), False, None, READY) == REASON_STARTING
    assert reason_for(built(), True, False, READY) == REASON_BACKEND_DOWN


def test_a_back_end_not_asked_yet_does_not_hold_a_service_back():
    """Issue 23: devices and journal up, the back-end link still opening: the service is offered
    (its first back-end call waits for the link); a device it needs down still greys it."""
    assert reason_for(built(), True, None, READY) is None
    down = dict(READY, **{kind: DeviceStatus.ERROR for kind in registry.entry(built()).devices})
    assert reason_for(built(), True, None, down) is not None


def test_a_down_device_greys_only_the_services_needing_it():
    states = dict(READY, printer=DeviceStatus.NO_PAPER)
    for service_id in registry.built_services():
        needs_printer = "printer" in registry.entry(service_id).devices
        reason = reason_for(service_id, True, True, states)
        assert (reason == "service.reason.device.printer") == needs_printer
    assert all(reason_for(s, True, True, READY) is None for s in registry.built_services())


def test_every_device_kind_has_its_own_reason_in_both_languages():
    """A tile greyed for a device says which one (not the generic 'device unavailable')."""
    from core.i18n import LANGUAGES, Translator
    from terminal.availability import REASON_DEVICE

    assert set(REASON_DEVICE) == set(DEVICE_KINDS)
    translator = Translator()
    assert all(translator.has(key, lang) for key in REASON_DEVICE.values() for lang in LANGUAGES)
