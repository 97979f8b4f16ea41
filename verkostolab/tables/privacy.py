"""Personal data: stable pseudonyms from a secret salt.

Names of people are personal data.  Reports, pictures and exports can show a
pseudonym instead: the same person always gets the same pseudonym (so that pictures of
two rounds can be compared) but the pseudonym cannot be turned back into the name
without the secret salt, which is never written into an export.

The salt is ``VERKOSTOLAB_SALT`` if set, else the file ``VERKOSTOLAB_SALT_FILE`` (by
default ``~/.config/verkostolab/salt``), created with a random value on first use and
readable by its owner only.

>>> import os; os.environ["VERKOSTOLAB_SALT"] = "doctest"
>>> pseudonym("P01") == pseudonym("P01") != pseudonym("P02")
True
>>> pseudonym("P01", lang="en").startswith("Actor ")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

import pandas as pd

from ..i18n import t

__all__ = ["secret_salt", "pseudonym", "pseudonymise_labels", "pseudonymise", "pseudonym_map",
           "name_parts", "mentions", "MIN_ORGANISATION"]


def secret_salt() -> bytes:
    """The secret salt of this installation (see the module text)."""
    value = os.environ.get("VERKOSTOLAB_SALT")
    if value:
        return value.encode("utf-8")
    path = Path(os.environ.get("VERKOSTOLAB_SALT_FILE", "~/.config/verkostolab/salt")).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def pseudonym(actor_id, *, lang: str | None = None, salt: bytes | None = None) -> str:
    """A stable pseudonym such as ``Toimija 3F9A2C`` for ``actor_id``."""
    digest = hmac.new(salt if salt is not None else secret_salt(), str(actor_id).encode("utf-8"),
                      hashlib.sha256).hexdigest()
    return t("privacy.pseudonym", lang, code=digest[:6].upper())


def pseudonymise_labels(ids, *, lang: str | None = None) -> list[str]:
    """Pseudonyms for many ids at once (the salt is read once)."""
    salt = secret_salt()
    return [pseudonym(i, lang=lang, salt=salt) for i in ids]


#: Organisations with fewer members than this in the data are named by a pseudonym in
#: pseudonymised output: a one-person organisation names its person (the same minimum
#: group size as the survey figures, :data:`verkostolab.measures.assessment.MIN_GROUP`).
MIN_ORGANISATION = 5


def _unique(labels: list[str]) -> list[str]:
    """``labels`` with a repeated one numbered (two ids whose pseudonyms share 6 hex digits)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        n = seen.get(label, 0) + 1
        seen[label] = n
        out.append(label if n == 1 else f"{label} ({n})")
    return out


def pseudonym_map(ids, *, lang: str | None = None, key: str = "privacy.pseudonym") -> dict[str, str]:
    """A stable pseudonym for each id, unique among ``ids`` (in their first order)."""
    salt = secret_salt()
    ids = list(dict.fromkeys(str(i) for i in ids if _present(i)))
    labels = [t(key, lang, code=hmac.new(salt, i.encode("utf-8"), hashlib.sha256).hexdigest()[:6].upper())
              for i in ids]
    return dict(zip(ids, _unique(labels)))


