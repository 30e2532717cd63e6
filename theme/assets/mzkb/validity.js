/* mzkb: validity periods judged on the reader's own date.
   Offline copies live for months, so what the build knew (data-mzkb-state) may be stale:
   every element with data-mzkb-validity (data-mzkb-from / data-mzkb-until, YYYY-MM-DD,
   both days included) gets the state of today — "pending", "in" or "expired" — and its
   parts marked data-mzkb-when="state …" are shown only in the matching state. No fetch. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function stateOf(from, until, day) {
    if (from && day < from) return "pending";
    if (until && day > until) return "expired";
    return "in";
  }

  var IN_FORCE = ["current", "amended"];

  /* generator/content/status.py, step by step: the status of document key on day (YYYY-MM-DD)
     from records (key -> [base, valid from, valid until, [amending keys]]); a key without a
     record has base every day; an amendment cycle counts as not in force. */
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

  function apply(root) {
    var day = today();
    var boxes = (root || document).querySelectorAll("[data-mzkb-validity]");
    Array.prototype.forEach.call(boxes, function (box) {
      var state = stateOf(box.getAttribute("data-mzkb-from") || "", box.getAttribute("data-mzkb-until") || "", day);
      box.setAttribute("data-mzkb-state", state);
      Array.prototype.forEach.call(box.querySelectorAll("[data-mzkb-when]"), function (part) {
        if (part.closest("[data-mzkb-validity]") !== box) return;  /* a nested period decides for itself */
        part.hidden = (" " + part.getAttribute("data-mzkb-when") + " ").indexOf(" " + state + " ") < 0;
      });
    });
  }

  window.mzkbValidity = { apply: apply, stateOf: stateOf, today: today, statusOn: statusOn, IN_FORCE: IN_FORCE };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { apply(); });
  else apply();
})();
