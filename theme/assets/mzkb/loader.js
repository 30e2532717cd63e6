/* mzkb's script namespace and its one script loader (plain script, works from file://).
   Every mzkb script is an IIFE that registers its API as window.mzkb.<name> (or module.exports
   under node); data files loaded with <script> call back into the module that loaded them
   (search index files: mzkbSearch.load(...), the search index's file contract). */
(function (root) {
  "use strict";
  var mzkb = root.mzkb = root.mzkb || {};
  var pending = {};

  /* A promise per script URL; a failed load is forgotten so it can be retried. */
  mzkb.loadScript = function (src) {
    if (!pending[src]) {
      pending[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete pending[src]; reject(new Error("无法加载 " + src)); };
        document.head.appendChild(s);
      });
    }
    return pending[src];
  };
  mzkb.loadedScripts = function () { return Object.keys(pending); };
})(this);
