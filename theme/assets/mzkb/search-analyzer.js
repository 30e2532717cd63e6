/* mzkb query analyzer: mirrors generator/search/analyzer.py step by step (same names,
   same order). Plain script: registers window.mzkb.analyzer, or module.exports under node.
   Test vectors: tests/search/analyzer_vectors.json (asserted by pytest and by node). */
(function (root) {
  "use strict";

  /* analyzer.browser_rules(), written into this script at build time (generator/search/scripts.py). */
  var RULES = /*mzkb:analyzer*/null/*mzkb:analyzer-end*/;
  var BRACKETS = RULES.BRACKETS, HAN = RULES.HAN, OWNER = RULES.OWNER;
  var RUNS = new RegExp("[" + HAN + "]+|" + RULES.ASCII_WORD, "g");
  var DOCNO = new RegExp(RULES.DOCNO, "g");
  var IS_HAN = new RegExp("^[" + HAN + "]");
  var DOCNO_HEAD = new RegExp(RULES.DOCNO_HEAD, "g");
  var DOCNO_TAIL = new RegExp(RULES.DOCNO_TAIL, "g");
  var DOCNO_PREFIX = RULES.DOCNO_PREFIX;
  var MAX_WORD = RULES.MAX_WORD;
  var MIN_WORD = RULES.MIN_WORD;
  var BRACKET_CHARS = new RegExp("[" + Object.keys(BRACKETS).join("").replace(/[\]\[\\^-]/g, "\\$&") + "]", "g");

  var HAN_CHAR = new RegExp("[" + HAN + "]", "g");

  /* The query in simplified characters: table maps a traditional character to its simplified
     one (the parts of analyzer.traditional_table the query's characters need, see foldChunk). */
  function foldTraditional(text, table) {
    return String(text).replace(HAN_CHAR, function (c) { return Object.prototype.hasOwnProperty.call(table, c) ? table[c] : c; });
  }

  /* The part of the folding table that holds a character: its code point modulo the part count. */
  function foldChunk(c, count) { return c.charCodeAt(0) % count; }

  /* The distinct parts a text's Han characters need. */
  function foldChunks(text, count) {
    var out = [];
    (String(text).match(HAN_CHAR) || []).forEach(function (c) { var n = foldChunk(c, count); if (out.indexOf(n) < 0) out.push(n); });
    return out;
  }

  /* NFKC (full width -> half width), lowercase, and one bracket style for 文号. */
  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(BRACKET_CHARS, function (c) { return BRACKETS[c]; });
  }

  function codeSuffixes(code) {
    var out = [], low = Math.min(DOCNO_PREFIX[0], code.length), high = Math.min(DOCNO_PREFIX[1], code.length);
    for (var size = low; size <= high; size++) out.push(code.slice(code.length - size));
    return out;
  }

  function allMatches(re, text) {
    var found = [], match;
    re.lastIndex = 0;
    while ((match = re.exec(text)) !== null) found.push(match);
    return found;
  }

  /* 文号 terms, one per issuer-code suffix of 2..6 characters. */
  function docNumbers(text) {
    var terms = [];
    allMatches(DOCNO, text).forEach(function (match) {
      var rest = "[" + match[2] + "]" + match[3] + "号";
      codeSuffixes(match[1]).forEach(function (code) { terms.push(code + rest); });
    });
    return terms;
  }

  /* Query side: whole 文号 terms, else the prefix typed (民发〔2020〕, 民发2020, 〔2020〕12号). */
  function queryDocNumbers(text) {
    var whole = docNumbers(text);
    if (whole.length) return whole;
    var terms = allMatches(DOCNO_TAIL, text).map(function (m) { return "[" + m[1] + "]" + m[2] + "号"; });
    if (!terms.length) {
      terms = allMatches(DOCNO_HEAD, text).map(function (m) { return codeSuffixes(m[1])[0] + "[" + m[2] + "]"; });
    }
    return terms;
  }

  /* Maximal runs of Han characters or of ASCII letters/digits. */
  function runs(text) { return text.match(RUNS) || []; }

  function isHan(run) { return IS_HAN.test(run); }

  /* Overlapping character pairs of a Han run; a single character stands alone. */
  function bigrams(run) {
    if (run.length < 2) return [run];
    var out = [];
    for (var i = 0; i < run.length - 1; i++) out.push(run.slice(i, i + 2));
    return out;
  }

  /* Substrings of a Han run (MIN_WORD..MAX_WORD long) that the index holds as words. */
  function vocabularyWords(run, hasTerm) {
    var found = [];
    for (var size = MIN_WORD; size <= Math.min(MAX_WORD, run.length); size++) {
      for (var start = 0; start + size <= run.length; start++) {
        var candidate = run.slice(start, start + size);
        if (hasTerm(candidate)) found.push(candidate);
      }
    }
    return found;
  }

  var MAX_VARIANTS = RULES.MAX_VARIANTS;

  /* analyzer.cut_query: the first maxQuery characters (code points) of a query are searched
     (maxQuery comes from the index manifest, written from analyzer.MAX_QUERY). */
  function cutQuery(text, maxQuery) {
    var chars = Array.from(String(text));
    return chars.length > maxQuery ? chars.slice(0, maxQuery).join("") : String(text);
  }

  /* analyzer.ascii_lower / apply_aliases: each alias typed replaced by the word it stands for
     (covid -> 新冠), left to right, longest alias first; an alias with a Latin edge matches a whole
     Latin word there. aliases: [[typed, searched]] (manifest.aliases). */
  function asciiLower(text) { return String(text).replace(/[A-Z]+/g, function (s) { return s.toLowerCase(); }); }
  function wordEdge(c) { return /^[a-z0-9]$/.test(c || ""); }
  function applyAliases(text, aliases) {
    var pairs = (aliases || []).filter(function (p) { return p[0]; }).map(function (p) { return [asciiLower(p[0]), p[1]]; });
    if (!pairs.length) return text;
    pairs.sort(function (a, b) { return b[0].length - a[0].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
    var low = asciiLower(text), out = "", i = 0;
    while (i < text.length) {
      var hit = null;
      for (var k = 0; k < pairs.length && !hit; k++) {
        var typed = pairs[k][0], end = i + typed.length;
        if (low.substr(i, typed.length) === typed && !(wordEdge(typed.charAt(0)) && i && wordEdge(low.charAt(i - 1))) &&
            !(wordEdge(typed.charAt(typed.length - 1)) && end < low.length && wordEdge(low.charAt(end)))) hit = pairs[k];
      }
      if (hit) { out += hit[1]; i += hit[0].length; } else { out += text.charAt(i); i += 1; }
    }
    return out;
  }

  /* The query and its variants with synonyms swapped in (养老院探视 -> 养老机构探视 …). */
  function expandSynonyms(text, groups) {
    var variants = [text];
    (groups || []).forEach(function (group) {
      var members = group.map(normalize);
      var present = members.filter(function (m) { return m && text.indexOf(m) >= 0; });
      if (!present.length) return;
      var found = present.reduce(function (a, b) { return b.length > a.length ? b : a; });
      var added = [];
      variants.forEach(function (v) {
        members.forEach(function (m) { if (m !== found && m) added.push(v.split(found).join(m)); });
      });
      added.forEach(function (v) {
        if (variants.indexOf(v) < 0 && variants.length < MAX_VARIANTS) variants.push(v);
      });
    });
    return variants;
  }

  /* Query-side terms of one (normalized) spelling: [{term, kind}], the first maxTerms of them
     (manifest.maxQueryTerms = analyzer.MAX_QUERY_TERMS; no limit when not given). */
  function analyzeOne(text, hasTerm, maxTerms) {
    var out = [], seen = {};
    function add(term, kind) {
      if (!Object.prototype.hasOwnProperty.call(seen, term)) { seen[term] = true; out.push({ term: term, kind: kind }); }
    }
    queryDocNumbers(text).forEach(function (n) { add(n, "docno"); });
    runs(text).forEach(function (run) {
      if (isHan(run)) {
        if (run.length === 1) { add(run, "char"); return; }
        bigrams(run).forEach(function (g) { add(g, "bigram"); });
        vocabularyWords(run, hasTerm).forEach(function (w) { add(w, "word"); });
      } else {
        add(run, "latin");
      }
    });
    if (out.some(function (t) { return t.kind !== "char"; })) out = out.filter(function (t) { return t.kind !== "char"; });
    return maxTerms === undefined ? out : out.slice(0, maxTerms);
  }

  /* Query-side terms for each spelling of the query, original first. */
  function analyzeQuery(text, hasTerm, synonyms, maxTerms) {
    return expandSynonyms(normalize(text), synonyms).map(function (v) { return analyzeOne(v, hasTerm, maxTerms); });
  }

  /* The index shard a term lives in is chosen by its first two characters; a 文号 term by the whole term. */
  function shardKey(term) {
    if (term.indexOf("[") < 0) return term.slice(0, 2);
    return term.lastIndexOf(OWNER, 0) === 0 ? term.slice(OWNER.length) : term;  /* an owner term: its 文号 term's */
  }

  /* analyzer.docno_query: "whole", "prefix", "head" or "" (text normalized). */
  var WHOLE = {};
  function whole(name, text) {
    if (!WHOLE[name]) WHOLE[name] = new RegExp("^(?:" + RULES[name] + ")$");  /* Python's fullmatch */
    return WHOLE[name].test(text);
  }
  function docnoQuery(text) {
    text = text.trim();
    if (whole("DOCNO", text)) return "whole";
    if (whole("DOCNO_TAIL", text) || (whole("DOCNO_HEAD", text) && text.indexOf("[") >= 0)) return "prefix";
    return whole("DOCNO_HEAD", text) ? "head" : "";
  }

  /* Shard keys of every term any spelling of the query can produce (per spelling the first
     maxTerms keys: they hold the terms analyzeOne keeps). */
  function shardKeys(text, synonyms, maxTerms) {
    var keys = [];
    expandSynonyms(normalize(text), synonyms).forEach(function (variant) {
      var found = queryDocNumbers(variant).map(shardKey), lone = [], own = [];
      runs(variant).forEach(function (run) {
        if (isHan(run) && run.length === 1) lone.push(run); /* only searched when nothing else is */
        else found = found.concat(isHan(run) ? bigrams(run) : [shardKey(run)]);
      });
      (found.length ? found : lone).forEach(function (k) { if (own.indexOf(k) < 0) own.push(k); });
      if (maxTerms !== undefined) own = own.slice(0, maxTerms);
      own.forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    });
    return keys;
  }

  /* Shard number of a shard key: 32-bit rolling hash over UTF-16 code units (shard_of() in browser_index.py). */
  function shardOf(key, count) {
    var h = 0;
    for (var i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
    return h % count;
  }

  var api = { foldTraditional: foldTraditional, foldChunk: foldChunk, foldChunks: foldChunks, normalize: normalize, docNumbers: docNumbers, queryDocNumbers: queryDocNumbers, shardOf: shardOf, runs: runs, isHan: isHan, bigrams: bigrams,
    vocabularyWords: vocabularyWords, expandSynonyms: expandSynonyms, cutQuery: cutQuery, analyzeOne: analyzeOne, analyzeQuery: analyzeQuery,
    shardKey: shardKey, shardKeys: shardKeys, docnoQuery: docnoQuery, OWNER: OWNER, applyAliases: applyAliases,
    MAX_WORD: MAX_WORD, MIN_WORD: MIN_WORD };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else (root.mzkb = root.mzkb || {}).analyzer = api;
})(this);
