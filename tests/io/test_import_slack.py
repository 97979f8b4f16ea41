"""Slack workspace exports: a realistic export (tests/data/slack/export) as a folder, a
zip and a zip with a top-level folder; errors that name the day file, the line and the
field; the store left as it was; random and truncated input."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from verkostolab.errors import InputError
from verkostolab.io import detect_format, read, read_validated
from verkostolab.io.slack import INTERACTIONS, read_slack_raw, sniff_slack
from verkostolab.store import Store
from verkostolab.ingest import import_files

EXPORT = Path(__file__).resolve().parents[1] / "data" / "slack" / "export"
U1, U2, U3, U4, U5, EXT = ("U01AAAA01", "U01AAAA02", "U01AAAA03", "U01AAAA04", "U01AAAA05",
                           "U09EXT0001")


def zip_folder(folder: Path, target: Path, *, top: str | None = None) -> Path:
    """Zip ``folder`` as Slack does (entries at the root), or inside a folder ``top``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                zf.write(file, f"{top}/{name}" if top else name)
    return target


@pytest.fixture
def export(tmp_path) -> Path:
    """A copy of the realistic export that a test may break."""
    return Path(shutil.copytree(EXPORT, tmp_path / "slack-export"))


def line_of(text: str, needle: str) -> int:
    """The line on which the message object containing ``needle`` starts."""
    return text.count("\n", 0, text.rfind("{", 0, text.index(needle))) + 1


def ties_of(data) -> set[tuple]:
    t = data.ties
    return set(zip(t["source"], t["target"], t["kind"], t["weight"], t["event_id"]))


# --------------------------------------------------------------------------- reading


def test_realistic_export_gives_people_events_and_interaction_ties():
    assert detect_format(EXPORT) == "slack"
    data = read(EXPORT)
    assert data.counts() == {"organisations": 0, "actors": 6, "events": 6, "participation": 15,
                             "ties": 17, "assessments": 0, "goals": 0}
    actors = data.actors.set_index("actor_id")
    assert actors.loc[U1, "name"] == "Åsa Ek"
    assert actors.loc[U1, "email"] == "asa.ek@verkostohubi.fi"
    assert actors.loc[U2, "role"] == "toimitusjohtaja"
    # the same person with two accounts stays two actors (identity resolution decides)
    assert list(actors.loc[[U3, U4], "name"]) == ["Sanna Mäkelä", "Sanna Mäkelä"]
    assert actors.loc[U5, "name"] == "Björn Åström"          # a deleted account is kept
    assert actors.loc[EXT, "name"] == "Åke Öberg"            # a guest known by user_profile
    assert "USLACKBOT" not in actors.index and "U01BOT0001" not in actors.index

    ties = ties_of(data)
    reply, direct = INTERACTIONS["reply"], INTERACTIONS["direct"]
    mention, reaction = INTERACTIONS["mention"], INTERACTIONS["reaction"]
    day1 = "yleinen/2024-03-14"
    assert (U1, U2, *mention, day1) in ties                  # <@U01AAAA02>
    assert (U1, U3, *mention, day1) in ties                  # <@U01AAAA03|sanna>
    assert (U2, U1, *reply, day1) in ties                    # parent_user_id
    assert (U3, U1, *reply, day1) in ties                    # parent looked up by thread_ts
    assert (U2, U1, *reaction, day1) in ties and (U3, U1, *reaction, day1) in ties
    assert (U2, U1, *reply, "yleinen/2024-03-15") in ties    # a reply on a later day
    assert (U3, U1, *reply, "yleinen/2024-03-15") in ties    # thread_broadcast
    assert (U5, U3, *mention, "yleinen/2024-03-15") in ties
    assert (EXT, U2, *mention, "kiertotalous/2024-04-02") in ties
    assert (U3, U1, *mention, "ohjausryhmä/2024-04-10") in ties   # private channel
    assert (U1, U2, *direct, "D01DM00001/2024-03-16") in ties
    assert (U2, U1, *direct, "D01DM00001/2024-03-16") in ties     # the mention of a member adds none
    mpim = "mpdm-asa.ek--aija.ohman--sanna.makela-1/2024-03-20"
    assert {(U2, U1, *direct, mpim), (U2, U3, *direct, mpim)} <= ties
    assert not any(s == t for s, t, *_ in ties)
    # ts 1710410400 is 2024-03-14 10:00:00 UTC (12:00 in Helsinki)
    first = data.ties[(data.ties["source"] == U1) & (data.ties["target"] == U2)
                      & (data.ties["event_id"] == day1)]
    assert str(first["date"].iloc[0]) == "2024-03-14 10:00:00"

    events = data.events.set_index("event_id")
    assert events.loc[day1, "network"] == "yleinen"
    assert str(events.loc[day1, "date"].date()) == "2024-03-14"
    assert set(events["kind"]) == {"online_discussion"}
    assert events.loc["D01DM00001/2024-03-16", "network"] is None
    posters = data.participation.groupby("event_id")["actor_id"].apply(set).to_dict()
    assert posters[day1] == {U1, U2, U3}                     # not the bot, not the joins
    assert posters["yleinen/2024-03-15"] == {U2, U3, U4, U5}


