/* mzkb page behaviour: plain script, no modules, works from file://. */
(function () {
  "use strict";

  /* Video: #t=SECONDS starts playback there; transcript and chapter links seek. */
  function player() { return document.getElementById("mzkb-player"); }

  function seek(seconds, play) {
    var video = player();
    if (!video || isNaN(seconds)) return;
    var apply = function () {
      video.currentTime = seconds;
      if (play) { var p = video.play(); if (p && p.catch) p.catch(function () {}); }
    };
    if (video.readyState >= 1) apply();
    else video.addEventListener("loadedmetadata", apply, { once: true });
  }

  function seekFromHash(play) {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (match) seek(parseFloat(match[1]), play);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-mzkb-seek]");
    if (!link || !player()) return;
    event.preventDefault();
    var seconds = parseFloat(link.getAttribute("data-mzkb-seek"));
    if (history.replaceState) history.replaceState(null, "", "#t=" + seconds);
    seek(seconds, true);
    player().scrollIntoView({ block: "nearest" });
  });

  window.addEventListener("hashchange", function () { seekFromHash(true); });

  /* Card filters (video index): form[data-mzkb-card-filter=ID] hides cards in #ID whose
     data-audiences lack the chosen key. Without script every card shows. */
  function initCardFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-mzkb-card-filter]"), function (form) {
      var box = document.getElementById(form.getAttribute("data-mzkb-card-filter"));
      if (!box) return;
      var cards = Array.prototype.slice.call(box.querySelectorAll("[data-audiences]"));
      var count = form.querySelector(".mzkb-card-filter__count");
      function apply() {
        var key = form.elements.audience.value, shown = 0;
        cards.forEach(function (card) {
          var ok = !key || card.getAttribute("data-audiences").split(" ").indexOf(key) >= 0;
          card.hidden = !ok;
          if (ok) shown++;
        });
        if (count) count.textContent = key ? "显示 " + shown + " 个（共 " + cards.length + " 个）" : "";
      }
      form.hidden = false;
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
      window.addEventListener("pageshow", apply);
      apply();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initCardFilters);
  else initCardFilters();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { seekFromHash(false); });
  } else {
    seekFromHash(false);
  }
})();
