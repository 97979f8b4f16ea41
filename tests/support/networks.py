"""Small networks built so that the right answer is known, shared by several test modules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from verkostolab.tables.data import NetworkData
from verkostolab.measures.assessment import ITEMS

__all__ = ["small_groups_data"]


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
