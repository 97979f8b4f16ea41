"""Small networks built so that the right answer is known, shared by several test modules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from verkostolab.tables.data import NetworkData
from verkostolab.measures.assessment import ITEMS

__all__ = ["small_groups_data", "large_network"]


def small_groups_data(sizes=None, *, rounds=("r1", "r2"), shift=0.0, seed=3):
    """Three sectors with 6, 5 and 4 respondents (one organisation each), all answering
    every item in every round; each group answers around its own level."""
    sizes = sizes or {"private": 6, "public": 5, "politics": 4}
    rng = np.random.default_rng(seed)
    orgs, actors, answers = [], [], []
    levels = {"private": 3.0, "public": 4.0, "politics": 2.0}
    for k, (sector, n) in enumerate(sizes.items()):
        orgs.append((f"O{k}", f"Org {k}", sector, None))
        for i in range(n):
            aid = f"{sector[:3]}{i}"
            actors.append((aid, f"Person {aid}", f"O{k}"))
            for r, round_ in enumerate(rounds):
                for item in ITEMS:
                    value = int(np.clip(round(levels[sector] + r * shift + rng.normal(0, 0.7)), 1, 5))
                    answers.append((aid, round_, item, value, pd.Timestamp("2024-01-01") + pd.Timedelta(days=100 * r)))
    return NetworkData(
        organisations=pd.DataFrame(orgs, columns=["organisation_id", "name", "sector", "kind"]),
        actors=pd.DataFrame(actors, columns=["actor_id", "name", "organisation_id"]),
        assessments=pd.DataFrame(answers, columns=["respondent", "round", "item", "value", "date"]))


def large_network(n_people: int = 2000, *, seed: int = 3) -> NetworkData:
    """A network of about ``n_people`` people for the picture at scale: heavy-tailed
    events (:mod:`verkostolab.datasets.synthetic`) dated over 2023-2025 in five
    networks, 80 organisations of every sector and kind, and names of real length."""
    from verkostolab.datasets import synthetic_events, synthetic_participation
    from verkostolab.tables.schema import VOCABULARIES

    part = synthetic_participation(n_people * 8, n_actors=n_people, n_events=n_people * 2, seed=seed)
    events = synthetic_events(part, seed=seed)
    sectors = [s for s in VOCABULARIES["sector"] if s != "unknown"]
    kinds = list(VOCABULARIES["organisation_kind"])
    orgs = pd.DataFrame({"organisation_id": [f"O{i}" for i in range(80)],
                         "name": [f"Organisaatio {i}" for i in range(80)],
                         "sector": [sectors[i % len(sectors)] for i in range(80)],
                         "kind": [kinds[(i // len(sectors)) % len(kinds)] for i in range(80)]})
    first = ["Aino", "Eero", "Kaisa", "Matti", "Sanna", "Juho", "Ilona", "Veli-Pekka", "Åsa", "Björn"]
    last = ["Virtanen", "Korhonen", "Mäkelä", "Nieminen", "Lindqvist", "Hämäläinen", "Ek", "Salo"]
    ids = sorted(part["actor_id"].unique())
    actors = pd.DataFrame({"actor_id": ids,
                           "name": [f"{first[i % 10]} {last[(i // 10) % 8]} {i}" for i in range(len(ids))],
                           "organisation_id": [f"O{i % 80}" for i in range(len(ids))]})
    return NetworkData(organisations=orgs, actors=actors, events=events, participation=part)