def test_everything_left_out_is_counted_by_reason():
    result = read_validated(EXPORT)
    left = {reason: count for _file, reason, count in result.left_out}
    assert left == {"slack_bot_user": 2, "slack_join_leave": 3, "slack_bot_message": 2,
                    "slack_system_message": 1, "blank_row": 1, "slack_group_mention": 1,
                    "slack_self_interaction": 2, "slack_bot_interaction": 1,
                    "slack_thread_parent_missing": 1, "slack_other_file": 1}
    files = {file for file, _reason, _count in result.left_out}
    assert files == {str(EXPORT / "users.json"), str(EXPORT)}


@pytest.mark.parametrize("top", [None, "Järvilaakso Slack export Mar 14 2024 - Apr 10 2024"])
def test_zip_reads_like_the_folder(tmp_path, top):
    archive = zip_folder(EXPORT, tmp_path / "export.zip", top=top)
    assert sniff_slack(archive)
    assert detect_format(archive) == "slack"
    folder, zipped = read(EXPORT), read(archive)
    assert zipped.counts() == folder.counts()
    assert ties_of(zipped) == ties_of(folder)
    left = {r: c for _f, r, c in read_validated(archive).left_out}
    assert left["slack_other_file"] == 1 and left["slack_bot_user"] == 2


def test_folder_with_the_export_inside_a_top_level_folder(tmp_path):
    shutil.copytree(EXPORT, tmp_path / "outer" / "Järvilaakso export")
    assert sniff_slack(tmp_path / "outer")
    assert read(tmp_path / "outer").counts()["ties"] == 17


