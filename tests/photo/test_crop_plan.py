"""Crop planning is pure geometry: head share, crown margin, centring, overshoot."""

from __future__ import annotations

import numpy as np
import pytest

from photo.crop import plan_crop, render
from photo.geometry import EyePair, Point
from photo.measure import FaceGeometry, HeadExtent

EXTENT = HeadExtent(crown_above=1.9, chin_below=1.7, outline_above=None)


def geometry(x: float, y: float, distance: float, roll_degrees: float = 0.0) -> FaceGeometry:
    angle = np.radians(roll_degrees)
    dx, dy = distance / 2 * np.cos(angle), distance / 2 * np.sin(angle)
    return FaceGeometry(EyePair(Point(x - dx, y - dy), Point(x + dx, y + dy)), from_eyes=True)


def output_point(plan, point: Point) -> Point:
    return point.transformed(plan.matrix)


def test_the_head_gets_the_target_share_and_the_crown_its_margin(settings):
    spec = settings.spec("exit-entry")
    face = geometry(640, 330, 100)
    plan = plan_crop(face, EXTENT, spec, (1280, 720))
    assert plan.head_px == pytest.approx(360)
    assert plan.scale * plan.head_px == pytest.approx(spec.head_ratio_target * spec.height)
    eyes = output_point(plan, face.midpoint)
    assert eyes.x == pytest.approx(spec.width / 2)
    crown_row = eyes.y - EXTENT.crown_above * 100 * plan.scale
    assert crown_row == pytest.approx(spec.crown_margin * spec.height)
    assert plan.overshoot.left == plan.overshoot.right == plan.overshoot.top == plan.overshoot.bottom == 0


def test_the_roll_is_undone(settings):
    face = geometry(640, 330, 100, roll_degrees=6)
    plan = plan_crop(face, EXTENT, settings.spec(), (1280, 720))
    left, right = output_point(plan, face.eyes.left), output_point(plan, face.eyes.right)
    assert left.y == pytest.approx(right.y, abs=1e-6)


def test_overshoot_is_measured_in_output_pixels(settings):
    spec = settings.spec()
    face = geometry(100, 330, 100)  # too near the left edge
    plan = plan_crop(face, EXTENT, spec, (1280, 720))
    half_width_in_capture = spec.width / 2 / plan.scale
    assert plan.overshoot.left == pytest.approx((half_width_in_capture - 100) * plan.scale)
    assert plan.overshoot.right == 0


def test_render_makes_the_spec_size_from_a_bigger_or_smaller_capture(settings, good_capture):
    spec = settings.spec("resident-id")
    for distance in (60, 100):  # enlarged and shrunk
        plan = plan_crop(geometry(640, 330, distance), EXTENT, spec, (1280, 720))
        pixels, outside = render(good_capture, plan)
        assert pixels.shape == (spec.height, spec.width, 3) and not outside.any()


def test_render_marks_what_lies_above_and_beside_the_capture_but_not_below(settings, good_capture):
    spec = settings.spec()
    plan = plan_crop(geometry(90, 200, 100), EXTENT, spec, (1280, 720))  # near the top-left corner
    assert plan.overshoot.left > 0 and plan.overshoot.top > 0
    _, outside = render(good_capture, plan)
    assert outside[0, 0] and outside[:, 0].all()
    assert not outside[spec.height // 2, spec.width - 1]
    low = plan_crop(geometry(640, 650, 100), EXTENT, spec, (1280, 720))  # shoulders run off the bottom
    assert low.overshoot.bottom > 0
    _, outside = render(good_capture, low)
    assert not outside[-1, spec.width // 2]  # below the capture the shoulders continue
