"""What the workshop apps write and read: a participant's submission
(:class:`Submission`, :meth:`_WorkshopWrites.submit`), consent answers, assessment answers,
notes, the pick lists of the apps, and the facilitator's removals.

Every write is one short transaction, retried while another kernel holds the write lock
(:meth:`verkostolab.store.engine._Engine._retrying`); the small reads need no pandas, so
that participants' pages start fast.

>>> Submission(name="Aino", ties=[TieAnswer("P1", knowing=4)]).ties[0].kind
'knows'
"""

from __future__ import annotations

import datetime as dt
import hmac
import numbers
import re
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..errors import InputError, Problem, VerkostolabError
from ..tables.schema import fold, normalise_value
from .rights import lookup_actor, unknown_actor
from .sqlschema import (CLAIMS_TABLE, CONSENT_TABLE, SQL_TABLES, _Schema, has_consent_table,
                        refused_ids)

__all__ = ["Submission", "TieAnswer"]


@dataclass
class TieAnswer:
    """One person named in a submission, and how well the submitter knows them."""

    target: str
    knowing: int | None = None
    trust: int | None = None
    commitment: int | None = None
    kind: str = "knows"


@dataclass
class Submission:
    """What a workshop participant sends: who they are and whom they know.

    Either ``actor_id`` (they picked themselves from the list) or ``name`` (they added
    themselves) must be given.  An organisation is matched by name, case and accents
    ignored, or created.  ``consent``: their answer to "may your name be shown on the
    wall and in reports?" (``None``: not asked, an earlier answer stays).

    ``owner``: the random token of the page that sends (see :data:`CLAIMS_TABLE`).  A
    page owns the people it created and the listed people it was the first to send as;
    another page's submission for them is refused, and so is any page's submission for a
    person whose recorded *no* no page owns (a *no* is never turned into a *yes* by
    someone else).  ``None`` (scripts, the facilitator) is not checked.
    """

    name: str | None = None
    actor_id: str | None = None
    organisation: str | None = None
    sector: str | None = None
    role: str | None = None
    keywords: str | None = None
    ties: list[TieAnswer] = field(default_factory=list)
    event_id: str | None = None
    consent: bool | None = None
    owner: str | None = None


class NotYours(VerkostolabError):
    """A page tried to change the answers of a person another page (or nobody) owns."""

    key = "consent.not_yours"


def _claim(conn, actor_id: str, scope: str, owner: str | None, refused: bool) -> None:
    """Check (and take) the page's claim on ``actor_id``'s answers of ``scope``.

    Raises :class:`NotYours` when another page owns them, or when nobody does and the
    person has answered *no* (a "no" recorded elsewhere is theirs, not this page's) -
    unless this page already answers for them in another scope.
    """
    if owner is None:
        return
    table = SQL_TABLES[CLAIMS_TABLE]
    table.create(conn, checkfirst=True)
    row = conn.execute(sa.select(table.c.owner).where((table.c.actor_id == actor_id)
                                                      & (table.c.scope == scope))).first()
    if row is not None:
        if not hmac.compare_digest(str(row[0]), str(owner)):
            raise NotYours()
        return
    if refused:
        # a "no" is the person's own: only the page that already answers for them in
        # another scope (the page they joined or sent from) may go on answering
        mine = conn.execute(sa.select(table.c.owner).where(table.c.actor_id == actor_id)).scalars().all()
        if not any(hmac.compare_digest(str(o), str(owner)) for o in mine):
            raise NotYours()
    conn.execute(table.insert().values(actor_id=actor_id, scope=scope, owner=str(owner),
                                       at=dt.datetime.now().replace(microsecond=0)))


def _slug(text: str, prefix: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:24] or prefix
    return f"{prefix}-{base}-{uuid.uuid4().hex[:6]}"


