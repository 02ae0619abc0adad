// An independent Delta writer for test data: DuckDB writes the Parquet files (COPY ... TO) and this
// module writes the first commit of the log itself (protocol, metaData, one add per file with
// partition values, size and min/max/null-count statistics). Nothing here uses silt's writer.
//
// writeDelta(conn, dir, { source, schema, partitionBy, chunks, rowGroupSize, timestamp })
//   source      a DuckDB query or table name giving the rows, its columns named as in `schema`
//   schema      [{ name, spark, duck }]: Spark's type (a string, or a nested type object written as
//               Delta's schemaString spells it) and the DuckDB type the column is cast to
//   partitionBy one column name (or none): one directory per distinct value, the column left out
//               of the Parquet files as Delta requires
//   chunks      number of files a non-partitioned table is split into (by row number)
//   rowGroupSize rows per Parquet row group
//   timestamp   the commit's time in ms (default now)
// Returns the absolute paths of the data files written. appendDelta adds later commits.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const id = (s) => '"' + s.replaceAll('"', '""') + '"';
const STAT_TYPES = new Set(['string', 'integer', 'long', 'short', 'byte', 'double', 'float', 'date']);

function statable(col) {
  return typeof col.spark === 'string' && (STAT_TYPES.has(col.spark) || col.spark.startsWith('decimal'));
}

// A statistic as JSON text: strings and dates quoted, numbers as DuckDB printed them (exact for
// 64-bit integers and decimals, which a JavaScript number would round).
function statJson(col, v) {
  if (v === null || v === undefined) return undefined;
  if (col.spark === 'string' || col.spark === 'date') return JSON.stringify(String(v));
  const t = String(v);
  if (/^-?inf|nan/i.test(t)) return undefined; // not representable in JSON: leave it out
  return t;
}

async function fileStats(conn, file, cols) {
  const parts = ['count(*)'];
  for (const c of cols) {
    const v = c.spark === 'float' ? `${id(c.name)}::DOUBLE` : id(c.name);
    if (statable(c)) parts.push(`min(${v})::VARCHAR`, `max(${v})::VARCHAR`);
    if (typeof c.spark === 'string') parts.push(`count(*) - count(${id(c.name)})`);
  }
  const row = (await (await conn.run(`SELECT ${parts.join(', ')} FROM read_parquet(${q(file)})`)).getRows())[0];
  const mins = [], maxs = [], nulls = [];
  let k = 1;
  for (const c of cols) {
    const key = JSON.stringify(c.name) + ':';
    if (statable(c)) {
      const lo = statJson(c, row[k++]), hi = statJson(c, row[k++]);
      if (lo !== undefined) mins.push(key + lo);
      if (hi !== undefined) maxs.push(key + hi);
    }
    if (typeof c.spark === 'string') nulls.push(key + String(row[k++]));
  }
  return `{"numRecords":${row[0]},"minValues":{${mins.join(',')}},"maxValues":{${maxs.join(',')}},` +
    `"nullCount":{${nulls.join(',')}}}`;
}

// Spark's escaping of a partition directory name (the characters Hive escapes), then the add
// path is a URI: the '%' of those escapes and spaces are percent-encoded once more.
function hiveEscape(s) {
  return [...s].map((ch) => (/["#%'*/:=?\\\x7f{}[\]^]/.test(ch) || ch < ' '
    ? '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0') : ch)).join('');
}

async function copyFile(conn, select, file, rowGroupSize) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await conn.run(`COPY (${select}) TO ${q(file)} (FORMAT parquet, COMPRESSION snappy,
    ROW_GROUP_SIZE ${rowGroupSize})`);
}

