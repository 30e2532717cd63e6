/* mzkb offline bundle: the 校验 page (verify.html at the top of a bundle). Plain script, works
   from file:// without fetch/XHR. It reads the manifest from check/manifest.js and checks what a
   browser can see: every search-index script must load and call mzkbSearch.load, every image must
   decode, every video/audio file must give a duration and play to its end. HTML pages and other
   files cannot be read from a page opened from disk: the page says so and points to mzkb verify.
   The bundle copies this file to check/verify.js; it is not used by the site itself.
   Signature: when the manifest names a signing key, the Ed25519 signature from check/signature.js is
   checked over the manifest's exact text with WebCrypto (where the browser has it). This proves only
   that the manifest matches the key the bundle carries; the page says so (see verify.html). */
(function () {
  "use strict";
  var M = window.MZKB_BUNDLE_MANIFEST;
  var verdict = document.getElementById("mzkb-verdict");
  var box = document.getElementById("mzkb-checks");
  var TIMEOUT = 15000;
  var MEDIA = /\.(mp4|m4v|webm|ogv|mov|mkv|mp3|m4a|aac|oga|ogg|opus|wav|flac)$/i;
  var AUDIO = /\.(mp3|m4a|aac|oga|ogg|opus|wav|flac)$/i;
  var IMAGE = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp)$/i;
  var SEARCH = /^site\/search\/.*\.js$/;
  var PAGE = /\.html?$/i;
  var calls = {};

  /* Stub of the search loader: each index script calls mzkbSearch.load(kind, n, data) once. */
  window.mzkbSearch = {
    load: function () {
      var s = document.currentScript, key = s && s.getAttribute("data-mzkb-path");
      if (key) calls[key] = (calls[key] || 0) + 1;
    }
  };

  function url(path) { return path.split("/").map(encodeURIComponent).join("/"); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function setVerdict(status, text) {
    verdict.setAttribute("data-status", status);
    verdict.className = status === "ok" ? "ok" : status === "fail" ? "fail" : "";
    verdict.textContent = text;
  }

  /* Each check resolves to {problem: "" when fine, partial: true when only part could be checked}. */
  function settle(resolve, timeoutText) {
    var done = false, timer = null, api = {
      finish: function (problem, partial) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ problem: problem || "", partial: !!partial });
      },
      restart: function (text) {
        clearTimeout(timer);
        timer = setTimeout(function () { api.finish(text); }, TIMEOUT);
      }
    };
    api.restart(timeoutText);
    return api;
  }

  function checkScript(path) {
    return new Promise(function (resolve) {
      var s = document.createElement("script"), st = settle(resolve, "加载超时（文件可能无法读取）");
      s.setAttribute("data-mzkb-path", path);
      s.onload = function () { s.remove(); st.finish(calls[path] ? "" : "文件不完整或已损坏（脚本没有正常运行）"); };
      s.onerror = function () { s.remove(); st.finish("无法加载（文件缺失或无法读取）"); };
      s.src = url(path);
      document.head.appendChild(s);
    });
  }

  function checkImage(path) {
    return new Promise(function (resolve) {
      var img = new Image(), st = settle(resolve, "加载超时（文件可能无法读取）");
      var bad = "无法显示（文件缺失或已损坏）";
      img.src = url(path);
      if (img.decode) {
        img.decode().then(function () { st.finish(""); }, function () { st.finish(bad); });
      } else {
        img.onload = function () { st.finish(""); };
        img.onerror = function () { st.finish(bad); };
      }
    });
  }

  /* Duration from the metadata, then play the last 0.3 s (muted): a truncated file cannot. */
  function checkMedia(path) {
    return new Promise(function (resolve) {
      var media = document.createElement(AUDIO.test(path) ? "audio" : "video");
      var st = settle(resolve, "读取时长超时（文件可能缺失或无法读取）"), stage = "meta", target = 0;
      var finish = function (problem, partial) {
        st.finish(problem, partial);
        media.pause();
        media.removeAttribute("src");
        media.load();
      };
      media.muted = true;
      media.preload = "metadata";
      media.addEventListener("error", function () {
        finish(stage === "meta" ? "无法读取（文件缺失、已损坏，或本浏览器不支持此格式）" : "播放到结尾时出错（文件可能不完整）");
      });
      media.addEventListener("loadedmetadata", function () {
        if (!isFinite(media.duration) || !(media.duration > 0)) { finish("读不到时长（文件可能已损坏）"); return; }
        stage = "seek";
        target = Math.max(0, media.duration - 0.3);
        st.restart("无法播放到结尾（文件可能不完整）");
        media.currentTime = target;
      });
      media.addEventListener("seeked", function () {
        if (stage !== "seek") return;
        stage = "end";
        var played = media.play();
        if (played && played.catch) played.catch(function () { finish("", true); });  /* autoplay refused */
      });
      media.addEventListener("timeupdate", function () {
        if (stage === "end" && media.currentTime < target - 1) finish("无法播放到结尾（文件可能不完整）");
      });
      media.addEventListener("ended", function () { finish(""); });
      media.src = url(path);
    });
  }

  function bytesOf(base64) {
    var raw = atob(base64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  /* Resolves to "valid", "invalid", "unsigned" or "unchecked" (the browser cannot check Ed25519). */
  function checkSignature() {
    var node = document.getElementById("mzkb-signature"), out = document.getElementById("mzkb-signature-result");
    var declared = M && M.signing && M.signing.public_key;
    function show(status, text) {
      if (node) node.setAttribute("data-status", status);
      if (out && text) out.textContent = text;
      return status;
    }
    if (!declared) return Promise.resolve(show("unsigned", ""));
    var text = window.MZKB_BUNDLE_SIGNATURE_TEXT, sig;
    if (typeof text !== "string") return Promise.resolve(show("invalid", "签名无效：清单写明已签名，但签名文件（check/signature.js）缺失。"));
    try { sig = JSON.parse(text); } catch (e) { sig = null; }
    if (!sig || sig.algorithm !== "ed25519" || typeof sig.signature !== "string") {
      return Promise.resolve(show("invalid", "签名无效：签名文件已损坏。"));
    }
    if (sig.public_key !== declared) return Promise.resolve(show("invalid", "签名无效：签名文件中的公钥与清单中写明的不一致。"));
    var subtle = window.crypto && window.crypto.subtle;
    var unchecked = "本浏览器不能核对 Ed25519 签名（浏览器版本较旧）。请在装有 mzkb 的电脑上运行 mzkb verify 核对签名。";
    if (!subtle || !window.TextEncoder || typeof window.MZKB_BUNDLE_MANIFEST_TEXT !== "string") {
      return Promise.resolve(show("unchecked", unchecked));
    }
    var data = new TextEncoder().encode(window.MZKB_BUNDLE_MANIFEST_TEXT);
    return Promise.resolve().then(function () {
      return subtle.importKey("raw", bytesOf(declared.slice(8)), { name: "Ed25519" }, false, ["verify"]);
    }).then(function (key) {
      return subtle.verify({ name: "Ed25519" }, key, bytesOf(sig.signature), data);
    }).then(function (ok) {
      return ok ? show("valid", "签名有效（只与包内附带的公钥核对过）：清单在签名后没有被改动。请把上面的公钥指纹与发布单位公布的指纹逐字核对。")
        : show("invalid", "签名无效：清单在签名后被改动过，或签名是伪造的。不要使用本离线包，请向发布单位重新索取。");
    }, function () { return show("unchecked", unchecked); });
  }

  function runAll(paths, check, limit, progress) {
    return new Promise(function (resolve) {
      var results = new Array(paths.length), next = 0, active = 0, done = 0;
      function pump() {
        if (done === paths.length) { resolve(results); return; }
        while (active < limit && next < paths.length) {
          (function (k) {
            active++;
            check(paths[k]).then(function (r) {
              results[k] = r;
              active--;
              done++;
              progress();
              pump();
            });
          })(next++);
        }
      }
      pump();
    });
  }

  function section(title, kind) {
    var node = el("section", "mzkb-check");
    node.setAttribute("data-kind", kind);
    node.appendChild(el("h2", "", title));
    box.appendChild(node);
    return node;
  }

  function report(cat) {
    var node = section(cat.title, cat.kind), failed = [], partial = 0;
    cat.results.forEach(function (r, i) {
      if (r.problem) failed.push([cat.paths[i], r.problem]);
      else if (r.partial) partial++;
    });
    node.setAttribute("data-checked", String(cat.paths.length));
    node.setAttribute("data-failed", String(failed.length));
    if (!cat.paths.length) {
      node.appendChild(el("p", "", cat.empty));
    } else if (!failed.length) {
      node.appendChild(el("p", "ok", "已检查 " + cat.paths.length + " 个文件，全部正常。"));
    } else {
      node.appendChild(el("p", "fail", "已检查 " + cat.paths.length + " 个文件，其中 " + failed.length + " 个有问题："));
      var list = el("ul");
      failed.forEach(function (f) {
        var item = el("li");
        item.appendChild(el("code", "", f[0]));
        item.appendChild(document.createTextNode("：" + f[1]));
        list.appendChild(item);
      });
      node.appendChild(list);
    }
    if (partial) node.appendChild(el("p", "", "其中 " + partial + " 个文件只检查了时长：浏览器不允许自动播放，无法检查是否能播放到结尾。"));
    if (cat.note) node.appendChild(el("p", "", cat.note));
    return failed.length;
  }

  function start() {
    if (!M || !M.files || !verdict || !box) {
      if (verdict) setVerdict("fail", "发现问题：找不到或无法读取清单（check/manifest.js），无法校验。请重新解压离线包，或运行 mzkb verify 校验。");
      window.mzkbVerifyResult = { status: "fail", failed: -1 };
      return;
    }
    var paths = M.files.map(function (f) { return f.path; });
    var media = M.media || { included: true, omitted: [] };
    var cats = [
      { kind: "search", title: "搜索索引", limit: 8, check: checkScript, empty: "本包没有搜索索引文件。",
        paths: paths.filter(function (p) { return SEARCH.test(p); }) },
      { kind: "images", title: "图片", limit: 8, check: checkImage, empty: "本包没有图片。",
        note: "被截断的图片有时仍能显示一部分，浏览器无法发现；请用 mzkb verify 做完整校验。",
        paths: paths.filter(function (p) { return IMAGE.test(p); }) },
      { kind: "media", title: "视频和音频", limit: 3, check: checkMedia,
        empty: media.included ? "本包没有视频或音频文件。"
          : "本包不含视频、音频文件（制作时选择不包含，共省略 " + (media.omitted || []).length + " 个），视频页面无法播放。这不算错误。",
        paths: paths.filter(function (p) { return MEDIA.test(p); }) }
    ];
    var checkable = {};
    cats.forEach(function (c) { c.paths.forEach(function (p) { checkable[p] = true; }); });
    var pages = paths.filter(function (p) { return PAGE.test(p); }).length;
    var others = paths.length - pages - Object.keys(checkable).length;
    var total = Object.keys(checkable).length, seen = 0;
    var progress = function () { seen++; setVerdict("running", "正在校验……已检查 " + seen + " / " + total + " 个文件"); };
    setVerdict("running", "正在校验……");
    var signature = "unsigned";
    var chain = checkSignature().then(function (s) { signature = s; });
    cats.forEach(function (c) {
      chain = chain.then(function () {
        return runAll(c.paths, c.check, c.limit, progress).then(function (r) { c.results = r; });
      });
    });
    chain.then(function () {
      var failed = 0, counts = {};
      cats.forEach(function (c) { failed += report(c); counts[c.kind] = c.paths.length; });
      var rest = section("无法在浏览器中检查的文件", "unchecked");
      rest.appendChild(el("p", "", "网页 " + pages + " 个、其他文件 " + others + " 个（样式、脚本、附件等）：浏览器不能读取它们的内容，" +
        "本页无法发现这些文件缺失或被改动。请在装有 mzkb 的电脑上运行 mzkb verify 压缩包或文件夹，逐个核对大小和 SHA-256 校验值。"));
      var summary = "（搜索索引 " + counts.search + " 个、图片 " + counts.images + " 个、" +
        (media.included ? "视频音频 " + counts.media + " 个）" : "本包不含视频音频）");
      if (signature === "invalid") {
        setVerdict("fail", "发现问题：签名无效，离线包在签名后被改动过或不是发布单位签发的（见“签名”）。" +
          (failed ? "另有 " + failed + " 个文件缺失或已损坏。" : "") + "不要使用本离线包，请向发布单位重新索取。");
      } else if (failed) {
        setVerdict("fail", "发现问题：" + failed + " 个文件缺失或已损坏（见下方）。请重新解压离线包；如果问题仍在，请重新获取离线包，" +
          "并用 mzkb verify 找出全部有问题的文件。");
      } else {
        setVerdict("ok", "校验通过：浏览器能检查的 " + total + " 个文件" + summary + "全部正常。另有 " + (pages + others) +
          " 个文件（网页等）无法在浏览器中检查，完整校验请运行 mzkb verify。");
      }
      window.mzkbVerifyResult = { status: failed || signature === "invalid" ? "fail" : "ok", failed: failed, checked: total,
        unchecked: pages + others, signature: signature };
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
