"""The contract models' own __init__ (issue 23) leaves an object exactly as spyne's would: every
member present, given values set, the rest None, unknown keywords ignored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from spyne import ComplexModel

from backend import messages as m

MODELS = sorted((cls for cls in vars(m).values()
                 if isinstance(cls, type) and issubclass(cls, m.Model) and cls is not m.Model),
                key=lambda cls: cls.__name__)


def sample(kind: type, index: int) -> object:
    return (f"v{index}", index, Decimal(index), dt.date(2026, 1, 1 + index % 28))[index % 4]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_same_object_as_spynes_init(cls):
    members = list(cls.get_flat_type_info(cls))
    for given in (members, members[::2], []):
        values = {name: sample(cls, i) for i, name in enumerate(given)}
        ours = cls(**values, notAMember="ignored")
        spynes = cls.__new__(cls)
        ComplexModel.__init__(spynes, **values, notAMember="ignored")
        assert vars(ours) == vars(spynes)
        assert set(vars(ours)) == set(members)


def test_the_fast_path_is_taken_for_every_contract_model():
    assert all(m._plain_members(cls) is not None for cls in MODELS)
