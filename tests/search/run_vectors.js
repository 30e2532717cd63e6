// Runs the shared analyzer test vectors against the browser analyzer (node tests/search/run_vectors.js FOLD.json ANALYZER.js).
// Prints a JSON report; exit code 1 when any vector fails. Called by test_analyzer.py.
"use strict";
const path = require("path");
const fs = require("fs");
// argv[3]: the analyzer as the site ships it (its rules written in from analyzer.browser_rules(), scripts.with_rules)
const A = require(path.resolve(process.argv[3]));
const data = JSON.parse(fs.readFileSync(path.join(__dirname, "analyzer_vectors.json"), "utf8"));
const vectors = data.query;
const maxTerms = data.limits.max_query_terms;  // the manifest's maxQueryTerms (analyzer.MAX_QUERY_TERMS)
const failures = [];
for (const v of vectors) {
  const vocab = new Set(v.vocabulary);
  const got = {
    normalized: A.normalize(v.text),
    shard_keys: A.shardKeys(v.text, v.synonyms, maxTerms),
    variants: A.analyzeQuery(v.text, (t) => vocab.has(t), v.synonyms, maxTerms).map((terms) => terms.map((t) => [t.term, t.kind])),
  };
  for (const key of ["normalized", "shard_keys", "variants"]) {
    if (JSON.stringify(got[key]) !== JSON.stringify(v[key])) failures.push({ title: v.title, key, expected: v[key], got: got[key] });
  }
}
// analyzer.cut_query: code points, not UTF-16 units (a character outside the BMP is one character)
const wide = "\u{20000}".repeat(data.limits.max_query + 5);
if (A.cutQuery(wide, data.limits.max_query) !== "\u{20000}".repeat(data.limits.max_query)) failures.push({ title: "cutQuery counts code points" });
if (A.cutQuery("养老", data.limits.max_query) !== "养老") failures.push({ title: "cutQuery keeps a short query" });
// Folding: argv[2] names a JSON file with the table's parts as the build writes them (analyzer.fold_parts).
let folded = 0;
if (process.argv[2]) {
  const parts = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  for (const v of data.fold) {
    const table = {};
    for (const n of A.foldChunks(v.text, parts.length)) {
      for (let i = 0; i + 1 < parts[n].length; i += 2) table[parts[n][i]] = parts[n][i + 1];
    }
    const got = A.foldTraditional(v.text, table);
    if (got !== v.folded) failures.push({ title: v.title, key: "folded", expected: v.folded, got });
    folded++;
  }
}
console.log(JSON.stringify({ checked: vectors.length, folded, failures }, null, 1));
process.exit(failures.length ? 1 : 0);
