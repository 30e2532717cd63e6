/* mzkb version selector: the list comes from ../versions.js (a <script>, so it works from
   file:// where mike's fetch of versions.json fails); switching keeps the reader on the same
   page when it exists in the other version (that version's pages.js lists its pages). */
(function () {
  "use strict";
  var pages = {};
  window.mzkbVersionPages = function (name, list) { pages[name] = list; };

  var load = window.mzkb.loadScript;  /* the one loader (loader.js) */

  function init() {
    var box = document.querySelector("[data-mzkb-version]");
    if (!box) return;
    var versionRoot = new URL(box.getAttribute("data-mzkb-root").replace(/\/?$/, "/"), window.location.href).href;
    var siteRoot = new URL("../", versionRoot).href;
    var current = decodeURIComponent(versionRoot.slice(siteRoot.length).replace(/\/$/, ""));
    var here = window.location.href.split("#")[0].split("?")[0];
    var rel = here.indexOf(versionRoot) === 0 ? here.slice(versionRoot.length) : "index.html";
    var select = box.querySelector("select");

    function pageIn(name) {
      var folder = siteRoot + encodeURIComponent(name) + "/";  /* names are mzkb release's (releases.name_problem) */
      var ready = pages[name] ? Promise.resolve() : load(folder + "pages.js");
      return ready.then(function () {
        var exists = (pages[name] || []).indexOf(rel) >= 0;
        return folder + (exists ? rel + window.location.hash : "index.html");
      });
    }

    load(siteRoot + "versions.js").then(function () {
      var data = window.mzkbVersions;
      select.textContent = "";
      data.versions.forEach(function (v) {
        var opt = document.createElement("option");
        opt.value = v.version;
        opt.textContent = v.version === "latest" && v.version === data.latest ? "最新版本"
          : v.version === data.latest ? v.version + "（最新版本）"
          : v.version === data.preview ? "预览（未发布的修改）"
          : v.version + (v.date ? "（" + v.date + "）" : "");
        opt.selected = v.version === current;
        select.appendChild(opt);
      });
      var banner = document.querySelector(".mzkb-old-version");
      var preview = document.querySelector(".mzkb-preview-version");
      if (preview && data.preview && current === data.preview) {
        preview.hidden = false;
        pageIn(data.latest).then(function (url) { preview.querySelector(".mzkb-preview-version__latest").href = url; });
      } else if (banner && current !== data.latest) {
        var mine = data.versions.filter(function (v) { return v.version === current; })[0];
        banner.querySelector(".mzkb-old-version__name").textContent = current + (mine && mine.title !== current ? "：" + mine.title : "");
        banner.hidden = false;
        pageIn(data.latest).then(function (url) { banner.querySelector(".mzkb-old-version__latest").href = url; });
      }
    }).catch(function () { box.hidden = true; });

    select.addEventListener("change", function () {
      pageIn(select.value).then(function (url) { window.location.href = url; });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
