#!/usr/bin/env node
// Deletion vectors checked independently of silt: `silt table delete` marks rows deleted; this test
// replays the Delta log with DuckDB's JSON reader, decodes each live file's deletion vector with its
// own decoder written here from the protocol (Z85 uuid -> file name, version byte, big-endian size
// and CRC-32, RoaringBitmapArray with array, bitmap and run containers), reads the Parquet files
// with DuckDB (file_row_number) and drops the deleted rows. The live rows must equal silt's scan
// and DuckDB's own answer over the source CSV, after each delete, after OPTIMIZE (which drops the
// deleted rows) and from a checkpoint (whose add.deletionVector DuckDB reads back).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { render } from '../oracle/canonical.mjs';

const root = process.env.SILT_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const silt = process.env.SILT || path.join(root, 'build/silt');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'silt-dv-'));
process.on('exit', () => { if (!process.env.SILT_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true }); });
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

function run(args) {
  const r = spawnSync(silt, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) fail(`silt ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r.stdout;
}
const siltSql = (sql) => run(['sql', '--format', 'canonical', sql]).split('\n').filter((l) => l !== '');

// ---- an independent deletion vector decoder (Delta PROTOCOL.md, RoaringFormatSpec) ----
const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
function z85Decode(s) {
  if (s.length % 5) throw new Error(`Z85 length ${s.length}`);
  const out = Buffer.alloc((s.length / 5) * 4);
  for (let g = 0; g < s.length / 5; g++) {
    let v = 0;
    for (let k = 0; k < 5; k++) {
      const d = Z85.indexOf(s[g * 5 + k]);
      if (d < 0) throw new Error(`bad Z85 character ${s[g * 5 + k]}`);
      v = v * 85 + d;
    }
    out.writeUInt32BE(v, g * 4);
  }
  return out;
}
function dvFileName(dv) {
  const p = dv.pathOrInlineDv;
  const u = z85Decode(p.slice(-20)).toString('hex');
  const uuid = `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
  const prefix = p.slice(0, -20);
  return (prefix ? prefix + '/' : '') + `deletion_vector_${uuid}.bin`;
}
// One portable 32-bit Roaring bitmap at b[pos..]; pushes high + value for each member.
function roaring32(b, pos, high, out) {
  const start = pos;
  const cookie = b.readUInt32LE(pos);
  let n, runFlags = null, hasOffsets;
  if (cookie === 12346) { n = b.readUInt32LE(pos + 4); pos += 8; hasOffsets = true; }
  else if ((cookie & 0xffff) === 12347) {
    n = (cookie >>> 16) + 1; pos += 4;
    runFlags = b.subarray(pos, pos + Math.ceil(n / 8)); pos += Math.ceil(n / 8);
    hasOffsets = n >= 4;
  } else throw new Error(`bad Roaring cookie ${cookie}`);
  const keys = [];
  for (let i = 0; i < n; i++) keys.push([b.readUInt16LE(pos + 4 * i), b.readUInt16LE(pos + 4 * i + 2) + 1]);
  pos += 4 * n;
  if (hasOffsets) pos += 4 * n;
  for (let i = 0; i < n; i++) {
    const [key, card] = keys[i];
    const base = high + key * 65536;
    if (runFlags && (runFlags[i >> 3] >> (i & 7)) & 1) {
      const runs = b.readUInt16LE(pos); pos += 2;
      for (let r = 0; r < runs; r++) {
        const s = b.readUInt16LE(pos), l = b.readUInt16LE(pos + 2); pos += 4;
        for (let v = s; v <= s + l; v++) out.push(base + v);
      }
    } else if (card <= 4096) {
      for (let j = 0; j < card; j++) out.push(base + b.readUInt16LE(pos + 2 * j));
      pos += 2 * card;
    } else {
      for (let v = 0; v < 65536; v++) if ((b[pos + (v >> 3)] >> (v & 7)) & 1) out.push(base + v);
      pos += 8192;
    }
  }
  return pos - start;
}
function decodeBitmapArray(b) {
  if (b.readUInt32LE(0) !== 1681511377) throw new Error('bad RoaringBitmapArray magic');
  const n = Number(b.readBigUInt64LE(4));
  let pos = 12;
  const rows = [];
  for (let i = 0; i < n; i++) {
    const key = b.readUInt32LE(pos); pos += 4;
    pos += roaring32(b, pos, key * 2 ** 32, rows);
  }
  if (pos !== b.length) throw new Error(`${b.length - pos} bytes after the bitmaps`);
  return rows;
}
function readDv(dir, dv) {
  if (dv.storageType !== 'u') fail(`unexpected DV storage type ${dv.storageType}`);
  const file = fs.readFileSync(path.join(dir, dvFileName(dv)));
  if (file[0] !== 1) fail(`DV file version ${file[0]}`);
  const off = Number(dv.offset), size = Number(dv.sizeInBytes);
  if (file.readUInt32BE(off) !== size) fail(`DV size field ${file.readUInt32BE(off)} != sizeInBytes ${size}`);
  const data = file.subarray(off + 4, off + 4 + size);
  if (zlib.crc32(data) !== file.readUInt32BE(off + 4 + size)) fail('DV CRC-32 mismatch');
  const rows = decodeBitmapArray(data);
  if (rows.length !== Number(dv.cardinality)) fail(`DV holds ${rows.length} rows, cardinality ${dv.cardinality}`);
  return new Set(rows);
}

// ---- DuckDB: the log replayed with its JSON reader, the data read with read_parquet ----
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
const duck = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson();
const dvId = (dv) => (dv ? `${dv.storageType}${dv.pathOrInlineDv}${dv.offset != null ? '@' + dv.offset : ''}` : '');

async function liveRows(dir) {
  const acts = await duck(`SELECT filename, "add", "remove" FROM read_json(${q(path.join(dir, '_delta_log/*.json'))},
      format='newline_delimited', filename=true, union_by_name=true,
      columns={'add': 'STRUCT(path VARCHAR, deletionVector STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT))',
               'remove': 'STRUCT(path VARCHAR, deletionVector STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT))'})
      ORDER BY filename`);
  // within a commit, the order of add and remove does not matter: a file entry is (path, DV)
  const live = new Map();
  const byFile = new Map();
  for (const a of acts) { if (!byFile.has(a.filename)) byFile.set(a.filename, []); byFile.get(a.filename).push(a); }
  for (const [, list] of [...byFile].sort()) {
    for (const a of list) if (a.remove && live.has(a.remove.path) && dvId(live.get(a.remove.path)) === dvId(a.remove.deletionVector)) live.delete(a.remove.path);
    for (const a of list) if (a.add) live.set(a.add.path, a.add.deletionVector);
  }
  const rows = [];
  let deleted = 0;
  for (const [p, dv] of live) {
    const del = dv ? readDv(dir, dv) : new Set();
    deleted += del.size;
    const got = await conn.runAndReadAll(`SELECT id, k, s, file_row_number FROM read_parquet(${q(path.join(dir, decodeURIComponent(p)))}, file_row_number=true)`);
    for (const r of got.getRows()) if (!del.has(Number(r[3]))) rows.push(r.slice(0, 3).map(render).join('\t'));
  }
  return { rows: rows.sort(), files: live.size, deleted, live };
}

function same(what, a, b) {
  const x = [...a].sort(), y = [...b].sort();
  if (x.length !== y.length) fail(`${what}: ${x.length} rows, expected ${y.length}`);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) fail(`${what}: row ${i + 1}\n  got      ${x[i]}\n  expected ${y[i]}`);
}

