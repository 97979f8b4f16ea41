"""Identity decisions are kept (issue 18, item 2): a merge a person declined in the
merge report is stored in the change log and not proposed again at the next import,
until the name or e-mail of one of the two changes."""

from __future__ import annotations

import pandas as pd

from verkostolab import Store
from verkostolab.ingest import import_files, propose_merges
from verkostolab.tables import identity

from support.files import write_csv_folder


def folder(tmp_path, name, actors):
    return write_csv_folder(tmp_path / name, {"actors": [["actor_id", "name", "email"], *actors]})


def test_a_declined_merge_is_remembered_across_imports(tmp_path):
    store = Store(tmp_path / "v.sqlite")
    first = folder(tmp_path, "tammikuu", [["P1", "Sanna Äijälä", ""], ["P2", "Äijälä Sanna", ""],
                                          ["P3", "Pekka Mäkelä", ""]])
    proposal = propose_merges(store, first, lang="en")
    assert sorted(proposal.frame["actor_id"]) == ["P1", "P2"]
    report = tmp_path / "report.csv"
    frame = proposal.to_frame("en")
    frame["merge"] = "no"  # "these are different people"
    frame.to_csv(report, index=False)
    import_files(store, first, merges=report)
    assert sorted(store.load().actors["actor_id"]) == ["P1", "P2", "P3"]
    [declined] = store.changes("decline")
    assert {declined["actor_id"], declined["other_id"]} == {"P1", "P2"}

    # The next file brings a third account of Sanna: she is proposed with the kept id,
    # but the pair declined earlier is not proposed again.
    second = folder(tmp_path, "helmikuu", [["P9", "Sanna Äijälä (Guest)", ""]])
    again = propose_merges(store, second, lang="en")
    assert sorted(again.frame["actor_id"]) == ["P1", "P9"]
    assert "P2" not in set(again.frame["keep_id"])

    # Without the log entry the same import would propose all three.
    plain = identity.propose_merges(store.load(refused=True).__class__(
        actors=pd.DataFrame({"actor_id": ["P9"], "name": ["Sanna Äijälä (Guest)"], "email": [None]})),
        store.load(refused=True))
    assert sorted(plain.frame["actor_id"]) == ["P1", "P2", "P9"]
    store.close()


def test_a_declined_pair_is_proposed_again_when_a_name_or_email_changes():
    frame = pd.DataFrame({"group": [1, 1], "merge": [True, True], "keep_id": ["P1", "P1"],
                          "actor_id": ["P1", "P2"], "name": ["Sanna Äijälä", "Äijälä Sanna"],
                          "email": [None, None], "organisation_id": [None, None],
                          "stored": [True, True], "reason": ["", ""],
                          "reason_code": ["name_order", "name_order"]})
    proposal = identity.MergeProposal(frame, "en")
    entry = {"actor_id": "P2", "other_id": "P1", "actor_name": "Äijälä Sanna", "actor_email": None,
             "other_name": "Sanna Äijälä", "other_email": None}
    assert identity.without_declined(proposal, [entry]).empty
    changed = dict(entry, actor_email="sanna@jarvilaakso.fi")
    assert len(identity.without_declined(proposal, [changed])) == 2
    renamed = dict(entry, other_name="Sanna Äijälä-Virtanen")
    assert len(identity.without_declined(proposal, [renamed])) == 2
