"""The designed report: a title block, contents, key figures as tiles with their change,
tips as cards, tables without index artefacts, charts in the sector palette, numbers as
the language writes them; on screen nothing overflows its box (desktop and phone), and
printed on A4 no chart, tile or card is cut between pages.

The pieces are tested as functions of :mod:`verkostolab.notebook`; the whole report is
rendered once per language and opened in Chromium (screenshots are kept in the test's
temporary folder).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from verkostolab.notebook import (REPORT_SECTIONS, contents, key_figure_tiles, key_figures, section,
                                  table, tip_cards)
from verkostolab.report import run_report

LANGS = ["fi", "sv", "en"]
#: A4 with the report's @page margins (14 mm top, 16 mm bottom, 12 mm each side), in CSS px.
MM = 96 / 25.4
PRINT_WIDTH = round((210 - 24) * MM)
PRINT_HEIGHT = (297 - 30) * MM
HOSTILE = "<img src=x onerror=alert(1)>"


# --------------------------------------------------------------------------- pieces


def test_a_table_has_no_index_artefacts_escapes_and_right_aligns_numbers():
    plain = table(pd.DataFrame({"nimi": [HOSTILE, "Päivi"], "aste": ["3", "12"],
                                "osuus": ["0,347", "95 %"]}), "fi").data
    assert "<th></th>" not in plain and ">0</td>" not in plain  # no 0, 1, 2… column
    assert [h for h in re.findall(r"<th>(.*?)</th>", plain)] == ["nimi", "aste", "osuus"]
    assert HOSTILE not in plain and "&lt;img src=x onerror=alert(1)&gt;" in plain
    assert plain.count('<td class="vl-num">') == 4  # "3", "12", "0,347", "95 %"
    named = table(pd.DataFrame({"arvo": [1.5]}, index=pd.Index(["tiheys"], name="mittari")), "sv").data
    assert re.findall(r"<th>(.*?)</th>", named) == ["mittari", "arvo"]  # the index is a column
    assert ">1,50<" in named  # a float as Swedish writes it


def test_contents_link_to_the_sections():
    nav = contents("en", omit=("assessment",)).data
    links = re.findall(r'href="#(vl-[a-z]+)"', nav)
    assert links == [f"vl-{a}" for a, _ in REPORT_SECTIONS if a != "assessment"]
    assert 'id="vl-tips"' in section("tips", "en").data
    assert "Tips for strengthening the network" in section("tips", "en").data


@pytest.fixture(scope="module")
def sample_analysis():
    import verkostolab as vl

    data = vl.load(None)
    analysis = vl.analyse(data)
    change = vl.compare_periods(data)
    return data, analysis, change


def test_key_figures_with_their_change_in_the_languages_numbers(sample_analysis):
    data, analysis, change = sample_analysis
    figures = {f["key"]: f for f in key_figures(data, analysis, change, "fi")}
    assert list(figures) == ["people", "organisations", "ties", "cross_sector_share", "stage", "response_rate"]
    assert figures["people"]["value"] == str(analysis.summary.to_dict()["nodes"])
    people = int(change.summary.loc["nodes", "change"])
    assert figures["people"]["delta"] == f"{people:+d}".replace("+0", "±0")
    assert figures["people"]["between"] == (change.before_label, change.after_label)
    share = analysis.summary.to_dict()["cross_sector_share"]
    assert figures["cross_sector_share"]["value"] == f"{round(share * 100)} %"
    assert re.fullmatch(r"[+−-]\d+,\d %-yksikköä", figures["cross_sector_share"]["delta"])
    assert figures["stage"]["value"] == analysis.stage.label("fi")
    # the response rate of the latest round, against the round before it
    assert figures["response_rate"]["value"] == "60 %"  # 36 of 60 answered in 2025-kevät
    assert figures["response_rate"]["between"] == ("2024-syksy", "2025-kevät")  # 42/60 -> 36/60
    assert figures["response_rate"]["delta"] == "-10,0 %-yksikköä" and figures["response_rate"]["direction"] == "down"
    en = {f["key"]: f for f in key_figures(data, analysis, change, "en")}
    assert en["response_rate"]["value"] == "60%" and en["response_rate"]["delta"] == "-10.0 percentage points"
    tiles = key_figure_tiles(data, analysis, change, "sv").data
    assert tiles.count('class="vl-tile ') == 6 and "Svarsfrekvens" in tiles
    assert "jämförelse 2024-syksy → 2025-kevät" in tiles


def test_title_block_and_tiles_of_a_network_without_assessments_escape_its_names(tmp_path, small_tables):
    import verkostolab as vl
    from support.files import write_csv_folder
    from verkostolab.notebook import title_block

    small_tables["tapahtumat"][1][3] = HOSTILE  # a network's name
    folder = write_csv_folder(tmp_path / "verkosto", small_tables)
    data = vl.load(str(folder))
    block = title_block(data, "en", period="2024-03:2024-05").data
    assert HOSTILE not in block and "&lt;img src=x onerror=alert(1)&gt;" in block
    assert "2024-03 – 2024-05" in block and "Networks" in block and "Data source" in block
    analysis = vl.analyse(data)
    figures = {f["key"]: f for f in key_figures(data, analysis, None, "fi")}
    assert figures["people"]["value"] == "3" and figures["organisations"]["value"] == "3"
    # no assessments and no second period: a dash, and no change made up
    assert figures["response_rate"]["value"] == "–"
    assert all(f["delta"] is None and f["between"] is None for f in figures.values())
    assert "vl-delta" not in key_figure_tiles(data, analysis, None, "fi").data


def test_tips_are_cards_with_why_what_to_do_and_evidence_folded(sample_analysis):
    from verkostolab.advice import tips

    _, analysis, _ = sample_analysis
    found = tips(analysis)
    cards = tip_cards(found, "fi").data
    assert cards.count("<article") == len(found) > 3
    first = cards.split("<article")[1]
    assert found[0].title("fi") in first.replace("&#x27;", "'")
    assert "<b>Miksi:</b>" in first and "<b>Mitä tehdä:</b>" in first
    assert re.search(r"<details class=\"vl-evidence\"><summary>Perusteet</summary><ul><li>", first)
    assert "<details open" not in cards  # folded until asked for


def test_knowing_trust_commitment_bars_use_the_sector_palette():
    from verkostolab.viz import ktc_chart
    from verkostolab.viz.style import SECTOR_COLOURS

    scores = pd.DataFrame({"item": ["trust.goodwill"] * 3, "group": ["all", "public", "research"],
                           "mean": [3.5, 3.2, 3.9], "n": [30, 10, 8]})
    fig = ktc_chart(scores, lang="en")
    colours = {r.name: r.glyph.fill_color for r in fig.renderers}
    assert colours["ktc_public"] == SECTOR_COLOURS["public"]
    assert colours["ktc_research"] == SECTOR_COLOURS["research"]
    assert colours["ktc_all"] not in SECTOR_COLOURS.values()


# --------------------------------------------------------------------------- in Chromium

#: Every element of the report lies inside its parent's box and no box holds more than
#: it shows (the lab template wraps each output in a box that would silently scroll or
#: clip).  Only the report's own sideways-scrolling boxes (a wide table, a chart on a
#: phone) may scroll, and only when ``phone`` is true; they themselves must fit.
OVERFLOW_JS = """(phone) => {
  const bad = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) bad.push('page ' + root.scrollWidth + ' > ' + root.clientWidth);
  const own = el => el.matches('.vl-table-wrap, table.dataframe') ||
                    (el.matches('.jp-OutputArea-output') && !!el.querySelector('[data-root-id]'));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.querySelectorAll('main *')) {
    if (el.closest('script, style, svg')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.display === 'contents') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const scroller = el.parentElement && el.parentElement.closest('.vl-table-wrap, table.dataframe, .jp-OutputArea-output');
    if (phone && scroller && own(scroller)) continue;  // scrolls inside the report's own box
    let parent = el.parentElement;
    while (parent && getComputedStyle(parent).display === 'contents') parent = parent.parentElement;
    const p = parent.getBoundingClientRect();
    if (r.left < p.left - 1 || r.right > p.right + 1)
      bad.push(name(el) + ' [' + Math.round(r.left) + ',' + Math.round(r.right) + '] outside ' +
               name(parent) + ' [' + Math.round(p.left) + ',' + Math.round(p.right) + ']');
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !(phone && own(el)))
      bad.push(name(el) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth);
  }
  return bad;
}"""


#: The blocks that must stay whole on a printed page, with their computed style and box.
BLOCKS_JS = """() => {
  const blocks = [];
  const add = (kind, el) => {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    blocks.push({kind, breakInside: cs.breakInside, height: r.height, width: r.width,
                 text: (el.innerText || '').slice(0, 40)});
  };
  document.querySelectorAll('.jp-OutputArea-output').forEach(el => {
    if (el.querySelector('[data-root-id]')) add('chart', el);
  });
  document.querySelectorAll('.vl-tile').forEach(el => add('tile', el));
  document.querySelectorAll('.vl-tiles').forEach(el => add('tiles', el));
  document.querySelectorAll('.vl-card').forEach(el => add('card', el));
  document.querySelectorAll('.vl-note').forEach(el => add('note', el));
  document.querySelectorAll('.vl-table tr').forEach(el => add('row', el));
  const headings = [...document.querySelectorAll('h2.vl-section')].map(h => getComputedStyle(h).breakAfter);
  const drawn = [...document.querySelectorAll('.jp-OutputArea-output')].filter(el => el.querySelector('[data-root-id]'))
    .map(el => el.getBoundingClientRect().height);
  return {blocks, headings, drawn};
}"""


@pytest.fixture(scope="module", params=LANGS)
def rendered(request, tmp_path_factory):
    lang = request.param
    folder = tmp_path_factory.mktemp(f"report-{lang}")
    out = run_report(None, out=folder / f"report-{lang}.html", parameters={"lang": lang}, progress=False)
    return lang, out, folder


def _wait_for_charts(page):
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length >= 4", timeout=60_000)
    page.locator(".bk-Canvas canvas").first.wait_for(state="attached", timeout=60_000)
    page.wait_for_timeout(1000)


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_report_on_screen_nothing_overflows(rendered, width):
    from support.browser import ink_share, offline_page

    lang, out, folder = rendered
    with offline_page(width=width, height=900) as (page, blocked):
        page.goto(out.as_uri())
        _wait_for_charts(page)
        overflow = page.evaluate(OVERFLOW_JS, width < 600)
        shot = page.screenshot(full_page=True)
        (folder / f"report-{lang}-{width}.png").write_bytes(shot)
        top = page.screenshot(full_page=False)
        seen = page.evaluate("""() => ({
            title: document.querySelector('.vl-title-block h1').innerText,
            tiles: document.querySelectorAll('.vl-tile').length,
            links: [...document.querySelectorAll('.vl-contents a')].map(a => a.getAttribute('href')),
            targets: [...document.querySelectorAll('.vl-contents a')]
                       .filter(a => document.querySelector(a.getAttribute('href'))).length,
            cards: document.querySelectorAll('.vl-tip').length,
            folded: document.querySelectorAll('.vl-tip details:not([open])').length,
            indexHeads: [...document.querySelectorAll('.vl-table th')].filter(th => !th.innerText.trim()).length})""")
    assert blocked == []
    assert overflow == [], overflow[:10]
    assert ink_share(top) > 0.03
    assert seen["tiles"] == 6 and len(seen["links"]) == seen["targets"] == len(REPORT_SECTIONS)
    assert seen["cards"] > 3 and seen["folded"] == seen["cards"]
    assert seen["indexHeads"] == 0
    title = {"fi": "Verkostoraportti: Järvilaakso (kuvitteellinen esimerkkiverkosto)",
             "sv": "Nätverksrapport: Järvilaakso (fiktivt exempelnätverk)",
             "en": "Network report: Järvilaakso (fictional sample network)"}[lang]
    assert seen["title"] == title


def test_report_prints_on_a4_without_cutting_a_chart(rendered):
    from support.browser import offline_page

    lang, out, folder = rendered
    with offline_page(width=PRINT_WIDTH, height=1100) as (page, blocked):
        page.emulate_media(media="print")
        page.goto(out.as_uri())
        _wait_for_charts(page)
        found = page.evaluate(BLOCKS_JS)
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (folder / f"report-{lang}.pdf").write_bytes(pdf)
    blocks = found["blocks"]
    kinds = {k: sum(b["kind"] == k for b in blocks) for k in ("chart", "tile", "card", "note", "row")}
    assert kinds["chart"] == 4 and kinds["tile"] == 6 and kinds["card"] > 5 and kinds["row"] > 20, kinds
    for block in blocks:
        assert block["breakInside"] == "avoid", block
        assert block["height"] < PRINT_HEIGHT, block  # fits on one printed page
        assert block["width"] <= PRINT_WIDTH + 1, block
    assert all(h > 200 for h in found["drawn"]), found["drawn"]  # the charts are drawn, not collapsed
    assert found["headings"] and set(found["headings"]) == {"avoid"}  # a heading stays with its section
    assert pdf.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(sizes) >= 4  # several pages
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}  # A4 in points