def _present(value) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _fold(text: str) -> str:
    """Lower case, accents off (any Unicode form), one space: the form names are matched in."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w@.]+", " ", text.casefold()).split())


def name_parts(values) -> set[str]:
    """The words (three letters or more) of people's names, ids and e-mail addresses,
    folded: a text that holds one of them may identify a person."""
    parts = set()
    for value in values:
        if not _present(value):
            continue
        folded = _fold(str(value).split("@")[0])  # an e-mail's domain names no one
        for word in re.split(r"[\s@._\-]+", folded):
            if len(word) >= 3 and not word.isdigit():
                parts.add(word)
    return parts


def mentions(text, parts: set[str]) -> bool:
    """Whether ``text`` holds one of ``parts`` (see :func:`name_parts`) as a word."""
    if not _present(text) or not parts:
        return False
    words = set(re.split(r"[\s@._\-]+", _fold(text)))
    return bool(words & parts)


def pseudonymise(data, *, lang: str | None = None):
    """``data`` with everything that can identify a person replaced or left out,
    consistently in every table:

    * people's ids *and* names become their pseudonym (ids may be e-mail addresses or
      Teams name-ids such as ``sanna-äijälä``), in actors, participation, ties and the
      assessments' respondents; e-mail addresses, roles and keywords are left out;
    * organisations with fewer than :data:`MIN_ORGANISATION` people get a pseudonym for
      their id and name (``Organisaatio 1A2B3C``); larger ones keep their name;
    * event titles, event ids and networks that hold a word of a person's name, id or
      e-mail address get a pseudonym (``Tapahtuma 4D5E6F``);
    * goals' titles and indicators that hold such a word are left out, and the data's
      source (a file name) is dropped.

    The same person has the same pseudonym in every report and export (the salt is
    secret and never written).
    """
    actors = data.actors.copy()
    part = data.participation.copy()
    ties = data.ties.copy()
    assessments = data.assessments.copy()
    orgs = data.organisations.copy()
    events = data.events.copy()
    goals = data.goals.copy()
    people = pd.concat([actors["actor_id"], part["actor_id"], ties["source"], ties["target"],
                        assessments["respondent"]])
    parts = name_parts([*people, *actors["name"], *actors["email"]])
    people_map = pseudonym_map(people, lang=lang)

    def swap(series: pd.Series, mapping: dict) -> pd.Series:
        return series.map(lambda v: v if not _present(v) else mapping.get(str(v), v)).astype(object)

    members = actors["organisation_id"].dropna().astype(str).value_counts()
    org_ids = orgs["organisation_id"].astype(str)
    small = [o for o, n in zip(org_ids, orgs["name"])
             if members.get(o, 0) < MIN_ORGANISATION or mentions(o, parts) or mentions(n, parts)]
    small += [o for o in members.index if members[o] < MIN_ORGANISATION or mentions(o, parts)]
    org_map = pseudonym_map(small, lang=lang, key="privacy.organisation_pseudonym")
    hit = org_ids.isin(list(org_map)).to_numpy()
    orgs["organisation_id"] = swap(orgs["organisation_id"], org_map)
    orgs["name"] = orgs["name"].astype(object).where(~hit, orgs["organisation_id"])

    actors["actor_id"] = swap(actors["actor_id"], people_map)
    actors["name"] = actors["actor_id"]
    actors["organisation_id"] = swap(actors["organisation_id"], org_map)
    for col in ("email", "role", "keywords"):
        actors[col] = None
    part["actor_id"] = swap(part["actor_id"], people_map)
    ties["source"], ties["target"] = swap(ties["source"], people_map), swap(ties["target"], people_map)
    assessments["respondent"] = swap(assessments["respondent"], people_map)

    named = [str(e) for e, title, net in zip(events["event_id"], events["title"], events["network"])
             if mentions(e, parts) or mentions(title, parts) or mentions(net, parts)]
    event_map = pseudonym_map(named, lang=lang, key="privacy.event_pseudonym")
    hit = events["event_id"].astype(str).isin(list(event_map))
    events["event_id"] = swap(events["event_id"], event_map)
    events["title"] = events["title"].astype(object).where(~hit, events["event_id"])
    events["network"] = [None if mentions(n, parts) else n for n in events["network"]]
    part["event_id"] = swap(part["event_id"], event_map)
    ties["event_id"] = swap(ties["event_id"], event_map)
    for col in ("title", "indicator", "network"):
        goals[col] = [t("privacy.redacted", lang) if mentions(v, parts) else v for v in goals[col]]
    out = data.replace(actors=actors, participation=part, ties=ties, assessments=assessments,
                       organisations=orgs, events=events, goals=goals)
    object.__setattr__(out, "source", None)
    return out
