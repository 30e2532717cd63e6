/* mzkb offline copy, the page side: over http: or https: only, registers the service worker (sw.js at
   the site's root, or at the root of the version being read) and shows a small 离线使用 panel:
   "已可离线使用（YYYY-MM-DD 版，N MB）", "有新版本，点此更新", and removing the copy. From file:// this
   script does nothing at all (no manifest, no worker, no fetch). Not under `mzkb serve` (live reload). */
(function () {
  "use strict";
  if (window.location.protocol !== "http:" && window.location.protocol !== "https:") return;
  if (!("serviceWorker" in navigator) || !window.caches) return;  /* plain http off localhost: not a secure context */
  var script = document.currentScript;
  if (!script) return;
  var root = new URL("../../", script.src).href;  /* this script is <root>/assets/mzkb/offline.js */
  var OFF = "mzkb-offline-off:" + root;
  var panel, text, updateButton, removeButton, enableButton, portalBox;

  function off() { try { return window.localStorage.getItem(OFF) === "1"; } catch (e) { return false; } }
  function setOff(value) {
    try { if (value) window.localStorage.setItem(OFF, "1"); else window.localStorage.removeItem(OFF); } catch (e) { /* private mode */ }
  }

  function megabytes(bytes) { return (bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0); }

  function button(cls, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "mzkb-offline__button " + cls;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function makePanel() {
    panel = document.createElement("section");
    panel.className = "mzkb-offline";
    panel.setAttribute("aria-label", "离线使用");
    text = document.createElement("p");
    text.className = "mzkb-offline__status";
    text.setAttribute("role", "status");
    portalBox = document.createElement("fieldset");
    portalBox.className = "mzkb-offline__portals";
    portalBox.hidden = true;
    updateButton = button("mzkb-offline__update mzkb-offline__button--primary", "有新版本，点此更新", applyUpdate);
    removeButton = button("mzkb-offline__remove", "删除本机的离线副本", remove);
    enableButton = button("mzkb-offline__enable", "保存到本机，以便离线使用", enable);
    updateButton.hidden = removeButton.hidden = enableButton.hidden = true;
    [text, portalBox, updateButton, removeButton, enableButton].forEach(function (el) { panel.appendChild(el); });
    var host = document.querySelector(".md-content") || document.body;
    host.appendChild(panel);
  }

  function ask(worker, message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  function showPortals(reg, state) {
    if (state.full || !state.portals.length) { portalBox.hidden = true; return; }
    portalBox.textContent = "";
    var legend = document.createElement("legend");
    legend.textContent = "本站较大：除首页、列表和搜索外，离线保存哪些机构类型的文件？";
    portalBox.appendChild(legend);
    state.portals.forEach(function (portal) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = portal[0];
      box.checked = state.chosen.indexOf(portal[0]) >= 0;
      label.appendChild(box);
      label.appendChild(document.createTextNode(portal[1]));
      portalBox.appendChild(label);
    });
    portalBox.appendChild(button("mzkb-offline__choose", "保存所选", function () {
      var chosen = Array.prototype.filter.call(portalBox.querySelectorAll("input"), function (b) { return b.checked; })
        .map(function (b) { return b.value; });
      text.textContent = "正在保存到本机……";
      ask(reg.active, { type: "choose", portals: chosen }).then(function () { refresh(reg); });
    }));
    portalBox.hidden = false;
  }

  function refresh(reg) {
    if (!reg.active) return;
    ask(reg.active, { type: "status" }).then(function (state) {
      if (!state) { text.textContent = "离线副本暂时无法读取。"; return; }
      removeButton.hidden = false;
      enableButton.hidden = true;
      if (state.kept < state.wanted) {
        text.textContent = "正在保存到本机，以便离线使用……（" + state.kept + " / " + state.wanted + " 个文件）";
        window.setTimeout(function () { refresh(reg); }, 1500);
      } else {
        text.textContent = "已可离线使用（" + state.date + " 版，" + megabytes(state.bytes) + "\u00a0MB）";  /* the number never parts from its unit */
      }
      showPortals(reg, state);
      showUpdate(reg);
    });
  }

  function showUpdate(reg) {
    updateButton.hidden = !(reg.waiting && navigator.serviceWorker.controller);
  }

  function watch(reg) {
    reg.addEventListener("updatefound", function () {
      var worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed") showUpdate(reg);
        if (worker.state === "activated") refresh(reg);
      });
    });
  }

  var current = null;
  function applyUpdate() {
    if (!current || !current.waiting) return;
    text.textContent = "正在更新……";
    navigator.serviceWorker.addEventListener("controllerchange", function () { window.location.reload(); }, { once: true });
    current.waiting.postMessage({ type: "update" });
  }

  function remove() {
    setOff(true);
    var done = current ? current.unregister() : Promise.resolve();
    done.then(function () { return window.caches.delete("mzkb:" + (current ? current.scope : root)); }).then(function () {
      current = null;
      text.textContent = "本机的离线副本已删除。";
      updateButton.hidden = removeButton.hidden = true;
      portalBox.hidden = true;
      enableButton.hidden = false;
    });
  }

  function enable() {
    setOff(false);
    enableButton.hidden = true;
    register();
  }

  function register() {
    text.textContent = "正在保存到本机，以便离线使用……";
    navigator.serviceWorker.register(root + "sw.js", { scope: root }).then(function (reg) {
      current = reg;
      watch(reg);
      showUpdate(reg);
      if (reg.active) refresh(reg);
      else navigator.serviceWorker.ready.then(function () { refresh(reg); });
    }, function () {
      text.textContent = "这个浏览器无法离线保存本站。";
    });
  }

  function addManifest() {
    var link = document.createElement("link");
    link.rel = "manifest";
    link.href = root + "manifest.webmanifest";
    document.head.appendChild(link);
  }

  window.addEventListener("load", function () {
    if (typeof window.livereload === "function") return;  /* mzkb serve: a preview, never kept */
    addManifest();
    makePanel();
    if (off()) {
      text.textContent = "本机没有保存离线副本。";
      enableButton.hidden = false;
      return;
    }
    register();
  });
})();