def test_sniffer_leaves_other_formats_alone(small_xlsx, small_folder, tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("from,to\nÅsa,Äijä\n", encoding="utf-8")
    for path in (small_xlsx, small_folder, edges, tmp_path / "missing.zip"):
        assert not sniff_slack(path)
    assert detect_format(small_xlsx) == "workbook"
    assert detect_format(small_folder) == "csv"
    only_users = tmp_path / "half"
    only_users.mkdir()
    shutil.copy(EXPORT / "users.json", only_users / "users.json")
    assert not sniff_slack(only_users)


def test_a_repeated_user_id_is_one_actor(export):
    users = json.loads((export / "users.json").read_text(encoding="utf-8"))
    users.append(dict(users[0], real_name="Åsa Ek (vanha)"))
    (export / "users.json").write_text(json.dumps(users, indent=4), encoding="utf-8")
    result = read_validated(export)
    assert result.data.actors.set_index("actor_id").loc[U1, "name"] == "Åsa Ek"
    assert ("slack_duplicate_user", 1) in [(r, c) for _f, r, c in result.left_out]


def test_reading_twice_into_a_store_adds_nothing_the_second_time(tmp_path):
    store = Store(tmp_path / "verkosto.sqlite")
    first = import_files(store, EXPORT)
    assert first.new["ties"] == 17
    second = import_files(store, EXPORT)
    assert sum(second.new.values()) == 0 and second.skipped["ties"] == 17


# --------------------------------------------------------------------------- errors


def test_mention_of_an_unknown_user_names_day_file_message_and_field(export):
    day = export / "yleinen" / "2024-03-15.json"
    text = day.read_text(encoding="utf-8").replace("Hej <@U01AAAA03>", "Hej <@U0NOBODY1|pekka>")
    day.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(export, lenient=False)
    (problem,) = info.value.problems
    assert problem.file == str(day)
    assert problem.row == line_of(text, "Hej <@U0NOBODY1")
    assert problem.column == "text" and problem.value == "U0NOBODY1"
    message = problem.render("en")
    assert "2024-03-15.json" in message and "1710492000.000500" in message
    assert "message 5" in message and "users.json" in message
    assert "viestissä 5" in problem.render("fi")


def test_unknown_reactor_and_author_are_named_with_their_field(export):
    day = export / "kiertotalous" / "2024-04-02.json"
    messages = json.loads(day.read_text(encoding="utf-8"))
    messages[0]["reactions"][0]["users"].append("U0NOBODY2")
    messages[2]["user"] = "U0NOBODY3"
    day.write_text(json.dumps(messages, indent=4, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(export, lenient=False)
    found = {(p.column, p.value) for p in info.value.problems}
    assert found == {("reactions", "U0NOBODY2"), ("user", "U0NOBODY3")}


def test_broken_json_names_file_and_line(export):
    day = export / "yleinen" / "2024-03-14.json"
    text = day.read_text(encoding="utf-8")
    broken = text.replace('"ts": "1710411000.000200",', '"ts": "1710411000.000200"', 1)
    day.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(export, lenient=False)
    (problem,) = info.value.problems
    assert problem.code == "slack_json" and problem.file == str(day)
    # the parser stumbles on the line after the missing comma
    assert problem.row == text.count("\n", 0, text.index('"ts": "1710411000.000200",')) + 2
    assert "2024-03-14.json" in problem.render("en")


def test_malformed_message_names_the_field(export):
    day = export / "ohjausryhmä" / "2024-04-10.json"
    messages = json.loads(day.read_text(encoding="utf-8"))
    messages[1]["ts"] = "eilen"
    messages[0]["reactions"] = "thumbsup"
    text = json.dumps(messages, indent=4, ensure_ascii=False)
    day.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(export, lenient=False)
    by_column = {p.column: p for p in info.value.problems}
    assert set(by_column) == {"ts", "reactions"}
    assert by_column["ts"].row == line_of(text, '"eilen"')
    assert by_column["reactions"].row == 2
    assert "eilen" in by_column["ts"].render("en")


def test_not_an_export(tmp_path):
    folder = tmp_path / "users-only"
    folder.mkdir()
    (folder / "users.json").write_text("[]", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(folder, format="slack", lenient=False)
    assert info.value.problems[0].code == "slack_missing_file"
    (tmp_path / "notes.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError):
        read(tmp_path / "notes.zip", format="slack", lenient=False)


def test_failing_import_leaves_the_store_as_it_was(export, tmp_path, small_folder):
    store = Store(tmp_path / "verkosto.sqlite")
    import_files(store, small_folder)
    before_counts = store.counts()
    store.close()
    before = (tmp_path / "verkosto.sqlite").read_bytes()
    day = export / "yleinen" / "2024-03-14.json"
    day.write_text(day.read_text(encoding="utf-8").replace("<@U01AAAA02>", "<@U0NOBODY1>"),
                   encoding="utf-8")
    store = Store(tmp_path / "verkosto.sqlite")
    with pytest.raises(InputError):
        import_files(store, export, lenient=False)
    assert store.counts() == before_counts
    store.close()
    assert (tmp_path / "verkosto.sqlite").read_bytes() == before


def test_command_line_check_shows_counts_and_what_was_left_out(tmp_path):
    archive = zip_folder(EXPORT, tmp_path / "slack.zip")
    env_run = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(archive),
                              "--lang", "en"], capture_output=True, text=True, timeout=120)
    assert env_run.returncode == 0, env_run.stderr
    assert "ties: 17" in env_run.stdout
    assert "3 channel join or leave notice(s) left out" in env_run.stdout
    assert "2 bot message(s) left out" in env_run.stdout


# --------------------------------------------------------------------------- random input

_settings = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(max_size=12) | st.sampled_from(["U01AAAA01", "U0NOBODY1", "1710410400.000100",
                                             "channel_join", "bot_message", "<@U01AAAA02>"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "subtype", "user", "text", "ts", "thread_ts", "parent_user_id",
                         "reactions", "users", "bot_id", "user_profile", "name", "id"]),
        inner, max_size=6),
    max_leaves=20)


def _only_input_errors(path: Path) -> None:
    try:
        read_slack_raw(path)
    except InputError:
        pass
    sniff_slack(path)  # never raises


@_settings
@given(messages=st.lists(_json, max_size=6))
@example(messages=[{"ts": False, "subtype": []}])  # found in a full run: a list as subtype
def test_random_messages_raise_only_input_errors(tmp_path, messages):
    root = tmp_path / "random"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXPORT, root)
    (root / "yleinen" / "2024-03-14.json").write_text(json.dumps(messages), encoding="utf-8")
    _only_input_errors(root)


