"""Fields of the exit-entry application form that the citizen types, validated as they are typed.

Identity fields come from the ID card and are never retyped; these are the rest (DOMAIN.md
section 7). Each validator returns None when the value is acceptable, else a message key
the screen shows beside the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from core.i18n import N_

MOBILE = re.compile(r"1[3-9]\d{9}")
POSTCODE = re.compile(r"\d{6}")
CJK = re.compile(r"[\u3400-\u9fff·]")

Validator = Callable[[str], "str | None"]


def mobile_phone(value: str) -> str | None:
    """Mainland mobile number: 11 digits starting 13-19."""
    return None if MOBILE.fullmatch(value.strip()) else N_("form.error.mobile")


def postcode(value: str) -> str | None:
    return None if POSTCODE.fullmatch(value.strip()) else N_("form.error.postcode")


def chinese_name(value: str) -> str | None:
    """A contact's name in Chinese characters (2-20, a middle dot allowed for minority names)."""
    value = value.strip()
    if not 2 <= len(value) <= 20 or not all(CJK.match(ch) for ch in value):
        return N_("form.error.chinese_name")
    return None


def address(value: str) -> str | None:
    value = value.strip()
    return None if 6 <= len(value) <= 70 else N_("form.error.address")


def place_name(value: str) -> str | None:
    """A birth place (出生地) as the household register writes it: 2-40 Chinese characters."""
    value = value.strip()
    if not 2 <= len(value) <= 40 or not all(CJK.match(ch) for ch in value):
        return N_("form.error.birth_place")
    return None


def short_text(value: str) -> str | None:
    value = value.strip()
    return None if 1 <= len(value) <= 40 else N_("form.error.required")


@dataclass(frozen=True)
class Choice:
    value: str
    label_key: str


DOCUMENTS = (
    Choice("passport", N_("form.document.passport")),
    Choice("hk_macau_permit", N_("form.document.hk_macau_permit")),
    Choice("taiwan_permit", N_("form.document.taiwan_permit")),
)
REASONS = (
    Choice("first", N_("form.reason.first")),
    Choice("renewal_expired", N_("form.reason.renewal_expired")),
    Choice("renewal_expiring", N_("form.reason.renewal_expiring")),
    Choice("renewal_full", N_("form.reason.renewal_full")),
    Choice("renewal_appearance", N_("form.reason.renewal_appearance")),
    Choice("lost", N_("form.reason.lost")),
    Choice("stolen", N_("form.reason.stolen")),
    Choice("damaged", N_("form.reason.damaged")),
    Choice("name_changed", N_("form.reason.name_changed")),
    Choice("amendment", N_("form.reason.amendment")),
)
RELATIONSHIPS = (
    Choice("spouse", N_("form.relation.spouse")),
    Choice("parent", N_("form.relation.parent")),
    Choice("child", N_("form.relation.child")),
    Choice("sibling", N_("form.relation.sibling")),
    Choice("other", N_("form.relation.other")),
)
DELIVERY = (
    Choice("collect", N_("form.delivery.collect")),
    Choice("post", N_("form.delivery.post")),
)
OCCUPATIONS = (
    Choice("employee", N_("form.occupation.employee")),
    Choice("self_employed", N_("form.occupation.self_employed")),
    Choice("student", N_("form.occupation.student")),
    Choice("retired", N_("form.occupation.retired")),
    Choice("farmer", N_("form.occupation.farmer")),
    Choice("unemployed", N_("form.occupation.unemployed")),
    Choice("other", N_("form.occupation.other")),
)


@dataclass(frozen=True)
class TypedField:
    """A field the citizen types: which keypad the screen shows and how the value is checked."""

    name: str
    label_key: str
    keypad: str          # "numeric" | "pinyin" (Chinese by pinyin) | "latin"
    validate: Validator
    required: bool = True


TYPED_FIELDS = (
    # asked only when the back end has no birth place on file (flows/application_draft.py)
    TypedField("birth_place", N_("form.field.birth_place"), "pinyin", place_name),
    TypedField("mobile", N_("form.field.mobile"), "numeric", mobile_phone),
    TypedField("current_address", N_("form.field.current_address"), "pinyin", address),
    TypedField("employer", N_("form.field.employer"), "pinyin", short_text, required=False),
    TypedField("emergency_name", N_("form.field.emergency_name"), "pinyin", chinese_name),
    TypedField("emergency_phone", N_("form.field.emergency_phone"), "numeric", mobile_phone),
    TypedField("postal_address", N_("form.field.postal_address"), "pinyin", address),
    TypedField("postcode", N_("form.field.postcode"), "numeric", postcode),
)


def typed_field(name: str) -> TypedField:
    return next(f for f in TYPED_FIELDS if f.name == name)


def choice_values(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(c.value for c in choices)
