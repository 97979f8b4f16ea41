/* The facilitator's view of the workshop room (room-spec.md, issue 17).
 *
 * Plain JavaScript, no framework.  Every text comes from GET api/room/texts; the state
 * comes from GET api/room/facilitator (polled); every action is one POST to the room's
 * JSON API with the session header X-VL-Facilitator.  The facilitator code is typed into
 * the password field, sent once to api/room/login and forgotten: only the session the
 * server returns is kept, in sessionStorage (this tab only).
 */
(function () {
  "use strict";

  var SESSION_KEY = "vl-room-facilitator";
  var PHASES = ["join", "warmup", "mapping", "evaluation", "results"];
  var TIMER_MINUTES = [3, 5, 10];
  var DIMENSIONS = ["knowing", "trust", "commitment"];
  var POLL_MS = 3000;
  var HIDDEN_POLL_MS = 15000;

  // Where the server is: this script is <base>room/static/facilitator.js.
  var script = document.currentScript;
  var BASE = script && script.src ? script.src.replace(/room\/static\/facilitator\.js(\?.*)?$/, "")
                                  : new URL(".", location.href).href;
  var LANG = new URLSearchParams(location.search).get("lang") || "";

  var texts = {};
  var lang = LANG || document.documentElement.lang || "fi";
  var data = null;            // the last GET api/room/facilitator
  var storePeople = [];       // [{id, label}]: everyone in the store (for adding someone)
  var pendingMerge = null;    // {keep, other} waiting for "yes, merge"
  var busy = {};              // actions under way (no double posts)
  var serverOffset = 0;       // server clock - this clock (ms)
  var pollTimer = null;
  var loginWaitTimer = null;
  var lastSignature = {};
  var activeOption = -1;

  // ---- small helpers --------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function t(key, params) {
    var text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    if (params) {
      text = text.replace(/\{(\w+)\}/g, function (whole, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
      });
    }
    return text;
  }

  // A count's text: the "<key>_one" text for one, when the catalogue has it.
  function tn(key, count, params) {
    var one = key + "_one";
    var use = Number(count) === 1 && Object.prototype.hasOwnProperty.call(texts, one) ? one : key;
    return t(use, Object.assign({count: count}, params || {}));
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "text") node.textContent = value;
        else if (name === "className") node.className = value;
        else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
        else node.setAttribute(name, value === true ? "" : value);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function number(value, digits) {
    return new Intl.NumberFormat(lang, {minimumFractionDigits: digits, maximumFractionDigits: digits})
      .format(value);
  }

  function clock(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function asList(value) {
    if (value === null || value === undefined || value === "") return [];
    return Array.isArray(value) ? value : [value];
  }

  // ---- the API --------------------------------------------------------------------

  function ApiError(status, message, field, payload) {
    this.status = status; this.message = message; this.field = field; this.payload = payload || {};
  }

  function apiUrl(path, query) {
    var url = new URL("api/room/" + path, BASE);
    if (LANG) url.searchParams.set("lang", LANG);
    Object.keys(query || {}).forEach(function (k) { url.searchParams.set(k, query[k]); });
    return url.href;
  }

  function api(path, options) {
    options = options || {};
    var headers = {"Accept": "application/json"};
    var session = sessionStorage.getItem(SESSION_KEY);
    if (session) headers["X-VL-Facilitator"] = session;
    var init = {method: options.method || "GET", headers: headers, cache: "no-store",
                credentials: "same-origin"};
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    return fetch(apiUrl(path, options.query), init).then(function (response) {
      noteServerClock(response.headers.get("Date"));
      return response.json().catch(function () { return {}; }).then(function (payload) {
        if (!response.ok) {
          var error = payload && payload.error ? payload.error : {};
          throw new ApiError(response.status, error.message || t("room.facilitator.offline"),
                             error.field || null, payload);
        }
        return payload;
      });
    }, function () {
      throw new ApiError(0, t("room.facilitator.offline"), null, {});
    });
  }

  // The server's clock (for the timer): its Date header, second-exact, is enough.
  function noteServerClock(header) {
    var at = header ? Date.parse(header) : NaN;
    if (!isNaN(at)) {
      var offset = at + 500 - Date.now();
      serverOffset = Math.abs(offset) > 1500 ? offset : 0;
    }
  }

  // A facilitator call: a 403 means the session is gone (server restarted): log in again.
  function act(path, body) {
    return api(path, {method: "POST", body: body}).catch(function (error) {
      if (error.status === 403) loggedOut(error.message);
      throw error;
    });
  }

  // A short message at the bottom of the screen (visible wherever the page is scrolled).
  var sayTimer = null;
  function say(message, isError) {
    var status = $("vl-status");
    clearTimeout(sayTimer);
    status.textContent = message || "";
    status.hidden = !message;
    status.classList.toggle("vl-fac-error", !!isError);
    if (message) sayTimer = setTimeout(function () { status.hidden = true; }, isError ? 10000 : 5000);
  }

  // ---- texts ----------------------------------------------------------------------

  function applyTexts(root) {
    (root || document).querySelectorAll("[data-t]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    document.title = t("room.facilitator.title") + " · verkostolab";
  }

  function loadTexts() {
    return api("texts").then(function (payload) {
      texts = payload.texts || {};
      if (payload.lang) { lang = payload.lang; document.documentElement.lang = payload.lang; }
      applyTexts();
    });
  }

  // ---- log in / out ---------------------------------------------------------------

  function showLogin(message) {
    $("vl-loading").hidden = true;
    $("vl-panel").hidden = true;
    $("vl-logout").hidden = true;
    $("vl-run").hidden = true;
    $("vl-login").hidden = false;
    var error = $("vl-login-error");
    error.hidden = !message;
    error.textContent = message || "";
    $("vl-code").focus();
  }

  function loggedOut(message) {
    sessionStorage.removeItem(SESSION_KEY);
    stopPolling();
    data = null;
    lastSignature = {};
    showLogin(message);
  }

  function loginWait(message, seconds) {
    var button = $("vl-login-button"), error = $("vl-login-error");
    var until = Date.now() + seconds * 1000;
    clearInterval(loginWaitTimer);
    function tick() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left > 0) {
        button.disabled = true;
        error.textContent = message + " " + t("room.facilitator.wait", {seconds: left});
      } else {
        clearInterval(loginWaitTimer);
        button.disabled = false;
        error.textContent = message;
      }
    }
    error.hidden = false;
    tick();
    loginWaitTimer = setInterval(tick, 250);
  }

  function onLogin(event) {
    event.preventDefault();
    var field = $("vl-code"), button = $("vl-login-button");
    var code = field.value;
    if (!code) { field.focus(); return; }
    button.disabled = true;
    api("login", {method: "POST", body: {code: code}}).then(function (payload) {
      field.value = "";
      sessionStorage.setItem(SESSION_KEY, payload.session);
      button.disabled = false;
      $("vl-login").hidden = true;
      $("vl-login-error").hidden = true;
      start();
    }, function (error) {
      field.value = "";
      button.disabled = false;
      var wait = Number(error.payload && error.payload.wait) || 0;
      if (wait > 0) loginWait(t("room.bad_code"), wait);
      else { $("vl-login-error").hidden = false; $("vl-login-error").textContent = error.message; }
      field.focus();
    });
  }

  function onLogout() {
    loggedOut("");
  }

  // ---- polling --------------------------------------------------------------------

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function refresh() {
    clearTimeout(pollTimer);
    return api("facilitator").then(function (payload) {
      data = payload;
      storePeople = (payload.people || []).map(function (p) {
        return {id: p.id !== undefined ? p.id : p.actor_id, label: p.label};
      });
      render();
      schedule();
    }, function (error) {
      if (error.status === 403) { loggedOut(error.message); return; }
      say(error.message, true);
      schedule();
    });
  }

  function schedule() {
    clearTimeout(pollTimer);
    // A tab in the background asks seldom (the results take the server a quarter second).
    if (sessionStorage.getItem(SESSION_KEY)) pollTimer = setTimeout(refresh, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  function start() {
    $("vl-loading").hidden = true;
    $("vl-panel").hidden = false;
    $("vl-logout").hidden = false;
    return refresh();
  }

  // ---- rendering ------------------------------------------------------------------

  function run() { return (data && data.run) || {}; }
  function members() { return (data && data.members) || []; }

  function labelOf(actorId) {
    var found = null;
    members().some(function (m) {
      if (m.actor_id === actorId) { found = m.label || m.name; return true; }
      return false;
    });
    if (found) return found;
    storePeople.some(function (p) {
      if (p.id === actorId) { found = p.label; return true; }
      return false;
    });
    return found || String(actorId);
  }

  // Re-render a part only when its data changed, keeping the focused control focused.
  function changed(part, value) {
    var signature = JSON.stringify(value);
    if (lastSignature[part] === signature) return false;
    lastSignature[part] = signature;
    return true;
  }

  function keepFocus(render) {
    var active = document.activeElement;
    var key = active && active.getAttribute ? active.getAttribute("data-key") : null;
    render();
    if (key) {
      var again = document.querySelector('[data-key="' + key.replace(/"/g, '\\"') + '"]');
      if (again && !again.disabled) again.focus();
    }
  }

  function render() {
    var r = run();
    var runLine = $("vl-run");
    if (r.run_id) { runLine.hidden = false; runLine.textContent = t("room.facilitator.run", {run_id: r.run_id}); }
    if (changed("phase", r.phase)) keepFocus(renderSteps);
    renderTimer();
    if (changed("counts", data.counts)) renderCounts();
    if (changed("members", [members(), pendingMerge, storePeople.length])) keepFocus(renderMembers);
    if (changed("rounds", [data.rounds, members().length])) keepFocus(renderRounds);
    if (changed("evaluation", data.evaluation)) renderResults();
    if (changed("links", [data.join_url, data.short_url])) renderLinks();
  }

  function renderSteps() {
    var list = $("vl-steps"), phase = run().phase;
    list.textContent = "";
    PHASES.forEach(function (p, i) {
      var current = p === phase;
      list.appendChild(el("li", {className: current ? "vl-fac-step vl-fac-now" : "vl-fac-step"}, [
        el("button", {type: "button", "data-key": "phase-" + p, "data-phase": p,
                      "aria-current": current ? "step" : null,
                      onclick: function () { setPhase(p); }}, [
          el("span", {className: "vl-fac-step-n", text: String(i + 1)}),
          el("span", {className: "vl-fac-step-label", text: t("room.phase." + p)})
        ])
      ]));
    });
  }

  function setPhase(phase) {
    if (busy.phase || run().phase === phase) return;
    busy.phase = true;
    act("phase", {phase: phase}).then(function (payload) {
      var run = payload && payload.result;
      if (data) data.run = Object.assign({}, data.run, run && run.phase ? run : {phase: phase});
      render();
      say(t("room.facilitator.phase_now", {phase: t("room.phase." + phase)}));
    }, function (error) { say(error.message, true); })
      .then(function () { busy.phase = false; refresh(); });
  }

  function renderTimerButtons() {
    var box = $("vl-timer-buttons");
    if (box.childNodes.length) return;
    TIMER_MINUTES.forEach(function (minutes) {
      box.appendChild(el("button", {type: "button", "data-key": "timer-" + minutes,
                                    text: t("room.facilitator.timer_minutes", {minutes: minutes}),
                                    onclick: function () { setTimer(minutes * 60); }}));
    });
    box.appendChild(el("button", {type: "button", id: "vl-timer-stop", "data-key": "timer-stop",
                                  text: t("room.facilitator.timer_stop"),
                                  onclick: function () { setTimer(null); }}));
  }

  function renderTimer() {
    renderTimerButtons();
    var end = run().timer_end, left = $("vl-timer-left");
    var stop = $("vl-timer-stop");
    if (!end) {
      left.textContent = t("room.facilitator.timer_off");
      left.classList.remove("vl-fac-running", "vl-fac-over");
      if (stop) stop.disabled = true;
      return;
    }
    var ms = Date.parse(end) - (Date.now() + serverOffset);
    if (stop) stop.disabled = false;
    left.classList.toggle("vl-fac-running", ms > 0);
    left.classList.toggle("vl-fac-over", ms <= 0);
    left.textContent = ms > 0 ? t("room.facilitator.timer_left", {time: clock(ms)})
                              : t("room.facilitator.timer_over");
  }

  function setTimer(seconds) {
    if (busy.timer) return;
    busy.timer = true;
    act("timer", {seconds: seconds}).then(function (payload) {
      var run = payload && payload.result;
      if (data) data.run = Object.assign({}, data.run, run && run.run_id ? {timer_end: run.timer_end} : {
        timer_end: seconds ? new Date(Date.now() + serverOffset + seconds * 1000).toISOString() : null});
      renderTimer();
    }, function (error) { say(error.message, true); })
      .then(function () { busy.timer = false; refresh(); });
  }

  function renderCounts() {
    var box = $("vl-counts"), counts = data.counts || {};
    box.textContent = "";
    ["joined", "present", "sent", "evaluated"].forEach(function (name) {
      box.appendChild(el("div", {className: "vl-fac-count", "data-count": name}, [
        el("dt", {text: t("room.facilitator.count." + name)}),
        el("dd", {text: String(counts[name] || 0)})
      ]));
    });
  }

  function duplicates(member) {
    return asList(member.duplicate_of).map(function (d) {
      if (d && typeof d === "object") return {actor_id: d.actor_id, label: d.label || labelOf(d.actor_id)};
      return {actor_id: d, label: labelOf(d)};
    }).filter(function (d) { return d.actor_id !== undefined && d.actor_id !== member.actor_id; });
  }

  function memberRow(member) {
    var id = member.actor_id;
    var badges = [];
    if (member.sent) badges.push(el("span", {className: "vl-fac-badge",
                                             text: tn("room.facilitator.member_sent", member.sent)}));
    if (member.evaluated) badges.push(el("span", {className: "vl-fac-badge",
                                                  text: t("room.facilitator.member_evaluated")}));
    if (member.created_in_run) badges.push(el("span", {className: "vl-fac-badge vl-fac-badge-new",
                                                       text: t("room.facilitator.member_new")}));
    if (member.consent === false) badges.push(el("span", {className: "vl-fac-badge vl-fac-badge-no",
                                                          text: t("room.facilitator.consent_no")}));
    var present = el("input", {type: "checkbox", "data-key": "present-" + id,
                               checked: !!member.present,
                               onchange: function (e) { setPresent(id, e.target.checked, e.target); }});
    var row = el("li", {className: "vl-fac-member" + (member.present ? "" : " vl-fac-absent"),
                        "data-actor": id}, [
      el("div", {className: "vl-fac-who"}, [
        el("span", {className: "vl-fac-name", text: member.label || member.name || String(id)}),
        badges.length ? el("span", {className: "vl-fac-badges"}, badges) : null
      ]),
      el("label", {className: "vl-fac-switch"}, [present,
        el("span", {text: t("room.facilitator.present")})]),
      el("div", {className: "vl-fac-actions"}, [
        el("button", {type: "button", className: "vl-fac-quiet", "data-key": "hide-" + id,
                      "data-action": "hide", text: t("room.facilitator.hide"),
                      "aria-label": t("room.facilitator.hide_label", {label: member.label || id}),
                      onclick: function () { setHidden(id, true); }}),
        el("button", {type: "button", className: "vl-fac-quiet", "data-key": "release-" + id,
                      "data-action": "release", text: t("room.facilitator.release"),
                      "aria-label": t("room.facilitator.release_label", {label: member.label || id}),
                      onclick: function () { release(id); }})
      ])
    ]);
    duplicates(member).forEach(function (dup) {
      var confirming = pendingMerge && pendingMerge.other === id && pendingMerge.keep === dup.actor_id;
      var box = el("div", {className: "vl-fac-dup"}, [
        el("span", {className: "vl-fac-dup-text", text: t("room.facilitator.duplicate", {label: dup.label})})
      ]);
      if (!confirming) {
        box.appendChild(el("button", {type: "button", "data-key": "merge-" + id + "-" + dup.actor_id,
                                      "data-action": "merge", text: t("room.facilitator.merge"),
                                      onclick: function () {
                                        pendingMerge = {keep: dup.actor_id, other: id};
                                        keepFocus(renderMembers);
                                        var yes = document.querySelector('[data-action="merge-yes"]');
                                        if (yes) yes.focus();
                                      }}));
      } else {
        box.appendChild(el("div", {className: "vl-fac-confirm", role: "group"}, [
          el("p", {text: t("room.facilitator.merge_confirm",
                           {other: member.label || id, keep: dup.label})}),
          el("div", {className: "vl-fac-buttons"}, [
            el("button", {type: "button", className: "vl-fac-danger", "data-action": "merge-yes",
                          text: t("room.facilitator.merge_yes"),
                          onclick: function () { merge(dup.actor_id, id, dup.label); }}),
            el("button", {type: "button", "data-action": "merge-cancel",
                          text: t("room.facilitator.cancel"),
                          onclick: function () { pendingMerge = null; keepFocus(renderMembers); }})
          ])
        ]));
      }
      row.appendChild(box);
    });
    return row;
  }

  function hiddenRow(member) {
    var id = member.actor_id;
    return el("li", {className: "vl-fac-member vl-fac-absent", "data-actor": id}, [
      el("div", {className: "vl-fac-who"}, [
        el("span", {className: "vl-fac-name", text: member.label || member.name || String(id)})]),
      el("div", {className: "vl-fac-actions"}, [
        el("button", {type: "button", className: "vl-fac-quiet", "data-key": "unhide-" + id,
                      "data-action": "unhide", text: t("room.facilitator.unhide"),
                      onclick: function () { setHidden(id, false); }})])
    ]);
  }

  function renderMembers() {
    var list = $("vl-members"), all = members();
    var shown = all.filter(function (m) { return !m.hidden; });
    var hidden = all.filter(function (m) { return m.hidden; });
    list.textContent = "";
    shown.forEach(function (m) { list.appendChild(memberRow(m)); });
    $("vl-nobody").hidden = shown.length > 0;
    var hiddenList = $("vl-hidden");
    hiddenList.textContent = "";
    hidden.forEach(function (m) { hiddenList.appendChild(hiddenRow(m)); });
    $("vl-hidden-box").hidden = hidden.length === 0;
    $("vl-hidden-summary").textContent = t("room.facilitator.hidden_heading", {count: hidden.length});
  }

  function afterAction(promise, key) {
    busy[key] = true;
    return promise.then(function (payload) { return payload; },
                        function (error) { say(error.message, true); throw error; })
      .then(function (payload) { busy[key] = false; refresh(); return payload; },
            function () { busy[key] = false; refresh(); });
  }

  function setPresent(id, present, box) {
    if (busy["present-" + id]) { box.checked = !present; return; }
    afterAction(act("present", {actor_id: id, present: present}), "present-" + id).then(function (payload) {
      if (payload !== undefined) say(t(present ? "room.facilitator.now_present" : "room.facilitator.now_absent",
                                       {label: labelOf(id)}));
    });
  }

  function setHidden(id, hidden) {
    var label = labelOf(id);
    if (hidden && data) {  // out of the list at once; the next refresh confirms it
      data.members = members().map(function (m) {
        return m.actor_id === id ? Object.assign({}, m, {hidden: true}) : m;
      });
      renderMembers();
    }
    afterAction(act("hide", {actor_id: id, hidden: hidden}), "hide-" + id).then(function (payload) {
      if (payload !== undefined) say(t(hidden ? "room.facilitator.hidden_done" : "room.facilitator.unhidden_done",
                                       {label: label}));
    });
  }

  function release(id) {
    var label = labelOf(id);
    afterAction(act("release", {actor_id: id}), "release-" + id).then(function (payload) {
      if (payload !== undefined) say(t("room.facilitator.released", {label: label}));
    });
  }

  function merge(keep, other, keepLabel) {
    if (busy.merge) return;
    pendingMerge = null;
    afterAction(act("merge", {keep: keep, other: other}), "merge").then(function (payload) {
      if (payload !== undefined) say(t("room.facilitator.merged", {label: keepLabel}));
    });
  }

  // ---- adding someone from the store (type-ahead) --------------------------------

  function candidates() {
    var query = fold($("vl-add").value);
    if (!query) return [];
    var present = {};
    members().forEach(function (m) { if (m.present && !m.hidden) present[m.actor_id] = true; });
    var words = query.split(" ");
    return storePeople.filter(function (p) {
      if (present[p.id]) return false;
      var label = fold(p.label);
      return words.every(function (w) { return label.indexOf(w) >= 0; });
    }).sort(function (a, b) {
      var sa = fold(a.label).indexOf(query) === 0 ? 0 : 1, sb = fold(b.label).indexOf(query) === 0 ? 0 : 1;
      return sa - sb || a.label.localeCompare(b.label, lang);
    }).slice(0, 8);
  }

  function renderOptions() {
    var input = $("vl-add"), list = $("vl-add-list");
    var found = candidates();
    list.textContent = "";
    if (!input.value.trim()) {
      list.hidden = true; input.setAttribute("aria-expanded", "false"); return;
    }
    if (activeOption >= found.length) activeOption = found.length - 1;
    found.forEach(function (p, i) {
      list.appendChild(el("li", {role: "option", id: "vl-add-option-" + i, className: "vl-fac-option",
                                 "aria-selected": i === activeOption ? "true" : "false",
                                 "data-actor": p.id, text: p.label,
                                 onmousedown: function (e) { e.preventDefault(); },
                                 onclick: function () { addPerson(p); }}));
    });
    if (!found.length) list.appendChild(el("li", {className: "vl-fac-option vl-fac-none",
                                                  text: t("room.facilitator.add_none")}));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (activeOption >= 0) input.setAttribute("aria-activedescendant", "vl-add-option-" + activeOption);
    else input.removeAttribute("aria-activedescendant");
  }

  function addPerson(person) {
    var input = $("vl-add");
    input.value = "";
    activeOption = -1;
    renderOptions();
    afterAction(act("present", {actor_id: person.id, present: true}), "add").then(function (payload) {
      if (payload !== undefined) say(t("room.facilitator.added", {label: person.label}));
    });
  }

  function onAddKey(event) {
    var found = candidates();
    if (event.key === "ArrowDown") { activeOption = Math.min(found.length - 1, activeOption + 1); }
    else if (event.key === "ArrowUp") { activeOption = Math.max(-1, activeOption - 1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      var pick = found[activeOption >= 0 ? activeOption : 0];
      if (pick && (activeOption >= 0 || found.length === 1)) addPerson(pick);
      return;
    } else if (event.key === "Escape") { $("vl-add").value = ""; activeOption = -1; }
    else return;
    event.preventDefault();
    renderOptions();
  }

  // ---- warm-up rounds -------------------------------------------------------------

  function rounds() {
    return ((data && data.rounds) || []).slice().sort(function (a, b) { return a.number - b.number; });
  }

  function groupLabels(round) {
    if (Array.isArray(round.labels)) return round.labels;
    return (round.groups || []).map(function (group) {
      return group.map(function (person) {
        if (person && typeof person === "object") return person.label || labelOf(person.actor_id);
        return labelOf(person);
      });
    });
  }

  function roundMeta(round) {
    var parts = [t("room.facilitator.round", {number: round.number}),
                 t(Number(round.size) === 3 ? "room.facilitator.triads" : "room.facilitator.pairs"),
                 t(round.mode === "similar" ? "room.facilitator.similar" : "room.facilitator.mixed"),
                 tn("room.facilitator.group_count", (round.groups || []).length)];
    return parts.join(" · ");
  }

  function groupList(round, className) {
    var list = el("ol", {className: className || "vl-fac-groups"});
    groupLabels(round).forEach(function (labels, i) {
      list.appendChild(el("li", {className: "vl-fac-group"}, [
        el("span", {className: "vl-fac-group-n", text: t("room.facilitator.group", {number: i + 1})}),
        el("ul", null, labels.map(function (label) { return el("li", {text: label}); }))
      ]));
    });
    return list;
  }

  function renderRounds() {
    var all = rounds(), newest = all[all.length - 1], box = $("vl-round");
    var make = $("vl-make"), record = $("vl-record");
    box.textContent = "";
    var recorded = newest && !!newest.recorded_at;
    make.textContent = t(newest && !recorded ? "room.facilitator.remake" : "room.facilitator.make");
    if (!newest) {
      box.appendChild(el("p", {className: "vl-fac-empty", text: t("room.facilitator.no_round")}));
      record.disabled = true;
      record.textContent = t("room.facilitator.record");
      record.removeAttribute("data-number");
    } else {
      box.appendChild(el("h3", {text: roundMeta(newest)}));
      box.appendChild(groupList(newest));
      record.setAttribute("data-number", String(newest.number));
      record.disabled = recorded || !!busy.record;
      record.textContent = recorded ? t("room.facilitator.recorded") : t("room.facilitator.record");
      record.classList.toggle("vl-fac-done", recorded);
    }
    var earlier = all.slice(0, -1).reverse(), list = $("vl-earlier");
    list.textContent = "";
    earlier.forEach(function (round) {
      var line = roundMeta(round) + " · " + (round.recorded_at
        ? t("room.facilitator.recorded_events", {events: round.events || 0})
        : t("room.facilitator.not_recorded"));
      list.appendChild(el("li", null, [el("p", {className: "vl-fac-round-line", text: line}),
                                       groupList(round, "vl-fac-groups vl-fac-groups-small")]));
    });
    $("vl-earlier-box").hidden = earlier.length === 0;
  }

  function choice(name) {
    var picked = document.querySelector('input[name="' + name + '"]:checked');
    return picked ? picked.value : null;
  }

  function makeRound() {
    if (busy.round) return;
    var make = $("vl-make"), status = $("vl-round-status");
    busy.round = true;
    make.disabled = true;
    status.textContent = "";
    status.classList.remove("vl-fac-error");
    act("round", {size: Number(choice("vl-size")), mode: choice("vl-mode")}).then(function (payload) {
      var round = payload && payload.result;
      if (data && round && round.number !== undefined) {
        var others = rounds().filter(function (r) { return r.number !== round.number; });
        data.rounds = others.concat([round]);
        renderRounds();
      }
      status.textContent = t("room.facilitator.round_made", {number: round ? round.number : ""});
    }, function (error) {
      status.textContent = error.message;
      status.classList.add("vl-fac-error");
    }).then(function () { busy.round = false; make.disabled = false; refresh(); });
  }

  function recordRound() {
    var record = $("vl-record"), number = Number(record.getAttribute("data-number"));
    if (busy.record || !number) return;
    busy.record = true;
    record.disabled = true;
    var status = $("vl-round-status");
    act("record", {number: number}).then(function (payload) {
      var result = (payload && payload.result) || {};
      status.textContent = t("room.facilitator.recorded_events_round",
                             {number: number, events: result.events || 0});
      status.classList.remove("vl-fac-error");
      markRecorded(number, result);
    }, function (error) {
      var key = error.payload && error.payload.error ? error.payload.error.key : null;
      if (error.status === 409 && key !== "room.round_recording") {
        // Recorded already (another page, or before a reload): said so, never twice.
        status.textContent = error.message;
        status.classList.add("vl-fac-error");
        markRecorded(number, null);
      } else {
        status.textContent = error.message;
        status.classList.add("vl-fac-error");
      }
    }).then(function () { busy.record = false; refresh(); });
  }

  function markRecorded(number, payload) {
    if (!data) return;
    data.rounds = rounds().map(function (r) {
      if (r.number !== number) return r;
      var events = payload && payload.events !== undefined ? payload.events : r.events;
      return Object.assign({}, r, {events: events, recorded_at: r.recorded_at || new Date().toISOString()});
    });
    renderRounds();
    var record = $("vl-record");
    record.disabled = true;
    record.textContent = t("room.facilitator.recorded");
  }

  // ---- evaluation results ---------------------------------------------------------

  // The summary's dimensions, knowing - trust - commitment.
  function dimensionsOf(summary) {
    return (summary.dimensions || []).map(function (d) {
      return {key: d.key, label: d.label || texts["assess.dimension." + d.key] || d.key, mean: d.mean,
              respondents: d.respondents || 0, answers: d.answers || 0,
              suppressed: !!d.suppressed || d.mean === null || d.mean === undefined};
    }).sort(function (a, b) { return DIMENSIONS.indexOf(a.key) - DIMENSIONS.indexOf(b.key); });
  }

  function chart(dimensions) {
    var box = el("div", {className: "vl-chart", role: "list"});
    dimensions.forEach(function (d) {
      var share = d.suppressed ? 0 : Math.max(0, Math.min(1, (d.mean - 1) / 4));
      var value = d.suppressed ? t("room.facilitator.suppressed") : number(d.mean, 1);
      box.appendChild(el("div", {className: "vl-chart-row" + (d.suppressed ? " vl-chart-suppressed" : ""),
                                 role: "listitem", "data-dimension": d.key}, [
        el("span", {className: "vl-chart-label", text: d.label}),
        el("span", {className: "vl-chart-track", "aria-hidden": "true"}, [
          el("span", {className: "vl-chart-bar", style: "width:" + (share * 100).toFixed(1) + "%"})]),
        el("span", {className: "vl-chart-value", text: value}),
        el("span", {className: "vl-chart-n", text: t("room.facilitator.answers",
                                                     {respondents: d.respondents, answers: d.answers})})
      ]));
    });
    box.appendChild(el("div", {className: "vl-chart-axis", "aria-hidden": "true"}, [
      el("span", {className: "vl-chart-label"}),
      el("span", {className: "vl-chart-ticks"}, [1, 2, 3, 4, 5].map(function (v) {
        return el("span", {text: String(v)});
      }))
    ]));
    return box;
  }

  function textItem(item) {
    if (item === null || item === undefined) return null;
    if (typeof item === "string") return el("li", {text: item});
    var title = item.title || item.label || item.statement || "";
    var body = item.text || item.action || item.why || "";
    return el("li", null, [title ? el("strong", {text: title}) : null,
                           title && body ? " " : null, body || null]);
  }

  // A heading and the first few sentences; the rest behind "show all".
  var FIRST_ITEMS = 3;
  function textList(heading, items, className) {
    items = asList(items);
    if (!items.length) return null;
    var box = el("div", {className: "vl-fac-texts " + (className || "")}, [
      el("h3", {text: heading}),
      el("ul", null, items.slice(0, FIRST_ITEMS).map(textItem))
    ]);
    if (items.length > FIRST_ITEMS) {
      box.appendChild(el("details", null, [
        el("summary", {text: t("room.facilitator.show_all", {count: items.length})}),
        el("ul", null, items.slice(FIRST_ITEMS).map(textItem))
      ]));
    }
    return box;
  }

  function renderResults() {
    var box = $("vl-results"), summary = data.evaluation;
    box.textContent = "";
    if (!summary) {
      box.appendChild(el("p", {className: "vl-fac-empty", text: t("room.facilitator.results_later")}));
      return;
    }
    box.appendChild(el("p", {className: "vl-fac-note", text: tn("room.facilitator.respondents", summary.respondents || 0)}));
    if (!summary.respondents) {
      box.appendChild(el("p", {className: "vl-fac-empty", text: t("room.facilitator.no_answers")}));
      return;
    }
    box.appendChild(chart(dimensionsOf(summary)));
    [["strengths", "room.facilitator.strengths"], ["targets", "room.facilitator.targets"],
     ["tips", "room.facilitator.tips"]].forEach(function (pair) {
      var part = textList(t(pair[1]), summary[pair[0]]);
      if (part) box.appendChild(part);
    });
    var periphery = asList(summary.periphery);
    if (periphery.length) {
      var part = el("div", {className: "vl-fac-texts vl-fac-periphery"}, [
        el("h3", {text: t("room.facilitator.periphery")}),
        el("p", null, [periphery.join(", ")])]);
      part.appendChild(el("p", {className: "vl-fac-note", text: t("room.facilitator.periphery_note")}));
      box.appendChild(part);
    }
  }

  // ---- links ----------------------------------------------------------------------

  function renderLinks() {
    var joinLink = $("vl-join-link");
    if (data.join_url) { joinLink.href = data.join_url; joinLink.textContent = data.short_url || data.join_url; }
  }

  // ---- start ----------------------------------------------------------------------

  function init() {
    $("vl-login-form").addEventListener("submit", onLogin);
    $("vl-logout").addEventListener("click", onLogout);
    $("vl-make").addEventListener("click", makeRound);
    $("vl-record").addEventListener("click", recordRound);
    var add = $("vl-add");
    add.addEventListener("input", function () { activeOption = -1; renderOptions(); });
    add.addEventListener("keydown", onAddKey);
    add.addEventListener("focus", function () {
      // A phone's keyboard covers the lower half: the field goes to the top, the list under it.
      if (window.innerWidth < 700 && add.scrollIntoView) add.scrollIntoView({block: "start", behavior: "smooth"});
      renderOptions();
    });
    add.addEventListener("blur", function () {
      setTimeout(function () { $("vl-add-list").hidden = true; add.setAttribute("aria-expanded", "false"); }, 150);
    });
    setInterval(function () { if (data) renderTimer(); }, 500);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && data) refresh();
    });
    boot();
  }

  function boot() {
    loadTexts().then(function () {
      $("vl-add").placeholder = t("room.facilitator.add_placeholder");
      if (sessionStorage.getItem(SESSION_KEY)) start();
      else showLogin("");
    }, function () {
      setTimeout(boot, 3000);  // the server is starting or unreachable: try again
    });
  }

  init();
}());
