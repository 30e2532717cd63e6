/* mzkb inflater: zlib (RFC 1950/1951) -> bytes -> UTF-8 text, in plain ES5, so snippets work in
   every browser (no DecompressionStream, no Promise). The search fragments' unit texts are
   UTF-16 + raw deflate + base 85 (generator/search/browser_index.py pack_texts: unpackTexts). Plain script: registers
   window.mzkb.inflate, or module.exports under node. */
(function (root) {
  "use strict";

  function Tree() { this.counts = new Uint16Array(16); this.symbols = new Uint16Array(288); }

  /* Canonical Huffman tree from code lengths (counts per length, symbols in code order). */
  function build(tree, lengths, offset, n) {
    var i, offs = new Uint16Array(16), sum = 0;
    for (i = 0; i < 16; i++) tree.counts[i] = 0;
    for (i = 0; i < n; i++) tree.counts[lengths[offset + i]]++;
    tree.counts[0] = 0;
    for (i = 0; i < 16; i++) { offs[i] = sum; sum += tree.counts[i]; }
    for (i = 0; i < n; i++) if (lengths[offset + i]) tree.symbols[offs[lengths[offset + i]]++] = i;
  }

  function baseTable(delta, first) {
    var bits = new Uint8Array(30), base = new Uint16Array(30), i, sum = first;
    for (i = delta; i < 30; i++) bits[i] = (i - delta) / delta | 0;
    for (i = 0; i < 30; i++) { base[i] = sum; sum += 1 << bits[i]; }
    return { bits: bits, base: base };
  }
  var LENGTH = baseTable(4, 3), DIST = baseTable(2, 1);
  LENGTH.bits[28] = 0; LENGTH.base[28] = 258;
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  var FIXED_LIT = new Tree(), FIXED_DIST = new Tree();
  (function () {
    var lengths = new Uint8Array(288), i;
    for (i = 0; i < 144; i++) lengths[i] = 8;
    for (; i < 256; i++) lengths[i] = 9;
    for (; i < 280; i++) lengths[i] = 7;
    for (; i < 288; i++) lengths[i] = 8;
    build(FIXED_LIT, lengths, 0, 288);
    for (i = 0; i < 30; i++) lengths[i] = 5;
    build(FIXED_DIST, lengths, 0, 30);
  })();

  function Reader(bytes, pos) { this.src = bytes; this.pos = pos; this.buf = 0; this.count = 0; }
  Reader.prototype.bit = function () {
    if (!this.count) {
      if (this.pos >= this.src.length) throw new Error("inflate: data ends early");
      this.buf = this.src[this.pos++]; this.count = 8;
    }
    var b = this.buf & 1;
    this.buf >>>= 1; this.count--;
    return b;
  };
  Reader.prototype.bits = function (n, base) {
    var v = 0;
    for (var i = 0; i < n; i++) v |= this.bit() << i;
    return v + base;
  };
  Reader.prototype.symbol = function (tree) {
    var sum = 0, cur = 0, len = 0;
    do {
      cur = 2 * cur + this.bit(); len++;
      if (len > 15) throw new Error("inflate: bad code");
      sum += tree.counts[len]; cur -= tree.counts[len];
    } while (cur >= 0);
    return tree.symbols[sum + cur];
  };

  function dynamicTrees(r, lit, dist) {
    var hlit = r.bits(5, 257), hdist = r.bits(5, 1), hclen = r.bits(4, 4), i;
    var lengths = new Uint8Array(320), codeTree = new Tree();
    for (i = 0; i < hclen; i++) lengths[ORDER[i]] = r.bits(3, 0);
    build(codeTree, lengths, 0, 19);
    for (i = 0; i < 19; i++) lengths[i] = 0;
    for (var n = 0; n < hlit + hdist;) {
      var sym = r.symbol(codeTree), repeat, value = 0;
      if (sym < 16) { lengths[n++] = sym; continue; }
      if (sym === 16) { value = lengths[n - 1]; repeat = r.bits(2, 3); }
      else if (sym === 17) repeat = r.bits(3, 3);
      else repeat = r.bits(7, 11);
      while (repeat--) lengths[n++] = value;
    }
    build(lit, lengths, 0, hlit);
    build(dist, lengths, hlit, hdist);
  }

  function block(r, out, lit, dist) {
    for (;;) {
      var sym = r.symbol(lit);
      if (sym === 256) return;
      if (sym < 256) { out.push(sym); continue; }
      sym -= 257;
      var length = r.bits(LENGTH.bits[sym], LENGTH.base[sym]), d = r.symbol(dist);
      var from = out.length - r.bits(DIST.bits[d], DIST.base[d]);
      if (from < 0) throw new Error("inflate: bad distance");
      for (var i = 0; i < length; i++) out.push(out[from + i]);
    }
  }

  /* zlib stream (2-byte header, deflate blocks, Adler-32 not checked), or raw deflate when
     raw is true -> array of bytes. */
  function inflate(bytes, raw) {
    var r = new Reader(bytes, raw ? 0 : 2), out = [], last, type, lit = new Tree(), dist = new Tree();
    do {
      last = r.bit(); type = r.bits(2, 0);
      if (type === 0) {
        r.count = 0;
        var len = bytes[r.pos] | bytes[r.pos + 1] << 8;
        r.pos += 4;
        for (var i = 0; i < len; i++) out.push(bytes[r.pos++]);
      } else if (type === 1) block(r, out, FIXED_LIT, FIXED_DIST);
      else if (type === 2) { dynamicTrees(r, lit, dist); block(r, out, lit, dist); }
      else throw new Error("inflate: bad block type");
    } while (!last);
    return out;
  }

  /* UTF-8 bytes -> string (code points above U+FFFF as surrogate pairs). */
  function utf8(bytes) {
    var parts = [], chunk = [];
    for (var i = 0; i < bytes.length;) {
      var b = bytes[i++], c;
      if (b < 0x80) c = b;
      else if (b < 0xe0) c = (b & 0x1f) << 6 | bytes[i++] & 0x3f;
      else if (b < 0xf0) { c = (b & 0x0f) << 12 | (bytes[i++] & 0x3f) << 6; c |= bytes[i++] & 0x3f; }
      else {
        c = (b & 0x07) << 18 | (bytes[i++] & 0x3f) << 12; c |= (bytes[i++] & 0x3f) << 6; c |= bytes[i++] & 0x3f;
        c -= 0x10000; chunk.push(0xd800 + (c >> 10)); c = 0xdc00 + (c & 0x3ff);
      }
      chunk.push(c);
      if (chunk.length > 4096) { parts.push(String.fromCharCode.apply(null, chunk)); chunk = []; }
    }
    parts.push(String.fromCharCode.apply(null, chunk));
    return parts.join("");
  }

  /* base64 of zlib data -> text. */
  function inflateBase64(text) {
    var binary = typeof atob === "function" ? atob(text) : Buffer.from(text, "base64").toString("binary");
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return utf8(inflate(bytes));
  }

  /* Base 85 with RFC 1924 digits (Python's base64.b85encode, unpadded) -> bytes. */
  var B85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~", B85V = {};
  for (var k = 0; k < 85; k++) B85V[B85.charAt(k)] = k;
  function base85(text) {
    var out = [], pad = (5 - text.length % 5) % 5, i, j;
    for (i = 0; i < pad; i++) text += "~";
    for (i = 0; i < text.length; i += 5) {
      var v = 0;
      for (j = 0; j < 5; j++) v = v * 85 + B85V[text.charAt(i + j)];
      out.push(v >>> 24 & 255, v >>> 16 & 255, v >>> 8 & 255, v & 255);
    }
    out.length -= pad;
    return out;
  }
  /* UTF-16 (big-endian) bytes -> string. */
  function utf16(bytes) {
    var parts = [], chunk = [];
    for (var i = 0; i + 1 < bytes.length; i += 2) {
      chunk.push(bytes[i] << 8 | bytes[i + 1]);
      if (chunk.length > 4096) { parts.push(String.fromCharCode.apply(null, chunk)); chunk = []; }
    }
    parts.push(String.fromCharCode.apply(null, chunk));
    return parts.join("");
  }
  /* A fragment's unit texts (browser_index.pack_texts: UTF-16, raw deflate, base 85) -> text. */
  function unpackTexts(text) { return utf16(inflate(base85(text), true)); }

  var api = { inflate: inflate, utf8: utf8, inflateBase64: inflateBase64, unpackTexts: unpackTexts };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else (root.mzkb = root.mzkb || {}).inflate = api;
})(this);
