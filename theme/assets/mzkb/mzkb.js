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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { seekFromHash(false); });
  } else {
    seekFromHash(false);
  }
})();
