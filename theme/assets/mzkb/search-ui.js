/* mzkb search UI: results as DOM nodes (textContent only, never innerHTML with data), the header
   box as a WAI-ARIA combobox, and search.html. Engine: search.js (window.mzkb.search). Browsers
   without what the search needs get a Chinese message and browsing links, never a blank page. */
(function () {
  "use strict";
  var S = window.mzkb.search;

  /* What the search needs from the browser (DecompressionStream is not needed). */
  function missingFeatures() {
    var missing = [];
    if (typeof window.Promise !== "function") missing.push("Promise");
    if (typeof window.URLSearchParams !== "function") missing.push("URLSearchParams");
    if (typeof window.Map !== "function" || typeof Array.from !== "function") missing.push("Map");
    if (typeof String.prototype.normalize !== "function") missing.push("String.normalize");
    return missing;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function label(list, value) {
    var found = value;
    list.forEach(function (pair) { if (pair[0] === value) found = pair[1]; });
    return found;
  }
  function badge(text, kind) { return el("span", "mzkb-badge mzkb-badge--" + kind, text); }

  function snippetNode(text, runs, piece) {
    text = text.replace(/\s+/g, " ");
    var spans = S.snippetSpans(text, runs, piece), p = el("p", "mzkb-result__snippet"), pos = spans.start;
    if (spans.start > 0) p.appendChild(document.createTextNode("…"));
    spans.marks.forEach(function (r) {
      p.appendChild(document.createTextNode(text.slice(pos, r[0])));
      p.appendChild(el("mark", null, text.slice(r[0], r[1])));
      pos = r[1];
    });
    p.appendChild(document.createTextNode(text.slice(pos, spans.end) + (spans.end < text.length ? "…" : "")));
    return p;
  }

  /* text into node, the spans in marks as <mark>. */
  function appendMarked(node, text, marks) {
    var pos = 0;
    (marks || []).forEach(function (r) {
      node.appendChild(document.createTextNode(text.slice(pos, r[0])));
      node.appendChild(el("mark", null, text.slice(r[0], r[1])));
      pos = r[1];
    });
    node.appendChild(document.createTextNode(text.slice(pos)));
    return node;
  }
  /* The document's topics that hold the query (search result "topics": [topic, marks]), marked. */
  function topicsNode(topics) {
    var div = el("div", "mzkb-result__facts mzkb-result__topics", "主题：");
    topics.forEach(function (t, i) {
      if (i) div.appendChild(document.createTextNode("、"));
      appendMarked(div, t[0], t[1]);
    });
    return div;
  }

  /* The status on the reader's date (search.js statusNow: offline copies outlive the build). */
  function badges(f, doc) {
    var m = S.state.manifest, box = el("span", "mzkb-result__badges");
    box.appendChild(badge(label(m.types, f.y), f.y));
    var status = S.statusNow(doc, f.s);
    box.appendChild(badge(label(m.statuses, status), status));  /* 现行有效 too: said, not implied */
    if (f.e) box.appendChild(badge(f.e, "edition"));
    return box;
  }

  /* An older edition found first (the match is only in it): the edition in force, linked. */
  function currentNode(doc) {
    var f = S.state.frags[doc], div = el("div", "mzkb-result__facts mzkb-result__current-note", "此为旧版本，现行版本：");
    var a = el("a", "mzkb-result__current", f.t);
    a.href = S.siteRoot() + f.u;
    div.appendChild(a);
    return div;
  }

  /* The other matching editions, listed when the reader opens them. */
  function olderNode(docs, others) {
    var details = el("details", "mzkb-result__older"), list = el("ol", "mzkb-older");
    details.appendChild(el("summary", null, "另有 " + docs.length + others));
    details.appendChild(list);
    details.addEventListener("toggle", function () {
      if (!details.open || list.children.length) return;
      S.loadFrags(docs).then(function () {
        docs.forEach(function (d) {
          var f = S.state.frags[d], li = el("li", "mzkb-older__item mzkb-result--" + S.statusNow(d, f.s)), a = el("a", null, f.t);
          a.href = S.siteRoot() + f.u;
          li.appendChild(a);
          li.appendChild(badges(f, d));
          li.appendChild(el("span", "mzkb-result__facts", " " + f.d));
          list.appendChild(li);
        });
      });
    });
    return details;
  }

  /* 信息公开 fields: 索引号, 主题分类, 主送 (cli.disclosure_line says the same). */
  function disclosureText(f) {
    var parts = [];
    if (f.k) parts.push("索引号：" + f.k);
    if (f.j) parts.push("主题分类：" + f.j);
    if (f.o) parts.push("主送：" + f.o);
    return parts.join(" · ");
  }

  /* cli.older_passage: said above a snippet cut from an older edition (only it holds the query). */
  function olderPassage(doc) {
    var f = S.state.frags[doc];
    return "见于旧版《" + f.t + "》（" + f.d.slice(0, 4) + "年版）：";
  }

  function resultNode(r, res, compact) {
    var older = r.source !== undefined && r.source !== r.doc, src = S.state.frags[older ? r.source : r.doc];
    var f = S.state.frags[r.doc], unitIndex = src.x[r.unit] ? r.unit : 0, unit = older ? ["", ""] : f.x[unitIndex];
    var li = el("li", "mzkb-result mzkb-result--" + S.statusNow(r.doc, f.s));
    li.setAttribute("data-mzkb-result", "");
    var a = appendMarked(el("a", "mzkb-result__title"), f.t, r.titleMarks);
    var attachment = unit[2] === "a";  /* a hit in an attached file: link to the file (PDF: #page=N) */
    a.href = S.siteRoot() + (attachment ? unit[0] : f.u + (unit[0] ? "#" + unit[0] : ""));
    li.appendChild(a);
    li.appendChild(badges(f, r.doc));
    var facts = [f.d];
    if (f.i) facts.push(f.i);
    if (f.n) facts.push(f.n);
    if (!compact && f.r) facts.push(f.r);
    if (!compact && f.a.length) facts.push("适用：" + f.a.join("、"));
    li.appendChild(el("div", "mzkb-result__facts", facts.join(" · ")));
    var disclosure = disclosureText(f);
    if (disclosure) li.appendChild(el("div", "mzkb-result__facts mzkb-result__disclosure", disclosure));
    if (attachment) li.appendChild(el("div", "mzkb-result__where mzkb-result__where--attachment", unit[1]));
    else if (unit[1]) li.appendChild(el("div", "mzkb-result__where", (unit[0].indexOf("t=") === 0 ? "视频 " : "位置：") + unit[1]));
    if (older) li.appendChild(el("div", "mzkb-result__facts mzkb-result__older-passage", olderPassage(r.source)));
    li.appendChild(snippetNode(S.wholeTexts(older ? r.source : r.doc)[unitIndex] || "", res.runs, r.piece));
    if (r.topics && r.topics.length) li.appendChild(topicsNode(r.topics));
    if (r.current !== null) li.appendChild(currentNode(r.current));
    if (r.fullIn !== null && !older) li.appendChild(el("div", "mzkb-result__facts mzkb-result__full-in", "完整匹配见于旧版本：" + S.state.frags[r.fullIn].t));
    var others = r.current !== null ? " 个其他版本也匹配" : " 个旧版本也匹配";
    if (r.older.length && !compact) li.appendChild(olderNode(r.older, others));
    else if (r.older.length) li.appendChild(el("div", "mzkb-result__facts", "另有 " + r.older.length + others));
    return li;
  }

  /* A query longer than manifest.maxQuery was cut (cli.shortened_line says the same); a 文号 prefix
     that is no document's (cli.no_owner_line). */
  function shortenedText(res) {
    return (res.shortened ? "搜索词太长，只按前 " + res.maxQuery + " 个字符搜索。" : "") +
      (res.aliased ? "已按“" + res.aliased + "”搜索。" : "") + (res.noOwner ? "没有文号以“" + res.noOwner + "”开头的文件。" : "");
  }
  /* ranking.suggestion: 您是不是要找 (cli says the same), after the counts. */
  function suggestText(res) { return res.suggestion ? "您是不是要找：" + res.suggestion + "。" : ""; }

  /* "找到 N 个文件完全匹配，另有 M 个部分匹配" — documents, counted before folding editions
     (of what was searched: the query, cut when too long, in simplified characters). */
  function countText(res) {
    var q = res.query;
    if (res.folded) return "已按简体字“" + res.folded + "”搜索。" + countText({ full: res.full, fullUpper: res.fullUpper, synonymUpper: res.synonymUpper, partial: res.partial, query: q,
      synonym: res.synonym, synonymWords: res.synonymWords });
    if (!res.full && !res.partial && !res.synonym) return "没有找到与“" + q + "”相关的文件。请尝试更短的关键词，或减少筛选条件。";
    /* fullUpper: candidates left unread (ranking.VERIFY), the count is an upper bound and says so */
    var text = res.full ? (res.fullUpper ? "找到至多 " + res.full + " 个文件完全匹配（未逐一核对原文）" : "找到 " + res.full + " 个文件完全匹配")
      : "没有文件完全匹配“" + q + "”";
    /* cli.count_line says the same */
    if (res.synonym) text += "，另有" + (res.synonymUpper ? "至多 " : " ") + res.synonym + " 个含同义词“" + res.synonymWords.join("”“") + "”";
    if (res.partial) text += "，另有 " + res.partial + " 个部分匹配";
    return text + "。";
  }
  var ORDER_NOTE = "完全匹配的排在部分匹配之前；输入标题、文号或原文的，所指文件排在最前（无论是否仍有效）；同一文件的多个版本合为一条，显示现行版本，只有旧版本匹配时显示旧版本并注明现行版本；相关度相近时现行有效、较新的文件在前。";

  function debounce(fn, ms) {
    var timer;
    return function () { var args = arguments; clearTimeout(timer); timer = setTimeout(function () { fn.apply(null, args); }, ms); };
  }
  function setExample(input, prefix) {
    S.ensureManifest().then(function (m) { if (m.example) input.placeholder = prefix + m.example; }, function () {});
  }

  /* ---- header box: a WAI-ARIA combobox with a listbox of results ---- */
  function initHeader(form) {
    var input = form.querySelector("input[name=q]"), panel = form.querySelector(".mzkb-suggest");
    var list = panel.querySelector("[role=listbox]"), extra = el("div", "mzkb-suggest__extra");
    panel.appendChild(extra);
    var seq = 0, active = -1;
    function options() { return list.querySelectorAll("[role=option]"); }
    function open(show) {
      panel.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) setActive(-1);
    }
    function setActive(i) {
      var all = options();
      active = all.length ? Math.max(-1, Math.min(i, all.length - 1)) : -1;
      Array.prototype.forEach.call(all, function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      if (active >= 0) { input.setAttribute("aria-activedescendant", all[active].id); all[active].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function place() {  /* on phones the panel is fixed to the viewport: keep it below the box */
      if (window.getComputedStyle(panel).position !== "fixed") { panel.style.top = ""; panel.style.maxHeight = ""; return; }
      var bottom = input.getBoundingClientRect().bottom + 6;
      panel.style.top = bottom + "px";
      panel.style.maxHeight = (window.innerHeight - bottom - 8) + "px";
    }
    var run = debounce(function () {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { open(false); return; }
      S.search(q, {}, 6).then(function (res) {
        if (mine !== seq) return;
        list.textContent = ""; extra.textContent = "";
        res.results.forEach(function (r, i) {
          var node = resultNode(r, res, true);
          node.setAttribute("role", "option");
          node.id = "mzkb-suggest-" + i;
          list.appendChild(node);
        });
        if (!res.results.length) extra.appendChild(el("p", "mzkb-suggest__empty", shortenedText(res) + "没有找到与“" + res.query + "”相关的文件。"));
        else extra.appendChild(el("p", "mzkb-suggest__count", shortenedText(res) + countText(res) + suggestText(res)));
        if (res.total > res.results.length) {
          var more = el("a", "mzkb-suggest__more", "查看全部结果 →");
          more.href = S.siteRoot() + "search.html?q=" + encodeURIComponent(q);
          extra.appendChild(more);
        }
        place(); open(true); setActive(-1);
      }).catch(function (e) { extra.textContent = e.message; place(); open(true); });
    }, 120);
    input.addEventListener("input", run);
    input.addEventListener("focus", function () { setExample(input, "搜索，如："); if (input.value.trim()) run(); });
    input.addEventListener("keydown", function (e) {
      var key = e.key, count = options().length;
      if (key === "ArrowDown" || key === "Down") {
        e.preventDefault();
        if (panel.hidden) { if (count) open(true); else run(); }
        setActive(active + 1 >= count ? 0 : active + 1);
      } else if (key === "ArrowUp" || key === "Up") {
        e.preventDefault();
        if (panel.hidden && count) open(true);
        setActive(active <= 0 ? count - 1 : active - 1);
      } else if (key === "Enter" && active >= 0 && !panel.hidden) {
        e.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      } else if (key === "Escape" || key === "Esc") {
        if (!panel.hidden) e.preventDefault();
        open(false);  /* keeps the text */
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) open(false); });
  }

  /* ---- search.html ---- */
  var FILTERS = ["type", "audience", "status", "year", "region"];
  var PAGE = 10;

  function fillSelect(select, options) {
    options.forEach(function (o) { var opt = el("option", null, o[1]); opt.value = o[0]; select.appendChild(opt); });
  }

  function initPage(form) {
    var input = form.querySelector("input[name=q]"), summary = document.getElementById("mzkb-search-summary");
    var list = document.getElementById("mzkb-results"), more = document.getElementById("mzkb-more");
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    input.focus();
    var seq = 0;
    S.ensureManifest().then(function (m) {
      if (m.example) input.placeholder = "输入关键词、标题或文号，如：" + m.example;
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
      if (!q) {
        list.textContent = ""; more.hidden = true;
        summary.textContent = "请输入关键词、标题或文号" + (S.state.manifest.example ? "，例如：" + S.state.manifest.example : "") + "。";
        return;
      }
      S.search(q, filters, PAGE).then(function (res) {
        if (mine !== seq) return;
        list.textContent = "";
        res.results.forEach(function (r) { list.appendChild(resultNode(r, res, false)); });
        summary.textContent = shortenedText(res) + countText(res) + suggestText(res) + (res.results.length > 1 ? ORDER_NOTE : "");
        more.hidden = res.total <= res.results.length;
        more.onclick = function () {
          var shown = list.children.length;
          S.search(q, filters, PAGE, shown).then(function (next) {
            if (mine !== seq) return;
            next.results.forEach(function (r) { list.appendChild(resultNode(r, next, false)); });
            more.hidden = next.total <= list.children.length;
          });
        };
        document.title = res.query + " - 搜索";
      });
    }
    input.addEventListener("input", debounce(function () { update(true); }, 150));
    form.addEventListener("change", function () { update(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); update(true); });
  }

  /* A browser without what the search needs: say so, show the browsing links. */
  function fallback(page, missing) {
    var box = document.getElementById("mzkb-search-fallback"), summary = document.getElementById("mzkb-search-summary");
    if (box) box.hidden = false;
    if (summary) summary.textContent = "这个浏览器太旧，无法在本页搜索（缺少 " + missing.join("、") + "）。请改用下面的分类目录浏览，或换用较新的浏览器。";
    if (page) page.querySelector("input[name=q]").disabled = true;
  }

  function init() {
    var page = document.getElementById("mzkb-search-page"), missing = missingFeatures();
    if (missing.length) { fallback(page, missing); return; }
    if (page) initPage(page);
    Array.prototype.forEach.call(document.querySelectorAll("form.mzkb-header-search"), function (f) {
      if (!page) initHeader(f); else f.hidden = true;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
