// DuckDB side of bench/parquet_write.sh: loads OUTDIR/rows.csv into an in-memory table (not
// timed), then times COPY t TO 'duck.parquet' (FORMAT parquet, COMPRESSION zstd) with
// threads=1, best of 3. Prints "duckdb rows=N seconds=S bytes=B".
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';

const dir = process.argv[2];
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await inst.connect();
await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${dir}/rows.csv', header = true,
  columns = {'TransactionNo': 'VARCHAR', 'Date': 'VARCHAR', 'ProductNo': 'VARCHAR',
             'ProductName': 'VARCHAR', 'Price': 'FLOAT', 'Quantity': 'INTEGER',
             'CustomerNo': 'FLOAT', 'Country': 'VARCHAR'})`);
const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY t TO '${dir}/duck.parquet' (FORMAT parquet, COMPRESSION zstd)`);
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (t < best) best = t;
}
console.log(`duckdb rows=${rows} seconds=${best.toFixed(4)} bytes=${statSync(`${dir}/duck.parquet`).size}`);
