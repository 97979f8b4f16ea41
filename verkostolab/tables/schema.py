"""The tables of a network, their columns, allowed values and header aliases.

Each table is described in the README (section "Data").  A table is a :class:`TableSpec` with
:class:`Column` s; :data:`TABLES` lists them in the order in which they reference each
other (organisations before actors before events ...).

Headers are matched case-insensitively, with or without Finnish letters, in Finnish or
English:

>>> TABLES["actors"].column_for_header("Nimi")
'name'
>>> TABLES["events"].column_for_header("päivämäärä")
'date'
>>> normalise_value("sector", "Kolmas sektori")
'third_sector'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "Column",
    "TableSpec",
    "TABLES",
    "TABLE_ORDER",
    "VOCABULARIES",
    "ASSESSMENT_ITEMS",
    "SCHEMA_VERSION",
    "fold",
    "normalise_value",
    "table_for_name",
]

#: Version of the table layout; stored with every store and workbook.
SCHEMA_VERSION = 1


def fold(text: str) -> str:
    """Fold a header or a value for matching: lower case, no accents, ``_`` for spaces.

    >>> fold("  Päivä-määrä ")
    'paiva_maara'
    """
    text = unicodedata.normalize("NFKD", str(text).replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\s\-/.]+", "_", text.strip().casefold())
    return text.strip("_")


# --------------------------------------------------------------------------- vocabularies
# Each vocabulary maps a canonical code to extra aliases (Finnish and English).  The
# labels shown to people come from the catalogue (``<vocabulary>.<code>``) and are
# accepted as input too.

VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "sector": {
        "public": ("julkinen", "public", "julkishallinto", "kunta", "valtio"),
        "private": ("yksityinen", "yritys", "yritykset", "business", "company", "companies"),
        "third_sector": ("kolmas", "third", "jarjesto", "jarjestot", "ngo", "nonprofit",
                         "non_profit", "yhdistys", "yhdistykset", "civil_society"),
        "research": ("tutkimus", "research", "academia", "tiede", "korkeakoulu"),
        "education": ("koulutus", "oppilaitos", "oppilaitokset", "education"),
        "politics": ("politiikka", "poliittinen", "political", "paattajat", "decision_makers"),
        "other": ("muu", "other"),
    },
    "organisation_kind": {
        "company": ("yritys", "firm", "business", "oy"),
        "association": ("yhdistys", "jarjesto", "ngo"),
        "incubator": ("hautomo", "yrityshautomo", "accelerator", "kiihdyttamo"),
        "network_hub": ("verkostohubi", "verkostohub", "hub", "verkoston_keskus"),
        "international_hub": ("kansainvalinen_hubi", "kansainvalinen_hub", "kv_hubi"),
        "public_body": ("julkinen_toimija", "viranomainen", "virasto", "authority", "agency"),
        "municipality": ("kunta", "kaupunki", "city", "town"),
        "university": ("yliopisto", "korkeakoulu", "ammattikorkeakoulu", "amk",
                       "university_of_applied_sciences"),
        "research_institute": ("tutkimuslaitos", "research_organisation"),
        "school": ("oppilaitos", "koulu", "educational_institution", "college"),
        "political_body": ("poliittinen_toimielin", "valtuusto", "council", "party", "puolue"),
        "foundation": ("saatio",),
        "other": ("muu",),
    },
    "event_kind": {
        "acquaintance": ("tutustuminen", "tutustumiskierros", "introduction", "warm_up",
                         "virittaytyminen"),
        "conversation": ("keskustelu", "talk"),
        "information_exchange": ("tiedonvaihto", "tiedon_vaihto", "information_sharing"),
        "collaboration_scouting": ("yhteistyon_kartoitus", "yhteistyomahdollisuuksien_kartoitus",
                                   "scouting"),
        "goal_sketching": ("tavoitteiden_luonnostelu", "tavoitteiden_sopiminen", "goal_setting"),
        "joint_project": ("yhteinen_hanke", "yhteishanke", "hanke", "project"),
        "learning_review": ("oppimiskatsaus", "arviointi", "reflection", "retrospective"),
        "meeting": ("kokous", "tapaaminen", "palaveri"),
        "co_development": ("yhteiskehittaminen", "kehittamispoyta", "co_creation", "workshop_round"),
        "workshop": ("tyopaja", "tyopajat"),
        "expert_talk": ("asiantuntijapuheenvuoro", "alustus", "keynote"),
        "learning_cafe": ("oppimiskahvila", "learning_cafe", "world_cafe"),
        "open_space": ("avoin_tila", "open_space_technology"),
        "online_discussion": ("verkkokeskustelu", "chat", "viestiketju", "thread"),
        "other": ("muu",),
    },
    "tie_kind": {
        "knows": ("tuntee", "tuttu", "acquainted", "reported"),
        "acquaintance": ("tutustuminen",),
        "conversation": ("keskustelu",),
        "information_exchange": ("tiedonvaihto",),
        "advice": ("neuvonta", "neuvo"),
        "collaboration": ("yhteistyo", "cooperation"),
        "co_development": ("yhteiskehittaminen",),
        "joint_project": ("yhteinen_hanke", "hanke"),
        "message": ("viesti", "mention", "maininta", "reply", "vastaus", "reaction", "reaktio"),
        "other": ("muu",),
    },
    "level": {
        "understanding_world": ("maailman_ymmartaminen", "understanding_the_world", "ymmartaminen"),
        "advocacy": ("edunvalvonta", "vaikuttaminen", "influencing"),
        "strategy": ("strategia", "strateginen"),
        "service_path": ("palvelupolku", "palvelupolut", "service_chain"),
        "client_interface": ("asiakasrajapinta", "asiakastyo", "customer_interface"),
    },
    "goal_kind": {
        "client_service": ("yksi_ovi", "one_door", "asiakaspalvelu", "laadukas_palvelu"),
        "smooth_work": ("sujuva_tyo", "tehokas_tyo", "efficiency", "sujuvuus"),
        "phenomenon": ("ilmio", "uhka", "mahdollisuus", "threat", "opportunity"),
        "shared_vision": ("yhteinen_visio", "visio", "vision"),
        "other": ("muu",),
    },
}

#: The knowing-trust-commitment instrument: item code -> dimension.
ASSESSMENT_ITEMS: dict[str, str] = {
    "knowing.person": "knowing",
    "knowing.competence": "knowing",
    "knowing.needs": "knowing",
    "knowing.history": "knowing",
    "trust.goodwill": "trust",
    "trust.competence": "trust",
    "trust.vulnerability": "trust",
    "trust.consistency": "trust",
    "commitment.will": "commitment",
    "commitment.competence": "commitment",
    "commitment.structures": "commitment",
    "commitment.keeping_promises": "commitment",
}
VOCABULARIES["assessment_item"] = {code: () for code in ASSESSMENT_ITEMS}


def _vocab_lookup() -> dict[str, dict[str, str]]:
    from ..i18n import LANGUAGES, catalogue

    table: dict[str, dict[str, str]] = {}
    for vocab, codes in VOCABULARIES.items():
        lookup: dict[str, str] = {}
        for code, aliases in codes.items():
            names = [code, *aliases]
            for lang in LANGUAGES:
                label = catalogue(lang).get(f"{vocab}.{code}")
                if label:
                    names.append(label)
            for name in names:
                lookup.setdefault(fold(name), code)
        table[vocab] = lookup
    return table


_LOOKUP: dict[str, dict[str, str]] | None = None


def normalise_value(vocabulary: str, value) -> str | None:
    """Return the canonical code of ``value`` in ``vocabulary``, or ``None`` if unknown."""
    global _LOOKUP
    if _LOOKUP is None:
        _LOOKUP = _vocab_lookup()
    return _LOOKUP[vocabulary].get(fold(value))


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``kind`` is one of ``id``, ``text``, ``date``, ``rating`` (an integer 1-5),
    ``number`` or ``vocab`` (then ``vocabulary`` names the allowed values).
    """

    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    vocabulary: str | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    #: (column, referenced table, referenced column)
    references: tuple[tuple[str, str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    _headers: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for col in self.columns:
            for name in (col.name, *col.aliases):
                self._headers.setdefault(fold(name), col.name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def column_for_header(self, header) -> str | None:
        """The canonical column a header means, or ``None``."""
        if header is None:
            return None
        folded = fold(header)
        return self._headers.get(folded) or _catalogue_headers(self.name).get(folded)


_ORG = ("organisation_id", "organization_id", "organisation", "organization", "org", "org_id",
        "organisaatio", "organisaatio_id", "organisaation_tunnus")
_EVENT = ("event_id", "event", "tapahtuma", "tapahtuma_id", "tapahtuman_tunnus")
_DATE = ("date", "paivamaara", "pvm", "paiva", "ajankohta", "time", "aika")

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec(
            "organisations",
            (
                Column("organisation_id", "id", True, ("id", "tunnus", *_ORG)),
                Column("name", "text", True, ("nimi", "organisation_name", "organisaation_nimi")),
                Column("sector", "vocab", False, ("sektori",), "sector"),
                Column("kind", "vocab", False, ("type", "tyyppi", "laji", "organisaatiotyyppi",
                                                "organisation_kind"), "organisation_kind"),
            ),
            key=("organisation_id",),
            aliases=("organisations", "organizations", "organisaatiot", "orgs"),
        ),
        TableSpec(
            "actors",
            (
                Column("actor_id", "id", True, ("id", "actor", "person", "person_id", "tunnus",
                                                "toimija", "toimija_id", "henkilo", "henkilo_id")),
                Column("name", "text", True, ("nimi", "full_name", "koko_nimi")),
                Column("organisation_id", "id", False, _ORG),
                Column("role", "text", False, ("rooli", "title", "titteli", "tehtava", "job_title")),
                Column("keywords", "text", False, ("avainsanat", "asiasanat", "tags")),
                Column("email", "text", False, ("e_mail", "sahkoposti", "mail")),
            ),
            key=("actor_id",),
            references=(("organisation_id", "organisations", "organisation_id"),),
            aliases=("actors", "people", "persons", "toimijat", "henkilot", "osallistujat"),
        ),
        TableSpec(
            "events",
            (
                Column("event_id", "id", True, ("id", "tunnus", *_EVENT)),
                Column("date", "date", False, _DATE),
                Column("kind", "vocab", False, ("type", "tyyppi", "laji", "tapahtumatyyppi",
                                                "event_kind"), "event_kind"),
                Column("network", "text", False, ("verkosto", "teemaverkosto")),
                Column("level", "vocab", False, ("taso", "verkoston_taso"), "level"),
                Column("title", "text", False, ("otsikko", "nimi", "name", "aihe")),
            ),
            key=("event_id",),
            aliases=("events", "tapahtumat", "verkostotapahtumat"),
        ),
        TableSpec(
            "participation",
            (
                Column("event_id", "id", True, _EVENT),
                Column("actor_id", "id", True, ("actor", "toimija", "toimija_id", "henkilo",
                                                "henkilo_id", "participant", "osallistuja")),
            ),
            key=("event_id", "actor_id"),
            references=(("event_id", "events", "event_id"), ("actor_id", "actors", "actor_id")),
            aliases=("participation", "participations", "osallistuminen",
                     "osallistumiset", "osallistujat_tapahtumissa"),
        ),
        TableSpec(
            "ties",
            (
                Column("source", "id", True, ("from", "lahde", "mista", "kuka", "actor_1",
                                              "henkilo_1", "toimija_1")),
                Column("target", "id", True, ("to", "kohde", "kenet", "kenelle", "actor_2",
                                              "henkilo_2", "toimija_2")),
                Column("event_id", "id", False, _EVENT),
                Column("kind", "vocab", False, ("type", "tyyppi", "laji", "suhde",
                                                "tie_kind"), "tie_kind"),
                Column("knowing", "rating", False, ("tunteminen", "tuntee", "tuttuus")),
                Column("trust", "rating", False, ("luottamus",)),
                Column("commitment", "rating", False, ("sitoutuminen",)),
                Column("weight", "number", False, ("paino", "vahvuus", "strength")),
                Column("date", "date", False, _DATE),
            ),
            references=(("source", "actors", "actor_id"), ("target", "actors", "actor_id"),
                        ("event_id", "events", "event_id")),
            aliases=("ties", "relations", "suhteet", "yhteydet", "siteet"),
        ),
        TableSpec(
            "assessments",
            (
                Column("respondent", "id", True, ("vastaaja", "actor_id", "toimija")),
                Column("round", "id", True, ("kierros", "wave", "mittauskerta")),
                Column("item", "vocab", True, ("kysymys", "vaittama", "osio", "question"),
                       "assessment_item"),
                Column("value", "rating", False, ("arvo", "vastaus", "answer", "score")),
                Column("date", "date", False, _DATE),
            ),
            key=("respondent", "round", "item"),
            aliases=("assessments", "assessment", "survey", "arvioinnit", "arviointi", "kysely"),
        ),
        TableSpec(
            "goals",
            (
                Column("goal_id", "id", True, ("id", "goal", "tunnus", "tavoite", "tavoite_id")),
                Column("kind", "vocab", False, ("type", "tyyppi", "laji", "tavoitetyyppi"),
                       "goal_kind"),
                Column("title", "text", True, ("otsikko", "nimi", "name", "kuvaus")),
                Column("indicator", "text", False, ("mittari", "indikaattori")),
                Column("baseline", "number", False, ("lahtotaso", "lahtotilanne", "lahtoarvo")),
                Column("target", "number", False, ("tavoitetaso", "tavoitearvo", "target_value")),
                Column("network", "text", False, ("verkosto",)),
            ),
            key=("goal_id",),
            aliases=("goals", "tavoitteet"),
        ),
    ]
}

TABLE_ORDER = tuple(TABLES)

_TABLE_NAMES = {fold(alias): spec.name for spec in TABLES.values()
                for alias in (spec.name, *spec.aliases)}


def table_for_name(name: str) -> str | None:
    """The table a sheet or file name (without extension) stands for, or ``None``.

    >>> table_for_name("Toimijat")
    'actors'
    """
    folded = fold(name)
    return _TABLE_NAMES.get(folded) or _catalogue_table_names().get(folded)


@cache
def _catalogue_headers(table: str) -> dict[str, str]:
    """The headers the catalogue writes for ``table`` in every language (e.g. Swedish
    ``aktör_id``), so that a workbook written in any language reads back."""
    from ..i18n import LANGUAGES, catalogue

    lookup: dict[str, str] = {}
    for col in TABLES[table].columns:
        for lang in LANGUAGES:
            cat = catalogue(lang)
            for key in (f"column.{table}.{col.name}", f"column.{col.name}"):
                if key in cat:
                    lookup.setdefault(fold(cat[key]), col.name)
                    break
    return lookup


@cache
def _catalogue_table_names() -> dict[str, str]:
    """Sheet and file names the catalogue writes for each table, in every language."""
    from ..i18n import LANGUAGES, catalogue

    return {fold(catalogue(lang)[f"table.{table}"]): table
            for table in TABLES for lang in LANGUAGES if f"table.{table}" in catalogue(lang)}
