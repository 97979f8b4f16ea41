"""Mapping (participants): who am I, whom do I know or have met, and how well.

Light on purpose: ipywidgets and the store only (no pandas, igraph or Bokeh), so that a
phone's page is ready quickly even when thirty open at once.

Before sending, a participant answers whether their name may be shown in the network
picture and in reports: an explicit yes or no, nothing chosen in advance (consent must be
freely given, specific and unambiguous).  Without an answer nothing is stored; a *no* is
stored with the rest of the answer, and the store then leaves the person out of
everything it shows (see :mod:`verkostolab.store`).
"""

from __future__ import annotations

import secrets

import ipywidgets as widgets

from ..tables.schema import VOCABULARIES
from .common import AppSettings, Texts, language_switch, report_error, status_html

__all__ = ["MappingModel", "MappingApp"]

RATINGS = ("knowing", "trust", "commitment")


class MappingModel:
    """The work behind the mapping page (no widgets)."""

    def __init__(self, store, owner: str | None = None):
        self.store = store
        #: this page's token: it owns the people it creates or first sends as
        self.owner = owner if owner is not None else secrets.token_urlsafe(18)

    def people(self) -> list[dict]:
        return self.store.actor_choices()

    def choices(self) -> list[tuple[str, str]]:
        """(label, actor id) for pick lists: "Name (Organisation)"."""
        out = []
        for p in self.people():
            label = p["name"] if not p.get("organisation") else f"{p['name']} ({p['organisation']})"
            out.append((label, p["actor_id"]))
        return out

    def organisations(self) -> list[str]:
        return self.store.organisation_names()

    def submit(self, me: dict, known: list[dict], consent: bool | None = None) -> dict:
        """Store one participant's answer.

        ``me``: either ``{"actor_id": …}`` or ``{"name", "organisation", "sector",
        "keywords"}``; ``known``: ``[{"target", "knowing", "trust", "commitment"}]``;
        ``consent``: may their name be shown (``None``: not asked).
        """
        from ..store import Submission, TieAnswer

        seen, ties = set(), []
        for row in known:
            if row["target"] in seen:
                continue
            seen.add(row["target"])
            ties.append(TieAnswer(row["target"], *(row.get(k) for k in RATINGS)))
        submission = Submission(name=me.get("name"), actor_id=me.get("actor_id"),
                                organisation=me.get("organisation"), sector=me.get("sector"),
                                keywords=me.get("keywords"), ties=ties, consent=consent,
                                owner=self.owner)
        return self.store.submit(submission)


