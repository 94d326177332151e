"""What the organizer's certificates page reads (services/certificates/reads.py: listing and friends)."""

from __future__ import annotations

from competition.extensions import db
from competition.services import certificates as service
from tests.factories.certificates import issued_world


def test_the_listing_filters_by_name_or_number_kind_and_state_and_pages_by_number(world):
    w = issued_world(world)
    certs, contest = w.certs, w.contest
    assert len(certs) >= 3
    service.revoke(certs[0], w.organizer, "写错了")
    db.session.commit()

    everything = service.listing(contest)
    assert [c.id for c in everything.rows] == [c.id for c in certs]
    assert (everything.total, everything.valid, everything.revoked) == (len(certs), len(certs) - 1, 1)
    assert set(everything.schools) == {c.school_id for c in certs if c.school_id}

    assert [c.id for c in service.listing(contest, status="revoked").rows] == [certs[0].id]
    assert certs[0].id not in [c.id for c in service.listing(contest, status="valid").rows]
    by_number = service.listing(contest, q=certs[1].number)
    assert [c.id for c in by_number.rows] == [certs[1].id] and by_number.total == 1
    by_name = service.listing(contest, q=certs[1].recipient_name)
    assert certs[1].id in [c.id for c in by_name.rows]
    kind = certs[1].kind
    assert {c.kind for c in service.listing(contest, kind=kind).rows} == {kind}

    second = service.listing(contest, page=2, per_page=2)
    assert [c.id for c in second.rows] == [c.id for c in certs[2:4]] and second.total == len(certs)


def test_the_batch_offers_the_schools_with_certificates_by_name(world):
    w = issued_world(world)
    schools = service.schools_with_certificates(w.contest)
    assert {sid for sid, _name in schools} == {c.school_id for c in w.certs if c.school_id}
    assert [name for _sid, name in schools] == sorted(name for _sid, name in schools)
