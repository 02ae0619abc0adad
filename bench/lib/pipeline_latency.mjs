// Latency of bench/pipeline.sh's live run: for every message, from its Kafka timestamp (the
// producer's create time) to the commit that made it visible in silver, and in gold, read from
// the tables' Delta logs: bronze's txns (next offset per partition) say which bronze version
// holds a message, silver's txn says which bronze version a silver commit covers, the view's txn
// which silver version it read; a commit's time is its commitInfo timestamp.
// Prints "silver p50 p99 gold p50 p99" (ms). Usage: node pipeline_latency.mjs LAKE GOLD_TABLE
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [lake, goldName] = process.argv.slice(2);
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

// [{version, time, txns: {appId: version}, adds: [path]}] in version order
function commits(table) {
  const dir = path.join(lake, table, '_delta_log');
  return fs.readdirSync(dir).filter((f) => /^\d{20}\.json$/.test(f)).sort().map((f) => {
    const c = { version: Number(f.slice(0, 20)), time: 0, txns: {}, adds: [] };
    for (const l of fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const a = JSON.parse(l);
      if (a.commitInfo) c.time = a.commitInfo.timestamp;
      if (a.txn) c.txns[a.txn.appId] = a.txn.version;
      if (a.add && a.add.dataChange) c.adds.push(path.join(lake, table, decodeURIComponent(a.add.path)));
    }
    return c;
  });
}

// The first commit whose txn appId has reached at least v: its time (Infinity if none).
function firstReaching(cs, appId, v) {
  for (const c of cs) if (c.txns[appId] !== undefined && c.txns[appId] >= v) return c;
  return null;
}

const bronze = commits('bronze_transactions');
const silver = commits('silver_transactions');
const gold = commits(goldName);
const files = bronze.flatMap((c) => c.adds.map((p) => [p, c.version]));
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
const silverAt = new Map(), goldAt = new Map();
const lat = { silver: [], gold: [] };
for (const [file, v] of files) {
  if (!silverAt.has(v)) {
    const s = firstReaching(silver, 'silt:silver_transactions:bronze_transactions', v);
    silverAt.set(v, s);
    const g = s ? firstReaching(gold, `silt:${goldName}:silver_transactions`, s.version) : null;
    goldAt.set(v, g);
  }
  const rows = (await conn.runAndReadAll(`SELECT epoch_ms("timestamp") FROM read_parquet(${q(file)})`)).getRows();
  for (const [ts] of rows) {
    const s = silverAt.get(v), g = goldAt.get(v);
    if (s) lat.silver.push(s.time - Number(ts));
    if (g) lat.gold.push(g.time - Number(ts));
  }
}
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
console.log(`${pct(lat.silver, 0.5)} ${pct(lat.silver, 0.99)} ${pct(lat.gold, 0.5)} ${pct(lat.gold, 0.99)} ${lat.silver.length}`);