// ---- the table: 60,000 rows in 3 partitions ----
const csv = path.join(tmp, 'src.csv');
let text = 'id,k,s,p\n';
for (let i = 0; i < 60000; i++) text += `${i},${(i * 7919) % 13},v${i},${i % 3}\n`;
fs.writeFileSync(csv, text);
const dir = path.join(tmp, 't');
run(['sql', `CREATE TABLE delta.\`${dir}\` PARTITIONED BY (p) AS SELECT CAST(id AS BIGINT) AS id, CAST(k AS INT) AS k, s, CAST(p AS INT) AS p FROM csv.\`${csv}\``]);
const src = `read_csv(${q(csv)}, header=true, columns={'id': 'BIGINT', 'k': 'INTEGER', 's': 'VARCHAR', 'p': 'INTEGER'})`;
const expect = async (where) => (await conn.runAndReadAll(`SELECT id, k, s FROM ${src} WHERE ${where}`)).getRows().map((r) => r.map(render).join('\t'));
const siltRows = () => siltSql(`SELECT id, k, s FROM delta.\`${dir}\``);

// without the feature the table refuses; asked to, it upgrades to reader 3 / writer 7
const refused = spawnSync(silt, ['table', 'delete', dir, '--where', 'k = 3'], { encoding: 'utf8' });
if (refused.status !== 1 || !/deletionVectors/.test(refused.stderr)) fail(`delete without the feature: exit ${refused.status}: ${refused.stderr}`);
run(['table', 'delete', dir, '--where', 'k = 3', '--enable-deletion-vectors']);
const proto = (await duck(`SELECT protocol FROM read_json(${q(path.join(dir, '_delta_log/*.json'))}, format='newline_delimited', union_by_name=true) WHERE protocol IS NOT NULL`)).pop().protocol;
if (Number(proto.minReaderVersion) !== 3 || Number(proto.minWriterVersion) !== 7 || !proto.readerFeatures.includes('deletionVectors') || !proto.writerFeatures.includes('deletionVectors'))
  fail(`protocol after the upgrade: ${JSON.stringify(proto)}`);