class _WorkshopWrites(_Schema):
    """The workshop's writes and small reads (part of :class:`verkostolab.store.Store`)."""

    # -- submissions -------------------------------------------------------------------
    def submit(self, submission: Submission, *, retries: int = 8) -> dict:
        """Store one participant's submission in one transaction; return the ids used.

        Checked before writing (ratings 1-5, known people, a name or an id); retried with
        back-off while another kernel holds the write lock, so that none is lost.
        """
        if not self.exists():
            self.create()
        return self._retrying(lambda conn: self._submit(conn, submission), retries)

    def _submit(self, conn, sub: Submission) -> dict:
        actors = SQL_TABLES["actors"]
        orgs = SQL_TABLES["organisations"]
        problems: list[Problem] = []
        where = "submission"
        sector = None
        if sub.sector:
            sector = normalise_value("sector", sub.sector)
            if sector is None:
                problems.append(Problem("invalid_value", file=where, column="sector",
                                        value=sub.sector, params={"allowed": "public, private, third_sector, research, education, politics, other"}))
        actor_id = sub.actor_id
        if actor_id:
            if conn.execute(sa.select(actors.c.actor_id).where(actors.c.actor_id == actor_id)).first() is None:
                problems.append(Problem("unknown_reference", file=where, column="actor_id",
                                        value=actor_id, params={"table": "actors"}))
        elif not (sub.name and sub.name.strip()):
            problems.append(Problem("required_value", file=where, column="name"))
        targets = [tie.target for tie in sub.ties]
        known = set()
        if targets:
            known = {r[0] for r in conn.execute(sa.select(actors.c.actor_id)
                                                 .where(actors.c.actor_id.in_(targets)))}
        for i, tie in enumerate(sub.ties, start=1):
            if tie.target not in known:
                problems.append(Problem("unknown_reference", file=where, row=i, column="target",
                                        value=tie.target, params={"table": "actors"}))
            if actor_id and tie.target == actor_id:
                problems.append(Problem("self_tie", file=where, row=i, column="target", value=actor_id))
            for dim in ("knowing", "trust", "commitment"):
                v = getattr(tie, dim)
                if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral)
                                      or not 1 <= int(v) <= 5):
                    problems.append(Problem("invalid_rating", file=where, row=i, column=dim, value=v))
            if normalise_value("tie_kind", tie.kind) is None:
                problems.append(Problem("invalid_value", file=where, row=i, column="kind",
                                        value=tie.kind, params={"allowed": "knows, ..."}))
        if sub.event_id:
            events = SQL_TABLES["events"]
            if conn.execute(sa.select(events.c.event_id).where(events.c.event_id == sub.event_id)).first() is None:
                problems.append(Problem("unknown_reference", file=where, column="event_id",
                                        value=sub.event_id, params={"table": "events"}))
        if problems:
            raise InputError(problems, source=where)
        if actor_id:
            _claim(conn, actor_id, "mapping", sub.owner, actor_id in refused_ids(conn))

        now = dt.datetime.now().replace(microsecond=0)
        org_id = None
        if sub.organisation and sub.organisation.strip():
            wanted = fold(sub.organisation)
            for oid, oname in conn.execute(sa.select(orgs.c.organisation_id, orgs.c.name)):
                if fold(oname) == wanted or oid == sub.organisation:
                    org_id = oid
                    break
            if org_id is None:
                org_id = _slug(sub.organisation, "org")
                conn.execute(orgs.insert().values(organisation_id=org_id,
                                                  name=sub.organisation.strip(), sector=sector))
        if not actor_id:
            actor_id = _slug(sub.name, "p")
            conn.execute(actors.insert().values(actor_id=actor_id, name=sub.name.strip(),
                                                organisation_id=org_id, role=sub.role,
                                                keywords=sub.keywords))
            if any(tie.target == actor_id for tie in sub.ties):  # pragma: no cover - new ids are fresh
                raise AssertionError("self tie")
            _claim(conn, actor_id, "mapping", sub.owner, False)
        else:
            changes = {k: v for k, v in {"organisation_id": org_id, "role": sub.role,
                                         "keywords": sub.keywords}.items() if v}
            if changes:
                conn.execute(actors.update().where(actors.c.actor_id == actor_id).values(**changes))
        if sub.event_id:
            part = SQL_TABLES["participation"]
            exists = conn.execute(sa.select(part.c.actor_id).where(
                (part.c.event_id == sub.event_id) & (part.c.actor_id == actor_id))).first()
            if exists is None:
                conn.execute(part.insert().values(event_id=sub.event_id, actor_id=actor_id))
        rows = [{"source": actor_id, "target": tie.target, "event_id": sub.event_id,
                 "kind": normalise_value("tie_kind", tie.kind),
                 "knowing": tie.knowing, "trust": tie.trust, "commitment": tie.commitment,
                 "weight": None, "date": now, "submitted_at": now}
                for tie in sub.ties]
        if rows:
            conn.execute(SQL_TABLES["ties"].insert(), rows)
        if sub.consent is not None:
            self._record_consent(conn, actor_id, bool(sub.consent))
        return {"actor_id": actor_id, "organisation_id": org_id, "ties": len(rows)}

    # -- small reads and writes for the workshop apps (no pandas needed) ----------------
    def actor_choices(self, *, refused: bool = False) -> list[dict]:
        """Everyone in the store: ``actor_id``, ``name``, ``organisation``, ``sector``,
        sorted by name (for pick lists); people who answered *no* to the consent question
        only with ``refused=True``."""
        if not self.exists():
            return []
        a, o = SQL_TABLES["actors"], SQL_TABLES["organisations"]
        query = (sa.select(a.c.actor_id, a.c.name, o.c.name.label("organisation"), o.c.sector)
                 .select_from(a.outerjoin(o, a.c.organisation_id == o.c.organisation_id)))
        with self.engine.connect() as conn:
            hidden = set() if refused else refused_ids(conn)
            rows = [dict(r._mapping) for r in conn.execute(query) if r.actor_id not in hidden]
        return sorted(rows, key=lambda r: (fold(r["name"] or ""), r["actor_id"]))

    def organisation_names(self) -> list[str]:
        """Organisation names for pick lists, without those known only through people who
        answered *no* (a one-person organisation would name its person)."""
        if not self.exists():
            return []
        o, a = SQL_TABLES["organisations"], SQL_TABLES["actors"]
        with self.engine.connect() as conn:
            hidden = refused_ids(conn)
            members: dict[str, set] = {}
            for aid, oid in conn.execute(sa.select(a.c.actor_id, a.c.organisation_id)):
                if oid is not None:
                    members.setdefault(oid, set()).add(aid)
            shown = [name for oid, name in conn.execute(sa.select(o.c.organisation_id, o.c.name))
                     if name and not (members.get(oid) and members[oid] <= hidden)]
            return sorted(shown, key=fold)

    def change_token(self) -> tuple:
        """Cheap to read; changes whenever anything is added or removed (for polling)."""
        if not self.exists():
            return ()
        with self.engine.connect() as conn:
            parts = []
            for name in ("actors", "ties", "participation", "assessments", "events"):
                table = SQL_TABLES[name]
                parts.append(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())
            parts.append(conn.execute(sa.select(sa.func.max(SQL_TABLES["ties"].c.row_id))).scalar())
            if has_consent_table(conn):  # an answer changed: who is shown may change
                consent = SQL_TABLES[CONSENT_TABLE]
                parts.append(tuple(conn.execute(sa.select(
                    sa.func.count(), sa.func.max(consent.c.at),
                    sa.func.sum(sa.case((consent.c.consent.is_(False), 1), else_=0)))).one()))
        return tuple(parts)

    def add_answers(self, respondent: str, round: str, answers: dict, *, retries: int = 8,
                    owner: str | None = None) -> int:
        """Store one respondent's assessment answers (item code → 1–5) for ``round``.

        Answering again replaces that respondent's earlier answers of the round.  With
        ``owner`` (a page's token) only the page that first answered for the respondent
        may answer for them again, and nobody for a person who answered *no*
        (:class:`NotYours`).
        """
        problems = []
        if not respondent:
            problems.append(Problem("required_value", file="submission", column="respondent"))
        for item, value in answers.items():
            if normalise_value("assessment_item", item) != item:
                problems.append(Problem("invalid_value", file="submission", column="item", value=item,
                                        params={"allowed": "knowing.person, ..."}))
            if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)
                                      or not 1 <= int(value) <= 5):
                problems.append(Problem("invalid_rating", file="submission", column=item, value=value))
        if problems:
            raise InputError(problems, source="submission")
        if not self.exists():
            self.create()
        table = SQL_TABLES["assessments"]
        now = dt.datetime.now().replace(microsecond=0)
        rows = [{"respondent": respondent, "round": str(round), "item": item,
                 "value": None if value is None else int(value), "date": now}
                for item, value in answers.items()]

        def write(conn):
            _claim(conn, respondent, "evaluation", owner, respondent in refused_ids(conn))
            conn.execute(table.delete().where((table.c.respondent == respondent)
                                              & (table.c.round == str(round))
                                              & table.c.item.in_(list(answers))))
            if rows:
                conn.execute(table.insert(), rows)
            return len(rows)

        return self._retrying(write, retries)

    def add_note(self, text: str, *, round: str | None = None) -> int:
        """Save a reflection note of the group (impact review)."""
        if not (text and text.strip()):
            raise InputError([Problem("required_value", file="submission", column="text")],
                             source="submission")
        if not self.exists():
            self.create()
        table = SQL_TABLES["notes"]

        def write(conn):
            result = conn.execute(table.insert().values(created_at=dt.datetime.now().replace(microsecond=0),
                                                        round=round, text=text.strip()))
            return result.inserted_primary_key[0]

        return self._retrying(write, 8)

    def notes(self) -> list[dict]:
        if not self.exists():
            return []
        table = SQL_TABLES["notes"]
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(table).order_by(table.c.note_id))]

    def delete_submission(self, actor_id: str) -> int:
        """Remove the ties an actor submitted in a workshop (facilitator action)."""
        ties = SQL_TABLES["ties"]

        def write(conn):
            return conn.execute(ties.delete().where((ties.c.source == actor_id)
                                                    & ties.c.submitted_at.is_not(None))).rowcount

        return self._retrying(write, 8) if self.exists() else 0

    def reset_submissions(self) -> int:
        """Remove every tie submitted in workshops, keeping imported data (facilitator action)."""
        ties = SQL_TABLES["ties"]

        def write(conn):
            return conn.execute(ties.delete().where(ties.c.submitted_at.is_not(None))).rowcount

        return self._retrying(write, 8) if self.exists() else 0

    # -- consent -------------------------------------------------------------------------
    def _record_consent(self, conn, actor_id: str, consent: bool | None) -> None:
        """Upsert (or, for ``None``, delete) one answer; inside a write transaction, so
        that no other writer comes between the read and the write."""
        table = SQL_TABLES[CONSENT_TABLE]
        if not has_consent_table(conn):  # a store made before the table existed
            if consent is None:
                return
            table.create(conn, checkfirst=True)
        if consent is None:
            conn.execute(table.delete().where(table.c.actor_id == actor_id))
            return
        row = {"consent": bool(consent), "at": dt.datetime.now().replace(microsecond=0)}
        if conn.execute(sa.select(table.c.actor_id).where(table.c.actor_id == actor_id)).first() is None:
            conn.execute(table.insert().values(actor_id=actor_id, **row))
        else:
            conn.execute(table.update().where(table.c.actor_id == actor_id).values(**row))

    def set_consent(self, actor: str, consent: bool | None, *, retries: int = 8) -> str:
        """Record a person's consent answer (facilitators, scripts): ``True`` shows them,
        ``False`` hides them (see :mod:`verkostolab.store`), ``None`` removes the answer.

        ``actor`` is an id, or a name or e-mail that only one person has.  Returns the id.
        """
        if consent is not None and not isinstance(consent, bool):
            raise TypeError("consent must be True, False or None")
        if not self.exists():
            raise unknown_actor(actor, [], self._shown_url())

        def write(conn):
            actor_id = lookup_actor(conn, actor, self._shown_url())["actor_id"]
            self._record_consent(conn, actor_id, consent)
            return actor_id

        return self._retrying(write, retries)

    def consents(self) -> dict[str, bool]:
        """Every recorded answer: ``{actor_id: consent}``."""
        if not self.exists():
            return {}
        with self._reading() as conn:
            if not has_consent_table(conn):
                return {}
            table = SQL_TABLES[CONSENT_TABLE]
            return {aid: bool(value) for aid, value in conn.execute(sa.select(table.c.actor_id, table.c.consent))}
