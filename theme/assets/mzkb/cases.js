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
      cards.forEach(function (card) {
        var ok = matches(card, province, audience, topic);
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      lists.forEach(function (list) {
        var any = list.querySelector(".mzkb-case-card:not([hidden])") !== null;
        list.hidden = !any;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("mzkb-case-history")) heading.hidden = !any;
      });
      var filtered = province || audience || topic;
      if (count) {
        count.textContent = filtered
          ? "符合条件的案例 " + shown + " 个（共 " + cards.length + " 个）"
          : "共 " + cards.length + " 个案例";
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
