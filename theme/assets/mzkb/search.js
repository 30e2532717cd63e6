/* mzkb browser search: loads the sharded index with <script> tags (works from file://),
   scores with precomputed BM25 postings, renders the header box and search.html.
   Query analysis lives in search-analyzer.js (mirror of generator/search/analyzer.py). */
(function () {
  "use strict";
  var A = window.MzkbAnalyzer;
  var hasOwn = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var TYPE_LABELS = {}, STATUS_LABELS = {};
  var state = { manifest: null, shards: {}, frags: {}, docs: null, scripts: {}, waiting: {} };

  /* ---- loading: every index file calls mzkbSearch.load(kind, n, data) ---- */
  window.mzkbSearch = {
    load: function (kind, n, data, segment) {
      if (kind === "manifest") { state.manifest = data; state.dead = {}; data.dead.forEach(function (d) { state.dead[d] = true; }); }
      else if (kind === "shard") state.shards[(segment || 0) + ":" + n] = data;
      else if (kind === "frag") state.frags[n] = data;
      else if (kind === "docs") state.docs = data;
    },
    search: function (q, filters, limit, offset) { return search(q, filters || {}, limit || 10, offset || 0); },
    state: state
  };

  function siteRoot() {
    var el = document.querySelector("[data-mzkb-root]");
    var r = el ? el.getAttribute("data-mzkb-root") : ".";
    return r.replace(/\/?$/, "/");
  }

  function loadScript(src) {
    if (!state.scripts[src]) {
      state.scripts[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete state.scripts[src]; reject(new Error("无法加载 " + src)); };
        document.head.appendChild(s);
      });
    }
    return state.scripts[src];
  }

  function indexFile(segment, name) { return siteRoot() + "search/" + segment.b + "/" + name; }

  function ensureManifest() {
    if (state.manifest) return Promise.resolve(state.manifest);
    return loadScript(siteRoot() + "search/manifest.js").then(function () {
      state.manifest.types.forEach(function (t) { TYPE_LABELS[t[0]] = t[1]; });
      state.manifest.statuses.forEach(function (s) { STATUS_LABELS[s[0]] = s[1]; });
      return state.manifest;
    });
  }

  function shardOf(key, count) {  /* 32-bit rolling hash over UTF-16 code units, as shard_of() in browser_index.py */
    var h = 0;
    for (var i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
    return h % count;
  }
  /* The index is one segment, or a base and an overlay of documents changed since (manifest.segments). */
  function segments() { return state.manifest.segments; }
  function loadShard(i, n) {
    return hasOwn(state.shards, i + ":" + n) ? Promise.resolve() : loadScript(indexFile(segments()[i], "s" + n + ".js"));
  }
  function segmentOf(doc) {
    var all = segments();
    for (var i = 0; i < all.length; i++) if (doc >= all[i].f && doc < all[i].f + all[i].n) return all[i];
    return all[0];
  }
  function loadFrag(d) { return hasOwn(state.frags, d) ? Promise.resolve() : loadScript(indexFile(segmentOf(d), "f" + d + ".js")); }
  function loadDocs() { return state.docs ? Promise.resolve() : loadScript(siteRoot() + "search/" + state.manifest.docsFile); }

  /* The shard of each segment that holds a term (undefined when not loaded). */
  function shardsFor(term) {
    var key = A.shardKey(term);
    return segments().map(function (s, i) { return state.shards[i + ":" + shardOf(key, s.s)]; });
  }

  function hasTerm(term) {
    return shardsFor(term).some(function (shard) { return !!shard && hasOwn(shard, term); });
  }

  /* ---- postings: (document delta, score, best unit) as base-64 varints, decoded once ---- */
  var DIGITS = {};
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_".split("").forEach(function (c, i) { DIGITS[c] = i; });
  var decoded = {};

  /* A term's postings over all segments, without dead documents, with the term's idf
     (computed here from the live document frequency, as BM25's idf). */
  function decode(term) {
    if (decoded[term]) return decoded[term];
    var nums = [];
    shardsFor(term).forEach(function (shard) {
      if (!shard || !hasOwn(shard, term)) return;
      var text = shard[term], value = 0, shift = 0, doc = 0, k = 0;
      for (var i = 0; i < text.length; i++) {
        var d = DIGITS[text.charAt(i)];
        if (d >= 32) { value += (d - 32) * Math.pow(2, shift); shift += 5; continue; }
        value += d * Math.pow(2, shift);
        if (k % 3 === 0) { doc += value; value = doc; }
        nums.push(value); value = 0; shift = 0; k++;
      }
    });
    var live = [];
    for (var j = 0; j < nums.length; j += 3) if (!state.dead[nums[j]]) live.push(j);
    var n = live.length, docs = new Int32Array(n), scores = new Float64Array(n), units = new Int32Array(n);
    live.forEach(function (j, x) { docs[x] = nums[j]; scores[x] = nums[j + 1]; units[x] = nums[j + 2]; });
    var total = state.manifest.docs, idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
    return (decoded[term] = { docs: docs, scores: scores, units: units, idf: idf });
  }

  function postingsFor(item) {
    if (item.kind !== "latin" && item.kind !== "char") return hasTerm(item.term) ? [decode(item.term)] : [];
    var terms = {};
    shardsFor(item.term).forEach(function (shard) {
      Object.keys(shard || {}).forEach(function (t) { if (t.lastIndexOf(item.term, 0) === 0) terms[t] = true; });
    });
    return Object.keys(terms).sort().slice(0, 64).map(decode);
  }

  function passes(doc, f) {
    if (!state.docs || !(f.type || f.audience || f.status || f.year || f.region)) return true;
    var row = state.docs[doc], m = state.manifest;
    if (f.type && m.types[row[0]][0] !== f.type) return false;
    if (f.status && m.statuses[row[1]][0] !== f.status) return false;
    if (f.year && String(row[2]) !== String(f.year)) return false;
    if (f.audience) {
      var bit = -1;
      m.audiences.forEach(function (a, i) { if (a[0] === f.audience || a[1] === f.audience) bit = i; });
      if (bit < 0 || !(row[3] & (1 << bit))) return false;
    }
    if (f.region && m.regions[row[4]] !== f.region) return false;
    return true;
  }

  /* One spelling: sum of per-term document scores, times (matched terms / terms)². The deep
     link goes to the unit that carries most of the score. */
  function rank(terms, filters) {
    var score = new Map(), matched = new Map(), votes = new Map();
    terms.forEach(function (item) {
      var seen = new Map();
      postingsFor(item).forEach(function (p) {
        for (var i = 0; i < p.docs.length; i++) {
          var d = p.docs[i], prev = seen.get(d);
          var value = p.scores[i] * p.idf;
          if (prev === undefined || prev[0] < value) seen.set(d, [value, p.units[i]]);
        }
      });
      seen.forEach(function (v, d) {
        score.set(d, (score.get(d) || 0) + v[0]);
        matched.set(d, (matched.get(d) || 0) + 1);
        var unitVotes = votes.get(d);
        if (!unitVotes) votes.set(d, unitVotes = new Map());
        unitVotes.set(v[1], (unitVotes.get(v[1]) || 0) + v[0]);
      });
    });
    var results = [];
    score.forEach(function (s, d) {
      if (!passes(d, filters)) return;
      var coord = matched.get(d) / terms.length, best = 0, bestVotes = -1;
      votes.get(d).forEach(function (v, u) { if (v > bestVotes || (v === bestVotes && u < best)) { bestVotes = v; best = u; } });
      results.push({ doc: d, unit: best, score: s * coord * coord });
    });
    return results;
  }

  /* Best score per document over the query's spellings (synonym variants). */
  function rankVariants(variants, filters) {
    var best = new Map();
    variants.forEach(function (terms) {
      if (!terms.length) return;
      rank(terms, filters).forEach(function (r) {
        var prev = best.get(r.doc);
        if (!prev || prev.score < r.score) best.set(r.doc, r);
      });
    });
    var results = Array.from(best.values());
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return results;
  }

  function search(q, filters, limit, offset) {
    var started = performance.now();
    offset = offset || 0;
    return ensureManifest().then(function (m) {
      var loads = [];
      A.shardKeys(q, m.synonyms).forEach(function (k) {
        m.segments.forEach(function (s, i) { loads.push(loadShard(i, shardOf(k, s.s))); });
      });
      var active = filters.type || filters.audience || filters.status || filters.year || filters.region;
      if (active) loads.push(loadDocs());
      return Promise.all(loads);
    }).then(function () {
      var variants = A.analyzeQuery(q, hasTerm, state.manifest.synonyms);
      var results = rankVariants(variants, filters);
      var terms = [].concat.apply([], variants);
      var shown = results.slice(offset, offset + limit);
      return Promise.all(shown.map(function (r) { return loadFrag(r.doc).then(function () { return inflate(r.doc); }); })).then(function () {
        return { query: q, terms: terms, total: results.length, results: shown, ms: performance.now() - started };
      });
    });
  }

  /* Unit texts travel zlib-compressed (base64); inflate them once per fragment. Browsers
     without DecompressionStream show results without snippets. */
  function inflate(doc) {
    var f = state.frags[doc];
    if (f.texts || !f.z) return Promise.resolve();
    if (typeof DecompressionStream === "undefined") { f.texts = []; return Promise.resolve(); }
    var binary = atob(f.z), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(function (text) { f.texts = JSON.parse(text); })
      .catch(function () { f.texts = []; });
  }

  /* ---- rendering (DOM only, never innerHTML with data) ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function badge(text, kind) { return el("span", "mzkb-badge mzkb-badge--" + kind, text); }

  function snippetNode(text, terms) {
    var lower = text.toLowerCase();
    var words = terms.filter(function (t) { return t.kind !== "docno"; }).map(function (t) { return t.term; });
    var first = -1;
    words.forEach(function (w) { var i = lower.indexOf(w); if (i >= 0 && (first < 0 || i < first)) first = i; });
    var start = Math.max(0, first - 20), end = Math.min(text.length, start + 110);
    var ranges = [];
    words.forEach(function (w) {
      for (var i = lower.indexOf(w, start); i >= 0 && i < end; i = lower.indexOf(w, i + 1)) ranges.push([i, Math.min(end, i + w.length)]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    });
    var p = el("p", "mzkb-result__snippet");
    var pos = start;
    if (start > 0) p.appendChild(document.createTextNode("…"));
    merged.forEach(function (r) {
      p.appendChild(document.createTextNode(text.slice(pos, r[0])));
      p.appendChild(el("mark", null, text.slice(r[0], r[1])));
      pos = r[1];
    });
    p.appendChild(document.createTextNode(text.slice(pos, end) + (end < text.length ? "…" : "")));
    return p;
  }

  function resultNode(r, terms, compact) {
    var f = state.frags[r.doc], unitIndex = f.x[r.unit] ? r.unit : 0, unit = f.x[unitIndex];
    var li = el("li", "mzkb-result mzkb-result--" + f.s);
    li.setAttribute("data-mzkb-result", "");
    var a = el("a", "mzkb-result__title", f.t);
    var attachment = unit[2] === "a";  /* a hit in an attached file: link to the file (PDF: #page=N) */
    a.href = siteRoot() + (attachment ? unit[0] : f.u + (unit[0] ? "#" + unit[0] : ""));
    li.appendChild(a);
    var badges = el("span", "mzkb-result__badges");
    badges.appendChild(badge(TYPE_LABELS[f.y] || f.y, f.y));
    if (f.s !== "current") badges.appendChild(badge(STATUS_LABELS[f.s] || f.s, f.s));
    if (f.e) badges.appendChild(badge(f.e, "edition"));
    li.appendChild(badges);
    var facts = [f.d];
    if (f.i) facts.push(f.i);
    if (f.n) facts.push(f.n);
    if (!compact && f.r) facts.push(f.r);
    if (!compact && f.a.length) facts.push("适用：" + f.a.join("、"));
    li.appendChild(el("div", "mzkb-result__facts", facts.join(" · ")));
    if (attachment) li.appendChild(el("div", "mzkb-result__where mzkb-result__where--attachment", unit[1]));
    else if (unit[1]) li.appendChild(el("div", "mzkb-result__where", (unit[0].indexOf("t=") === 0 ? "视频 " : "位置：") + unit[1]));
    li.appendChild(snippetNode((f.texts || [])[unitIndex] || "", terms));
    return li;
  }

  function debounce(fn, ms) {
    var timer;
    return function () { var args = arguments; clearTimeout(timer); timer = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  /* ---- header box: results as you type ---- */
  function initHeader(form) {
    var input = form.querySelector("input[name=q]");
    var panel = form.querySelector(".mzkb-suggest");
    var seq = 0;
    /* On phones the panel is fixed to the viewport: keep it below the box being typed in. */
    function place() {
      if (window.getComputedStyle(panel).position !== "fixed") { panel.style.top = ""; panel.style.maxHeight = ""; return; }
      var bottom = input.getBoundingClientRect().bottom + 6;
      panel.style.top = bottom + "px";
      panel.style.maxHeight = (window.innerHeight - bottom - 8) + "px";
    }
    var run = debounce(function () {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { panel.hidden = true; return; }
      search(q, {}, 6).then(function (res) {
        if (mine !== seq) return;
        panel.textContent = "";
        var list = el("ol", "mzkb-results mzkb-results--compact");
        res.results.forEach(function (r) { list.appendChild(resultNode(r, res.terms, true)); });
        if (!res.results.length) panel.appendChild(el("p", "mzkb-suggest__empty", "没有找到与“" + q + "”相关的文件。"));
        panel.appendChild(list);
        if (res.total > res.results.length) {
          var more = el("a", "mzkb-suggest__more", "查看全部 " + res.total + " 条结果 →");
          more.href = siteRoot() + "search.html?q=" + encodeURIComponent(q);
          panel.appendChild(more);
        }
        place();
        panel.hidden = false;
      }).catch(function (e) { panel.textContent = e.message; place(); panel.hidden = false; });
    }, 120);
    input.addEventListener("input", run);
    input.addEventListener("focus", function () { ensureManifest().catch(function () {}); if (input.value.trim()) run(); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") { panel.hidden = true; input.blur(); } });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) panel.hidden = true; });
  }

  /* ---- search.html ---- */
  var FILTERS = ["type", "audience", "status", "year", "region"];
  var PAGE = 10;

  function fillSelect(select, options) {
    options.forEach(function (o) { var opt = el("option", null, o[1]); opt.value = o[0]; select.appendChild(opt); });
  }

  function initPage(form) {
    var input = form.querySelector("input[name=q]");
    var summary = document.getElementById("mzkb-search-summary");
    var list = document.getElementById("mzkb-results");
    var more = document.getElementById("mzkb-more");
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    var seq = 0;
    ensureManifest().then(function (m) {
      fillSelect(form.elements.type, m.types);
      fillSelect(form.elements.audience, m.audiences);
      fillSelect(form.elements.status, m.statuses);
      fillSelect(form.elements.year, m.years.map(function (y) { return [String(y), y + " 年"]; }));
      fillSelect(form.elements.region, m.regions.map(function (r) { return [r, r]; }));
      FILTERS.forEach(function (name) {
        var v = params.get(name);
        if (!v) return;
        if (name === "audience") m.audiences.forEach(function (a) { if (a[1] === v) v = a[0]; });
        form.elements[name].value = v;
      });
      update(false);
    }).catch(function (e) { summary.textContent = "搜索索引加载失败：" + e.message; });

    function update(push) {
      var q = input.value.trim(), mine = ++seq, filters = {};
      FILTERS.forEach(function (name) { if (form.elements[name].value) filters[name] = form.elements[name].value; });
      if (push) {
        var p = new URLSearchParams();
        if (q) p.set("q", q);
        FILTERS.forEach(function (name) { if (filters[name]) p.set(name, filters[name]); });
        try { history.replaceState(null, "", "?" + p.toString()); } catch (e) { /* some file:// setups refuse */ }
      }
      if (!q) { list.textContent = ""; more.hidden = true; summary.textContent = "请输入关键词，例如：养老机构探视、遗体处置、临时救助条件。"; return; }
      search(q, filters, PAGE).then(function (res) {
        if (mine !== seq) return;
        list.textContent = "";
        res.results.forEach(function (r) { list.appendChild(resultNode(r, res.terms, false)); });
        summary.textContent = res.total
          ? "找到 " + res.total + " 个相关文件（现行有效的文件排在前面）。"
          : "没有找到与“" + q + "”相关的文件。请尝试更短的关键词，或减少筛选条件。";
        more.hidden = res.total <= res.results.length;
        more.onclick = function () {
          var shown = list.children.length;
          search(q, filters, PAGE, shown).then(function (next) {
            if (mine !== seq) return;
            next.results.forEach(function (r) { list.appendChild(resultNode(r, next.terms, false)); });
            more.hidden = next.total <= list.children.length;
          });
        };
        document.title = q + " - 搜索";
      });
    }
    input.addEventListener("input", debounce(function () { update(true); }, 150));
    form.addEventListener("change", function () { update(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); update(true); });
  }

  function init() {
    var page = document.getElementById("mzkb-search-page");
    if (page) initPage(page);
    Array.prototype.forEach.call(document.querySelectorAll("form.mzkb-header-search"), function (f) {
      if (!page) initHeader(f); else f.hidden = true;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
