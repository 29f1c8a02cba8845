"""Residence-permit (居住证) holders of an individual-visit city are offered G like its hukou
residents (issue 22, item 4; 出入境管理局公告2024年第1号, 2024-02-23: 户籍居民以及居住证持有人),
over real HTTP against the reference back end.

This module has a server of its own (the `server` fixture is per module) because one test
takes the residence permit away from the demo person in the database.
"""

from __future__ import annotations

from backend import seed
from backend_client import models as mo

HOLDER = seed.person("residence_permit_holder")
PERMIT = seed.permit_of("residence_permit_holder")
G, L = mo.EndorsementType.INDIVIDUAL_VISIT, mo.EndorsementType.GROUP_TOUR


def offered_types(client) -> set[mo.EndorsementType]:
    assert PERMIT is not None
    return {o.type for o in client.check_endorsement_eligibility(HOLDER.id_number, PERMIT.number).options}


def test_the_demo_person_is_a_non_local_hukou_holding_a_residence_permit_of_the_halls_city():
    hall_city = seed.DEMO_HALL_REGION_CODE[:4]
    assert HOLDER.hukou_region_code[:4] != hall_city
    assert HOLDER.residence_permit_region_code[:4] == hall_city


def test_a_residence_permit_of_the_halls_city_is_offered_g_and_l_not_t_or_s(client):
    assert offered_types(client) == {G, L}


def test_the_same_person_without_the_residence_permit_is_offered_l_only(client, server):
    with server.backend.store.write() as db:
        db.execute("UPDATE persons SET residence_permit_region_code = NULL WHERE id_number = ?",
                   (HOLDER.id_number,))
    try:
        assert offered_types(client) == {L}
    finally:
        with server.backend.store.write() as db:
            db.execute("UPDATE persons SET residence_permit_region_code = ? WHERE id_number = ?",
                       (HOLDER.residence_permit_region_code, HOLDER.id_number))
    assert offered_types(client) == {G, L}
