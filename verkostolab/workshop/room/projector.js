/* The wall screen of the workshop room (room-spec.md, issue 17).
 *
 * No controls and no login: it only reads.  GET api/room/projector every 2 s gives the
 * phase, the join QR code and address, this run's counts, the timer, the warm-up groups
 * (labels from the server; people who said no come as "•") and the evaluation charts
 * (no names).  In the mapping phase GET api/room/picture?since=<version> every 3 s gives
 * the network picture as a Bokeh json_item, embedded again only when its version changed.
 */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var PICTURE_MS = 3000;
  var DIMENSIONS = ["knowing", "trust", "commitment"];
  var MIN_FONT = 24;

  var script = document.currentScript;
  var BASE = script && script.src ? script.src.replace(/room\/static\/projector\.js(\?.*)?$/, "")
                                  : new URL(".", location.href).href;
  var LANG = new URLSearchParams(location.search).get("lang") || "";

  var texts = {};
  var lang = LANG || document.documentElement.lang || "fi";
  var state = null;
  var serverOffset = 0;
  var signatures = {};
  var picture = {version: null, views: null, node: null, timer: null, busy: false, serial: 0};

  function $(id) { return document.getElementById(id); }

  function t(key, params) {
    var text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : "";
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

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
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

  function changed(part, value) {
    var signature = JSON.stringify(value);
    if (signatures[part] === signature) return false;
    signatures[part] = signature;
    return true;
  }

  function get(path, query) {
    var url = new URL("api/room/" + path, BASE);
    if (LANG) url.searchParams.set("lang", LANG);
    Object.keys(query || {}).forEach(function (k) { url.searchParams.set(k, query[k]); });
    return fetch(url.href, {cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      });
  }

  // ---- the frame: QR code, address, counts, timer ---------------------------------

  function renderSide() {
    if (changed("qr", state.qr_svg)) showQr(state.qr_svg || "");
    var url = state.short_url || state.join_url || "";
    if (changed("url", [url, state.phase])) fitUrl(url);
    var counts = state.counts || {};
    $("vl-p-joined").textContent = tn("room.projector.joined", counts.joined || 0);
    var evaluating = state.phase === "evaluation" || state.phase === "results";
    $("vl-p-answered").textContent = evaluating
      ? tn("room.projector.evaluated", counts.evaluated || 0)
      : tn("room.projector.sent", counts.sent || 0);
    $("vl-p-answered").hidden = state.phase === "join" && !counts.sent;
    renderTimer();
  }

  // The address on one line, as large as fits (never under MIN_FONT; wrapped if it must).
  function fitUrl(url) {
    var node = $("vl-p-url");
    node.textContent = url;
    node.style.fontSize = "";
    node.classList.remove("vl-proj-wrap");
    var size = parseFloat(getComputedStyle(node).fontSize);
    while (size > MIN_FONT && node.scrollWidth > node.clientWidth + 1) {
      size -= 2;
      node.style.fontSize = size + "px";
    }
    if (node.scrollWidth > node.clientWidth + 1) node.classList.add("vl-proj-wrap");
  }

  // The QR code as large as its box: an SVG without a viewBox gets one from its size.
  function showQr(svgText) {
    var box = $("vl-p-qr");
    box.innerHTML = svgText;
    var svg = box.querySelector("svg");
    if (!svg) return;
    var w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
    if (!svg.getAttribute("viewBox") && w > 0 && h > 0) svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", state.short_url || state.join_url || "");
  }

  function renderTimer() {
    var box = $("vl-p-timer");
    if (!state || !state.timer_end) { box.hidden = true; return; }
    var ms = Date.parse(state.timer_end) - (Date.now() + serverOffset);
    box.hidden = false;
    box.classList.toggle("vl-proj-over", ms <= 0);
    box.classList.toggle("vl-proj-soon", ms > 0 && ms <= 30000);
    $("vl-p-timer-label").textContent = ms > 0 ? t("room.projector.timer") : t("room.projector.time_up");
    $("vl-p-timer-left").textContent = clock(ms);
  }

  // ---- phases ---------------------------------------------------------------------

  function showPhase(phase) {
    document.body.setAttribute("data-phase", phase || "join");
    document.querySelectorAll(".vl-proj-phase").forEach(function (section) {
      section.hidden = section.getAttribute("data-for") !== phase;
    });
    if (phase === "warmup") requestAnimationFrame(fitGroups);
    if (phase === "results") requestAnimationFrame(fitResults);
    if (phase === "mapping") startPicture();
    else stopPicture();
  }

  // The groups as large as fit the wall, never under MIN_FONT: first smaller type, then
  // a compact card without organisations, and only then pages that take turns.
  var groupPages = {count: 1, shown: 0, timer: null};
  var PAGE_MS = 12000;

  function overflowing(list) {
    return list.scrollHeight > list.clientHeight + 1 || list.scrollWidth > list.clientWidth + 1;
  }

  function fitGroups() {
    var list = $("vl-p-groups");
    if ($("vl-p-warmup").hidden || !list.childNodes.length) return;
    var cards = Array.prototype.slice.call(list.children);
    cards.forEach(function (card) { card.hidden = false; });
    list.classList.remove("vl-proj-compact");
    var size = 44;
    list.style.fontSize = size + "px";
    while (size > 28 && overflowing(list)) { size -= 2; list.style.fontSize = size + "px"; }
    if (overflowing(list)) {
      list.classList.add("vl-proj-compact");
      size = 36;
      list.style.fontSize = size + "px";
      while (size > MIN_FONT && overflowing(list)) { size -= 2; list.style.fontSize = size + "px"; }
    }
    // Still too many: as many cards per page as fit whole.
    var perPage = cards.length;
    if (overflowing(list)) {
      var bottom = list.getBoundingClientRect().bottom;
      perPage = cards.filter(function (card) { return card.getBoundingClientRect().bottom <= bottom + 1; }).length;
      perPage = Math.max(1, perPage);
    }
    groupPages.count = Math.ceil(cards.length / perPage);
    groupPages.perPage = Math.ceil(cards.length / groupPages.count);  // pages of even size
    if (groupPages.shown >= groupPages.count) groupPages.shown = 0;
    showGroupPage();
    clearInterval(groupPages.timer);
    groupPages.timer = groupPages.count > 1 ? setInterval(function () {
      groupPages.shown = (groupPages.shown + 1) % groupPages.count;
      showGroupPage();
    }, PAGE_MS) : null;
  }

  function showGroupPage() {
    var cards = $("vl-p-groups").children, first = groupPages.shown * groupPages.perPage;
    for (var i = 0; i < cards.length; i++) cards[i].hidden = i < first || i >= first + groupPages.perPage;
    var page = $("vl-p-page");
    page.hidden = groupPages.count < 2;
    page.textContent = t("room.projector.page", {page: groupPages.shown + 1, pages: groupPages.count});
  }

  // "Name (Organisation)": the organisation in a part of its own (left out when space is short).
  function nameNode(label) {
    var item = el("li", label === "\u2022" ? "vl-proj-anon" : null);
    var parts = /^(.*?)\s*(\(.*\))$/.exec(label);
    if (!parts) { item.textContent = label; return item; }
    item.appendChild(el("span", "vl-proj-person", parts[1]));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("span", "vl-proj-org", parts[2]));
    return item;
  }

  function renderGroups() {
    var groups = (state.warmup && state.warmup.groups) || [];
    if (!changed("groups", groups)) return;
    var list = $("vl-p-groups");
    list.textContent = "";
    groups.forEach(function (labels, i) {
      var item = el("li", "vl-proj-group");
      item.appendChild(el("span", "vl-proj-group-n", t("room.projector.group", {number: i + 1})));
      item.appendChild(el("span", "vl-proj-group-k", String(i + 1)));
      var names = el("ul", "vl-proj-names");
      labels.forEach(function (label) { names.appendChild(nameNode(label)); });
      item.appendChild(names);
      list.appendChild(item);
    });
    $("vl-p-nogroups").hidden = groups.length > 0;
    groupPages.shown = 0;
    requestAnimationFrame(fitGroups);
  }

  function renderEvaluation() {
    var counts = state.counts || {};
    $("vl-p-evaluated").textContent = String(counts.evaluated || 0);
    $("vl-p-evaluated-of").textContent = t("room.projector.evaluated_of",
                                           {count: counts.evaluated || 0, joined: counts.joined || 0});
    var share = counts.joined ? Math.min(1, (counts.evaluated || 0) / counts.joined) : 0;
    $("vl-p-progress").style.width = (share * 100).toFixed(1) + "%";
  }

  function dimensionsOf(summary) {
    return (summary.dimensions || []).map(function (d) {
      return {key: d.key, label: d.label || texts["assess.dimension." + d.key] || d.key, mean: d.mean,
              respondents: d.respondents || 0, answers: d.answers || 0,
              suppressed: !!d.suppressed || d.mean === null || d.mean === undefined};
    }).sort(function (a, b) { return DIMENSIONS.indexOf(a.key) - DIMENSIONS.indexOf(b.key); });
  }

  function textBlock(heading, items) {
    items = Array.isArray(items) ? items : (items ? [items] : []);
    if (!items.length) return null;
    var block = el("div", "vl-proj-texts");
    block.appendChild(el("h2", null, heading));
    var list = el("ul");
    items.forEach(function (item) {
      var text = typeof item === "string" ? item : (item.title || item.label || item.statement || item.text || "");
      if (text) list.appendChild(el("li", null, text));
    });
    block.appendChild(list);
    return block;
  }

  function renderResults() {
    var summary = state.evaluation;
    if (!changed("evaluation", summary)) return;
    var box = $("vl-p-chart");
    box.textContent = "";
    var dims = summary && summary.respondents ? dimensionsOf(summary) : [];
    if (!dims.length) { box.appendChild(el("p", "vl-proj-empty", t("room.projector.no_answers"))); return; }
    var chart = el("div", "vl-proj-chart");
    dims.forEach(function (d) {
      var row = el("div", "vl-proj-bar-row" + (d.suppressed ? " vl-proj-suppressed" : ""));
      row.setAttribute("data-dimension", d.key);
      row.appendChild(el("span", "vl-proj-bar-label", d.label));
      var track = el("span", "vl-proj-track");
      var bar = el("span", "vl-proj-bar");
      bar.style.width = (d.suppressed ? 0 : Math.max(0, Math.min(1, (d.mean - 1) / 4)) * 100).toFixed(1) + "%";
      track.appendChild(bar);
      row.appendChild(track);
      row.appendChild(el("span", "vl-proj-bar-value", d.suppressed ? "–" : number(d.mean, 1)));
      row.appendChild(el("span", "vl-proj-bar-n", d.suppressed ? t("room.projector.suppressed")
                                                             : t("room.projector.answers",
                                                                 {respondents: d.respondents, answers: d.answers})));
      chart.appendChild(row);
    });
    var axis = el("div", "vl-proj-bar-row vl-proj-axis");
    axis.appendChild(el("span", "vl-proj-bar-label"));
    var ticks = el("span", "vl-proj-ticks");
    [1, 2, 3, 4, 5].forEach(function (v) { ticks.appendChild(el("span", null, String(v))); });
    axis.appendChild(ticks);
    chart.appendChild(axis);
    box.appendChild(chart);
    var texts2 = el("div", "vl-proj-text-columns");
    [["strengths", "room.projector.strengths"], ["targets", "room.projector.targets"]].forEach(function (pair) {
      var block = textBlock(t(pair[1]), summary[pair[0]]);
      if (block) texts2.appendChild(block);
    });
    if (texts2.childNodes.length) box.appendChild(texts2);
    requestAnimationFrame(fitResults);
  }

  // The strengths and targets in what room the charts leave: smaller type (never under
  // MIN_FONT), then the last sentences of the longer list left out.
  function fitResults() {
    var section = $("vl-p-results"), columns = section.querySelector(".vl-proj-text-columns");
    if (section.hidden || !columns) return;
    // At most the first three of each list: the wall is read, not studied.
    columns.querySelectorAll("ul").forEach(function (ul) {
      Array.prototype.forEach.call(ul.children, function (li, i) { li.hidden = i >= 3; });
    });
    columns.querySelectorAll(".vl-proj-texts").forEach(function (b) { b.hidden = false; });
    function over() { return section.scrollHeight > section.clientHeight + 1; }
    var size = 30;
    columns.style.fontSize = size + "px";
    while (size > MIN_FONT && over()) { size -= 2; columns.style.fontSize = size + "px"; }
    while (over()) {
      var lists = Array.prototype.slice.call(columns.querySelectorAll("ul")).map(function (ul) {
        return Array.prototype.slice.call(ul.children).filter(function (li) { return !li.hidden; });
      }).filter(function (shown) { return shown.length; });
      if (!lists.length) break;
      lists.sort(function (a, b) { return b.length - a.length; });
      lists[0][lists[0].length - 1].hidden = true;
    }
    columns.querySelectorAll(".vl-proj-texts").forEach(function (block) {
      block.hidden = !block.querySelector("li:not([hidden])");
    });
  }

  function render() {
    if (changed("phase", state.phase)) showPhase(state.phase);
    renderSide();
    if (state.phase === "warmup") renderGroups();
    if (state.phase === "evaluation") renderEvaluation();
    if (state.phase === "results") renderResults();
  }

  // ---- the network picture (mapping phase) ----------------------------------------

  function startPicture() {
    if (picture.timer === null) pollPicture();
  }

  function stopPicture() {
    clearTimeout(picture.timer);
    picture.timer = null;
  }

  function pollPicture() {
    clearTimeout(picture.timer);
    picture.timer = setTimeout(pollPicture, PICTURE_MS);
    if (picture.busy) return;
    picture.busy = true;
    var holder = $("vl-p-picture");
    var query = {width: holder.clientWidth || 1920, height: holder.clientHeight || 860};
    if (picture.version !== null) query.since = picture.version;
    get("picture", query).then(function (payload) {
      $("vl-p-new").textContent = tn("room.projector.new_ties", payload.new_ties || 0);
      if (payload.item && payload.version !== picture.version) {
        return embed(payload.item).then(function () { picture.version = payload.version; });
      }
      return null;
    }).catch(function () { /* keep the picture shown; try again on the next round */ })
      .then(function () { picture.busy = false; });
  }

  function embed(item) {
    if (!window.Bokeh || !Bokeh.embed) return Promise.reject(new Error("BokehJS"));
    var holder = $("vl-p-picture");
    var old = {views: picture.views, node: picture.node};
    var node = el("div", "vl-proj-plot");
    node.id = "vl-p-plot-" + (++picture.serial);
    holder.appendChild(node);
    return Bokeh.embed.embed_item(item, node.id).then(function (views) {
      picture.views = views;
      picture.node = node;
      $("vl-p-picture-wait").hidden = true;
      if (old.views && old.views.clear) old.views.clear();
      if (old.node && old.node.parentNode) old.node.parentNode.removeChild(old.node);
      // Forget the replaced documents: only the newest picture stays in memory.
      if (Bokeh.documents && Bokeh.documents.length > 1) Bokeh.documents.splice(0, Bokeh.documents.length - 1);
    }, function (error) {
      if (node.parentNode) node.parentNode.removeChild(node);
      throw error;
    });
  }

  // ---- polling --------------------------------------------------------------------

  // The server's clock (for the timer): server_time is seconds since 1970 (or ISO).
  function noteServerClock(value) {
    var at = typeof value === "number" ? value * 1000 : Date.parse(value);
    if (!isNaN(at)) serverOffset = at - Date.now();
  }

  function poll() {
    get("projector").then(function (payload) {
      state = payload;
      noteServerClock(payload.server_time);
      render();
    }).catch(function () { /* the wall keeps what it shows and tries again */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  function applyTexts() {
    document.querySelectorAll("[data-t]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    document.title = t("room.projector.title") + " · verkostolab";
  }

  function boot() {
    get("texts").then(function (payload) {
      texts = payload.texts || {};
      if (payload.lang) { lang = payload.lang; document.documentElement.lang = payload.lang; }
      applyTexts();
      poll();
    }, function () { setTimeout(boot, 3000); });
  }

  setInterval(renderTimer, 250);
  window.addEventListener("resize", function () { requestAnimationFrame(fitGroups); requestAnimationFrame(fitResults); });
  boot();
}());
