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

  window.mzkbValidity = { apply: apply, stateOf: stateOf, today: today };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { apply(); });
  else apply();
})();