let want = await expect('k <> 3');
let rep = await liveRows(dir);
same('after delete k = 3: DuckDB replay + JS DV decoder', rep.rows, want);
same('after delete k = 3: silt sql', siltRows(), want);
if (rep.deleted !== 60000 - want.length) fail(`DVs hold ${rep.deleted} rows, expected ${60000 - want.length}`);
console.log(`ok: delete k = 3: ${want.length} live rows in ${rep.files} files; ${rep.deleted} rows in DVs decoded independently`);

// a second delete merges with the DVs the files have (id < 20000 overlaps k = 3)
run(['table', 'delete', dir, '--where', 'id < 20000']);
want = await expect('k <> 3 AND id >= 20000');
rep = await liveRows(dir);
same('after delete id < 20000: DuckDB replay + JS DV decoder', rep.rows, want);
same('after delete id < 20000: silt sql', siltRows(), want);
console.log(`ok: delete id < 20000 merged with the DVs: ${want.length} live rows, ${rep.deleted} deleted`);

// silt table scan and describe agree
const scanned = run(['table', 'scan', dir, '--format', 'canonical', '--columns', 'id,k,s']).split('\n').filter(Boolean);
same('silt table scan', scanned, want);
const desc = run(['table', 'describe', dir]);
if (!desc.includes(`deleted rows:  ${rep.deleted} in ${rep.files} files`)) fail(`describe does not show the DVs:\n${desc}`);

// a checkpoint carries the descriptors: DuckDB reads them from the Parquet checkpoint
const ck = run(['table', 'checkpoint', dir]).trim();
const ckAdds = await duck(`SELECT "add".path AS path, "add".deletionVector AS dv FROM read_parquet(${q(path.join(dir, ck))}) WHERE "add" IS NOT NULL`);
if (ckAdds.length !== rep.files) fail(`checkpoint has ${ckAdds.length} adds, the log ${rep.files}`);
for (const a of ckAdds) if (dvId(a.dv) !== dvId(rep.live.get(a.path))) fail(`checkpoint DV of ${a.path}: ${JSON.stringify(a.dv)}`);
same('from the checkpoint: silt sql', siltRows(), want);
console.log(`ok: checkpoint ${ck} carries the ${ckAdds.length} DV descriptors`);

// OPTIMIZE rewrites the mostly deleted files without the deleted rows
run(['table', 'optimize', dir]);
rep = await liveRows(dir);
same('after OPTIMIZE: DuckDB replay', rep.rows, want);
same('after OPTIMIZE: silt sql', siltRows(), want);
if (rep.deleted !== 0) fail(`after OPTIMIZE ${rep.deleted} rows are still in DVs`);
console.log(`ok: OPTIMIZE dropped the deleted rows: ${rep.files} files, no DV left`);
