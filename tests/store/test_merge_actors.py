"""``verkostolab merge A B --store URL`` on SQLite and PostgreSQL (issue 18, item 2):
every table checked, nothing of the merged actor left under the old id, the change log
records the merge; a preview asks first and ``e``/``ei``/``n``/``no`` changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import sqlalchemy as sa

from verkostolab import Store
from verkostolab.ingest import import_data
from verkostolab.store import SQL_TABLES
from verkostolab.tables.data import NetworkData


def cli(*args, input=None):
    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)], input=input,
                          capture_output=True, text=True, env=env, timeout=180)


def fill(url) -> None:
    data = NetworkData(
        actors=pd.DataFrame({"actor_id": ["P1", "P2", "P3"],
                             "name": ["Sanna Äijälä", "Äijälä Sanna", "Pekka Mäkelä"],
                             "email": [None, "sanna@jarvilaakso.fi", None],
                             "role": ["koordinaattori", "kehittäjä", None]}),
        events=pd.DataFrame({"event_id": ["E1", "E2"]}),
        participation=pd.DataFrame({"event_id": ["E1", "E1", "E2", "E2"],
                                    "actor_id": ["P1", "P2", "P2", "P3"]}),
        ties=pd.DataFrame({"source": ["P2", "P3", "P1", "P1"], "target": ["P3", "P2", "P2", "P3"],
                           "knowing": [4, 3, 5, 2]}),
        assessments=pd.DataFrame({"respondent": ["P1", "P2", "P2", "P3"],
                                  "round": ["r1", "r1", "r1", "r1"],
                                  "item": ["trust.goodwill", "trust.goodwill", "trust.competence", "trust.goodwill"], "value": [4, 2, 5, 3]}))
    store = Store(url)
    import_data(store, data, source="test")
    store.set_consent("P2", False)  # the other account said no: the merged person stays hidden
    store.close()


def rows_with(url, actor_id) -> dict[str, int]:
    """Rows of every table of the store with a cell equal to ``actor_id``."""
    engine = sa.create_engine(url)
    found = {}
    with engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            if name == "changes":
                continue
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            cols = [c for c in table.columns if isinstance(c.type, sa.String)]
            if cols:
                n = conn.execute(sa.select(sa.func.count()).select_from(table)
                                 .where(sa.or_(*[c == actor_id for c in cols]))).scalar()
                if n:
                    found[name] = n
    engine.dispose()
    return found


def test_merge_moves_everything_to_the_kept_id(store_url):
    fill(store_url)
    assert rows_with(store_url, "P2")  # before: P2 is in several tables

    # a preview, then "ei": nothing changes
    no = cli("merge", "P1", "P2", "--store", store_url, input="ei\n")
    assert no.returncode == 1
    assert "P2" in no.stderr and "Yhdistetään" in no.stderr
    assert Store(store_url).counts()["actors"] == 3

    # an answer that is not yes or no is asked again; then "k" merges
    yes = cli("merge", "P1", "P2", "--store", store_url, input="ehkä\nk\n")
    assert yes.returncode == 0, yes.stderr
    assert rows_with(store_url, "P2") == {}
    store = Store(store_url)
    data = store.load(refused=True)
    assert data.actors.set_index("actor_id").loc["P1", "email"] == "sanna@jarvilaakso.fi"
    assert data.actors.set_index("actor_id").loc["P1", "role"] == "koordinaattori"
    assert sorted(map(tuple, data.participation[["event_id", "actor_id"]].values.tolist())) == \
        [("E1", "P1"), ("E2", "P1"), ("E2", "P3")]
    ties = sorted(map(tuple, data.ties[["source", "target"]].values.tolist()))
    assert ties == [("P1", "P3"), ("P1", "P3"), ("P3", "P1")]  # the P1–P2 tie is gone
    answers = data.assessments.set_index(["respondent", "item"])["value"].to_dict()
    assert answers == {("P1", "trust.goodwill"): 4, ("P1", "trust.competence"): 5, ("P3", "trust.goodwill"): 3}
    assert store.consents() == {"P1": False}
    assert "P1" not in set(store.load().actors["actor_id"])  # the more private answer wins
    [change] = store.changes()
    assert (change["kind"], change["actor_id"], change["other_id"]) == ("merge", "P1", "P2")
    assert change["other_email"] == "sanna@jarvilaakso.fi"
    store.close()


def test_merge_with_yes_and_json_by_name(store_url):
    fill(store_url)
    done = cli("--lang", "en", "merge", "Pekka Mäkelä", "P2", "--store", store_url, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["keep"]["actor_id"] == "P3" and result["other"]["actor_id"] == "P2"
    assert result["moved"]["participation"] == 1 and result["removed"]["participation"] == 1
    assert result["removed"]["ties"] == 2  # P2→P3 and P3→P2 would tie P3 to P3
    assert rows_with(store_url, "P2") == {}
    same = cli("--lang", "en", "merge", "P3", "P3", "--store", store_url, "--yes")
    assert same.returncode == 1 and "same person" in same.stderr
    # forgetting a person also removes their entries in the change log
    Store(store_url).forget("P3", compact=False)
    assert Store(store_url).changes() == []
