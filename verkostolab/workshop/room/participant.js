/* The participant's phone page of the workshop room (verkostolab/workshop/room).
 *
 * Plain JavaScript over the room's JSON API (api/room/texts, state, join, send, undo,
 * answers).  The page identifies itself with a random token kept in localStorage
 * ("vl-room-token", header X-VL-Token); what is typed is kept in localStorage
 * ("vl-room-draft") until it is sent, so a reload loses nothing.  Every text comes from
 * the catalogue (GET api/room/texts); the language is kept in "vl-room-lang".
 */
(function () {
  "use strict";

  var TOKEN_KEY = "vl-room-token";
  var LANG_KEY = "vl-room-lang";
  var DRAFT_KEY = "vl-room-draft";
  var POLL_MS = 2000;
  var HIDDEN_POLL_MS = 8000;   // a phone in a pocket asks less often; shown again, it asks at once
  var TIMEOUT_MS = 10000;
  var DIMENSIONS = ["knowing", "trust", "commitment"];
  var MAX_ROWS = 6;

  // ---------------------------------------------------------------- storage
  var memory = {};
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }
  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { delete memory[key]; }
  }

  function makeToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var token = load(TOKEN_KEY);
  if (!token || token.length < 16) { token = makeToken(); save(TOKEN_KEY, token); }

  function emptyDraft() {
    return { run_id: null, join: { name: "", organisation: "", sector: null, email: "" },
             search: "", ties: [], consent: null, editing: false, sent: null,
             answers: {}, evalEditing: false };
  }
  var draft = (function () {
    var d = emptyDraft();
    try {
      var stored = JSON.parse(load(DRAFT_KEY) || "null");
      if (stored && typeof stored === "object") {
        Object.keys(d).forEach(function (k) { if (k in stored) { d[k] = stored[k]; } });
      }
    } catch (e) { /* a broken draft is dropped */ }
    if (!Array.isArray(d.ties)) { d.ties = []; }
    if (!d.join || typeof d.join !== "object") { d.join = emptyDraft().join; }
    if (!d.answers || typeof d.answers !== "object") { d.answers = {}; }
    return d;
  })();
  function keepDraft() { save(DRAFT_KEY, JSON.stringify(draft)); }

  // ---------------------------------------------------------------- state
  var LANGS = ["fi", "sv", "en"];
  var lang = load(LANG_KEY);
  if (LANGS.indexOf(lang) < 0) { lang = null; }   // none chosen yet: the workshop's language
  var texts = null;
  var state = null;
  var peopleVersion = null;
  var notice = null;           // {key, params} shown above the mapping form
  var candidates = null;       // [{actor_id, label}] after "is_this_you"
  var lastSent = null;         // {ties, consent} just sent (thanks text)
  var busy = false;
  var pollTimer = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function tr(key, params) {
    var text = texts && Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : "";
    if (params) {
      text = text.replace(/\{(\w+)\}/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m;
      });
    }
    return text;
  }

  /** Folded for matching: lower case, no accents, single spaces. */
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  /** Items of `list` whose label matches `query` (words in any order), best first. */
  function matching(list, query, labelOf) {
    var words = fold(query).split(" ").filter(Boolean);
    if (!words.length) { return []; }
    var scored = [];
    list.forEach(function (item) {
      var label = fold(labelOf(item));
      var parts = label.split(/[\s()\-,.]+/);
      var ok = words.every(function (w) { return label.indexOf(w) >= 0; });
      if (!ok) { return; }
      var score = 0;
      words.forEach(function (w) {
        if (parts.some(function (p) { return p.indexOf(w) === 0; })) { score += 1; }
      });
      if (label.indexOf(words[0]) === 0) { score += 2; }
      scored.push({ item: item, score: score, label: label });
    });
    scored.sort(function (a, b) { return b.score - a.score || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0); });
    return scored.map(function (s) { return s.item; });
  }

  // ---------------------------------------------------------------- API
  function NetError(message) { this.message = message; }

  function api(method, path, body) {
    var url = "api/room/" + path + (lang ? "?lang=" + encodeURIComponent(lang) : "");
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var options = { method: method, headers: { "X-VL-Token": token, "Accept": "application/json" },
                    cache: "no-store", credentials: "same-origin" };
    if (controller) { options.signal = controller.signal; }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json; charset=utf-8";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (timer) { clearTimeout(timer); }
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (response.ok && data !== null) { return data; }
        var error = data && data.error ? data.error : { message: tr("room.phone.error.server"), field: null };
        throw { api: true, status: response.status, message: error.message || tr("room.phone.error.server"),
                field: error.field || null };
      });
    }, function () {
      if (timer) { clearTimeout(timer); }
      throw new NetError("network");
    });
  }

  // ---------------------------------------------------------------- errors
  function clearErrors(scope) {
    var nodes = document.querySelectorAll('[data-err^="' + scope + '"]');
    Array.prototype.forEach.call(nodes, function (n) { n.hidden = true; n.textContent = ""; });
    Array.prototype.forEach.call(document.querySelectorAll("[aria-invalid]"), function (n) {
      n.removeAttribute("aria-invalid");
    });
  }

  var FIELD_INPUTS = { "join.name": "join-name", "join.organisation": "join-org", "join.email": "join-email",
                       "send.consent": "consent-box", "send.ties": "map-search" };

  /** Show `message` next to `scope.field` (or at the scope when the field is not on the page). */
  function showError(scope, field, message, retry) {
    var target = field ? document.querySelector('[data-err="' + scope + "." + field + '"]') : null;
    if (!target) { target = document.querySelector('[data-err="' + scope + '"]'); }
    if (!target) { return; }
    target.textContent = message;
    if (retry) {
      var button = el("button", "vl-secondary vl-retry", tr("room.phone.net.retry"));
      button.type = "button";
      button.addEventListener("click", function () { target.hidden = true; retry(); });
      target.appendChild(document.createTextNode(" "));
      target.appendChild(button);
    }
    target.hidden = false;
    var input = field ? $(FIELD_INPUTS[scope + "." + field]) : null;
    if (input) { input.setAttribute("aria-invalid", "true"); }
    var box = target.closest(".vl-field") || target;
    box.scrollIntoView({ block: "center", behavior: "auto" });
  }

  function failed(scope, err, retry, defaultField) {
    if (err instanceof NetError) {
      showError(scope, null, tr("room.phone.net.failed"), retry);
      return;
    }
    showError(scope, err.field || defaultField || null, err.message);
  }

  // ---------------------------------------------------------------- texts
  function applyTexts() {
    document.documentElement.lang = lang || "fi";
    document.title = tr("room.phone.title") || "verkostolab";
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) {
      node.textContent = tr(node.getAttribute("data-t"));
    });
    // the consent question is numbered in the catalogue for the Voilà app; here it stands alone
    $("consent-question").textContent = tr("consent.question").replace(/^\s*\d+\.\s*/, "");
    Array.prototype.forEach.call(document.querySelectorAll(".vl-lang button"), function (b) {
      var on = b.getAttribute("data-lang") === lang;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function loadTexts() {
    return api("GET", "texts").then(function (data) {
      texts = data.texts || {};
      lang = LANGS.indexOf(data.lang) >= 0 ? data.lang : (lang || "fi");
      applyTexts();
    });
  }

  function setLang(code) {
    if (code === lang && texts) { return; }
    save(LANG_KEY, code);
    var previous = lang;
    lang = code;
    loadTexts().then(function () {
      refresh().then(function () { render(true); });
    }, function () {
      lang = previous;
      $("net").hidden = false;
    });
  }

  // ---------------------------------------------------------------- polling
  function refresh() {
    return api("GET", "state").then(function (data) {
      data._received = Date.now();   // server_time is compared with this (the warm-up clock)
      state = data;
      $("net").hidden = true;
      if (draft.run_id !== state.run_id) {
        // a new workshop run: what was typed for another run does not belong here
        if (draft.run_id !== null) {
          var join = draft.join;
          draft = emptyDraft();
          draft.join = join;
        }
        draft.run_id = state.run_id;
        keepDraft();
      }
      return data;
    }, function (err) {
      if (err instanceof NetError) { $("net").hidden = false; }
      throw err;
    });
  }

  function poll() {
    clearTimeout(pollTimer);
    refresh().then(function () { render(false); })
      .catch(function (err) { if (!(err instanceof NetError) && window.console) { console.error(err); } })
      .then(function () {
        clearTimeout(pollTimer);
        pollTimer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
      });
  }

  // ---------------------------------------------------------------- rendering
  var shownView = null;

  function show(ids) {
    ["v-loading", "v-join", "v-wait", "v-warmup", "v-map", "v-sent", "v-eval", "v-eval-done", "v-results"]
      .forEach(function (id) { $(id).hidden = ids.indexOf(id) < 0; });
  }

  function people() {
    if (!state || !Array.isArray(state.people)) { return []; }
    var mine = state.me ? state.me.actor_id : null;
    return state.people.filter(function (p) { return p.id !== mine; });
  }

  function labelOf(actorId) {
    var list = state && Array.isArray(state.people) ? state.people : [];
    for (var i = 0; i < list.length; i++) { if (list[i].id === actorId) { return list[i].label; } }
    return null;
  }

  function render(full) {
    if (!texts || !state) { return; }
    var me = state.me;
    $("me-bar").hidden = !me;
    if (me) { $("me-bar").textContent = tr("room.phone.me", { label: me.label || me.name || "" }); }
    var phase = state.phase;
    var view;
    if (!me) {
      view = "join";
    } else if (phase === "warmup") {
      view = "warmup";
    } else if (phase === "evaluation") {
      view = evaluated() && !draft.evalEditing ? "eval-done" : "eval";
    } else if (phase === "results") {
      view = "results";
    } else {
      // join and mapping: the mapping form (or what was sent)
      view = (state.sent || draft.sent === state.run_id) && !draft.editing ? "sent" : "map";
      if (phase !== "mapping") { view = "wait+" + view; }
    }
    var changed = view !== shownView;
    shownView = view;
    if (view === "join") {
      show(["v-join"]);
      if (changed || full) { renderJoin(); }
      renderJoinMatches();
      renderSectors();
    } else if (view === "warmup") {
      show(["v-warmup"]);
      renderWarmup();
    } else if (view === "eval") {
      show(["v-eval"]);
      if (changed || full) { renderStatements(); }
    } else if (view === "eval-done") {
      show(["v-eval-done"]);
      $("eval-thanks").textContent = tr("room.phone.eval.thanks");
    } else if (view === "results") {
      show(["v-results"]);
    } else {
      var ids = view.indexOf("wait+") === 0 ? ["v-wait"] : [];
      var sent = view.slice(view.indexOf("+") + 1) === "sent";
      ids.push(sent ? "v-sent" : "v-map");
      show(ids);
      $("wait-map").hidden = sent;
      if (sent) {
        renderSent();
      } else {
        if (changed || full) { renderMapForm(); }
        if (full || state.people_version !== peopleVersion) { renderResults(); }
      }
    }
    peopleVersion = state.people_version;
  }

  // ----- join
  function renderJoin() {
    $("join-name").value = draft.join.name || "";
    $("join-org").value = draft.join.organisation || "";
    $("join-email").value = draft.join.email || "";
    renderCandidates();
  }

  function renderJoinMatches() {
    var list = $("join-match-list");
    var query = $("join-name").value;
    var found = fold(query).length >= 2 && state ? matching(state.people || [], query, function (p) { return p.label; }) : [];
    found = found.slice(0, MAX_ROWS);
    var key = found.map(function (p) { return p.id + "\u0001" + p.label; }).join("\u0002") + "|" + lang;
    if (list.getAttribute("data-key") === key) { return; }
    list.setAttribute("data-key", key);
    list.textContent = "";
    found.forEach(function (p) {
      var li = el("li");
      var button = el("button", "vl-row vl-row-me");
      button.type = "button";
      button.appendChild(el("span", "vl-row-label", p.label));
      button.appendChild(el("span", "vl-row-action", tr("room.phone.join.this_is_me")));
      button.addEventListener("click", function () { join({ actor_id: p.id }); });
      li.appendChild(button);
      list.appendChild(li);
    });
    $("join-matches").hidden = found.length === 0;
  }

  function renderOrgSuggestions() {
    var list = $("join-org-list");
    var query = $("join-org").value;
    var orgs = state && Array.isArray(state.organisations) ? state.organisations : [];
    var found = fold(query).length >= 1 ? matching(orgs, query, function (o) { return o; }) : [];
    found = found.filter(function (o) { return fold(o) !== fold(query); }).slice(0, MAX_ROWS);
    list.textContent = "";
    found.forEach(function (name) {
      var li = el("li");
      var button = el("button", "vl-row", name);
      button.type = "button";
      button.addEventListener("click", function () {
        $("join-org").value = name;
        draft.join.organisation = name;
        keepDraft();
        list.hidden = true;
        list.textContent = "";
      });
      li.appendChild(button);
      list.appendChild(li);
    });
    list.hidden = found.length === 0;
  }

  function renderSectors() {
    var box = $("join-sector-list");
    var sectors = (state && Array.isArray(state.sectors) ? state.sectors : [])
      .filter(function (s) { return s.code !== "unknown"; });   // the same as not choosing
    var key = sectors.map(function (s) { return s.code + "\u0001" + s.label; }).join("\u0002") + "|" + draft.join.sector;
    if (box.getAttribute("data-key") === key) { return; }
    box.setAttribute("data-key", key);
    box.textContent = "";
    sectors.forEach(function (s) {
      var button = el("button", "vl-chip", s.label);
      button.type = "button";
      button.setAttribute("aria-pressed", draft.join.sector === s.code ? "true" : "false");
      button.addEventListener("click", function () {
        draft.join.sector = draft.join.sector === s.code ? null : s.code;
        keepDraft();
        renderSectors();
      });
      box.appendChild(button);
    });
  }

  function renderCandidates() {
    var panel = $("join-candidates");
    $("join-form").hidden = !!candidates;
    panel.hidden = !candidates;
    var list = $("join-candidate-list");
    list.textContent = "";
    (candidates || []).forEach(function (c) {
      var li = el("li");
      var button = el("button", "vl-row vl-row-me");
      button.type = "button";
      button.appendChild(el("span", "vl-row-label", c.label));
      button.appendChild(el("span", "vl-row-action", tr("room.phone.join.this_is_me")));
      button.addEventListener("click", function () { join({ confirm: c.actor_id }); });
      li.appendChild(button);
      list.appendChild(li);
    });
    if (candidates) { panel.scrollIntoView({ block: "start" }); }
  }

  function join(extra) {
    if (busy) { return; }
    clearErrors("join");
    clearErrors("candidates");
    var body = { name: draft.join.name.trim(), organisation: draft.join.organisation.trim() || null,
                 sector: draft.join.sector || null, email: draft.join.email.trim() || null,
                 confirm: null, actor_id: null };
    Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
    if (!body.actor_id && !body.name) {
      showError("join", "name", tr("room.phone.join.name_required"));
      $("join-name").focus();
      return;
    }
    var scope = candidates ? "candidates" : "join";
    busy = true;
    api("POST", "join", body).then(function (answer) {
      busy = false;
      if (answer.status === "is_this_you") {
        candidates = answer.candidates || [];
        renderCandidates();
        return;
      }
      candidates = null;
      draft.join = emptyDraft().join;
      keepDraft();
      return refresh().then(function () { render(true); window.scrollTo(0, 0); });
    }, function (err) {
      busy = false;
      if (candidates && !(err instanceof NetError)) {
        // e.g. that person joined on another phone: back to the form, next to the name
        candidates = null;
        renderCandidates();
        scope = "join";
      }
      failed(scope, err, function () { join(extra); }, "name");
    });
  }

  // ----- warm-up
  function renderWarmup() {
    var group = state.group;
    $("warmup-group").hidden = !group;
    $("warmup-wait").hidden = !!group;
    if (group) {
      $("warmup-round").textContent = tr("room.phone.warmup.round", { round: group.round });
      $("warmup-number").textContent = tr("room.phone.warmup.group", { number: group.number });
      var mates = Array.isArray(group.mates) ? group.mates : [];
      var list = $("warmup-mates");
      var key = mates.join("\u0001");
      if (list.getAttribute("data-key") !== key) {
        list.setAttribute("data-key", key);
        list.textContent = "";
        mates.forEach(function (m) { list.appendChild(el("li", null, m)); });
      }
      $("warmup-mates-title").hidden = mates.length === 0;
      $("warmup-alone").hidden = mates.length > 0;
    }
    renderTimer();
  }

  var clockTimer = null;
  function renderTimer() {
    clearTimeout(clockTimer);
    var box = $("warmup-timer");
    if (!state || state.phase !== "warmup" || !state.timer_end) { box.hidden = true; return; }
    // the server's clock, not the phone's: time left when the state came, minus time since
    var now = typeof state.server_time === "number" ? state.server_time * 1000
      : (state.server_time ? Date.parse(state.server_time) : state._received);
    var left = Math.max(0, Math.round((Date.parse(state.timer_end) - now - (Date.now() - state._received)) / 1000));
    if (isNaN(left) || left > 4 * 3600) { box.hidden = true; return; }
    box.hidden = false;
    $("warmup-clock").textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left > 0) { clockTimer = setTimeout(renderTimer, 1000); }
  }

  // ----- mapping
  function renderMapForm() {
    $("map-notice").hidden = !notice;
    $("map-notice").textContent = notice ? tr(notice.key, notice.params) : "";
    $("map-search").value = draft.search || "";
    $("map-cancel-edit").hidden = !(draft.editing && (state.sent || draft.sent === state.run_id));
    $("map-title").textContent = tr(draft.editing ? "room.phone.map.edit_title" : "room.phone.map.title");
    renderCards();
    renderConsent();
    renderResults();
  }

  function renderResults() {
    var list = $("map-results");
    var query = $("map-search").value;
    var chosen = {};
    draft.ties.forEach(function (t) { chosen[t.target] = true; });
    var pool = people().filter(function (p) { return !chosen[p.id]; });
    var found = fold(query).length >= 1 ? matching(pool, query, function (p) { return p.label; }) : [];
    var more = found.length > MAX_ROWS;
    found = found.slice(0, MAX_ROWS);
    var key = found.map(function (p) { return p.id + "\u0001" + p.label; }).join("\u0002") + "|" + lang + more;
    $("map-no-match").hidden = !(fold(query).length >= 2 && found.length === 0);
    if (list.getAttribute("data-key") === key) { return; }
    list.setAttribute("data-key", key);
    list.textContent = "";
    found.forEach(function (p) {
      var li = el("li");
      var button = el("button", "vl-row");
      button.type = "button";
      button.setAttribute("data-id", p.id);
      button.appendChild(el("span", "vl-row-label", p.label));
      button.appendChild(el("span", "vl-row-action vl-plus", "+"));
      button.addEventListener("click", function () { addTie(p); });
      li.appendChild(button);
      list.appendChild(li);
    });
    if (more) { list.appendChild(el("li", "vl-hint vl-more", tr("room.phone.map.more"))); }
    list.hidden = found.length === 0;
  }

  function addTie(person) {
    if (draft.ties.some(function (t) { return t.target === person.id; })) { return; }
    draft.ties.push({ target: person.id, label: person.label, knowing: null, trust: null, commitment: null });
    draft.search = "";
    keepDraft();
    notice = null;
    $("map-notice").hidden = true;
    clearErrors("send");
    $("map-search").value = "";
    renderResults();
    renderCards();
    // ready for the next name
    $("map-search").focus({ preventScroll: true });
  }

  function removeTie(target) {
    draft.ties = draft.ties.filter(function (t) { return t.target !== target; });
    keepDraft();
    renderCards();
    renderResults();
  }

  function renderCards() {
    var list = $("map-cards");
    list.textContent = "";
    $("map-scale").hidden = draft.ties.length === 0;
    draft.ties.forEach(function (tie) {
      var card = el("li", "vl-card");
      card.setAttribute("data-target", tie.target);
      var head = el("div", "vl-card-head");
      head.appendChild(el("p", "vl-card-name", labelOf(tie.target) || tie.label || tie.target));
      var remove = el("button", "vl-remove", tr("room.phone.map.remove"));
      remove.type = "button";
      remove.addEventListener("click", function () { removeTie(tie.target); });
      head.appendChild(remove);
      card.appendChild(head);
      DIMENSIONS.forEach(function (dim) {
        card.appendChild(ratingRow(tr("column." + dim), tie[dim], "vl-dim-" + dim, function (value) {
          tie[dim] = value;
          keepDraft();
        }));
      });
      list.appendChild(card);
    });
  }

  /** A 1–5 row: a label, what is chosen ("not answered" when nothing), five buttons.
   *  Tapping the chosen value again takes it back (not answered). */
  function ratingRow(title, value, cls, onChange, statusText) {
    var row = el("div", "vl-rating " + (cls || ""));
    var head = el("div", "vl-rating-head");
    var status = el("span", "vl-status");
    if (title) { head.appendChild(el("span", "vl-rating-name", title)); }
    head.appendChild(status);
    row.appendChild(head);
    var group = el("div", "vl-choices vl-choices-5");
    group.setAttribute("role", "radiogroup");
    var current = value == null ? null : Number(value);
    var buttons = [];
    function paint() {
      buttons.forEach(function (b, i) {
        var on = current === i + 1;
        b.setAttribute("aria-checked", on ? "true" : "false");
      });
      row.classList.toggle("vl-unanswered", current === null);
      status.textContent = current === null ? tr("room.phone.not_answered")
        : (statusText ? statusText(current) : String(current));
    }
    for (var i = 1; i <= 5; i++) {
      (function (n) {
        var b = el("button", "vl-choice", String(n));
        b.type = "button";
        b.setAttribute("role", "radio");
        b.setAttribute("data-value", String(n));
        b.setAttribute("aria-label", title ? title + ": " + n : String(n));
        b.addEventListener("click", function () {
          current = current === n ? null : n;
          paint();
          onChange(current);
        });
        buttons.push(b);
        group.appendChild(b);
      })(i);
    }
    row.appendChild(group);
    paint();
    return row;
  }

  function renderConsent() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-consent]"), function (b) {
      var on = (b.getAttribute("data-consent") === "yes" && draft.consent === true) ||
               (b.getAttribute("data-consent") === "no" && draft.consent === false);
      b.setAttribute("aria-checked", on ? "true" : "false");
    });
  }

  function send() {
    if (busy) { return; }
    clearErrors("send");
    if (draft.consent !== true && draft.consent !== false) {
      showError("send", "consent", tr("consent.choose"));
      return;
    }
    var ties = draft.ties.map(function (t) {
      return { target: t.target, knowing: t.knowing, trust: t.trust, commitment: t.commitment };
    });
    var consent = draft.consent;
    busy = true;
    $("map-send").disabled = true;
    $("map-send").textContent = tr("room.phone.map.sending");
    api("POST", "send", { ties: ties, consent: consent }).then(function (answer) {
      busy = false;
      lastSent = { ties: typeof answer.ties === "number" ? answer.ties : ties.length, consent: consent };
      var keepAnswers = draft.answers, keepEval = draft.evalEditing;
      draft = emptyDraft();
      draft.run_id = state.run_id;
      draft.sent = state.run_id;
      draft.answers = keepAnswers;
      draft.evalEditing = keepEval;
      keepDraft();
      notice = null;
      return refresh().then(function () { render(true); window.scrollTo(0, 0); });
    }, function (err) {
      busy = false;
      failed("send", err, send);
    }).then(function () {
      $("map-send").disabled = false;
      $("map-send").textContent = tr("room.phone.map.send");
    });
  }

  function sentTies() {
    var sent = state && state.sent;
    if (!sent) { return []; }
    var ties = Array.isArray(sent) ? sent : (Array.isArray(sent.ties) ? sent.ties : []);
    return ties;
  }

  function sentConsent() {
    var sent = state && state.sent;
    if (sent && !Array.isArray(sent) && typeof sent.consent === "boolean") { return sent.consent; }
    if (state && state.me && typeof state.me.consent === "boolean") { return state.me.consent; }
    return null;
  }

  function renderSent() {
    var count = sentTies().length;
    var consent = sentConsent();
    if (lastSent) { consent = lastSent.consent; }
    $("sent-thanks").textContent = consent === false
      ? tr("consent.thanks_hidden", { ties: count })
      : tr("room.phone.map.thanks", { ties: count });
  }

  function draftTie(t) {
    var target = t.target !== undefined ? t.target : t.actor_id;
    return { target: target, label: t.label || labelOf(target) || String(target),
             knowing: t.knowing == null ? null : t.knowing, trust: t.trust == null ? null : t.trust,
             commitment: t.commitment == null ? null : t.commitment };
  }

  function edit() {
    draft.ties = sentTies().map(draftTie);
    draft.consent = sentConsent();
    draft.search = "";
    draft.editing = true;
    keepDraft();
    notice = null;
    render(true);
    window.scrollTo(0, 0);
  }

  function undo() {
    if (busy) { return; }
    clearErrors("undo");
    busy = true;
    // what was sent stays in the form (not sent): a slip of the finger is easy to mend
    var before = sentTies().map(draftTie);
    var consent = sentConsent();
    api("POST", "undo", {}).then(function (answer) {
      busy = false;
      notice = { key: "room.phone.map.undone", params: { ties: answer.removed || 0 } };
      lastSent = null;
      draft.ties = before;
      draft.consent = consent;
      draft.editing = false;
      draft.sent = null;
      keepDraft();
      return refresh().then(function () { render(true); window.scrollTo(0, 0); });
    }, function (err) {
      busy = false;
      failed("undo", err, undo);
    });
  }

  // ----- evaluation
  function statementItems() {
    var prefix = "assess.statement.";
    if (state && Array.isArray(state.items) && state.items.length) {
      // the instrument's own order
      return state.items.filter(function (item) { return texts && (prefix + item) in texts; });
    }
    var keys = Object.keys(texts || {}).filter(function (k) { return k.indexOf(prefix) === 0; });
    var items = [];
    DIMENSIONS.forEach(function (dim) {
      keys.forEach(function (k) {
        var item = k.slice(prefix.length);
        if (item.split(".")[0] === dim) { items.push(item); }
      });
    });
    return items;
  }

  /** The answers this page gave in this run (from the server), item -> value. */
  function answered() {
    return state && state.answers && typeof state.answers === "object" ? state.answers : {};
  }

  function evaluated() {
    if (state && typeof state.evaluated === "boolean") { return state.evaluated; }
    return Object.keys(answered()).length > 0;
  }

  function renderStatements() {
    if (!Object.keys(draft.answers).length) {
      // answering again: start from what was answered
      var given = answered();
      Object.keys(given).forEach(function (item) { if (given[item] != null) { draft.answers[item] = given[item]; } });
    }
    var box = $("eval-items");
    box.textContent = "";
    var current = null;
    var list = null;
    statementItems().forEach(function (item, index) {
      var dim = item.split(".")[0];
      if (dim !== current) {
        current = dim;
        box.appendChild(el("h3", "vl-dim-title", tr("column." + dim)));
        list = el("ol", "vl-cards vl-statements");
        list.start = index + 1;
        box.appendChild(list);
      }
      var card = el("li", "vl-card vl-statement");
      card.setAttribute("data-item", item);
      card.appendChild(el("p", "vl-statement-text", tr("assess.statement." + item)));
      card.appendChild(ratingRow("", draft.answers[item], null, function (value) {
        if (value === null) { delete draft.answers[item]; } else { draft.answers[item] = value; }
        keepDraft();
        clearErrors("answers");
      }, function (value) { return value + " = " + tr("room.phone.eval.scale_" + value); }));
      list.appendChild(card);
    });
  }

  function sendAnswers() {
    if (busy) { return; }
    clearErrors("answers");
    var answers = {};
    var given = 0;
    statementItems().forEach(function (item) {
      var v = draft.answers[item];
      answers[item] = v == null ? null : v;
      if (v != null) { given += 1; }
    });
    if (!given) { showError("answers", null, tr("room.phone.eval.answer_some")); return; }
    busy = true;
    $("eval-send").disabled = true;
    api("POST", "answers", { answers: answers }).then(function () {
      busy = false;
      draft.evalEditing = false;
      keepDraft();
      return refresh().then(function () { render(true); window.scrollTo(0, 0); });
    }, function (err) {
      busy = false;
      failed("answers", err, sendAnswers);
    }).then(function () { $("eval-send").disabled = false; });
  }

  // ---------------------------------------------------------------- events
  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll(".vl-lang button"), function (b) {
      b.addEventListener("click", function () { setLang(b.getAttribute("data-lang")); });
    });
    $("net-retry").addEventListener("click", function () {
      (texts ? Promise.resolve() : loadTexts()).then(poll, function () { $("net").hidden = false; });
    });
    $("join-name").addEventListener("input", function () {
      draft.join.name = this.value;
      keepDraft();
      clearErrors("join.name");
      renderJoinMatches();
    });
    $("join-org").addEventListener("input", function () {
      draft.join.organisation = this.value;
      keepDraft();
      renderOrgSuggestions();
    });
    $("join-org").addEventListener("focus", renderOrgSuggestions);
    document.addEventListener("focusin", function (e) {
      // another field: the organisation suggestions are in the way (a tap on one of them
      // may not move the focus at all on some phones, so blur alone does not decide)
      if (e.target !== $("join-org") && !$("join-org-list").contains(e.target)) { $("join-org-list").hidden = true; }
    });
    $("join-email").addEventListener("input", function () {
      draft.join.email = this.value;
      keepDraft();
    });
    $("join-form").addEventListener("submit", function (e) { e.preventDefault(); join({}); });
    $("join-someone-else").addEventListener("click", function () { join({ confirm: "new" }); });

    $("map-search").addEventListener("input", function () {
      draft.search = this.value;
      keepDraft();
      renderResults();
    });
    $("map-search").addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        var first = $("map-results").querySelector("button");
        if (first) { first.click(); }
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-consent]"), function (b) {
      b.addEventListener("click", function () {
        draft.consent = b.getAttribute("data-consent") === "yes";
        keepDraft();
        clearErrors("send.consent");
        renderConsent();
      });
    });
    $("map-form").addEventListener("submit", function (e) { e.preventDefault(); send(); });
    $("map-cancel-edit").addEventListener("click", function () {
      draft.editing = false;
      draft.ties = [];
      draft.consent = null;
      keepDraft();
      render(true);
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && texts && state) { poll(); }
    });
    $("sent-edit").addEventListener("click", edit);
    $("sent-undo").addEventListener("click", undo);
    $("eval-form").addEventListener("submit", function (e) { e.preventDefault(); sendAnswers(); });
    $("eval-change").addEventListener("click", function () {
      draft.evalEditing = true;
      keepDraft();
      render(true);
    });
  }

  function start() {
    wire();
    var first = Promise.all([loadTexts(), refresh()]);
    first.then(function () {
      $("v-loading").hidden = true;
      render(true);
      pollTimer = setTimeout(poll, POLL_MS);
    }, function () {
      $("net").hidden = false;
      // texts and state again until they come
      var retry = function () {
        Promise.all([texts ? null : loadTexts(), refresh()]).then(function () {
          $("v-loading").hidden = true;
          render(true);
          pollTimer = setTimeout(poll, POLL_MS);
        }, function () { setTimeout(retry, POLL_MS); });
      };
      setTimeout(retry, POLL_MS);
    });
  }

  start();
})();
