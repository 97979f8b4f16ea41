"""The bundled sample network Järvilaakso.

:func:`generate_sample` builds *Järvilaakso*, a fictional Finnish regional innovation
network: the core network *Järvilaakson kasvuverkosto* with three theme networks
(circular economy, well-being technology, food and experience tourism), about sixty
people in about twenty-five organisations of every sector, a first workshop day with
three light network tasks, nine months of everyday network events, reported ties, two
assessment rounds of the knowing-trust-commitment instrument and the goals of the
network.  Every person, organisation and e-mail address is invented.

:func:`load_sample` reads the workbook shipped inside the package
(``verkostolab/datasets/jarvilaakso.xlsx``, the same data, written by
``data/samples/make_samples.py``) and falls back to generating it.

>>> data = generate_sample()
>>> data.counts()["actors"], data.counts()["organisations"]
(60, 26)
>>> sorted(data.assessments["round"].unique())
['2024-syksy', '2025-kevät']
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from itertools import combinations
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from ..tables.data import NetworkData
from ..tables.schema import ASSESSMENT_ITEMS, VOCABULARIES

__all__ = [
    "SAMPLE_SOURCE",
    "CORE_NETWORK",
    "THEME_NETWORKS",
    "generate_sample",
    "sample_path",
    "sample_folder",
    "load_sample",
]

#: The ``source`` of the sample network (shown by ``NetworkData.summary`` and reports).
SAMPLE_SOURCE = "Järvilaakso (fictional sample network)"

#: Name of the core network of the sample.
CORE_NETWORK = "Järvilaakson kasvuverkosto"

#: Theme key -> name of the theme network (``events.network``).
THEME_NETWORKS = {
    "kierto": "Kiertotalouden teemaverkosto",
    "hyvi": "Hyvinvointiteknologian teemaverkosto",
    "ruoka": "Ruoka- ja elämysmatkailun teemaverkosto",
}

_SAMPLE_FILE = "jarvilaakso.xlsx"
_SAMPLE_FOLDER = "jarvilaakso-csv"


# =========================================================================== randomness
class _Random:
    """Deterministic choices built only on :meth:`random.Random.random`.

    Python guarantees that ``random()`` gives the same sequence for the same seed in
    every version; the other methods of :class:`random.Random` (``choice``, ``sample``,
    ``gauss`` ...) carry no such promise, so the committed sample workbook would not
    match a regenerated one after an upgrade.  Everything here derives from
    ``random()`` alone.
    """

    def __init__(self, seed: int):
        self._r = random.Random(seed)

    def random(self) -> float:
        return self._r.random()

    def below(self, n: int) -> int:
        return min(int(self._r.random() * n), n - 1)

    def between(self, lo: int, hi: int) -> int:
        """An integer in ``[lo, hi]``."""
        return lo + self.below(hi - lo + 1)

    def chance(self, p: float) -> bool:
        return self._r.random() < p

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def shuffled(self, seq) -> list:
        out = list(seq)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out

    def weighted_sample(self, items, weights, k: int) -> list:
        """``k`` distinct items, each draw proportional to its weight (in draw order)."""
        items, weights = list(items), [float(w) for w in weights]
        out = []
        for _ in range(min(k, len(items))):
            total = sum(weights)
            if total <= 0:
                break
            x = self._r.random() * total
            acc = 0.0
            pick = len(items) - 1
            for i, w in enumerate(weights):
                acc += w
                if x < acc:
                    pick = i
                    break
            out.append(items.pop(pick))
            weights.pop(pick)
        return out

    def normal(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        # Box-Muller; 1 - random() lies in (0, 1], so the log is finite.
        u1, u2 = 1.0 - self._r.random(), self._r.random()
        return mu + sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


# =========================================================================== the region
# (id, name, sector, kind, theme, e-mail domain)
_ORGANISATIONS = [
    ("O01", "Järvilaakson Kehitys Oy", "public", "network_hub", None, "jlkehitys"),
    ("O02", "Yrityshautomo Kipinä Oy", "private", "incubator", None, "kipina"),
    ("O03", "Järvilaakso International House", "public", "international_hub", None,
     "international-jarvilaakso"),
    ("O04", "Kierrätysvoima Oy", "private", "company", "kierto", "kierratysvoima"),
    ("O05", "Biolaakso Oy", "private", "company", "kierto", "biolaakso"),
    ("O06", "Puukuitu Järvinen Oy", "private", "company", "kierto", "puukuitu"),
    ("O07", "Vesikko Cleantech Oy", "private", "company", "kierto", "vesikko"),
    ("O08", "Hoivadata Oy", "private", "company", "hyvi", "hoivadata"),
    ("O09", "Nyström Health Ab", "private", "company", "hyvi", "nystromhealth"),
    ("O10", "Syke Sovellukset Oy", "private", "company", "hyvi", "sykesovellukset"),
    ("O11", "Lähiruoka Järvilaakso Oy", "private", "company", "ruoka", "lahiruoka"),
    ("O12", "Kalliolan Elämysmatkat Oy", "private", "company", "ruoka", "kalliola"),
    ("O13", "Myllymäen Tila Oy", "private", "company", "ruoka", "myllymaentila"),
    ("O14", "Järvilaakson Yrittäjät ry", "third_sector", "association", None, "jlyrittajat"),
    ("O15", "Järvilaakson Kylät ry", "third_sector", "association", "ruoka", "jlkylat"),
    ("O16", "Hyvinvoinnin Tuki -säätiö", "third_sector", "foundation", "hyvi",
     "hyvinvoinnintuki"),
    ("O17", "Järvilaakson yliopisto", "research", "university", None, "jlyliopisto"),
    ("O18", "Järvilaakson luonnonvaratutkimus", "research", "research_institute", "kierto",
     "jlluova"),
    ("O19", "Järvilaakson ammattikorkeakoulu", "education", "university", None, "jlamk"),
    ("O20", "Järvilaakson ammattiopisto", "education", "school", None, "jlopisto"),
    ("O21", "Järvilaakson kaupunki", "public", "municipality", None, "jarvilaakso"),
    ("O22", "Lahdenpohjan kunta", "public", "municipality", None, "lahdenpohja"),
    ("O23", "Järvilaakson elinvoimakeskus", "public", "public_body", None, "jlelinvoima"),
    ("O24", "Järvilaakson hyvinvointialue", "public", "public_body", "hyvi",
     "jlhyvinvointialue"),
    ("O25", "Järvilaakson kaupunginvaltuusto", "politics", "political_body", None,
     "valtuusto.jarvilaakso"),
    ("O26", "Järvilaakson maakuntahallitus", "politics", "political_body", None, "jlliitto"),
]


@dataclass(frozen=True)
class _Person:
    org: str
    role: str
    profile: str  # hub, inc, intl, co, third, res, edu, pub, pol
    theme: str | None
    activity: float  # 0: takes part only where placed explicitly
    keywords: str  # key of _KEYWORDS
    tag: str | None = None
    swedish: bool = False
    name: str | None = None


_P = _Person
_ROSTER = [
    _P("O01", "verkostokoordinaattori", "hub", None, 1.0, "hub", "hub_lead"),
    _P("O01", "verkostofasilitaattori", "hub", None, 1.0, "hub", "hub_fac"),
    _P("O01", "viestintäasiantuntija", "hub", None, 0.6, "hub_comms", "hub_comms"),
    _P("O02", "hautomopäällikkö", "inc", None, 0.7, "inc", "inc_lead"),
    _P("O02", "yrityskehittäjä", "inc", None, 1.0, "inc", "inc_coach"),
    _P("O03", "kansainvälistymisasiantuntija", "intl", None, 0.6, "intl", "intl", True),
    _P("O04", "toimitusjohtaja", "co", "kierto", 0.9, "co_kierto"),
    _P("O04", "kehityspäällikkö", "co", "kierto", 0.7, "co_kierto"),
    _P("O04", "myyntipäällikkö", "co", "kierto", 0.3, "co_sales"),
    _P("O05", "toimitusjohtaja", "co", "kierto", 0.8, "co_kierto"),
    _P("O06", "toimitusjohtaja", "co", "kierto", 0.7, "co_kierto", name="Jari Järvinen"),
    _P("O06", "tuotantopäällikkö", "co", "kierto", 0.5, "co_kierto"),
    _P("O07", "perustaja", "co", "kierto", 0.8, "co_kierto"),
    _P("O07", "tuotekehitysinsinööri", "co", "kierto", 0.4, "co_kierto"),
    _P("O08", "toimitusjohtaja", "co", "hyvi", 0.9, "co_hyvi"),
    _P("O08", "ohjelmistokehittäjä", "co", "hyvi", 0.4, "co_hyvi"),
    _P("O09", "toimitusjohtaja", "co", "hyvi", 0.7, "co_hyvi", swedish=True,
       name="Åsa Nyström"),
    _P("O09", "tuotepäällikkö", "co", "hyvi", 0.5, "co_hyvi", swedish=True),
    _P("O10", "perustaja", "co", "hyvi", 0.8, "co_hyvi"),
    _P("O10", "palvelumuotoilija", "co", "hyvi", 0.5, "co_hyvi"),
    _P("O11", "toimitusjohtaja", "co", "ruoka", 0.9, "co_ruoka"),
    _P("O11", "hankintapäällikkö", "co", "ruoka", 0.5, "co_ruoka"),
    _P("O12", "yrittäjä", "co", "ruoka", 0.8, "co_ruoka"),
    _P("O12", "myynti- ja markkinointipäällikkö", "co", "ruoka", 0.4, "co_sales"),
    _P("O13", "yrittäjä", "co", "ruoka", 0.6, "co_ruoka"),
    _P("O13", "tilan työnjohtaja", "co", "ruoka", 0.0, "co_farm", "farm_foreman"),
    _P("O14", "toiminnanjohtaja", "third", None, 0.7, "third_business", "yrittajat_director"),
    _P("O14", "yritysneuvoja", "third", None, 0.5, "third_business"),
    _P("O15", "kyläasiamies", "third", "ruoka", 0.5, "third_village", "village_agent"),
    _P("O15", "vapaaehtoiskoordinaattori", "third", "ruoka", 0.0, "third_village", "volunteers"),
    _P("O16", "asiamies", "third", "hyvi", 0.5, "third_wellbeing"),
    _P("O16", "projektikoordinaattori", "third", "hyvi", 0.4, "third_wellbeing"),
    _P("O17", "professori", "res", "hyvi", 0.6, "res_hyvi"),
    _P("O17", "tutkijatohtori", "res", "hyvi", 0.7, "res_hyvi"),
    _P("O17", "väitöskirjatutkija", "res", "hyvi", 0.5, "res_hyvi"),
    _P("O17", "yliopistotutkija", "res", "ruoka", 0.6, "res_ruoka", "tourism_researcher"),
    _P("O18", "erikoistutkija", "res", "kierto", 0.7, "res_kierto"),
    _P("O18", "tutkija", "res", "kierto", 0.6, "res_kierto"),
    _P("O18", "tutkimusinsinööri", "res", "kierto", 0.4, "res_kierto"),
    _P("O19", "TKI-asiantuntija", "edu", "ruoka", 0.6, "edu"),
    _P("O19", "lehtori", "edu", "hyvi", 0.5, "edu"),
    _P("O19", "projektipäällikkö", "edu", "kierto", 0.6, "edu"),
    _P("O20", "koulutuspäällikkö", "edu", "ruoka", 0.5, "edu"),
    _P("O20", "opettaja", "edu", "kierto", 0.4, "edu"),
    _P("O21", "elinkeinojohtaja", "pub", None, 0.5, "pub_business", "city_director"),
    _P("O21", "elinvoimapäällikkö", "pub", None, 0.5, "pub_business"),
    _P("O21", "ympäristösuunnittelija", "pub", "kierto", 0.5, "pub_kierto"),
    _P("O21", "hankinta-asiantuntija", "pub", "ruoka", 0.5, "pub_ruoka", "procurement"),
    _P("O22", "kunnanjohtaja", "pub", None, 0.3, "pub_business", "kunnanjohtaja"),
    _P("O22", "matkailukoordinaattori", "pub", "ruoka", 0.6, "pub_ruoka"),
    _P("O23", "yritysrahoitusasiantuntija", "pub", None, 0.4, "pub_funding", "funding"),
    _P("O23", "kiertotalousasiantuntija", "pub", "kierto", 0.5, "pub_kierto"),
    _P("O24", "kehittämispäällikkö", "pub", "hyvi", 0.6, "pub_hyvi"),
    _P("O24", "palveluesihenkilö", "pub", "hyvi", 0.4, "pub_hyvi"),
    _P("O24", "digipalvelujen asiantuntija", "pub", "hyvi", 0.5, "pub_hyvi"),
    _P("O25", "valtuuston puheenjohtaja", "pol", None, 0.8, "pol", "council_chair"),
    _P("O25", "kaupunginvaltuutettu", "pol", None, 0.6, "pol", "councillor_1", True),
    _P("O25", "kaupunginvaltuutettu", "pol", None, 0.5, "pol", "councillor_2"),
    _P("O26", "maakuntahallituksen puheenjohtaja", "pol", None, 0.7, "pol", "region_chair"),
    _P("O26", "maakuntahallituksen jäsen", "pol", None, 0.5, "pol"),
]
del _P

_FIRST_NAMES = [
    "Aino", "Eero", "Päivi", "Jyrki", "Sanna", "Mikko", "Tiina", "Jussi", "Hanna", "Antti",
    "Kaisa", "Ville", "Riikka", "Pekka", "Laura", "Timo", "Minna", "Juha", "Elina", "Sami",
    "Outi", "Heikki", "Satu", "Lauri", "Johanna", "Teemu", "Katja", "Markku", "Noora", "Ilkka",
    "Sirpa", "Tuomas", "Anu", "Kalle", "Marjut", "Väinö", "Säde", "Kyösti", "Leena", "Olli",
    "Pirjo", "Jukka", "Tanja", "Arttu", "Maija", "Petri", "Heli", "Janne", "Tuula", "Risto",
    "Emmi", "Aleksi", "Kirsi", "Harri", "Iida", "Veli-Matti", "Henna", "Eetu", "Merja", "Toni",
]
_LAST_NAMES = [
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Lehtonen", "Saarinen", "Salminen", "Räsänen", "Pöllänen", "Kärkkäinen",
    "Jääskeläinen", "Törmänen", "Kettunen", "Rantanen", "Huttunen", "Väisänen", "Miettinen",
    "Hyvönen", "Kinnunen", "Savolainen", "Turunen", "Ahonen", "Peltola", "Lyytikäinen",
    "Kämäräinen", "Rissanen", "Kauppinen", "Hiltunen", "Lappalainen", "Mönkkönen", "Tuovinen",
    "Karjalainen", "Nurmi", "Leppänen", "Halonen", "Partanen", "Hakala", "Vänskä", "Pesonen",
    "Toivonen", "Mäkelä", "Räty", "Oksanen", "Kähkönen", "Tikkanen", "Sirviö", "Ylönen",
    "Puustinen", "Seppälä", "Kokkonen", "Hölttä", "Määttä", "Valtonen", "Rönkkö", "Vesalainen",
    "Eskelinen",
]
_SWEDISH_FIRST = ["Björn", "Ulrika", "Henrik", "Ebba", "Mats", "Linnéa"]
_SWEDISH_LAST = ["Åström", "Lindqvist", "Söderholm", "Ekholm", "Sjöberg", "Wikström"]

_KEYWORDS = {
    "hub": ["verkostojen koordinointi", "fasilitointi", "yhteiskehittäminen", "ekosysteemit",
            "tilannekuva", "luottamuksen rakentaminen", "tapahtumat"],
    "hub_comms": ["verkostoviestintä", "tapahtumat", "sosiaalinen media", "tarinallistaminen",
                  "uutiskirje"],
    "inc": ["yrityshautomo", "liiketoimintamallit", "kasvurahoitus", "sparraus",
            "tutkimusyhteistyö", "kasvuyritykset", "pitchaus"],
    "intl": ["kansainvälistyminen", "vienti", "EU-rahoitus", "kumppanihaku", "Pohjoismaat"],
    "co_kierto": ["sivuvirrat", "kierrätysmateriaalit", "biotalous", "tuotekehitys",
                  "vastuullisuus", "hiilijalanjälki", "puukuitu"],
    "co_hyvi": ["terveysteknologia", "etäkuntoutus", "ohjelmistokehitys", "asiakaskokemus",
                "tietosuoja", "ikääntyneiden palvelut", "mobiilisovellukset"],
    "co_ruoka": ["lähiruoka", "ruokamatkailu", "elämyspalvelut", "tuotteistus", "luomu",
                 "kesäkausi", "tilamyynti"],
    "co_sales": ["myynti", "markkinointi", "asiakassuhteet", "verkkokauppa", "messut"],
    "co_farm": ["maatalous", "kotieläimet", "tilamyynti", "työnjohto"],
    "third_business": ["yrittäjien edunvalvonta", "yritysneuvonta", "jäsenpalvelut",
                       "koulutukset", "paikallisyhdistykset"],
    "third_village": ["kylätoiminta", "vapaaehtoistyö", "kyläjuhlat", "lähipalvelut",
                      "yhteisöllisyys"],
    "third_wellbeing": ["hyvinvoinnin edistäminen", "apurahat", "ikääntyneet", "yhteisöt",
                        "hankehallinto"],
    "res_kierto": ["materiaalitutkimus", "elinkaariarviointi", "biotalous", "kiertotalous",
                   "mittausmenetelmät", "puukuitu"],
    "res_hyvi": ["terveystieteet", "käyttäjätutkimus", "digitaalinen kuntoutus",
                 "vaikuttavuuden arviointi", "tutkimushankkeet", "gerontologia"],
    "res_ruoka": ["matkailututkimus", "ruokakulttuuri", "kestävä matkailu", "kyselytutkimus",
                  "aluetalous"],
    "edu": ["opetussuunnitelmat", "työelämäyhteistyö", "TKI-toiminta", "jatkuva oppiminen",
            "harjoittelut", "opiskelijaprojektit"],
    "pub_business": ["elinkeinopolitiikka", "yrityspalvelut", "elinvoima", "sijoittumispalvelut",
                     "maankäyttö", "strategia"],
    "pub_funding": ["yritysrahoitus", "kehittämisavustukset", "EU-ohjelmat", "neuvonta",
                    "hankearviointi"],
    "pub_kierto": ["ympäristöluvat", "jätehuolto", "kiertotalous", "ilmastotyö",
                   "hankinnat"],
    "pub_ruoka": ["julkiset hankinnat", "matkailun kehittäminen", "lähiruoka", "tapahtumat",
                  "alueen markkinointi"],
    "pub_hyvi": ["sosiaali- ja terveyspalvelut", "palvelupolut", "digipalvelut",
                 "etäkuntoutus", "asiakasosallisuus"],
    "pol": ["päätöksenteko", "elinvoima", "talousarvio", "aluekehitys", "kaupunkistrategia"],
}

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "'": ""})


def _email(name: str, domain: str) -> str:
    parts = name.lower().translate(_FOLD).split()
    first, last = parts[0], parts[-1]
    return f"{first}.{last}@{domain}.example"


# =========================================================================== the events
_WORKSHOP_DAY = "2024-09-05"

# Slots: (selector, low, high[, theme]) picks low..high people of that profile, weighted
# by activity; "@tag" places one named person.  In theme events a slot draws from the
# theme's members (and, for public, third-sector and education people, also from the
# general ones at half weight); "any" draws from everyone of the profile.
_CORE_EVENTS = [
    ("2024-10-01", "goal_sketching", "strategy", "Kasvuverkoston tavoitteiden luonnostelu",
     [("@hub_lead",), ("@hub_fac",), ("inc", 1, 1), ("co", 2, 3), ("pub", 1, 2),
      ("res", 1, 1)]),
    ("2024-10-22", "expert_talk", "understanding_world",
     "Asiantuntijapuheenvuoro: ekosysteemit ja luottamus",
     [("hub", 1, 2), ("inc", 1, 1), ("co", 2, 3), ("pub", 1, 2), ("third", 1, 1),
      ("res", 1, 1), ("edu", 0, 1)]),
    ("2024-11-05", "meeting", "advocacy", "Kasvuverkosto valtuustoseminaarissa",
     [("@hub_lead",), ("@city_director",), ("@council_chair",), ("@councillor_1",)]),
    ("2024-11-19", "learning_cafe", "understanding_world",
     "Oppimiskahvila: yhteinen tilannekuva",
     [("hub", 1, 2), ("inc", 1, 1), ("co", 2, 3), ("third", 1, 1), ("res", 1, 1),
      ("edu", 1, 1), ("pub", 1, 2)]),
    ("2024-11-28", "collaboration_scouting", "strategy",
     "Hautomon tutkimusaamu: yritykset ja tutkijat",
     [("@inc_lead",), ("@inc_coach",), ("co", 3, 4), ("res", 2, 3)]),
    ("2024-12-10", "information_exchange", "strategy",
     "Kasvuverkoston tiedonvaihto: rahoitus 2025",
     [("@hub_fac",), ("@funding",), ("@inc_coach",), ("co", 2, 3), ("@intl",)]),
    ("2025-01-21", "meeting", "strategy", "Ydinverkoston koordinaatiokokous",
     [("@hub_lead",), ("@hub_fac",), ("@inc_lead",), ("@city_director",),
      ("@yrittajat_director",), ("co", 1, 1, "kierto"), ("co", 1, 1, "hyvi")]),
    ("2025-02-11", "expert_talk", "understanding_world",
     "Asiantuntijapuheenvuoro: kansainväliset kasvupolut",
     [("@intl",), ("hub", 1, 1), ("inc", 1, 1), ("co", 2, 4), ("pub", 1, 1)]),
    ("2025-03-04", "meeting", "advocacy", "Maakuntahallituksen elinvoimakeskustelu",
     [("@hub_lead",), ("@kunnanjohtaja",), ("@region_chair",)]),
    ("2025-03-18", "learning_cafe", "understanding_world",
     "Oppimiskahvila: mikä toimii yhteiskehittämisessä?",
     [("hub", 1, 2), ("inc", 1, 1), ("co", 2, 3), ("third", 1, 1), ("res", 1, 1),
      ("edu", 1, 1), ("pub", 1, 2)]),
    ("2025-04-08", "meeting", "strategy", "Ydinverkoston koordinaatiokokous",
     [("@hub_lead",), ("@hub_fac",), ("@inc_lead",),
      ("co", 1, 1, "kierto"), ("co", 1, 1, "hyvi"), ("res", 1, 1)]),
    ("2025-04-29", "collaboration_scouting", "service_path",
     "Rahoitusklinikka kasvuyrityksille",
     [("@inc_coach",), ("@funding",), ("@intl",), ("co", 2, 3)]),
    ("2025-05-06", "information_exchange", "advocacy",
     "Terveiset päättäjille: kasvuverkoston kevät",
     [("@hub_lead",), ("@hub_comms",), ("@council_chair",)]),
    # The one plenary of the year besides the opening day.
    ("2025-05-20", "learning_review", "strategy",
     "Kevään oppimiskatsaus: mitä verkosto sai aikaan?",
     [("hub", 2, 3), ("inc", 1, 2), ("co", 3, 5), ("third", 1, 1), ("res", 1, 2),
      ("edu", 1, 1), ("pub", 2, 3)]),
]

# The politicians' own working group: they meet each other often and the rest of the
# network rarely (the planted silo of the sample).
_POLITICS_EVENTS = [
    (date, "meeting", "advocacy", "Päättäjien elinvoimaryhmä",
     [("@council_chair",), ("@councillor_1",), ("@councillor_2",), ("@region_chair",),
      ("pol", 1, 1)])
    for date in ("2024-10-03", "2024-11-14", "2025-01-09", "2025-02-27", "2025-04-17")
]

# The village tourism group: the village agent is its only link to the rest of the
# network (the planted broker; the two others are the periphery).
_VILLAGE_EVENTS = [
    ("2024-11-13", "meeting", "client_interface", "Kylämatkailun työryhmä",
     [("@village_agent",), ("@volunteers",), ("@farm_foreman",)]),
    ("2025-04-03", "meeting", "client_interface", "Kylämatkailun työryhmä",
     [("@village_agent",), ("@volunteers",), ("@farm_foreman",)]),
]

_THEME_EVENTS = {
    "kierto": [
        ("2024-09-24", "information_exchange", "understanding_world",
         "Kiertotalousverkoston aloitustapaaminen",
         [("hub", 1, 1), ("co", 3, 4), ("res", 1, 2), ("pub", 1, 1), ("edu", 0, 1)]),
        ("2024-10-15", "collaboration_scouting", "strategy",
         "Sivuvirtojen yhteistyömahdollisuudet",
         [("@inc_coach",), ("hub", 1, 1), ("co", 2, 4), ("res", 1, 2), ("pub", 1, 1)]),
        ("2024-11-12", "goal_sketching", "strategy", "Kiertotalouden tavoitteet 2025",
         [("hub", 1, 2), ("co", 2, 4), ("res", 1, 2), ("pub", 1, 2), ("edu", 0, 1)]),
        ("2024-12-03", "joint_project", "service_path", "Sivuvirtahanke: hankesuunnitelma",
         [("inc", 1, 1), ("hub", 1, 1), ("co", 3, 4), ("res", 2, 2), ("pub", 1, 1)]),
        ("2025-01-28", "meeting", "service_path", "Sivuvirtahankkeen ohjausryhmä",
         [("hub", 1, 1), ("co", 2, 3), ("res", 1, 2), ("pub", 1, 2)]),
        ("2025-02-18", "joint_project", "client_interface",
         "Pilotti: puukuidun sivuvirrat uusiksi tuotteiksi",
         [("co", 2, 4), ("res", 1, 2), ("edu", 1, 1), ("inc", 0, 1)]),
        ("2025-03-25", "information_exchange", "service_path", "Kiertotalouden rahoitusinfo",
         [("@funding",), ("inc", 1, 1), ("hub", 1, 1), ("co", 3, 6), ("res", 0, 1)]),
        ("2025-04-15", "meeting", "service_path", "Sivuvirtahankkeen ohjausryhmä",
         [("hub", 1, 1), ("co", 2, 3), ("res", 1, 2), ("pub", 1, 2)]),
        ("2025-05-13", "learning_review", "strategy", "Kiertotalousverkoston oppimiskatsaus",
         [("hub", 1, 1), ("co", 2, 3), ("res", 1, 2), ("pub", 1, 1), ("edu", 0, 1)]),
    ],
    "hyvi": [
        ("2024-09-26", "information_exchange", "understanding_world",
         "Hyvinvointiteknologian aloitustapaaminen",
         [("hub", 1, 1), ("co", 2, 3), ("res", 1, 2), ("pub", 1, 2), ("third", 0, 1)]),
        ("2024-10-10", "collaboration_scouting", "strategy",
         "Tutkimus ja yritykset: etäkuntoutuksen yhteistyö",
         [("inc", 1, 2), ("hub", 0, 1), ("res", 2, 3), ("co", 2, 4), ("pub", 1, 2)]),
        ("2024-11-07", "co_development", "service_path", "Etäkuntoutuksen palvelupolku",
         [("hub", 1, 2), ("pub", 2, 3), ("co", 2, 4), ("res", 1, 2), ("third", 1, 2),
          ("edu", 0, 1)]),
        ("2024-12-12", "goal_sketching", "strategy", "Hyvinvointiteknologian tavoitteet",
         [("hub", 1, 2), ("co", 2, 4), ("res", 1, 2), ("pub", 1, 2), ("third", 0, 1)]),
        ("2025-01-23", "joint_project", "service_path", "Testiympäristöhanke: käynnistys",
         [("inc", 1, 1), ("hub", 1, 1), ("res", 1, 2), ("co", 2, 3), ("pub", 1, 1),
          ("edu", 0, 1)]),
        ("2025-02-20", "meeting", "client_interface",
         "Asiakasraati: etäkuntoutuksen kokemukset",
         [("pub", 2, 2), ("third", 1, 2), ("co", 1, 3), ("res", 1, 1), ("hub", 0, 1)]),
        ("2025-03-13", "online_discussion", "understanding_world",
         "Verkkokeskustelu: tietosuoja ja terveysdata",
         [("hub", 1, 1), ("co", 2, 4), ("res", 1, 2), ("pub", 1, 2)]),
        ("2025-04-10", "joint_project", "service_path", "Testiympäristöhanke: väliarvio",
         [("inc", 1, 1), ("hub", 1, 1), ("res", 2, 3), ("co", 2, 4), ("pub", 1, 2)]),
        ("2025-05-15", "learning_review", "strategy",
         "Hyvinvointiteknologian oppimiskatsaus",
         [("hub", 1, 1), ("co", 2, 3), ("res", 1, 2), ("pub", 1, 1), ("third", 0, 1)]),
    ],
    "ruoka": [
        ("2024-09-19", "information_exchange", "understanding_world",
         "Lähiruoan ja matkailun tiedonvaihto",
         [("hub", 1, 1), ("co", 2, 4), ("pub", 1, 2), ("third", 1, 1), ("edu", 1, 1)]),
        ("2024-10-08", "collaboration_scouting", "strategy",
         "Ruokamatkailureitin yhteistyömahdollisuudet",
         [("@inc_coach",), ("co", 2, 4), ("@tourism_researcher",), ("pub", 1, 2)]),
        ("2025-03-27", "joint_project", "client_interface", "Kesäkauden yhteismarkkinointi",
         [("hub", 1, 1), ("inc", 1, 1), ("co", 3, 4), ("pub", 1, 1)]),
        ("2025-05-22", "learning_review", "strategy",
         "Ruoka- ja matkailuverkoston oppimiskatsaus",
         [("hub", 1, 1), ("co", 2, 4), ("pub", 1, 2), ("third", 0, 1), ("edu", 0, 1)]),
    ],
}

# The workshop day: who is invited (slots as above, drawn from everyone).
_WORKSHOP_SLOTS = [
    ("hub", 3, 3), ("inc", 2, 2), ("intl", 1, 1), ("@city_director",),
    ("co", 3, 4, "kierto"), ("co", 3, 3, "hyvi"), ("co", 3, 3, "ruoka"),
    ("third", 2, 3, "any"), ("res", 1, 1, "kierto"), ("res", 1, 1, "hyvi"),
    ("edu", 2, 2, "any"), ("pub", 3, 4, "any"),
]
# The three tasks of the workshop day, recorded as the warm-up app records a round: one
# event per pair, triad or table (kind, level, title of each group's event).
_WORKSHOP_TASKS = [
    ("acquaintance", "understanding_world", "Tutustuminen #1"),
    ("acquaintance", "understanding_world", "Tutustuminen #2"),
    ("co_development", "strategy", "Yhteiskehittäminen: kasvun esteet ja mahdollistajat"),
]

# Tie kind implied by the kind of the events two people shared (strongest first).
_TIE_FOR_EVENT = [
    ("joint_project", "joint_project"),
    ("co_development", "co_development"),
    ("collaboration_scouting", "collaboration"),
    ("goal_sketching", "collaboration"),
    ("meeting", "conversation"),
    ("online_discussion", "message"),
    ("information_exchange", "information_exchange"),
    ("learning_review", "conversation"),
    ("learning_cafe", "conversation"),
    ("expert_talk", "information_exchange"),
    ("acquaintance", "acquaintance"),
]


# =========================================================================== the builder
class _Builder:
    def __init__(self, seed: int):
        self.rng = _Random(seed)
        self.people: list[tuple[str, _Person]] = [
            (f"P{i:02d}", p) for i, p in enumerate(_ROSTER, start=1)]
        self.by_tag = {p.tag: aid for aid, p in self.people if p.tag}
        # Vesikko Cleantech's founder and a researcher of natural resources.
        self.rising_pair = ("P13", "P38")
        self.org = {o[0]: o for o in _ORGANISATIONS}

    # -- organisations and people ------------------------------------------------------
    def organisations(self) -> pd.DataFrame:
        return pd.DataFrame([o[:4] for o in _ORGANISATIONS],
                            columns=["organisation_id", "name", "sector", "kind"])

    def actors(self) -> pd.DataFrame:
        rng = self.rng
        taken = {p.name.split()[-1] for _, p in self.people if p.name}
        firsts = rng.shuffled(_FIRST_NAMES)
        lasts = [n for n in rng.shuffled(_LAST_NAMES) if n not in taken]
        sw_firsts = rng.shuffled(_SWEDISH_FIRST)
        sw_lasts = [n for n in rng.shuffled(_SWEDISH_LAST) if n not in taken]
        rows = []
        for aid, p in self.people:
            if p.name:
                name = p.name
            elif p.swedish:
                name = f"{sw_firsts.pop()} {sw_lasts.pop()}"
            else:
                name = f"{firsts.pop()} {lasts.pop()}"
            pool = _KEYWORDS[p.keywords]
            words = rng.shuffled(pool)[:rng.between(3, min(5, len(pool)))]
            rows.append((aid, name, p.org, p.role, ", ".join(words),
                         _email(name, self.org[p.org][5])))
        return pd.DataFrame(rows, columns=["actor_id", "name", "organisation_id", "role",
                                           "keywords", "email"])

    # -- participation -----------------------------------------------------------------
    def _fill(self, slots, theme: str | None, chosen: list[str]) -> list[str]:
        rng = self.rng
        for slot in slots:
            if slot[0].startswith("@"):
                aid = self.by_tag[slot[0][1:]]
                if aid not in chosen:
                    chosen.append(aid)
                continue
            selector, lo, hi = slot[:3]
            scope = slot[3] if len(slot) > 3 else theme
            items, weights = [], []
            for aid, p in self.people:
                if p.profile != selector or p.activity <= 0 or aid in chosen:
                    continue
                if scope in (None, "any") or p.theme == scope:
                    weight = p.activity
                elif p.theme is None and selector in ("pub", "third", "edu", "hub", "inc",
                                                      "intl", "pol"):
                    weight = p.activity * (1.0 if selector in ("hub", "inc") else 0.5)
                else:
                    continue
                items.append(aid)
                weights.append(weight)
            chosen += rng.weighted_sample(items, weights, rng.between(lo, hi))
        return chosen

    def events_and_participation(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = self.rng
        plan = []  # (date, order, kind, network, level, title, participants)
        attendees = self._fill(_WORKSHOP_SLOTS, None, [])
        sector = {aid: self.org[p.org][2] for aid, p in self.people}
        person = dict(self.people)
        # Task 1: similar pairs (same sector, different organisations where possible).
        by_sector: dict[str, list[str]] = {}
        for aid in rng.shuffled(attendees):
            by_sector.setdefault(sector[aid], []).append(aid)
        pairs, left = [], []
        for sec in sorted(by_sector):
            group = by_sector[sec]
            while len(group) >= 2:
                a = group.pop()
                mate = next((b for b in group if person[b].org != person[a].org), group[0])
                group.remove(mate)
                pairs.append([a, mate])
            left += group
        while len(left) >= 2:
            pairs.append([left.pop(), left.pop()])
        if left:  # an odd one joins the last pair (a triad)
            pairs[-1].append(left.pop())
        met = {frozenset(x) for g in pairs for x in combinations(g, 2)}
        # Task 2: mixed triads (different sectors), nobody meets the same person twice.
        pool = rng.shuffled(attendees)
        triads = []
        def fresh(x, group):
            return not any(frozenset((x, y)) in met for y in group)

        while len(pool) >= 3:
            a = pool.pop()
            b = next((x for x in pool if sector[x] != sector[a] and fresh(x, [a])),
                     next((x for x in pool if fresh(x, [a])), pool[0]))
            pool.remove(b)
            c = next((x for x in pool if sector[x] not in (sector[a], sector[b])
                      and fresh(x, [a, b])),
                     next((x for x in pool if fresh(x, [a, b])), pool[0]))
            pool.remove(c)
            triads.append([a, b, c])
        for x in pool:  # one or two left: each joins a triad where they meet nobody twice
            next((g for g in triads if len(g) == 3 and fresh(x, g)), triads[-1]).append(x)
        # Task 3: development tables of four or five; two people left before it.
        present = list(attendees)
        for _ in range(2):
            present.pop(1 + rng.below(len(present) - 1))
        pool = rng.shuffled(present)
        tables = [pool[i::6] for i in range(6)]
        self.workshop_groups = []
        for k, ((kind, level, title), groups) in enumerate(zip(_WORKSHOP_TASKS,
                                                               (pairs, triads, tables))):
            for j, group in enumerate(groups):
                plan.append((_WORKSHOP_DAY, k * 100 + j, kind, CORE_NETWORK, level, title,
                             sorted(group)))
                self.workshop_groups.append((k, sorted(group)))
        for date, kind, level, title, slots in _POLITICS_EVENTS + _VILLAGE_EVENTS:
            plan.append((date, 0, kind, CORE_NETWORK if "Päättäjien" in title
                         else THEME_NETWORKS["ruoka"], level, title, self._fill(slots, None, [])))
        for date, kind, level, title, slots in _CORE_EVENTS:
            plan.append((date, 0, kind, CORE_NETWORK, level, title, self._fill(slots, None, [])))
        for theme, events in _THEME_EVENTS.items():
            for date, kind, level, title, slots in events:
                plan.append((date, 0, kind, THEME_NETWORKS[theme], level, title,
                             self._fill(slots, theme, [])))
        # Everyone who takes part at all attends at least one event: the quiet ones
        # come to the closing review of their theme network (politicians to the last
        # advocacy event).
        seen = {aid for e in plan for aid in e[6]}
        for aid, p in self.people:
            if aid in seen or p.activity <= 0:
                continue
            if p.profile == "pol":
                pick = [e for e in plan if e[3] == CORE_NETWORK and e[4] == "advocacy"]
            else:
                network = THEME_NETWORKS[p.theme] if p.theme else CORE_NETWORK
                pick = [e for e in plan if e[3] == network and e[2] == "learning_review"]
            max(pick, key=lambda e: e[0])[6].append(aid)
        plan.sort(key=lambda e: (e[0], e[1], e[5]))
        workshop_count = sum(1 for e in plan if e[0] == _WORKSHOP_DAY)
        events, part = [], []
        for i, (date, _, kind, network, level, title, people) in enumerate(plan, start=1):
            eid = f"E{i:03d}"
            events.append((eid, pd.Timestamp(date), kind, network, level, title))
            part += [(eid, aid) for aid in sorted(people)]
        events = pd.DataFrame(events, columns=["event_id", "date", "kind", "network", "level",
                                               "title"])
        part = pd.DataFrame(part, columns=["event_id", "actor_id"])
        ids = events["event_id"].iloc[:workshop_count].tolist()
        tasks = [k for k, _ in self.workshop_groups]
        self.workshop = (ids, attendees, dict(zip(ids, tasks)))
        return events, part

    # -- ties --------------------------------------------------------------------------
    def ties(self, events: pd.DataFrame, part: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        person = dict(self.people)
        sector = {aid: self.org[p.org][2] for aid, p in self.people}
        ev = events.set_index("event_id")
        members = part.groupby("event_id", sort=True)["actor_id"].apply(list)
        workshop_ids, workshop_people, task_of = self.workshop
        # Shared events of every pair that met (pairs as sorted tuples, in sorted order).
        shared: dict[tuple[str, str], list[str]] = {}
        for eid, people in members.items():
            for a, b in combinations(sorted(people), 2):
                shared.setdefault((a, b), []).append(eid)
        everyday = {pair: [e for e in es if e not in workshop_ids]
                    for pair, es in shared.items()}

        def ratings(pair, base=0.0):
            n = len(everyday.get(pair, []))
            joint = sum(ev.at[e, "kind"] in ("joint_project", "co_development")
                        for e in everyday.get(pair, []))
            knowing = 1.7 + base + 1.1 * math.log2(1 + n) + rng.normal(0, 0.5)
            trust = knowing - 0.4 + 0.2 * joint + rng.normal(0, 0.5)
            commitment = trust - 0.8 + 0.35 * joint + rng.normal(0, 0.6)
            vals = [max(1, min(5, round(v))) for v in (knowing, trust, commitment)]
            if rng.chance(0.05):
                vals[2] = None
            return vals

        rows = []
        used: set[tuple[str, str]] = {tuple(sorted(self.rising_pair))}  # pairs with a tie
        day = pd.Timestamp(_WORKSHOP_DAY)

        def add(a, b, kind, eid, date, base=0.0, reciprocal=0.0):
            pair = (min(a, b), max(a, b))
            if a == b or pair in used:
                return False
            used.add(pair)
            src, dst = (a, b) if rng.chance(0.5) else (b, a)
            rows.append([src, dst, eid, kind, *ratings(pair, base), date])
            if rng.chance(reciprocal):
                rows.append([dst, src, eid, kind, *ratings(pair, base), date])
            return True

        # 1-3. The workshop day: the pairs and triads of the warm-up rounds report the
        #      tie they made, and some pairs of each development table.
        reports = {0: ("acquaintance", 0.8), 1: ("acquaintance", 0.6),
                   2: ("co_development", 0.3)}
        for eid in workshop_ids:
            kind, p_report = reports[task_of[eid]]
            for x, y in combinations(sorted(members[eid]), 2):
                if rng.chance(p_report):
                    add(x, y, kind, eid, day)
        # 4. Everyday encounters: the more often and the smaller the events, the likelier
        #    a reported tie.  Kind and date from the strongest shared event.
        candidates = []
        for pair in sorted(everyday):
            es = everyday[pair]
            if not es:
                continue
            weight = sum(min(1.0, 4.0 / (len(members[e]) - 1)) for e in es)
            candidates.append((pair, weight))
        order = sorted(candidates, key=lambda c: -c[1] * (0.35 + rng.random()))
        target = 120
        for pair, _ in order:
            if target <= 0:
                break
            es = everyday[pair]
            # The encounter the tie is reported from: small events more likely.
            best = rng.weighted_sample(es, [4.0 / (len(members[e]) - 1) for e in es], 1)[0]
            kind = dict(_TIE_FOR_EVENT)[ev.at[best, "kind"]]
            a, b = pair
            if {person[a].profile, person[b].profile} == {"inc", "co"} and rng.chance(0.5):
                kind = "advice"
            if add(a, b, kind, best, ev.at[best, "date"], reciprocal=0.12):
                target -= 1
        # 5. Colleagues and old acquaintances: known before, no event and no date.
        colleagues = [(a, b) for (a, pa), (b, pb) in combinations(self.people, 2)
                      if pa.org == pb.org and pa.activity > 0 and pb.activity > 0]
        for a, b in rng.shuffled(colleagues)[:14]:
            add(a, b, "knows", None, None, base=1.5)
        # 6. A few contacts outside the recorded events (phone calls, messages).
        active = [aid for aid, p in self.people if p.activity > 0]
        for _ in range(8):
            for _attempt in range(20):
                a, b = rng.choice(active), rng.choice(active)
                if a != b and (min(a, b), max(a, b)) not in shared:
                    date = day + pd.Timedelta(days=rng.between(14, 250))
                    add(a, b, rng.choice(["message", "advice", "conversation"]), None, date)
                    break
        # 7. A pair whose ratings rise between the two assessment rounds while they meet
        #    as often as before: the company founder and the researcher of the pilot.
        a, b = self.rising_pair
        for date, values in (("2024-10-16", ((2, 2, 1), (2, 2, 2))),
                             ("2025-04-16", ((4, 4, 4), (4, 5, 4)))):
            for (src, dst), (k_, t_, c_) in zip(((a, b), (b, a)), values):
                rows.append([src, dst, None, "collaboration", k_, t_, c_, pd.Timestamp(date)])
        ties = pd.DataFrame(rows, columns=["source", "target", "event_id", "kind", "knowing",
                                           "trust", "commitment", "date"])
        for col in ("knowing", "trust", "commitment"):
            ties[col] = ties[col].astype("Int64")
        return ties.sort_values(["date", "source", "target"], na_position="last",
                                kind="stable").reset_index(drop=True)

    # -- assessments -------------------------------------------------------------------
    def assessments(self, part: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        counts = part["actor_id"].value_counts()
        baseline = {
            "knowing.person": 3.3, "knowing.competence": 2.9, "knowing.needs": 2.7,
            "knowing.history": 2.7, "trust.goodwill": 3.6, "trust.competence": 3.3,
            "trust.vulnerability": 2.7, "trust.consistency": 1.9, "commitment.will": 3.4,
            "commitment.competence": 3.0, "commitment.structures": 2.0,
            "commitment.keeping_promises": 2.7,
        }
        gain = {item: 0.35 for item in ASSESSMENT_ITEMS}
        gain.update({"knowing.person": 0.5, "knowing.competence": 0.45,
                     "trust.consistency": 0.45, "commitment.structures": 0.4,
                     "trust.goodwill": 0.2})
        ids = [aid for aid, _ in self.people]
        weights = [0.3 + min(int(counts.get(aid, 0)), 12) / 6 for aid in ids]
        offset = {aid: rng.normal(0, 0.45) for aid in ids}
        # Most respondents of the spring answered in the autumn too.
        first = rng.weighted_sample(ids, weights, 42)
        again = rng.weighted_sample(first, [weights[ids.index(a)] for a in first], 30)
        rest = [a for a in ids if a not in first]
        new = rng.weighted_sample(rest, [weights[ids.index(a)] for a in rest], 6)
        rounds = [("2024-syksy", "2024-09-05", 15, sorted(first), 0.0),
                  ("2025-kevät", "2025-05-12", 18, sorted(again + new), 1.0)]
        rows = []
        for name, start, days, respondents, step in rounds:
            for aid in respondents:
                when = pd.Timestamp(start) + pd.Timedelta(days=rng.below(days))
                engaged = min(int(counts.get(aid, 0)), 12) / 12
                for item in ASSESSMENT_ITEMS:
                    value = None
                    if not rng.chance(0.04):
                        score = (baseline[item] + step * gain[item] + offset[aid]
                                 + 0.4 * engaged + rng.normal(0, 0.6))
                        value = max(1, min(5, round(score)))
                    rows.append((aid, name, item, value, when))
        frame = pd.DataFrame(rows, columns=["respondent", "round", "item", "value", "date"])
        frame["value"] = frame["value"].astype("Int64")
        return frame

    # -- goals -------------------------------------------------------------------------
    @staticmethod
    def goals() -> pd.DataFrame:
        rows = [
            # Indicators that name a measure (verkostolab.measures.goals.GOAL_MEASURES)
            # are measured from the data; G3's is free text, shown as not measurable.
            ("G1", "shared_vision", "Yhteinen visio Järvilaakson kestävästä kasvusta",
             "actors", 40.0, 60.0, CORE_NETWORK),
            ("G2", "smooth_work", "Sektorirajat ylittävä yhteistyö arkipäiväksi",
             "cross_sector_share", 0.5, 0.8, CORE_NETWORK),
            ("G3", "client_service", "Yksi ovi yrityksen kasvupalveluihin",
             "Yhdellä yhteydenotolla oikealle toimijalle ohjatut yritykset (%)", 35.0, 70.0,
             CORE_NETWORK),
            ("G4", "phenomenon", "Sivuvirroista raaka-ainetta",
             "sectors_in_co_development", 4.0, 6.0, THEME_NETWORKS["kierto"]),
            ("G5", "client_service", "Luottamus kantaa yhteiseen palvelupolkuun",
             "mean_trust", 3.0, 3.8, THEME_NETWORKS["hyvi"]),
        ]
        return pd.DataFrame(rows, columns=["goal_id", "kind", "title", "indicator",
                                           "baseline", "target", "network"])


def generate_sample(seed: int = 2024) -> NetworkData:
    """Build the fictional Järvilaakso network.

    The same ``seed`` gives the same network on every machine and Python version (only
    :meth:`random.Random.random` is used).

    Parameters
    ----------
    seed : int, default 2024
        Seed of the random choices (names, keywords, who attends, ratings, answers).
        The committed workbook is made with the default.

    Returns
    -------
    NetworkData
        60 people in 26 organisations of all six sectors; 44 events of the core network
        *Järvilaakson kasvuverkosto* and its three theme networks from September 2024 to
        May 2025 (the first three are the light network tasks of the opening workshop
        day); about 200 reported ties; two assessment rounds (``2024-syksy`` and
        ``2025-kevät``) and five goals.

    Examples
    --------
    >>> data = generate_sample()
    >>> data.events.loc[0, "title"]
    'Tutustuminen #1'
    >>> sorted(data.organisations["sector"].unique())
    ['education', 'politics', 'private', 'public', 'research', 'third_sector']
    """
    b = _Builder(seed)
    organisations = b.organisations()
    actors = b.actors()
    events, participation = b.events_and_participation()
    ties = b.ties(events, participation)
    assessments = b.assessments(participation)
    goals = b.goals()
    return NetworkData(organisations=organisations, actors=actors, events=events,
                       participation=participation, ties=ties, assessments=assessments,
                       goals=goals, source=SAMPLE_SOURCE)


def sample_path() -> Path:
    """Path of the sample workbook shipped inside the package (package data, found with
    :mod:`importlib.resources`, so it is there in an installed wheel too).

    >>> sample_path().name
    'jarvilaakso.xlsx'
    >>> sample_path().is_file()
    True
    """
    return Path(str(files(__package__) / _SAMPLE_FILE))


def sample_folder() -> Path:
    """Path of the sample's CSV copy shipped inside the package: the same tables as
    :func:`sample_path`'s workbook, one UTF-8 CSV file per table.

    >>> sorted(p.name for p in sample_folder().iterdir())[:2]
    ['actors.csv', 'assessments.csv']
    """
    return Path(str(files(__package__) / _SAMPLE_FOLDER))


def load_sample() -> NetworkData:
    """The Järvilaakso sample network, read from its committed copy in the package.

    Reads the CSV copy (:func:`sample_folder`) with :func:`verkostolab.io.read`, else
    the workbook (:func:`sample_path`), else returns :func:`generate_sample`; all three
    hold the same data (tests compare the committed files with the generator), and the
    ``source`` is :data:`SAMPLE_SOURCE` either way.  The CSV copy comes first because
    it reads in milliseconds and without openpyxl, where the workbook takes about a
    quarter of a second: most of ``verkostolab info`` on the sample, after pandas.
    """
    from ..io import read

    folder, path = sample_folder(), sample_path()
    if folder.is_dir():
        data = read(folder, format="csv")
    elif path.is_file():
        data = read(path, format="workbook")
    else:
        return generate_sample()
    return NetworkData(data.tables(), source=SAMPLE_SOURCE)
