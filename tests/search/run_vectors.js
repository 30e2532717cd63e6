// Runs the shared analyzer test vectors against the browser analyzer (node tests/search/run_vectors.js).
// Prints a JSON report; exit code 1 when any vector fails. Called by test_analyzer.py.
"use strict";
const path = require("path");
const fs = require("fs");
const A = require(path.join(__dirname, "..", "..", "theme", "assets", "mzkb", "search-analyzer.js"));
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
console.log(JSON.stringify({ checked: vectors.length, failures }, null, 1));
process.exit(failures.length ? 1 : 0);
