/* mzkb offline copy: the service worker. Pages register it from offline.js, over http: and https: only.
   self.MZKB_OFFLINE, written above this code at build time (generator/site/webapp.py), lists every
   file of the site as [path, size, sha256, group]. Files are kept in one cache per scope (a versioned
   site keeps each version apart) by their SHA-256, so an update downloads only files whose content
   is new, and each download is checked against its hash. Nothing is ever fetched from
   anywhere but this site: requests for other origins are not touched. */
"use strict";

var DATA = self.MZKB_OFFLINE;
var SCOPE = self.registration.scope;
var SCOPE_PATH = new URL(SCOPE).pathname;
var CACHE = "mzkb:" + SCOPE;
var SETTINGS = SCOPE + "mzkb-offline-settings";
var PARALLEL = 4;
var BY_PATH = {};
DATA.files.forEach(function (row) { BY_PATH[row[0]] = row; });

/* Content-addressed: a file that moved (the search index folder is named by a hash) or did not change is
   never downloaded again. */
function keyOf(row) { return SCOPE + "mzkb-sha256/" + row[2]; }

function readSettings(cache) {
  return cache.match(SETTINGS).then(function (hit) { return hit ? hit.json() : { portals: [] }; })
    .catch(function () { return { portals: [] }; });
}

/* Small sites are kept whole; larger ones keep the shared files and search, and the document pages
   of the portals (institution types) the reader chose. */
function wanted(row, chosen) {
  if (DATA.full) return true;
  if (row[3] === "core") return true;
  if (row[3] === "media") return false;
  return row[3].slice(7).split(",").some(function (key) { return chosen.indexOf(key) >= 0; });
}

function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
}

function store(cache, row, response) {
  return response.arrayBuffer().then(function (body) {
    return crypto.subtle.digest("SHA-256", body).then(function (digest) {
      if (hex(digest) !== row[2]) throw new Error("mzkb: " + row[0] + " changed while downloading");
      var type = response.headers.get("Content-Type");
      return cache.put(keyOf(row), new Response(body, { headers: type ? { "Content-Type": type } : {} }));
    });
  });
}

function download(cache, row) {
  return fetch(SCOPE + row[0], { cache: "no-store", credentials: "same-origin" }).then(function (response) {
    if (!response.ok) throw new Error("mzkb: " + row[0] + " HTTP " + response.status);
    return store(cache, row, response);
  });
}

function inTurn(rows, work) {
  var next = 0;
  function lane() {
    if (next >= rows.length) return Promise.resolve();
    var row = rows[next++];
    return work(row).then(lane);
  }
  var lanes = [];
  for (var i = 0; i < PARALLEL; i++) lanes.push(lane());
  return Promise.all(lanes);
}

/* What this version keeps: {cache, rows wanted, keys already cached}. */
function plan() {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all([readSettings(cache), cache.keys()]).then(function (found) {
      var have = {};
      found[1].forEach(function (request) { have[request.url] = true; });
      var rows = DATA.files.filter(function (row) { return wanted(row, found[0].portals || []); });
      return { cache: cache, rows: rows, have: have, chosen: found[0].portals || [] };
    });
  });
}

function fill() {
  return plan().then(function (p) {
    return inTurn(p.rows.filter(function (row) { return !p.have[keyOf(row)]; }), function (row) { return download(p.cache, row); });
  });
}

/* Drop what this version no longer lists (old hashes, portals no longer chosen). */
function clean() {
  return plan().then(function (p) {
    var keep = {};
    keep[SETTINGS] = true;
    p.rows.forEach(function (row) { keep[keyOf(row)] = true; });
    return p.cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (r) { return !keep[r.url]; }).map(function (r) { return p.cache.delete(r); }));
    });
  });
}

function status() {
  return plan().then(function (p) {
    var kept = p.rows.filter(function (row) { return p.have[keyOf(row)]; });
    return { version: DATA.version, date: DATA.date, full: DATA.full, portals: DATA.portals, chosen: p.chosen,
             wanted: p.rows.length, kept: kept.length,
             bytes: p.rows.reduce(function (sum, row) { return sum + row[1]; }, 0) };
  });
}

self.addEventListener("install", function (event) {
  if (!self.registration.active) self.skipWaiting();  /* the first copy: nothing to replace */
  event.waitUntil(fill());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(clean().then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var port = event.ports && event.ports[0];
  var msg = event.data || {};
  var reply = function (value) { if (port) port.postMessage(value); };
  if (msg.type === "update") {
    self.skipWaiting();
  } else if (msg.type === "status") {
    event.waitUntil(status().then(reply, function () { reply(null); }));
  } else if (msg.type === "choose" && Array.isArray(msg.portals)) {
    var body = JSON.stringify({ portals: msg.portals.filter(function (k) { return typeof k === "string"; }) });
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return cache.put(SETTINGS, new Response(body, { headers: { "Content-Type": "application/json" } }));
    }).then(fill).then(clean).then(status).then(reply, function () { reply(null); }));
  }
});

/* A cached file answers a Range request (video, audio) with the part asked for. */
function ranged(request, response) {
  var range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("Range") || "");
  if (!range) return response;
  return response.arrayBuffer().then(function (body) {
    var size = body.byteLength;
    var start = range[1] === "" ? Math.max(0, size - Number(range[2])) : Number(range[1]);
    var end = range[1] !== "" && range[2] !== "" ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end || start >= size) return new Response("", { status: 416, headers: { "Content-Range": "bytes */" + size } });
    var headers = { "Content-Range": "bytes " + start + "-" + end + "/" + size, "Content-Length": String(end - start + 1),
                    "Accept-Ranges": "bytes" };
    var type = response.headers.get("Content-Type");
    if (type) headers["Content-Type"] = type;
    return new Response(body.slice(start, end + 1), { status: 206, headers: headers });
  });
}

var NOT_SAVED = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" " +
  "content=\"width=device-width,initial-scale=1\"><title>此页未保存在本机</title></head><body style=\"font:1.25rem/1.7 " +
  "sans-serif;margin:2rem;color:#1a1a1a\"><h1>此页未保存在本机</h1><p>现在没有网络，这一页也没有保存在本机。" +
  "联网后再打开，或回到 <a href=\"" + SCOPE + "index.html\">首页</a>。</p></body></html>";

function answer(event, row) {
  var request = event.request;
  return caches.open(CACHE).then(function (cache) {
    return cache.match(keyOf(row)).then(function (hit) {
      if (hit) return ranged(request, hit);
      return fetch(request).then(function (response) {
        if (response.status === 200 && row[3] !== "media") {  /* pages a reader opens are kept as well */
          event.waitUntil(store(cache, row, response.clone()).catch(function () {}));
        }
        return response;
      }, function () {
        if (request.mode === "navigate") {
          return new Response(NOT_SAVED, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
        }
        return Response.error();
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) return;  /* only this site's own files */
  var path = new URL(request.url).pathname.slice(SCOPE_PATH.length);
  if (path === "" || path.slice(-1) === "/") path += "index.html";
  var row = BY_PATH[path];
  if (row) event.respondWith(answer(event, row));
});