class MappingApp:
    """The participant's page: three short steps on a phone-sized screen."""

    def __init__(self, settings: AppSettings | None = None):
        self.settings = settings or AppSettings()
        self.model = MappingModel(self.settings.store())
        self.texts = Texts(self.settings.lang)
        self.rows: list[dict] = []
        #: (label, actor id) of whoever sent from this page having answered *no*: hidden
        #: from everybody's pick lists, but still theirs to pick here.
        self._own: tuple[str, str] | None = None
        self._build()

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        tx = self.texts
        self.title = tx.bind(widgets.HTML(), "apps.mapping.title", "value", wrap="<h1>{}</h1>")
        self.intro = tx.bind(widgets.HTML(), "apps.mapping.intro", "value", wrap="<p>{}</p>")
        self.step1 = tx.bind(widgets.HTML(), "apps.mapping.step1", "value", wrap="<h2>{}</h2>")
        self.mode = widgets.ToggleButtons(options=[("", "listed"), ("", "new")], value="listed")
        self._relabel_mode()
        self.me = widgets.Dropdown(options=self._person_options(), value=None,
                                   layout=widgets.Layout(width="100%"))
        tx.bind(self.me, "apps.mapping.me")
        self.name = tx.bind(widgets.Text(layout=widgets.Layout(width="100%")), "apps.mapping.name")
        self.organisation = tx.bind(widgets.Combobox(options=self.model.organisations(),
                                                     ensure_option=False,
                                                     layout=widgets.Layout(width="100%")),
                                    "apps.mapping.organisation")
        self.sector = widgets.Dropdown(options=self._sector_options(), value=None,
                                       layout=widgets.Layout(width="100%"))
        tx.bind(self.sector, "apps.mapping.sector")
        self.keywords = tx.bind(widgets.Text(layout=widgets.Layout(width="100%")), "apps.mapping.keywords")
        tx.bind(self.keywords, "apps.mapping.keywords_hint", "placeholder")
        self.new_box = widgets.VBox([self.name, self.organisation, self.sector, self.keywords])
        self.listed_box = widgets.VBox([self.me])
        self.who = widgets.VBox([self.listed_box])
        self.mode.observe(self._on_mode, names="value")

        self.step2 = tx.bind(widgets.HTML(), "apps.mapping.step2", "value", wrap="<h2>{}</h2>")
        self.pick = widgets.Dropdown(options=self._person_options(), value=None,
                                     layout=widgets.Layout(width="100%"))
        tx.bind(self.pick, "apps.mapping.pick")
        self.add = tx.bind(widgets.Button(button_style="info", icon="plus"), "apps.mapping.add")
        self.add.add_class("vl-add")
        self.add.on_click(lambda _: self.add_person(self.pick.value))
        self.rows_box = widgets.VBox([])
        self.scale = tx.bind(widgets.HTML(), "apps.mapping.scale", "value", wrap="<p><small>{}</small></p>")

        self.consent_question = tx.bind(widgets.HTML(), "consent.question", "value", wrap="<h2>{}</h2>")
        self.consent_explain = tx.bind(widgets.HTML(), "consent.explain", "value",
                                       wrap="<p><small>{}</small></p>")
        self.consent = widgets.ToggleButtons(options=[("", True), ("", False)], value=None,
                                             style={"button_width": "7em"},
                                             layout=widgets.Layout(max_width="100%"))
        self._relabel_consent()
        self.consent_box = widgets.VBox([self.consent_question, self.consent_explain, self.consent],
                                        layout=widgets.Layout(width="100%"))
        self.consent_box.add_class("vl-consent")

        self.send = tx.bind(widgets.Button(button_style="success", icon="check",
                                           layout=widgets.Layout(width="100%", height="3em")),
                            "apps.mapping.submit")
        self.send.add_class("vl-submit")
        self.send.on_click(lambda _: self.submit_form())
        self.status = widgets.HTML()
        self.status.add_class("vl-status-box")
        self.switch = language_switch(self.texts.lang, self.set_lang)
        self.widget = widgets.VBox([self.switch, self.title, self.intro, self.step1, self.mode, self.who,
                                    self.step2, self.pick, self.add, self.scale, self.rows_box,
                                    self.consent_box, self.send, self.status],
                                   layout=widgets.Layout(max_width="760px", width="100%"))
        self.widget.add_class("vl-app")
        self.widget.add_class("vl-mapping")

    def _relabel_mode(self) -> None:
        self.mode.options = [(self.texts("apps.mapping.listed"), "listed"),
                             (self.texts("apps.mapping.new"), "new")]

    def _relabel_consent(self) -> None:
        value = self.consent.value  # relabelling must never choose an answer for them
        self.consent.options = [(self.texts("consent.yes"), True), (self.texts("consent.no"), False)]
        self.consent.value = value

    def _person_options(self):
        return [(label, actor_id) for label, actor_id in self.model.choices()]

    def _sector_options(self):
        return [(self.texts(f"sector.{code}"), code) for code in VOCABULARIES["sector"]]

    def _on_mode(self, change) -> None:
        self.who.children = [self.listed_box if change["new"] == "listed" else self.new_box]

    def set_lang(self, lang: str) -> None:
        value = self.mode.value
        self.texts.set_lang(lang)
        self._relabel_mode()
        self.mode.value = value
        sector = self.sector.value
        self.sector.options = self._sector_options()
        self.sector.value = sector
        self._relabel_consent()
        for row in self.rows:
            for key in RATINGS:
                row[key].description = self.texts(f"column.{key}")
            row["remove"].description = self.texts("apps.mapping.remove")

    # -- actions (callbacks only call these) --------------------------------------------
    def refresh_people(self) -> None:
        """Reload the pick lists (someone may have added themselves)."""
        options = self._person_options()
        me, pick = self.me.value, self.pick.value
        ids = {o[1] for o in options}
        mine = options
        if self._own is not None and self._own[1] not in ids:
            mine = options + [self._own]
        self.me.options = mine
        self.pick.options = options
        self.me.value = me if me in {o[1] for o in mine} else None
        self.pick.value = pick if pick in ids else None

    def add_person(self, actor_id) -> None:
        if not actor_id or any(r["target"] == actor_id for r in self.rows):
            return
        label = next((lab for lab, aid in self.pick.options if aid == actor_id), actor_id)
        row = {"target": actor_id, "label": widgets.HTML(f"<b>{_escape(label)}</b>")}
        for key in RATINGS:
            # 1-5 with nothing chosen: an untouched rating is "not answered", never a 3
            choice = widgets.ToggleButtons(options=[(str(v), v) for v in range(1, 6)], value=None,
                                           description=self.texts(f"column.{key}"),
                                           style={"description_width": "9em", "button_width": "2.8em"},
                                           layout=widgets.Layout(width="100%"))
            choice.add_class(f"vl-{key}")
            row[key] = choice
        row["remove"] = widgets.Button(description=self.texts("apps.mapping.remove"), icon="times")
        row["remove"].on_click(lambda _, a=actor_id: self.remove_person(a))
        row["box"] = widgets.VBox([row["label"], row["knowing"], row["trust"], row["commitment"],
                                   row["remove"]])
        row["box"].add_class("vl-known-row")
        self.rows.append(row)
        self.rows_box.children = [r["box"] for r in self.rows]
        self.pick.value = None

    def remove_person(self, actor_id) -> None:
        self.rows = [r for r in self.rows if r["target"] != actor_id]
        self.rows_box.children = [r["box"] for r in self.rows]

    def form(self) -> tuple[dict, list[dict]]:
        if self.mode.value == "listed":
            me = {"actor_id": self.me.value}
        else:
            me = {"name": self.name.value, "organisation": self.organisation.value or None,
                  "sector": self.sector.value, "keywords": self.keywords.value or None}
        known = [{"target": r["target"], **{k: r[k].value for k in RATINGS}} for r in self.rows]
        return me, known

    def submit_form(self) -> dict | None:
        me, known = self.form()
        if self.mode.value == "listed" and not me["actor_id"]:
            self.status.value = status_html(self.texts("apps.mapping.pick_yourself"), "error")
            return None
        if any(r["target"] == me.get("actor_id") for r in known):
            self.status.value = status_html(self.texts("apps.mapping.not_yourself"), "error")
            return None
        consent = self.consent.value
        if consent is None:  # no answer is no consent: nothing is stored, the form stays
            self.status.value = status_html(self.texts("consent.choose"), "error")
            return None
        self.send.disabled = True
        try:
            result = self.model.submit(me, known, consent=consent)
        except Exception as exc:  # shown in the participant's language, logged in full
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        finally:
            self.send.disabled = False
        if consent:
            self._own = None
            message = self.texts("apps.mapping.thanks", ties=result["ties"])
        else:
            self._own = (self._own_label(me, result["actor_id"]), result["actor_id"])
            message = self.texts("consent.thanks_hidden", ties=result["ties"])
        self.status.value = status_html(message, "ok")
        self.rows = []
        self.rows_box.children = []
        self.refresh_people()
        if self.mode.value == "new":  # from now on they are on the list
            self.mode.value = "listed"
            self.me.value = result["actor_id"]
            self.name.value = self.keywords.value = ""
        return result


    def _own_label(self, me: dict, actor_id: str) -> str:
        label = next((lab for lab, aid in self.me.options if aid == actor_id), None)
        if label is None:
            name, org = (me.get("name") or "").strip(), (me.get("organisation") or "").strip()
            label = f"{name} ({org})" if org else name
        return label


def _escape(text: str) -> str:
    import html

    return html.escape(str(text))
