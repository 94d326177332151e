"""What the pages read (read only): the certificates a print run selects, a school's
certificates (the teacher's pages), and the organizer's list with its counts and revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import Certificate, Contest, Entry, Job, School
from ...models.certificates import CertificateAsset, CertificateRevision

# --- selecting what to print ---------------------------------------------------------------


def select_ids(
    contest_id: int, *, section_id: int | None = None, school_id: int | None = None, include_revoked: bool = False
) -> list[int]:
    q = select(Certificate.id).where(Certificate.contest_id == contest_id)
    if section_id:
        q = q.where(Certificate.section_id == section_id)
    if school_id:
        q = q.where(Certificate.school_id == school_id)
    if not include_revoked:
        q = q.where(Certificate.revoked.is_(False))
    return list(db.session.scalars(q.order_by(Certificate.number)))


# --- what a school sees (the teacher's pages) ----------------------------------------------


class SchoolCertificates(NamedTuple):
    """One contest's valid certificates of a school, in number order."""

    contest: Contest
    certificates: list[Certificate]


def school_certificates(school_id: int) -> list[SchoolCertificates]:
    """The school's valid certificates grouped by contest, the newest contest first."""
    rows = db.session.scalars(
        select(Certificate)
        .where(Certificate.school_id == school_id, Certificate.revoked.is_(False))
        .order_by(Certificate.contest_id.desc(), Certificate.number)
    ).all()
    contest_ids = sorted({c.contest_id for c in rows}, reverse=True)
    contests = {c.id: c for c in db.session.scalars(select(Contest).where(Contest.id.in_(contest_ids)))}
    return [SchoolCertificates(contests[cid], [c for c in rows if c.contest_id == cid]) for cid in contest_ids]


def entry_certificates(entry: Entry) -> list[Certificate]:
    """The valid certificates of one of the school's entries (its students', its advisers'), in
    number order: what the entry's page offers once the results are final."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.entry_id == entry.id,
                Certificate.school_id == entry.school_id,
                Certificate.revoked.is_(False),
            )
            .order_by(Certificate.number)
        )
    )


# --- the organizer's pages -------------------------------------------------------------------


@dataclass
class Listing:
    """One page of a contest's certificates, with what the certificates page shows beside it."""

    rows: list[Certificate]
    total: int  # certificates the filters find
    valid: int  # of the whole contest
    revoked: int
    schools: dict[int, str]  # school id -> name, for the page's rows
    jobs: list[Job]  # the latest print batches
    assets: dict[str, CertificateAsset]  # slot -> uploaded image


def listing(
    contest: Contest,
    *,
    q: str = "",
    kind: str | None = None,
    status: str = "",
    page: int = 1,
    per_page: int = 50,
    job_kind: str = "certificates",
) -> Listing:
    """The certificates of `contest` whose name or number contains `q`, of one `kind`, valid or
    revoked (`status`), by number; page `page` of `per_page`."""
    query = select(Certificate).where(Certificate.contest_id == contest.id)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Certificate.recipient_name.like(like), Certificate.number.like(like)))
    if kind:
        query = query.where(Certificate.kind == kind)
    if status == "revoked":
        query = query.where(Certificate.revoked.is_(True))
    elif status == "valid":
        query = query.where(Certificate.revoked.is_(False))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(db.session.scalars(query.order_by(Certificate.number).limit(per_page).offset((page - 1) * per_page)))
    counts = dict(
        db.session.execute(
            select(Certificate.revoked, func.count())
            .where(Certificate.contest_id == contest.id)
            .group_by(Certificate.revoked)
        ).all()
    )
    schools = dict(
        db.session.execute(
            select(School.id, School.name).where(School.id.in_({c.school_id for c in rows if c.school_id}))
        ).all()
    )
    jobs = list(
        db.session.scalars(
            select(Job)
            .where(Job.contest_id == contest.id, Job.kind == job_kind)
            .order_by(Job.created_at.desc())
            .limit(5)
        )
    )
    assets = {
        a.slot: a for a in db.session.scalars(select(CertificateAsset).where(CertificateAsset.contest_id == contest.id))
    }
    return Listing(
        rows=rows,
        total=total,
        valid=counts.get(False, 0),
        revoked=counts.get(True, 0),
        schools=schools,
        jobs=jobs,
        assets=assets,
    )


def schools_with_certificates(contest: Contest) -> list[tuple[int, str]]:
    """(id, name) of the schools that have a certificate of `contest`, by name: a batch's choices."""
    return [
        (sid, name)
        for sid, name in db.session.execute(
            select(School.id, School.name)
            .join(Certificate, Certificate.school_id == School.id)
            .where(Certificate.contest_id == contest.id)
            .group_by(School.id, School.name)
            .order_by(School.name)
        )
    ]


def revisions_of(cert: Certificate) -> list[CertificateRevision]:
    """The certificate's revisions, the newest first."""
    return list(
        db.session.scalars(
            select(CertificateRevision)
            .where(CertificateRevision.certificate_id == cert.id)
            .order_by(CertificateRevision.revision.desc())
        )
    )
