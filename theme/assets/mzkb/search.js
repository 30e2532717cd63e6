/* mzkb browser search engine: loads the sharded index with <script> tags (works from file://),
   scores with precomputed BM25 postings, then the ranking steps of generator/search/ranking.py
   (same names, same order): fold edition chains, full matches before partial ones, rerank each
   window on the unit texts. Query analysis: search-analyzer.js; unit texts: search-inflate.js;
   rendering, the header box and search.html: search-ui.js. Registers window.mzkb.search; the
   index files call window.mzkbSearch.load (the same object). */
(function () {
  "use strict";
  var M = window.mzkb, A = M.analyzer, Z = M.inflate;
  var hasOwn = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var state = { manifest: null, shards: {}, places: {}, frags: {}, rests: {}, docs: null, chains: {}, fold: {}, foldParts: {} };
  /* ranking.browser_rules(), written into this script at build time (generator/search/scripts.py). */
  var RULES = /*mzkb:rules*/null/*mzkb:rules-end*/;
  var WINDOW = RULES.WINDOW, PHRASE_BOOST = RULES.PHRASE_BOOST, TITLE_BOOST = RULES.TITLE_BOOST, SIMILAR = RULES.SIMILAR;
  var SNIPPET_WIDTH = RULES.SNIPPET_WIDTH, KNOWN_TITLE_SHARE = RULES.KNOWN_TITLE_SHARE, KNOWN_PHRASE_CHARS = RULES.KNOWN_PHRASE_CHARS;
  var VERIFY = RULES.VERIFY, HIDDEN = 128;  /* browser_index.HIDDEN: a posting from recall-only fields */

  /* ---- loading: every index file calls mzkbSearch.load(kind, n, data[, segment]) ---- */
  function load(kind, n, data, segment) {
    if (kind === "manifest") {
      state.manifest = data; state.dead = {};
      data.dead.forEach(function (d) { state.dead[d] = true; });
      (data.chains || []).forEach(function (chain, c) { chain.forEach(function (d, i) { state.chains[d] = [c, i]; }); });
    } else if (kind === "shard") state.shards[(segment || 0) + ":" + n] = data;
    else if (kind === "pos") {  /* pN.js, or pN.K.js: one long list that pN.js holds as K */
      var into = state.places[(segment || 0) + ":" + n] || (state.places[(segment || 0) + ":" + n] = {});
      Object.keys(data).forEach(function (t) { if (typeof data[t] === "string" || !hasOwn(into, t)) into[t] = data[t]; });
    }
    else if (kind === "frag") state.frags[n] = data;
    else if (kind === "rest") state.rests[n] = { z: data };
    else if (kind === "docs") state.docs = data;
    else if (kind === "fold") {
      state.foldParts[n] = true;
      for (var i = 0; i + 1 < data.length; i += 2) state.fold[data.charAt(i)] = data.charAt(i + 1);
    }
  }

  function siteRoot() {
    var el = document.querySelector("[data-mzkb-root]");
    var r = el ? el.getAttribute("data-mzkb-root") : ".";
    return r.replace(/\/?$/, "/");
  }

  var loadScript = M.loadScript;

  function indexFile(segment, name) { return siteRoot() + "search/" + segment.b + "/" + name; }
  function ensureManifest() {
    if (state.manifest) return Promise.resolve(state.manifest);
    return loadScript(siteRoot() + "search/manifest.js").then(function () { return state.manifest; });
  }
  function segments() { return state.manifest.segments; }
  function loadShard(i, n) {
    return hasOwn(state.shards, i + ":" + n) ? Promise.resolve() : loadScript(indexFile(segments()[i], "s" + n + ".js"));
  }
  function segmentOf(doc) {
    var all = segments();
    for (var i = 0; i < all.length; i++) if (doc >= all[i].f && doc < all[i].f + all[i].n) return all[i];
    return all[0];
  }
  function loadFrag(d) { return hasOwn(state.frags, d) ? Promise.resolve() : loadScript(indexFile(segmentOf(d), "f" + d + ".js")); }
  /* The rest of a document's units beyond records.UNIT_TEXT (browser_index.rests; fragment flag m). */
  function loadRest(d) {
    return hasOwn(state.rests, d) || !state.frags[d].m ? Promise.resolve() : loadScript(indexFile(segmentOf(d), "r" + d + ".js"));
  }
  /* The parts of the traditional -> simplified table a query's characters need (analyzer.fold_parts). */
  function loadFold(q) {
    var f = state.manifest.fold;
    if (!f) return Promise.resolve();
    return Promise.all(A.foldChunks(q, f.n).filter(function (n) { return !state.foldParts[n]; }).map(function (n) {
      return loadScript(siteRoot() + "search/" + f.dir + "/t" + n + ".js");
    }));
  }
  function loadDocs() { return state.docs ? Promise.resolve() : loadScript(siteRoot() + "search/" + state.manifest.docsFile); }

  /* The shard of each segment that holds a term (undefined when not loaded). */
  function shardsFor(term) {
    var key = A.shardKey(term);
    return segments().map(function (s, i) { return state.shards[i + ":" + A.shardOf(key, s.s)]; });
  }
  function hasTerm(term) { return shardsFor(term).some(function (shard) { return !!shard && hasOwn(shard, term); }); }

  /* ---- postings: (document delta, score, best unit) as base-64 varints, decoded once ---- */
  var DIGITS = {};
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_".split("").forEach(function (c, i) { DIGITS[c] = i; });
  var decoded = {};

  /* Varints (browser_index.encode_varints) -> numbers. */
  function varints(text) {
    var nums = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGITS[text.charAt(i)];
      if (d >= 32) { value += (d - 32) * Math.pow(2, shift); shift += 5; continue; }
      nums.push(value + d * Math.pow(2, shift)); value = 0; shift = 0;
    }
    return nums;
  }
  /* A term's live postings over all segments, with its idf (Whoosh's formula, from the live frequency). */
  function decode(term) {
    if (decoded[term]) return decoded[term];
    var nums = [];
    shardsFor(term).forEach(function (shard) {
      if (!shard || !hasOwn(shard, term)) return;
      var these = varints(shard[term]), doc = 0;
      for (var k = 0; k < these.length; k += 3) { doc += these[k]; nums.push(doc, these[k + 1], these[k + 2]); }
    });
    var live = [];
    for (var j = 0; j < nums.length; j += 3) if (!state.dead[nums[j]]) live.push(j);
    var n = live.length, docs = new Int32Array(n), scores = new Float64Array(n), units = new Int32Array(n), seen = new Uint8Array(n);
    live.forEach(function (j, x) {
      docs[x] = nums[j]; scores[x] = nums[j + 1]; units[x] = nums[j + 2] % HIDDEN; seen[x] = nums[j + 2] < HIDDEN ? 1 : 0;
    });
    var total = state.manifest.docs, idf = Math.log(total / (n + 1)) + 1;  /* Whoosh's idf (whoosh.scoring) */
    return (decoded[term] = { docs: docs, scores: scores, units: units, seen: seen, idf: idf });
  }

  function postingsFor(item) {
    if (item.kind !== "latin" && item.kind !== "char") return hasTerm(item.term) ? [decode(item.term)] : [];
    var terms = {};
    shardsFor(item.term).forEach(function (shard) {
      Object.keys(shard || {}).forEach(function (t) { if (t.lastIndexOf(item.term, 0) === 0) terms[t] = true; });
    });
    return Object.keys(terms).sort().slice(0, 64).map(decode);
  }

  function passes(doc, f) {
    if (!state.docs || !(f.type || f.audience || f.status || f.year || f.region)) return true;
    var row = state.docs[doc], m = state.manifest;
    if (f.type && m.types[row[0]][0] !== f.type) return false;
    if (f.status && statusNow(doc, m.statuses[row[1]][0]) !== f.status) return false;  /* on the reader's day */
    if (f.year && String(row[2]) !== String(f.year)) return false;
    if (f.audience) {
      var bit = -1;
      m.audiences.forEach(function (a, i) { if (a[0] === f.audience || a[1] === f.audience) bit = i; });
      if (bit < 0 || !(row[3] & (1 << bit))) return false;
    }
    if (f.region && m.regions[row[4]] !== f.region) return false;
    return true;
  }

  /* One spelling: sum of per-term scores times (matched terms / terms)²; a full-match candidate when
     every 文号/bigram/Latin term matched in a field a reader sees (verifyFull then reads its text);
     the deep link goes to the unit carrying most of the score. */
  function rank(terms, filters) {
    var score = new Map(), matched = new Map(), needed = new Map(), votes = new Map(), docno = new Map();
    /* a 文号 read from plain words (做好2022年 -> 做好[2022]) that no document holds is not required */
    var must = terms.filter(function (t) {
      return t.kind !== "word" && (t.kind !== "docno" || postingsFor(t).some(function (p) { return p.docs.length > 0; }));
    });
    if (!must.length) must = terms;
    /* ranking.docno_level: the documents whose own 文号 it is hold its owner term (analyzer.owner_terms) */
    var owned = new Set();
    terms.forEach(function (item) {
      if (item.kind !== "docno") return;
      postingsFor({ term: A.OWNER + item.term, kind: "docno" }).forEach(function (p) { p.docs.forEach(function (d) { owned.add(d); }); });
    });
    terms.forEach(function (item) {
      var seen = new Map();
      postingsFor(item).forEach(function (p) {
        for (var i = 0; i < p.docs.length; i++) {
          var d = p.docs[i], prev = seen.get(d), value = p.scores[i] / state.manifest.scale * p.idf;  /* whoosh_index.SharedBM25F */
          if (prev === undefined || prev[0] < value) seen.set(d, [value, p.units[i], p.seen[i] || (prev ? prev[2] : 0)]);
          else if (p.seen[i]) prev[2] = 1;
        }
      });
      seen.forEach(function (v, d) {
        score.set(d, (score.get(d) || 0) + v[0]);
        matched.set(d, (matched.get(d) || 0) + 1);
        if (v[2] && must.indexOf(item) >= 0) needed.set(d, (needed.get(d) || 0) + 1);
        if (item.kind === "docno") docno.set(d, owned.has(d) ? RULES.OWNER : RULES.CITED);
        var unitVotes = votes.get(d);
        if (!unitVotes) votes.set(d, unitVotes = new Map());
        unitVotes.set(v[1], (unitVotes.get(v[1]) || 0) + v[0]);
      });
    });
    var results = [];
    score.forEach(function (s, d) {
      if (!passes(d, filters)) return;
      var coord = matched.get(d) / terms.length, best = 0, bestVotes = -1;
      votes.get(d).forEach(function (v, u) { if (v > bestVotes || (v === bestVotes && u < best)) { bestVotes = v; best = u; } });
      results.push({ key: d, score: s * coord * coord, full: needed.get(d) === must.length, docno: docno.get(d) || 0,
        unit: best, date: state.docs && state.docs[d] ? state.docs[d][5] : 0 });
    });
    return results;
  }

  /* Best match per document over the spellings; full only for the spelling typed (a synonym's
     match is a partial one, so counts are of documents that contain what was typed). */
  function bestMatches(variants, filters) {
    var best = new Map();
    variants.forEach(function (terms, v) {
      if (!terms.length) return;
      rank(terms, filters).forEach(function (m) {
        m.syn = v > 0 && m.full ? v : 0;  /* the first synonym spelling this document holds whole */
        if (v > 0) m.full = false;
        var old = best.get(m.key);
        if (!old) { best.set(m.key, m); return; }
        var top = m.score > old.score ? m : old;
        best.set(m.key, { key: m.key, score: top.score, full: old.full || m.full, docno: Math.max(old.docno, m.docno), unit: top.unit, date: top.date,
          syn: old.syn || m.syn });
      });
    });
    return rescaleForToday(Array.from(best.values()));
  }

  /* ranking.synonym_counts: documents that hold a synonym's spelling whole but not the query typed,
     and those spellings (in the order expandSynonyms gives them). */
  function synonymCounts(matches, spellings) {
    var used = [], count = 0;
    matches.forEach(function (m) {
      if (m.full || !m.syn) return;
      count += 1;
      if (used.indexOf(m.syn) < 0) used.push(m.syn);
    });
    used.sort(function (a, b) { return a - b; });
    return { count: count, words: used.map(function (v) { return spellings[v]; }) };
  }

  /* ---- status on the reader's day (content/status.py through validity.js, manifest.dated) ---- */
  /* A document's status today: judged from its record, else the build's (its fragment's, or base). */
  function statusNow(key, fallback) {
    var V = window.mzkbValidity, rec = (state.manifest.dated || {})[key];
    if (!rec || !V) return rec ? rec[4] : fallback !== undefined ? fallback : state.frags[key] ? state.frags[key].s : "current";
    return V.statusOn(String(key), state.manifest.dated, V.today(), rec[4]);
  }
  function statusFactor(status) {
    return hasOwn(RULES.STATUS_FACTOR, status) ? RULES.STATUS_FACTOR[status] : RULES.DEFAULT_STATUS_FACTOR;
  }
  /* The postings hold the build day's status factor: a document whose status differs today is rescaled. */
  function rescaleForToday(matches) {
    var dated = state.manifest.dated || {};
    matches.forEach(function (m) {
      var rec = dated[m.key];
      if (rec) m.score *= statusFactor(statusNow(m.key)) / statusFactor(rec[4]);
    });
    return matches;
  }

  /* ---- ranking.py, step by step ---- */
  /* ranking.lead: the first member (chain order) the query names most surely: 文号, known level. */
  function lead(members, levels) {
    var best = members[0], key = function (m) { return [m.docno, (levels && levels.get(m.key)) || 0]; };
    members.forEach(function (m) {
      var a = key(m), b = key(best);
      for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) { if (a[i] > b[i]) best = m; return; }
    });
    return best;
  }
  function fold(matches) {
    var groups = new Map();
    matches.forEach(function (m) {
      var c = state.chains[m.key], id = c ? "c" + c[0] : "d" + m.key;
      if (!groups.has(id)) groups.set(id, []);
      groups.get(id).push([c ? c[1] : 0, m]);
    });
    var out = [];
    groups.forEach(function (members) {
      members.sort(function (a, b) { return a[0] - b[0]; });
      var ordered = members.map(function (pm) { return pm[1]; }), best = ordered[0];
      ordered.forEach(function (m) { if (m.full > best.full || (m.full === best.full && m.score > best.score)) best = m; });
      var c = state.chains[ordered[0].key];
      out.push({ head: lead(ordered), best: best, members: ordered, factor: 1, known: 0,
        chainFirst: c ? state.manifest.chains[c[0]][0] : null,
        full: ordered.some(function (m) { return m.full; }), docno: Math.max.apply(null, ordered.map(function (m) { return m.docno; })) });
    });
    return out;
  }
  /* An expired or not yet valid measure never ranks above the documents in force it adjusted
     (own unit -2: whenever both match, unless the query asked for the measure itself), and
     a result whose best unit is an amended section stays below the amending document
     (manifest.below: number -> [[target, own unit or -1, [target units], kind]], kept when they bind on
     the reader's day (bindsOn), binding when both best
     units are those sections and the target scores RELEVANT_SHARE of the document); mirrors
     records.keep_below and whoosh_index._below.
     A group whose target matched but is not among these groups is left out (it ranks below them). */
  var RELEVANT_SHARE = RULES.RELEVANT_SHARE, IN_FORCE = ["current", "amended"];
  /* records.binds_on: the target in force, and a measure's pair (kind 0) only while the measure is not. */
  function bindsOn(kind, own, target) {
    if (IN_FORCE.indexOf(target) < 0) return false;
    return kind === 0 ? own === "expired" || own === "pending" : true;
  }
  function keepBelow(groups) {
    var below = state.manifest.below || {}, index = new Map(), after = new Map(), dropped = new Set();
    groups.forEach(function (g, i) { g.members.forEach(function (m) { index.set(m.key, i); }); });
    groups.forEach(function (g, i) {
      g.members.forEach(function (m) {
        (below[m.key] || []).forEach(function (p) {
          var t = state.matched && state.matched.get(p[0]);
          if (!t || !bindsOn(p[3], statusNow(m.key), statusNow(p[0]))) return;
          /* never a full match below a partial one, nor a known item below a result named less surely */
          var tg = index.has(p[0]) ? groups[index.get(p[0])] : null;
          if ((g.full && !(tg ? tg.full : t.full)) || g.known > (tg ? tg.known : 0)) return;
          if (p[1] === -2) {  /* records.ALWAYS: binds unless the query asked for the measure itself (records.binds_always) */
            if (m.docno || (m.full && !t.full)) return;
          } else {
            if (t.score < RELEVANT_SHARE * m.score) return;
            if ((p[1] >= 0 && p[1] !== m.unit) || (p[2].length && p[2].indexOf(t.unit) < 0)) return;
          }
          if (!index.has(p[0])) { dropped.add(i); return; }
          if (index.get(p[0]) !== i) { if (!after.has(i)) after.set(i, []); after.get(i).push(index.get(p[0])); }
        });
      });
    });
    var out = [], waiting = new Map();
    function place(i) {
      out.push(i);
      (waiting.get(i) || []).forEach(place);
      waiting.delete(i);
    }
    groups.forEach(function (g, i) {
      var last = -1;
      (after.get(i) || []).forEach(function (t) { if (t > i) last = Math.max(last, t); });
      if (last < 0) { place(i); return; }
      if (!waiting.has(last)) waiting.set(last, []);
      waiting.get(last).push(i);
    });
    return out.filter(function (i) { return !dropped.has(i); }).map(function (i) { return groups[i]; });
  }
  function groupScore(g) { return g.best.score * g.factor; }
  function orderKey(g, similar) {
    if (g.docno) return [g.full || g.docno === RULES.OWNER ? 0 : 1, 0, -g.docno, -g.known, -g.head.date, 0];
    var s = groupScore(g), level = similar ? -Math.floor(Math.log(Math.max(s, 1e-9)) / Math.log(SIMILAR)) : -s;
    return [g.full ? 0 : 1, 1, 0, -g.known, level, similar ? -g.head.date : 0];
  }
  function sortGroups(groups, similar) {
    return groups.sort(function (a, b) {
      var ka = orderKey(a, similar), kb = orderKey(b, similar);
      for (var i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
      return a.head.key - b.head.key;
    });
  }
  /* ranking.longest_part: the longest size found by halving (a piece occurs, so do its prefixes). */
  function longestPart(run, text) {
    function firstOf(size) {
      for (var start = 0; start + size <= run.length; start++) {
        var piece = run.slice(start, start + size);
        if (text.indexOf(piece) >= 0) return piece;
      }
      return "";
    }
    var low = 2, high = run.length, found = "";
    while (low <= high) {
      var size = Math.floor((low + high) / 2), piece = firstOf(size);
      if (piece) { low = size + 1; found = piece; } else high = size - 1;
    }
    return found;
  }
  function queryRuns(q) {
    return A.expandSynonyms(A.normalize(q), state.manifest.synonyms).map(function (v) {
      return A.runs(v).filter(function (r) { return r.length >= 2; });
    });
  }
  function coverage(runsPerVariant, text) {
    var best = 0;
    runsPerVariant.forEach(function (runs) {
      var total = 0, got = 0;
      runs.forEach(function (r) { total += r.length; got += longestPart(r, text).length; });
      if (total) best = Math.max(best, got / total);
    });
    return best;
  }
  function foldText(text) {
    var whole = A.normalize(text);
    if (whole.length === text.length) return whole;
    return text.split("").map(function (c) { var n = A.normalize(c); return n.length === 1 ? n : c; }).join("");
  }
  /* ranking.known_level: 2 = the title typed, 1 = a phrase of KNOWN_PHRASE_CHARS+ its text holds whole. */
  function knownLevel(runsPerVariant, title, texts) {
    var runs = runsPerVariant[0] || [], size = 0, titleSize = 0;
    runs.forEach(function (r) { size += r.length; });
    if (!size) return 0;
    title = foldText(title);
    A.runs(title).forEach(function (r) { titleSize += r.length; });
    var holds = function (text) { return runs.every(function (r) { return text.indexOf(r) >= 0; }); };
    if (holds(title) && size >= KNOWN_TITLE_SHARE * titleSize) return 2;
    if (size >= KNOWN_PHRASE_CHARS && holds([title].concat(texts.map(foldText)).join("\n"))) return 1;
    return 0;
  }
  /* ranking.full_elsewhere: the member matching the whole query when the head does not. */
  function fullElsewhere(g) {
    if (g.head.full) return null;
    for (var i = 0; i < g.members.length; i++) if (g.members[i].full) return g.members[i].key;
    return null;
  }
  /* ranking.settle */
  function settle(g, levels) {
    g.known = 0;
    g.members.forEach(function (m) { g.known = Math.max(g.known, levels.get(m.key) || 0); });
    g.head = lead(g.members, levels);
  }
  function phraseFactor(runsPerVariant, title, texts) {
    title = foldText(title);
    var body = [title].concat(texts.map(foldText)).join("\n");
    var factor = 1 + PHRASE_BOOST * Math.pow(coverage(runsPerVariant, body), 2);
    if (runsPerVariant.length && coverage(runsPerVariant, title) === 1) factor += TITLE_BOOST;
    return factor;
  }
  function bestUnit(runsPerVariant, units, preferred) {
    var best = preferred >= 0 && preferred < units.length ? preferred : 0, rank = [0, 0, 0, 0], piece = "";
    units.forEach(function (u, i) {
      var heading = foldText(u[0]), text = foldText(u[1]);
      runsPerVariant.forEach(function (runs) {
        runs.forEach(function (run) {
          var found = longestPart(run, heading + "\n" + text);
          var cand = [found.length, heading.indexOf(found) >= 0 && text.trim() ? 1 : 0, text.indexOf(found) >= 0 ? 1 : 0, i === preferred ? 1 : 0];
          if (found && (cand[0] - rank[0] || cand[1] - rank[1] || cand[2] - rank[2] || cand[3] - rank[3]) > 0) { best = i; rank = cand; piece = found; }
        });
      });
    });
    return { unit: best, piece: piece };
  }
  function snippetSpans(text, runsPerVariant, piece, width) {
    width = width || SNIPPET_WIDTH;
    var folded = foldText(text), at = piece ? folded.indexOf(piece) : -1;
    var start = at >= 0 ? Math.max(0, at - Math.floor((width - piece.length) / 3)) : 0;
    var end = Math.min(text.length, start + width), runs = [].concat.apply([], runsPerVariant), marks = [];
    for (var i = start; i < end;) {
      var size = 0;
      runs.forEach(function (run) {
        for (var len = Math.min(run.length, end - i); len > Math.max(size, 1); len--) {
          if (run.indexOf(folded.slice(i, i + len)) >= 0) { size = len; break; }
        }
      });
      if (size >= 2) {
        var last = marks[marks.length - 1];
        if (last && last[1] === i) last[1] = i + size; else marks.push([i, i + size]);
        i += size;
      } else i++;
    }
    return { start: start, end: end, marks: marks };
  }

  /* ranking.matched_topics: the document's topics holding a part of the query at least as long
     as the snippet's piece (2+ characters), with their matched runs marked. */
  function matchedTopics(runsPerVariant, topics, piece) {
    var need = Math.max(2, piece.length), shown = [];
    (topics || []).forEach(function (topic) {
      var folded = foldText(topic), found = "";
      runsPerVariant.forEach(function (runs) {
        runs.forEach(function (r) { var part = longestPart(r, folded); if (part.length > found.length) found = part; });
      });
      if (found.length >= need) shown.push([topic, snippetSpans(topic, runsPerVariant, found, topic.length).marks]);
    });
    return shown;
  }

  /* ranking.title_marks: the query's whole matched runs in a title. */
  function titleMarks(runsPerVariant, title) {
    var folded = foldText(title), found = "";
    runsPerVariant.forEach(function (runs) {
      runs.forEach(function (r) { var part = longestPart(r, folded); if (part.length > found.length) found = part; });
    });
    return found ? snippetSpans(title, runsPerVariant, found, title.length).marks : [];
  }

  /* ranking.suggestion: 您是不是要找 — the query with one character of a Han run (SUGGEST_MIN+)
     replaced so that the given texts hold it, the replacement found most often (ties: the smallest). */
  var HAN_ONLY = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  function suggestion(typed, texts) {
    var folded = texts.map(foldText), runs = A.runs(typed).filter(function (r) { return A.isHan(r) && r.length >= RULES.SUGGEST_MIN; });
    for (var k = 0; k < runs.length; k++) {
      var run = runs[k], size = run.length, counts = {}, found = false;
      folded.forEach(function (text) {
        for (var i = 0; i + size <= text.length; i++) {
          var w = text.slice(i, i + size), diff = 0;
          if (w === run) continue;
          for (var j = 0; j < size && diff < 2; j++) if (w.charAt(j) !== run.charAt(j)) diff++;
          if (diff === 1 && HAN_ONLY.test(w)) { counts[w] = (counts[w] || 0) + 1; found = true; }
        }
      });
      if (found) {
        var best = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0); })[0];
        return typed.replace(run, best);
      }
    }
    return "";
  }

  /* A fragment's units (f.x: [anchor, heading(, "a")]) and their texts travel deflated (UTF-16, base 85):
     unpacked once per fragment by search-inflate.js, on the first texts() call. */
  function texts(doc) {
    var f = state.frags[doc];
    if (!f.texts) {
      try { var packed = JSON.parse(Z.unpackTexts(f.z)); f.x = packed[0]; f.texts = packed[1]; }
      catch (e) { f.x = [["", ""]]; f.texts = []; }
    }
    return f.texts;
  }
  /* A unit's whole text: the fragment's first records.UNIT_TEXT characters and, once loaded, the rest. */
  function wholeTexts(doc) {
    var t = texts(doc), rest = state.rests[doc];
    if (!rest) return t;
    if (!rest.texts) {
      try { rest.texts = JSON.parse(Z.unpackTexts(rest.z)); } catch (e) { rest.texts = []; }
    }
    t = t.slice();
    rest.texts.forEach(function (r) { t[r[0]] = (t[r[0]] || "") + r[1]; });
    return t;
  }
  /* ranking.query_words */
  var EDGE = /^[^0-9a-z\[\]\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^0-9a-z\[\]\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/g;
  function queryWords(q) {
    var words = [];
    A.normalize(q).split(/\s+/).forEach(function (word) {
      word = word.replace(EDGE, "");
      if (word.charAt(0) === "[" && !/^\[[0-9]{4}\]./.test(word)) word = word.slice(1).replace(EDGE, "");
      if (word.charAt(word.length - 1) === "]" && !/[^\[\]]\[[0-9]{4}\]$/.test(word)) word = word.slice(0, -1).replace(EDGE, "");
      if (word && word.indexOf("[") < 0) {
        var prefix = A.queryDocNumbers(word);
        if (prefix.length && !A.runs(word).some(function (r) { return r === word; })) word = prefix[0];
      }
      if (word && words.indexOf(word) < 0) words.push(word);
    });
    return words;
  }
  /* ranking.exact_by_terms: every word two Han characters (a visible posting is the word itself). */
  function exactByTerms(words) {
    return words.length > 0 && words.every(function (w) { var r = A.runs(w); return w.length === 2 && r.length === 1 && r[0] === w && w.charCodeAt(0) > 127; });
  }
  /* ranking.holds_query over a fragment (and its rest, when loaded): title, 文号, headings, unit texts. */
  function holdsQuery(words, doc) {
    var f = state.frags[doc];
    texts(doc);
    var all = [f.t, f.n].concat(f.x.map(function (u) { return u[1] || ""; }), wholeTexts(doc)).filter(Boolean).map(foldText);
    return words.length > 0 && words.every(function (w) { return all.some(function (t) { return t.indexOf(w) >= 0; }); });
  }
  /* Full-match candidates are checked on their own text (ranking.holds_query), best first, a window
     at a time, until a window's worth holds the query or VERIFY candidates are read; a candidate
     whose fragment lacks the query but has more text loads its rest. Returns the candidates left
     unread (the count is then an upper bound). */
  function verifyFull(matches, words, spellings) {
    var candidates = matches.filter(function (m) { return m.full; }), exact = exactByTerms(words);
    if (!words.length) candidates.forEach(function (m) { m.full = false; });
    if (!words.length || exact) candidates = [];
    var key = function (m) { return [m.docno ? 1 : 0, m.docno ? m.date : m.score, -m.key]; };
    /* proven without text: every word is itself a term of the index (a segmenter word) that the
       document holds in a visible field; the others are read, all of them when VERIFY allows */
    var proven = provenHolders(words), held = 0;
    candidates = candidates.filter(function (m) { if (proven && proven.has(m.key)) { held += 1; return false; } return true; });
    /* more candidates than it reads: their positions (positions.py) drop those whose words do not stand
       in a row and prove those whose words are made of bigrams and Latin words; the rest are read */
    if (candidates.length <= VERIFY || segments().some(function (s) { return !s.p; })) return reading();
    return loadScript(siteRoot() + "assets/mzkb/search-positions.js").then(function () {
      return M.positions.settle(words, candidates, placesContext);
    }).then(function (settled) {
      if (settled) {
        candidates = settled.left;
        held += settled.proven;
      }
      return reading();
    });
    function reading() {
    var all = candidates.length <= VERIFY;
    candidates.sort(function (a, b) { return cmp(key(b), key(a)); });
    var read = 0, synonyms = null, synRead = 0, spelled = spellings.map(queryWords);
    /* a synonym's match (ranking.synonym_counts) is checked the same way: the first spelling its text holds */
    function synonymRound() {
      if (synonyms === null) {
        synonyms = matches.filter(function (m) { return m.syn && !m.full; });
        synonyms.sort(function (a, b) { return cmp(key(b), key(a)); });
      }
      var room = VERIFY - read - synRead;
      if (synRead >= synonyms.length || room <= 0) return Promise.resolve(candidates.length - read + synonyms.length - synRead);
      var batch = synonyms.slice(synRead, synRead + Math.min(WINDOW, room));
      synRead += batch.length;
      var first = function (m) {
        for (var v = 1; v < spelled.length; v++) if (holdsQuery(spelled[v], m.key)) return v;
        return 0;
      };
      return loadFrags(batch.map(function (m) { return m.key; })).then(function () {
        return Promise.all(batch.filter(function (m) { return !first(m); }).map(function (m) { return loadRest(m.key); }));
      }).then(function () {
        batch.forEach(function (m) { m.syn = first(m); });
        return synonymRound();
      });
    }
    function round() {
      if (read >= candidates.length || read >= VERIFY || (held >= WINDOW && !all)) {
        return synonymRound().then(function (left) { return { full: candidates.length - read, all: left }; });
      }
      var batch = candidates.slice(read, Math.min(candidates.length, read + WINDOW, VERIFY));
      read += batch.length;
      return loadFrags(batch.map(function (m) { return m.key; })).then(function () {
        var lacking = batch.filter(function (m) { return !holdsQuery(words, m.key); });
        return Promise.all(lacking.map(function (m) { return loadRest(m.key); })).then(function () {
          batch.forEach(function (m) { m.full = holdsQuery(words, m.key); if (m.full) held += 1; });
          return round();
        });
      });
    }
    return round();
    }
  }
  /* Documents holding every word in a visible field, read from the postings: a Han word is held where
     an index term of Han characters that starts with it is (a bigram or segmenter word is a piece of
     the text itself, and the shard of the word's first two characters holds every such term).
     null when a word has no such term. */
  var HAN_ONLY = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  function provenHolders(words) {
    var found = null;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], terms = {};
      if (!HAN_ONLY.test(w) || w.length < 2) return null;
      shardsFor(w).forEach(function (shard) {
        Object.keys(shard || {}).forEach(function (t) { if (t.lastIndexOf(w, 0) === 0 && HAN_ONLY.test(t)) terms[t] = true; });
      });
      var names = Object.keys(terms), here = new Set();
      if (!names.length) return null;
      names.forEach(function (t) {
        var p = decode(t);
        for (var j = 0; j < p.docs.length; j++) if (p.seen[j] && (!found || found.has(p.docs[j]))) here.add(p.docs[j]);
      });
      found = here;
    }
    return found;
  }
  /* What search-positions.js reads: the segments, their loaded position shards, how to load one,
     and a term's document frequency (postings loaded) to choose the cheapest bigrams. */
  var placesContext = {
    segments: segments, places: state.places, varints: varints,
    load: function (i, n, alone) {
      if (alone === undefined && hasOwn(state.places, i + ":" + n)) return Promise.resolve();
      return loadScript(indexFile(segments()[i], "p" + n + (alone === undefined ? "" : "." + alone) + ".js"));
    },
    frequency: function (term) { return hasTerm(term) ? decode(term).docs.length : 0; }
  };
  function cmp(a, b) {
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  }
  function dateOf(doc) { return parseInt(state.frags[doc].d.replace(/-/g, ""), 10) || 0; }
  function loadFrags(docs) { return Promise.all(docs.map(loadFrag)); }

  /* Rerank the windows covering [offset, offset + limit) on their texts (fragments loaded). */
  function rerankWindows(groups, offset, limit, runs) {
    var first = Math.floor(offset / WINDOW) * WINDOW, end = Math.min(groups.length, offset + limit), wanted = [];
    var last = Math.min(groups.length, Math.ceil(end / WINDOW) * WINDOW);
    for (var i = first; i < last; i++) {
      groups[i].members.forEach(function (m) { wanted.push(m.key); });
      if (groups[i].chainFirst !== null) wanted.push(groups[i].chainFirst);
    }
    return loadFrags(wanted).then(function () {
      var shown = [];
      for (var w = first; w < last; w += WINDOW) {
        var window_ = groups.slice(w, w + WINDOW);
        window_.forEach(function (g) {
          var levels = new Map();
          g.members.forEach(function (m) { levels.set(m.key, knownLevel(runs, state.frags[m.key].t, texts(m.key))); });
          settle(g, levels);
          /* ranking.Group.current: the chain's edition in force (its first), when it is in force */
          g.current = g.chainFirst !== null && IN_FORCE.indexOf(statusNow(g.chainFirst)) >= 0 ? g.chainFirst : null;
          var f = state.frags[g.best.key];
          g.factor = phraseFactor(runs, f.t, texts(g.best.key));
          g.head.date = dateOf(g.head.key);
        });
        shown = shown.concat(sortGroups(window_, true));
      }
      return shown.slice(offset - first, offset - first + limit);
    });
  }

  function search(typed, filters, limit, offset) {
    var started = performance.now(), q = typed, cut = typed, folded = typed;
    offset = offset || 0;
    return ensureManifest().then(function (m) {
      cut = A.cutQuery(typed, m.maxQuery);  /* analyzer.cut_query: a long query is cut before any work */
      return loadFold(cut);
    }).then(function () {
      var m = state.manifest, loads = [];
      folded = A.foldTraditional(cut, state.fold);
      q = A.applyAliases(folded, m.aliases);  /* analyzer.apply_aliases: covid -> 新冠 */
      A.shardKeys(q, m.synonyms, m.maxQueryTerms).forEach(function (k) {
        m.segments.forEach(function (s, i) { loads.push(loadShard(i, A.shardOf(k, s.s))); });
      });
      var active = filters.type || filters.audience || filters.status || filters.year || filters.region;
      if (active || A.queryDocNumbers(A.normalize(q)).length) loads.push(loadDocs());
      return Promise.all(loads);
    }).then(function () {
      var variants = A.analyzeQuery(q, hasTerm, state.manifest.synonyms, state.manifest.maxQueryTerms), runs = queryRuns(q);
      var matches = bestMatches(variants, filters);
      /* ranking.docno_only: a query that is nothing but a 文号 keeps the documents holding it (owners first) */
      var kind = A.docnoQuery(A.normalize(q)), held = matches.some(function (x) { return x.docno; });
      var owned = matches.some(function (x) { return x.docno === RULES.OWNER; });
      var only = kind === "prefix" || (kind === "whole" && held), noOwner = kind === "prefix" && !owned;
      if (only) matches = matches.filter(function (x) { return x.docno; });
      var spellings = A.expandSynonyms(A.normalize(q), state.manifest.synonyms);
      return verifyFull(matches, queryWords(q), spellings).then(function (unread) { return ranked(q, cut, typed, variants, runs, matches, unread, noOwner); });
    });
    function ranked(q, cut, typed, variants, runs, matches, unread, noOwner) {
      var full = matches.filter(function (x) { return x.full; }).length;
      var spellings = A.expandSynonyms(A.normalize(q), state.manifest.synonyms), bySynonym = synonymCounts(matches, spellings);
      state.matched = new Map(matches.map(function (x) { return [x.key, x]; }));
      var groups = keepBelow(sortGroups(fold(matches), false));
      var words = queryWords(q), longest = 0;
      words.forEach(function (w) { longest = Math.max(longest, w.length); });
      return rerankWindows(groups, offset, limit, runs).then(function (shown) {
        shown = keepBelow(shown);
        /* the snippet comes from the edition that holds the query (an older one when only it does);
           a full match whose fragment shows less of the query than it holds loads its rest */
        shown.forEach(function (g) { g.source = fullElsewhere(g); if (g.source === null) g.source = g.head.key; });
        var more = shown.filter(function (g) {
          return state.matched.get(g.source).full && !hasOwn(state.rests, g.source) && state.frags[g.source].m &&
            bestOf(g.source, runs, g.head.unit).piece.length < longest;
        });
        return Promise.all(more.map(function (g) { return loadRest(g.source); })).then(function () {
          shown.forEach(function (g) {
            var f = state.frags[g.head.key], where = bestOf(g.source, runs, g.source === g.head.key ? g.head.unit : -1);
            g.unit = where.unit; g.piece = where.piece; g.topics = matchedTopics(runs, f.p, where.piece); g.titleMarks = titleMarks(runs, f.t);
          });
          var hint = "";
          if (!full && !bySynonym.count && offset === 0) {  /* a synonym's spelling found whole is no typo */
            var pool = [];
            groups.slice(0, WINDOW).forEach(function (g) { pool.push(state.frags[g.best.key].t); pool = pool.concat(texts(g.best.key)); });
            hint = suggestion(A.normalize(q), pool);
          }
          return { query: q, noOwner: noOwner ? q.trim() : "", suggestion: hint, shortened: cut !== typed, folded: folded !== cut ? folded : "",
            aliased: q !== folded ? q : "", maxQuery: state.manifest.maxQuery,
            terms: [].concat.apply([], variants), runs: runs, total: groups.length, full: full, fullUpper: unread.full > 0, synonymUpper: unread.all > unread.full,
            partial: matches.length - full - bySynonym.count, synonym: bySynonym.count, synonymWords: bySynonym.words,
            results: shown.map(asResult), ms: performance.now() - started };
        });
      });
    }
  }
  function bestOf(doc, runs, preferred) {
    var f = state.frags[doc], t = wholeTexts(doc);
    return bestUnit(runs, f.x.map(function (u, i) { return [u[1] || "", t[i] || ""]; }), preferred);
  }
  function asResult(g) {
    return { doc: g.head.key, source: g.source, unit: g.unit, piece: g.piece, topics: g.topics, titleMarks: g.titleMarks, score: groupScore(g), full: g.full,
      current: g.current !== null && g.current !== undefined && g.current !== g.head.key ? g.current : null,
      fullIn: fullElsewhere(g),
      older: g.members.filter(function (m) { return m !== g.head; }).map(function (m) { return m.key; }) };
  }

  window.mzkbSearch = M.search = {
    load: load,
    search: function (q, filters, limit, offset) { return search(q, filters || {}, limit || 10, offset || 0); },
    ensureManifest: ensureManifest, loadFrags: loadFrags, statusNow: statusNow, texts: texts, wholeTexts: wholeTexts, queryWords: queryWords, holdsQuery: holdsQuery, snippetSpans: snippetSpans, bestUnit: bestUnit, matchedTopics: matchedTopics, longestPart: longestPart, siteRoot: siteRoot,
    state: state
  };
})();
