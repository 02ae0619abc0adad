#!/usr/bin/env node
// Writes the seed corpus of fuzz/fuzz_sql.c (fuzz/corpus/sql/) from the queries of the SQL corpus
// (tests/sql/*.test): table placeholders become the names the fuzz target registers (sales,
// types, nulls, products, countries, nested), {seq:N} a list of N numbers and {deep:N} N nested
// parentheses (N at most 300 in seeds). One file per query, named by a hash of its text.
// Usage: node tests/tools/sql-fuzz-seeds.mjs [OUTDIR]   (default fuzz/corpus/sql)
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseCorpus, expand } from '../sql/lib/corpus.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const out = path.resolve(process.argv[2] || path.join(root, 'fuzz/corpus/sql'));
const names = { sales: 'sales', sales_by_country: 'sales', gen: 'sales', empty: 'sales', 'csv:sales': 'sales',
  'parquet:gen': 'sales', types: 'types', nulls: 'nulls', products: 'products', countries: 'countries' };
const table = (n) => names[n.split('@')[0]] || 'nested';
fs.mkdirSync(out, { recursive: true });
let n = 0;
const dir = path.join(root, 'tests/sql');
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
  for (const e of parseCorpus(fs.readFileSync(path.join(dir, f), 'utf8'), f)) {
    if (e.kind === 'nocrash') continue; // fuzzer findings: seeds once fixed, not while they crash
    const sql = expand(e.sql.replace(/\{(deep|seq):(\d+)\}/g, (a, w, k) => `{${w}:${Math.min(Number(k), 300)}}`), table);
    const name = crypto.createHash('sha1').update(sql).digest('hex').slice(0, 16);
    fs.writeFileSync(path.join(out, `${name}.sql`), sql + '\n');
    n++;
  }
}
console.log(`${n} seeds in ${out}`);
