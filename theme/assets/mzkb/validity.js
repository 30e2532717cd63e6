/* mzkb: status on the reader's date — the browser's one judge (generator/content/status.py, step
   by step), fed by the same records: assets/mzkb/status-data.js (window.mzkb.statusData: the build
   day, the labels, id -> [base, valid from, valid until, [amending ids]]). Offline copies live for
   months, so what the build judged may be stale. Every element with data-mzkb-status="ID" gets
   ID's status of today in data-mzkb-state:
   - data-mzkb-in="s …": the element is shown only while the status is one of them (an entry
     listed in each group it can belong to: 现行规定 / 即将施行, current / history lists);
   - data-mzkb-when="s …" on its parts: shown only in those statuses;
   - data-mzkb-label (itself or a part): the status label, badge and item class follow it;
   - a data-mzkb-group counts its shown entries (list items, case cards) into data-mzkb-count, shows data-mzkb-empty when
     none is shown and hides itself then when marked data-mzkb-hide-empty;
   - data-mzkb-tally="ID …" counts (home tiles, listing lead lines): its text becomes
     data-mzkb-tally-base (the documents whose status never changes) plus the listed IDs whose
     status today is one of data-mzkb-tally-in;
   - data-mzkb-asof shows the day judged ("状态以 YYYY-MM-DD 为准"); a data-mzkb-asof-line (hidden in
     the static HTML, which has no day to say there) is shown once filled. No fetch. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  var IN_FORCE = ["current", "amended"];

  /* The status of document key on day (YYYY-MM-DD) from records (key -> [base, valid from, valid
     until, [amending keys]]); a key without a record has base every day; an amendment cycle
     counts as not in force. */
  function dated(base, from, until, day) {
    if (base !== "current") return base;
    if (until && until < day) return "expired";
    if (from && from > day) return "pending";
    return base;
  }
  function statusOn(key, records, day, base, seen) {
    var found = records[key];
    if (!found) return base || "current";
    var status = dated(found[0], found[1], found[2], day);
    if (status !== "current") return status;
    seen = (seen || []).concat([String(key)]);
    var amended = found[3].some(function (a) {
      return seen.indexOf(String(a)) < 0 && IN_FORCE.indexOf(statusOn(a, records, day, "current", seen)) >= 0;
    });
    return amended ? "amended" : status;
  }

  function data() { return (window.mzkb && window.mzkb.statusData) || null; }

  function has(list, status) { return (" " + (list || "") + " ").indexOf(" " + status + " ") >= 0; }
  var MODIFIER = /^(mzkb-(?:badge|item|case-card))--(current|amended|pending|expired|superseded|repealed)$/;

  function relabel(el, status, labels) {
    if (labels[status]) el.textContent = labels[status];
    var names = el.className ? String(el.className).split(/\s+/) : [];
    el.className = names.map(function (c) { var m = MODIFIER.exec(c); return m ? m[1] + "--" + status : c; }).join(" ");
  }

  function own(box, selector) {
    return Array.prototype.filter.call(box.querySelectorAll(selector), function (part) {
      return part.parentNode.closest("[data-mzkb-status]") === box;  /* a nested status decides for itself */
    });
  }

  function judge(box, d, day) {
    var key = box.getAttribute("data-mzkb-status");
    if (!d.records[key]) return;  /* the same every day: the build's judgement stands */
    var status = statusOn(key, d.records, day);
    box.setAttribute("data-mzkb-state", status);
    if (box.hasAttribute("data-mzkb-in")) box.hidden = !has(box.getAttribute("data-mzkb-in"), status);
    if (box.hasAttribute("data-mzkb-label")) relabel(box, status, d.labels);
    own(box, "[data-mzkb-label]").forEach(function (el) { relabel(el, status, d.labels); });
    own(box, "[data-mzkb-when]").forEach(function (el) { el.hidden = !has(el.getAttribute("data-mzkb-when"), status); });
    relabel(box, status, {});  /* the item's or card's class (mzkb-item--…, mzkb-case-card--…) */
  }

  function recount(group) {
    /* its entries: the list items and cards (li, article) of this group, not those nested in one */
    var entries = Array.prototype.filter.call(group.querySelectorAll("li, article"), function (el) {
      return el.parentNode.closest("li, article, [data-mzkb-group]") === group && !el.hidden;
    });
    Array.prototype.forEach.call(group.querySelectorAll("[data-mzkb-count]"), function (el) { el.textContent = String(entries.length); });
    Array.prototype.forEach.call(group.querySelectorAll("[data-mzkb-empty]"), function (el) { el.hidden = entries.length > 0; });
    Array.prototype.forEach.call(group.querySelectorAll("[data-mzkb-full]"), function (el) { el.hidden = entries.length === 0; });
    if (group.hasAttribute("data-mzkb-hide-empty")) group.hidden = entries.length === 0;
  }

  function retally(el, d, day) {
    var wanted = el.getAttribute("data-mzkb-tally-in");
    var n = parseInt(el.getAttribute("data-mzkb-tally-base"), 10) || 0;
    (el.getAttribute("data-mzkb-tally") || "").split(/\s+/).forEach(function (key) {
      if (key && has(wanted, statusOn(key, d.records, day))) n += 1;
    });
    el.textContent = String(n);
  }

  /* Re-judge every status under root on day (default: the reader's today). */
  function apply(root, day) {
    var d = data();
    if (!d) return;
    day = day || today();
    root = root || document;
    Array.prototype.forEach.call(root.querySelectorAll("[data-mzkb-status]"), function (box) { judge(box, d, day); });
    Array.prototype.forEach.call(root.querySelectorAll("[data-mzkb-group]"), recount);
    Array.prototype.forEach.call(root.querySelectorAll("[data-mzkb-tally]"), function (el) { retally(el, d, day); });
    Array.prototype.forEach.call(root.querySelectorAll("[data-mzkb-asof]"), function (el) {
      el.textContent = day;
      if (el.tagName === "TIME") el.setAttribute("datetime", day);
    });
    /* a line that only this script can fill (the search page's) shows once filled */
    Array.prototype.forEach.call(root.querySelectorAll("[data-mzkb-asof-line]"), function (el) { el.hidden = false; });
  }

  /* A document's status on day by id (the search page's badges use statusOn with its own keys). */
  function statusOf(id, day, fallback) {
    var d = data();
    return d ? statusOn(String(id), d.records, day || today(), fallback) : (fallback || "current");
  }

  window.mzkbValidity = { apply: apply, today: today, statusOn: statusOn, statusOf: statusOf, IN_FORCE: IN_FORCE };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { apply(); });
  else apply();
})();
