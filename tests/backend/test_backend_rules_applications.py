"""Application-form rules (DOMAIN.md section 7), ID numbers (section 3) and the photo file (section 1)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from backend.faults import InvalidInput, NotEligible
from backend.rules import applications, id_numbers, photos

TODAY = dt.date(2025, 3, 1)


def form(**changes):
    document = SimpleNamespace(documentType="PASSPORT", applicationKind="FIRST_ISSUE", reason=None, statement=None,
                               formerName=None, endorsement=[])
    values = dict(idNumber="430102198503120018", name="张伟", birthDate=dt.date(1985, 3, 12), sex="MALE",
                  guardian=None, document=[document], delivery=SimpleNamespace(method="COLLECT", postalAddress=None,
                                                                             postalRecipient=None, postalPhone=None))
    values.update(changes)
    return SimpleNamespace(**values)


def document(**changes):
    base = form().document[0]
    return SimpleNamespace(**{**vars(base), **changes})


def invalid_field(**changes) -> str:
    with pytest.raises(InvalidInput) as caught:
        applications.check_form(form(**changes), registered_state_employee=False, today=TODAY)
    return caught.value.field


def test_complete_form_passes():
    applications.check_form(form(), registered_state_employee=False, today=TODAY)


@pytest.mark.parametrize("changes, field", [
    ({"idNumber": "430102198503120019"}, "form.idNumber"),  # wrong check digit
    ({"birthDate": dt.date(1985, 3, 13)}, "form.birthDate"),
    ({"sex": "FEMALE"}, "form.sex"),
    ({"document": [document(applicationKind="RENEWAL")]}, "form.document.reason"),
    ({"document": [document(applicationKind="RENEWAL", reason="LOST")]}, "form.document.reason"),
    ({"document": [document(applicationKind="REPLACEMENT", reason="LOST")]}, "form.document.statement"),
    ({"document": [document(applicationKind="AMENDMENT", reason="FORMER_NAME")]}, "form.document.formerName"),
    ({"document": [document(endorsement=[object()])]}, "form.document.endorsement"),
    ({"document": [document(), document()]}, "form.document"),
    ({"delivery": SimpleNamespace(method="POST", postalAddress=None, postalRecipient="张伟",
                                  postalPhone="13812345678")}, "form.delivery.postalAddress"),
])
def test_wrong_or_missing_field_is_named(changes, field):
    assert invalid_field(**changes) == field


def test_under_16_needs_an_adult_guardian():
    child = dict(idNumber="430102201405200174", birthDate=dt.date(2014, 5, 20), name="张小明")
    assert invalid_field(**child) == "form.guardian"
    minor_guardian = SimpleNamespace(idNumber=id_numbers.with_check_character("43010220100101001"), name="张大明",
                                     relationship="兄", proof="户口簿")  # a 15-year-old brother
    assert invalid_field(**child, guardian=minor_guardian) == "form.guardian.idNumber"
    parent = SimpleNamespace(idNumber="430102198503120018", name="张伟", relationship="父子", proof="出生证明")
    applications.check_form(form(**child, guardian=parent), registered_state_employee=False, today=TODAY)


def test_registered_state_employee_is_refused():
    with pytest.raises(NotEligible) as caught:
        applications.check_form(form(), registered_state_employee=True, today=TODAY)
    assert caught.value.reason == "REGISTERED_STATE_EMPLOYEE"


def test_processing_time_counts_working_days():
    assert applications.expected_ready_on(dt.date(2025, 3, 3)) == dt.date(2025, 3, 17)  # Monday -> Monday+2 weeks
    assert applications.expected_ready_on(dt.date(2025, 3, 1)) == dt.date(2025, 3, 14)  # from a Saturday


# ---- ID numbers ----

@pytest.mark.parametrize("number, valid", [
    ("11010519491231002X", True), ("360426199101010071", True), ("360426199101010072", False),
    ("810000199001010035", True), ("36042619910101007", False), ("36042619911301007X", False),
])
def test_id_number_vectors(number, valid):
    assert id_numbers.is_valid(number) is valid


@given(address=st.integers(min_value=100000, max_value=899999).map(str),  # [1-8][0-9]{5}, cheap to draw
       born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
       sequence=st.integers(min_value=0, max_value=999))
def test_exactly_one_check_character_makes_a_number_valid(address, born, sequence):
    first_17 = f"{address}{born:%Y%m%d}{sequence:03d}"
    valid = [c for c in "0123456789X" if id_numbers.is_valid(first_17 + c)]
    assert valid == [id_numbers.check_character(first_17)]


# ---- photo file ----

def noisy_jpeg(size: tuple[int, int]) -> bytes:
    """A JPEG of `size` that weighs 21-79 KB (so only its pixel size can be wrong)."""
    import random

    rng = random.Random(1)
    image = Image.new("L", size)
    image.putdata([rng.randrange(256) for _ in range(size[0] * size[1])])
    image = image.convert("RGB")
    for quality in range(95, 0, -5):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if 21 * 1024 <= buffer.tell() <= 79 * 1024:
            return buffer.getvalue()
    raise AssertionError(f"no quality gives 21-79 KB at {size}")


def test_compliant_photo_is_measured(demo):
    measured = photos.check_photo(demo.photo)
    assert (measured.width, measured.height) == (390, 520) and 20 * 1024 <= measured.size <= 80 * 1024


@pytest.mark.parametrize("make, words", [
    (lambda: b"\xff\xd8" + b"x" * 30_000, "not an image"),
    (lambda: b"x" * 100, "KB"),
    (lambda: noisy_jpeg((300, 400)), "px"),
    (lambda: noisy_jpeg((470, 520)), "3:4"),
])
def test_photo_problems_are_named(make, words):
    data = make()
    with pytest.raises(InvalidInput) as caught:
        photos.check_photo(data)
    assert caught.value.field == "photo" and words in caught.value.problem, (len(data), caught.value.problem)
