/* mzkb case gallery filters: plain script, no modules, works from file://.
 *
 * Page hooks (generator/site/pages/cases.py):
 *   form#mzkb-case-filters (hidden until this script runs), select#mzkb-case-province,
 *   select#mzkb-case-audience, select#mzkb-case-topic, button#mzkb-case-reset,
 *   #mzkb-case-count (live count), #mzkb-case-empty (no-match note), #mzkb-cases (container);
 *   article.mzkb-case-card[data-province][data-audiences][data-topics] where data-province is a
 *   6-digit code (or ''), data-audiences holds audience keys separated by spaces and
 *   data-topics holds topics separated by "|". Cards sit in .mzkb-case-list blocks; the history
 *   block (.mzkb-case-list--history) is preceded by its heading h2.mzkb-case-history.
 * A case whose status depends on the day is in both the current and the history list; validity.js
 * (loaded first) hides the copy of the other day, and this script counts each case once.
 * Without this script every card stays visible and the filters stay hidden.
 */
(function () {
  "use strict";

  function split(value, separator) {
    return (value || "").split(separator).filter(function (part) { return part !== ""; });
  }

  function matches(card, province, audience, topic) {
    if (province && card.getAttribute("data-province") !== province) return false;
    if (audience && split(card.getAttribute("data-audiences"), " ").indexOf(audience) < 0) return false;
    if (topic && split(card.getAttribute("data-topics"), "|").indexOf(topic) < 0) return false;
    return true;
  }

  function init() {
    var form = document.getElementById("mzkb-case-filters");
    var container = document.getElementById("mzkb-cases");
    if (!form || !container) return;
    var selects = {
      province: document.getElementById("mzkb-case-province"),
      audience: document.getElementById("mzkb-case-audience"),
      topic: document.getElementById("mzkb-case-topic")
    };
    var count = document.getElementById("mzkb-case-count");
    var empty = document.getElementById("mzkb-case-empty");
    var cards = Array.prototype.slice.call(container.querySelectorAll(".mzkb-case-card"));
    var lists = Array.prototype.slice.call(container.querySelectorAll(".mzkb-case-list"));

    function value(name) { return selects[name] ? selects[name].value : ""; }

    function apply() {
      var province = value("province"), audience = value("audience"), topic = value("topic");
      var shown = 0;
      /* a card hidden by validity.js (listed in the group of another day) is not in the gallery today;
         the filters mark cards with data-mzkb-filtered-out and leave the hidden attribute to validity.js */
      var listed = cards.filter(function (card) { return !card.hidden; });
      listed.forEach(function (card) {
        var ok = matches(card, province, audience, topic);
        card.toggleAttribute("data-mzkb-filtered-out", !ok);
        if (ok) shown += 1;
      });
      lists.forEach(function (list) {
        var any = list.querySelector(".mzkb-case-card:not([hidden]):not([data-mzkb-filtered-out])") !== null;
        list.hidden = !any;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("mzkb-case-history")) heading.hidden = !any;
      });
      var filtered = province || audience || topic;
      if (count) {
        count.textContent = filtered
          ? "符合条件的案例 " + shown + " 个（共 " + listed.length + " 个）"
          : "共 " + listed.length + " 个案例";
      }
      if (empty) empty.hidden = shown !== 0;
    }

    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    /* "reset" fires before the selects are cleared: apply once they are. */
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    /* Browsers restore select values on back/forward navigation. */
    window.addEventListener("pageshow", apply);
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