async function writeFiles(conn, dir, { source, schema, partitionBy = null, chunks = 1, rowGroupSize = 122880 }) {
  const src = /\s/.test(source.trim()) ? `(${source})` : source;
  const cast = (c) => `CAST(${id(c.name)} AS ${c.duck}) AS ${id(c.name)}`;
  const dataCols = schema.filter((c) => c.name !== partitionBy);
  const files = []; // { abs, rel, pv }
  if (partitionBy) {
    const vals = (await (await conn.run(`SELECT DISTINCT ${id(partitionBy)}::VARCHAR FROM ${src}
      ORDER BY 1 NULLS LAST`)).getRows()).map((r) => r[0]);
    for (const v of vals) {
      const dirName = `${partitionBy}=${v === null ? '__HIVE_DEFAULT_PARTITION__' : hiveEscape(v)}`;
      const rel = `${dirName}/part-00000-${crypto.randomUUID()}.c000.snappy.parquet`;
      const abs = path.join(dir, rel);
      const cond = v === null ? `${id(partitionBy)} IS NULL` : `${id(partitionBy)}::VARCHAR = ${q(v)}`;
      await copyFile(conn, `SELECT ${dataCols.map(cast).join(', ')} FROM ${src} WHERE ${cond}`, abs, rowGroupSize);
      files.push({ abs, rel: encodeURI(rel), pv: { [partitionBy]: v } });
    }
    return { files, dataCols };
  }
  await conn.run(`CREATE OR REPLACE TEMP TABLE _dw AS SELECT row_number() OVER () - 1 AS _rn, * FROM ${src}`);
  const n = Number((await (await conn.run('SELECT count(*) FROM _dw')).getRows())[0][0]);
  const per = Math.max(1, Math.ceil(n / chunks));
  for (let k = 0; k * per < n; k++) {
    const rel = `part-${String(k).padStart(5, '0')}-${crypto.randomUUID()}-c000.snappy.parquet`;
    const abs = path.join(dir, rel);
    await copyFile(conn, `SELECT ${dataCols.map(cast).join(', ')} FROM _dw
      WHERE _rn >= ${k * per} AND _rn < ${(k + 1) * per} ORDER BY _rn`, abs, rowGroupSize);
    files.push({ abs, rel, pv: {} });
  }
  await conn.run('DROP TABLE _dw');
  return { files, dataCols };
}

// Writes commit `version`: its actions, then the add of every file with its statistics and the
// remove of every path in `removes`; the log file's modification time is set to `timestamp`
// (what Delta's TIMESTAMP AS OF reads, along with commitInfo.timestamp).
async function commit(conn, dir, version, { files, dataCols, removes = [], timestamp, head = [] }) {
  const lines = [{ commitInfo: { timestamp, operation: 'WRITE', operationParameters: { mode: 'Append' },
    engineInfo: 'silt-tests/delta-writer.mjs' } }, ...head];
  for (const r of removes) lines.push({ remove: { path: r, deletionTimestamp: timestamp, dataChange: true } });
  for (const f of files) {
    const stats = await fileStats(conn, f.abs, dataCols);
    lines.push({ add: { path: f.rel, partitionValues: f.pv, size: fs.statSync(f.abs).size,
      modificationTime: timestamp, dataChange: true, stats } });
  }
  const log = path.join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  fs.writeFileSync(log, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  fs.utimesSync(log, timestamp / 1000, timestamp / 1000);
}

export async function writeDelta(conn, dir, opts) {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) {
    throw new Error(`writeDelta: ${dir} is not empty (a table is written once, into a new directory)`);
  }
  fs.mkdirSync(path.join(dir, '_delta_log'), { recursive: true });
  const { files, dataCols } = await writeFiles(conn, dir, opts);
  const timestamp = opts.timestamp ?? Date.now();
  const schemaString = JSON.stringify({ type: 'struct', fields: opts.schema.map((c) =>
    ({ name: c.name, type: c.spark, nullable: true, metadata: {} })) });
  const head = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: crypto.randomUUID(), format: { provider: 'parquet', options: {} }, schemaString,
      partitionColumns: opts.partitionBy ? [opts.partitionBy] : [], configuration: {}, createdTime: timestamp } },
  ];
  await commit(conn, dir, 0, { files, dataCols, timestamp, head });
  return files.map((f) => f.abs);
}

// Appends commit `version` to a table writeDelta made (same schema, not partitioned): the rows of
// `source` as new files, and removes of the given data file paths (relative to the table).
export async function appendDelta(conn, dir, version, { source, schema, chunks = 1, removes = [], timestamp }) {
  const { files, dataCols } = await writeFiles(conn, dir, { source, schema, chunks });
  await commit(conn, dir, version, { files, dataCols, removes, timestamp: timestamp ?? Date.now() });
  return files.map((f) => f.abs);
}
