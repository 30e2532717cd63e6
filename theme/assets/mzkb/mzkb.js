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

  /* Scroll so the whole player is visible below the sticky header (its scroll-margin-top is the header's height). */
  function showPlayer() {
    var video = player();
    if (!video) return;
    var header = document.querySelector(".md-header");
    var top = header ? header.getBoundingClientRect().bottom : 0;
    var box = video.getBoundingClientRect();
    if (box.top < top || box.bottom > window.innerHeight) {
      window.scrollBy(0, box.top - top - 8);
    }
  }

  function seekFromHash(play) {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (!match) return;
    seek(parseFloat(match[1]), play);
    showPlayer();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-mzkb-seek]");
    if (!link || !player()) return;
    event.preventDefault();
    var seconds = parseFloat(link.getAttribute("data-mzkb-seek"));
    if (history.replaceState) history.replaceState(null, "", "#t=" + seconds);
    seek(seconds, true);
    showPlayer();
  });

  window.addEventListener("hashchange", function () { seekFromHash(true); });

  /* 长辈模式: a class on <html> (set before the first paint by the inline script in main.html),
     remembered in localStorage; where storage is refused, window.name keeps it for this tab. */
  var ELDER_KEY = "mzkb-elder";
  function elderStored(on) {
    try { window.localStorage.setItem(ELDER_KEY, on ? "1" : "0"); } catch (e) { /* storage refused */ }
    var rest = (window.name || "").split(";").filter(function (p) { return p && p.indexOf(ELDER_KEY + "=") !== 0; });
    if (on) rest.push(ELDER_KEY + "=1");
    try { window.name = rest.join(";"); } catch (e) { /* ignore */ }
  }
  function syncElderButtons() {
    var on = document.documentElement.classList.contains("mzkb-elder");
    Array.prototype.forEach.call(document.querySelectorAll("[data-mzkb-elder]"), function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "退出长辈模式" : "长辈模式";
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-mzkb-elder]");
    if (!button) return;
    var on = !document.documentElement.classList.contains("mzkb-elder");
    document.documentElement.classList.toggle("mzkb-elder", on);
    elderStored(on);
    syncElderButtons();
  });

  /* Print: the footer shows the day of printing (the build date is the fallback without script). */
  function stampPrintDate() {
    var d = new Date(), pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var text = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
    Array.prototype.forEach.call(document.querySelectorAll("[data-mzkb-print-date]"), function (el) { el.textContent = text; });
  }
  window.addEventListener("beforeprint", stampPrintDate);

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
  function init() { initCardFilters(); syncElderButtons(); stampPrintDate(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { seekFromHash(false); });
  } else {
    seekFromHash(false);
  }
})();
