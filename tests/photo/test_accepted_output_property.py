"""Property: every photo the pipeline accepts meets the spec, re-measured on the output file.

GIVEN captures varying in head size, position, tilt and light (hypothesis draws them)
WHEN the pipeline accepts one
THEN the JPEG file decodes to the spec's pixel size, its byte size is inside the window,
     its JFIF header carries the spec's dpi, and the head ratio and eye distance measured
     afresh on the decoded file (new face and eye detection) are inside the spec's ranges.
"""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from photo import samples
from photo.encode import read_dpi


@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.floats(0.36, 0.62), x=st.floats(0.4, 0.6), y=st.floats(0.38, 0.5),
       roll=st.floats(-9.0, 3.0), light=st.floats(0.8, 1.1))
def test_accepted_photos_meet_the_spec(pipeline, head, x, y, roll, light):
    capture = samples.capture(head_fraction=head, centre=(x, y), roll_degrees=roll)
    capture = np.clip(capture.astype(np.float32) * light, 0, 255).astype(np.uint8)
    result = pipeline.finalize(capture)
    if not result.ok:
        assert result.jpeg is None and result.problems
        return
    spec = pipeline.spec
    assert spec.min_bytes <= len(result.jpeg) <= spec.max_bytes
    assert read_dpi(result.jpeg) == spec.dpi
    decoded = cv2.imdecode(np.frombuffer(result.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (spec.height, spec.width, 3)
    head_ratio, eye_ratio = pipeline.measure_output(decoded)
    assert spec.head_ratio_min <= head_ratio <= spec.head_ratio_max
    assert spec.eye_distance_min <= eye_ratio <= spec.eye_distance_max


def test_the_property_is_not_vacuous(pipeline):
    """The strategy's centre accepts (so the property above checks real outputs)."""
    assert pipeline.finalize(samples.capture(head_fraction=0.5, centre=(0.5, 0.44))).ok
