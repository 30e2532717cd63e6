/* mzkb browser search: the proof of adjacency for 完全匹配 counts (generator/search/positions.py).
   Loaded by search.js only for a count with more full-match candidates than it reads
   (ranking.VERIFY): the position shards (pN.js) of a few bigrams of each query word say where
   they stand in each candidate's visible texts. A candidate whose words do not stand in a row is
   no full match; one whose words are made of Han runs and Latin words only is proven one; the
   others are read as before. Registers window.mzkb.positions. */
(function () {
  "use strict";
  var M = window.mzkb, A = M.analyzer;
  var FILTER_BIGRAMS = 2;  /* positions.FILTER_BIGRAMS */
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g;

  /* positions.cover: bigram offsets covering a Han run (each character at least once), the
     cheapest by cost(offset) — the bigram's document frequency: rare bigrams have short position
     lists. Every cover holds the first and the last bigram; between them no gap of two. */
  function cover(size, cost) {
    if (size < 2) return [];
    var best = [], from = [];
    for (var i = 0; i <= size - 2; i++) {
      var prev = i === 0 ? -1 : i === 1 ? 0 : best[i - 2] <= best[i - 1] ? i - 2 : i - 1;
      best[i] = cost(i) + (prev < 0 ? 0 : best[prev]);
      from[i] = prev;
    }
    var out = [];
    for (var at = size - 2; at >= 0; at = from[at]) out.unshift(at);
    return out;
  }
  /* positions.word_tokens: [{at, term, kind}] of a folded word, and whether standing there proves it. */
  function wordTokens(word, frequency) {
    var tokens = [], covered = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(word)) !== null) {
      var run = m[0], start = m.index;
      if (run.charCodeAt(0) > 127) {
        cover(run.length, function (i) { return frequency(run.slice(i, i + 2)) + 1; }).forEach(function (i) {
          tokens.push({ at: start + i, term: run.slice(i, i + 2), kind: "bigram" });
        });
        if (run.length > 1) covered += run.length;
      } else {
        tokens.push({ at: start, term: run, kind: start + run.length === word.length ? "prefix" : "latin" });
        covered += run.length;
      }
    }
    var proves = tokens.length > 0 && covered === word.length;
    if (!proves) {  /* positions.FILTER_BIGRAMS: only a filter, by its Latin words and two cheapest bigrams */
      var cheap = tokens.filter(function (t) { return t.kind === "bigram"; }).sort(function (a, b) {
        return frequency(a.term) - frequency(b.term) || a.at - b.at;
      }).slice(0, FILTER_BIGRAMS);
      tokens = tokens.filter(function (t) { return t.kind !== "bigram" || cheap.indexOf(t) >= 0; });
    }
    return { tokens: tokens, proves: proves };
  }

  function shardOf(ctx, i, term) { return A.shardOf(A.shardKey(term), ctx.segments()[i].p); }
  var placesOf = {};
  /* A term's positions: document -> offsets, over all segments (positions.decode). */
  function decode(ctx, term) {
    if (placesOf[term]) return placesOf[term];
    var out = new Map();
    ctx.segments().forEach(function (s, i) {
      var shard = ctx.places[i + ":" + shardOf(ctx, i, term)];
      if (!shard || !Object.prototype.hasOwnProperty.call(shard, term)) return;
      var nums = ctx.varints(shard[term]);
      for (var j = 0, doc = 0; j < nums.length;) {
        doc += nums[j];
        var n = nums[j + 1], at = 0, offsets = new Set();
        for (var k = 0; k < n; k++) { at += nums[j + 2 + k]; offsets.add(at); }
        out.set(doc, offsets);
        j += 2 + n;
      }
    });
    return (placesOf[term] = out);
  }
  /* The offsets of a token in a document (a prefix token: of every term starting with it). */
  function tokenPlaces(ctx, token, doc) {
    if (token.kind !== "prefix") return decode(ctx, token.term).get(doc) || null;
    var found = null;
    ctx.segments().forEach(function (s, i) {
      var shard = ctx.places[i + ":" + shardOf(ctx, i, token.term)] || {};
      Object.keys(shard).forEach(function (t) {
        if (t.lastIndexOf(token.term, 0) !== 0) return;
        var here = decode(ctx, t).get(doc);
        if (here) { found = found || new Set(); here.forEach(function (p) { found.add(p); }); }
      });
    });
    return found;
  }
  /* positions.holds: a base offset where every token of the word stands. */
  function holds(ctx, tokens, doc) {
    var sets = [], smallest = 0, found = false;
    for (var i = 0; i < tokens.length; i++) {
      var here = tokenPlaces(ctx, tokens[i], doc);
      if (!here) return false;
      sets.push(here);
      if (here.size < sets[smallest].size) smallest = i;
    }
    sets[smallest].forEach(function (p) {
      var base = p - tokens[smallest].at;
      found = found || tokens.every(function (t, k) { return sets[k].has(base + t.at); });
    });
    return found;
  }

  /* Settle full-match candidates (each m.key a document; m.full set false for those dropped):
     { left: the candidates still to be read, proven: how many are proven }, or null when a word
     has no token to look up. */
  function settle(words, candidates, ctx) {
    var all = words.map(function (w) { return wordTokens(w, ctx.frequency); });
    if (all.some(function (t) { return !t.tokens.length; })) return Promise.resolve(null);
    var loads = [];
    all.forEach(function (t) {
      t.tokens.forEach(function (token) {
        ctx.segments().forEach(function (s, i) { loads.push(ctx.load(i, shardOf(ctx, i, token.term))); });
      });
    });
    return Promise.all(loads).then(function () {
      /* a long list has a file of its own (pN.K.js; pN.js holds K): load those the tokens name */
      var alone = [];
      all.forEach(function (t) {
        t.tokens.forEach(function (token) {
          ctx.segments().forEach(function (s, i) {
            var n = shardOf(ctx, i, token.term), shard = ctx.places[i + ":" + n] || {};
            Object.keys(shard).forEach(function (term) {
              var named = token.kind === "prefix" ? term.lastIndexOf(token.term, 0) === 0 : term === token.term;
              if (named && typeof shard[term] === "number") alone.push(ctx.load(i, n, shard[term]));
            });
          });
        });
      });
      return Promise.all(alone);
    }).then(function () {
      var proven = 0, proves = all.every(function (t) { return t.proves; });
      var left = candidates.filter(function (m) {
        if (!all.every(function (t) { return holds(ctx, t.tokens, m.key); })) { m.full = false; return false; }
        if (proves) { proven += 1; return false; }
        return true;
      });
      return { left: left, proven: proven };
    });
  }

  M.positions = { settle: settle, wordTokens: wordTokens, cover: cover };
})();