@_settings
@given(users=_json, channels=_json)
def test_random_user_and_channel_lists_raise_only_input_errors(tmp_path, users, channels):
    root = tmp_path / "random"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXPORT, root)
    (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
    (root / "channels.json").write_text(json.dumps(channels), encoding="utf-8")
    _only_input_errors(root)


@_settings
@given(data=st.data())
def test_truncated_day_files_raise_only_input_errors(tmp_path, data):
    root = tmp_path / "cut"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXPORT, root)
    files = sorted(p for p in root.rglob("*.json") if p.name != "integration_logs.json")
    victim = data.draw(st.sampled_from(files))
    raw = victim.read_bytes().rstrip()  # any cut before the closing bracket breaks it
    victim.write_bytes(raw[: data.draw(st.integers(0, len(raw) - 1))])
    with pytest.raises(InputError):
        read_slack_raw(root)


@pytest.fixture(scope="module")
def export_zip(tmp_path_factory) -> bytes:
    return zip_folder(EXPORT, tmp_path_factory.mktemp("z") / "e.zip").read_bytes()


@_settings
@given(data=st.data())
def test_truncated_and_damaged_zips_raise_only_input_errors(tmp_path, export_zip, data):
    cut = data.draw(st.integers(0, len(export_zip) - 1))
    damaged = bytearray(export_zip[:cut] if data.draw(st.booleans()) else export_zip)
    for _ in range(data.draw(st.integers(0, 4))):
        if damaged:
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(damaged))
    _only_input_errors(path)


@_settings
@given(blob=st.binary(max_size=400))
def test_random_bytes_raise_only_input_errors(tmp_path, blob):
    path = tmp_path / "random.zip"
    path.write_bytes(blob)
    _only_input_errors(path)
    root = tmp_path / "bytes"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXPORT, root)
    (root / "kiertotalous" / "2024-04-02.json").write_bytes(blob)
    _only_input_errors(root)


def test_deeply_nested_json_is_an_input_error(export):
    (export / "yleinen" / "2024-03-15.json").write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(InputError):
        read_slack_raw(export)


def test_doctest_style_minimal_zip_in_memory(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("users.json", json.dumps([{"id": "U1", "real_name": "Åsa Ek"},
                                              {"id": "U2", "profile": {"display_name": "Äijä"}}]))
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "yleinen", "members": ["U1"]}]))
        zf.writestr("yleinen/2024-03-14.json", json.dumps(
            [{"type": "message", "user": "U2", "text": "<@U1>", "ts": "1710410400.000100"}]))
    path = tmp_path / "mini.zip"
    path.write_bytes(buffer.getvalue())
    data = read(path)
    assert data.actors.set_index("actor_id").loc["U2", "name"] == "Äijä"
    assert ties_of(data) == {("U2", "U1", "message", 1.0, "yleinen/2024-03-14")}
