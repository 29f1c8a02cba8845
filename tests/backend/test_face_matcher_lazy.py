"""CompareFace's models are not loaded when the back end starts (about 1 s of every kiosk start,
issue 23): they load on a background thread once the kiosk is up, or at the first comparison."""

from __future__ import annotations

from backend.face import DescriptorFaceMatcher
from core.face_model import DlibDescriber

LOAD_WAIT_SECONDS = 120  # dlib's three models, on a loaded test machine


def test_a_new_matcher_has_loaded_nothing_and_warming_up_loads_the_models():
    matcher = DescriptorFaceMatcher()
    assert matcher._describer is None, "the models were loaded when the matcher was made"

    loading = matcher.warm_up_in_background()
    loading.join(LOAD_WAIT_SECONDS)

    assert not loading.is_alive()
    assert isinstance(matcher._describer, DlibDescriber)
    assert matcher.describer is matcher._describer, "loaded once, then kept"
