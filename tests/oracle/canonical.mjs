// DuckDB values in silt's canonical text form (tests/oracle/README.md): render(value) for one
// value of a row that @duckdb/node-api returned. Shared by duckdb-rows.mjs and tests/sql/run.mjs.
const pad = (n, w) => String(n).padStart(w, '0');
function civil(days) {
  // days since 1970-01-01 -> [y, m, d] (proleptic Gregorian)
  let z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
function fmtDate(days) {
  const [y, m, d] = civil(days);
  const ys = y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
  return `${ys}-${pad(m, 2)}-${pad(d, 2)}`;
}
// ticks since epoch with `digits` fractional digits per second (6 = micros, 9 = nanos)
function fmtTs(ticks, digits) {
  const per = 10n ** BigInt(digits);
  let secs = ticks / per, frac = ticks % per;
  if (frac < 0n) { frac += per; secs -= 1n; }
  let days = secs / 86400n, sod = secs % 86400n;
  if (sod < 0n) { sod += 86400n; days -= 1n; }
  const s = Number(sod);
  return `${fmtDate(Number(days))} ${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}.${pad(frac, digits)}`;
}

export function render(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return String(v);
    case 'bigint': return v.toString();
    case 'string': return JSON.stringify(v);
  }
  const k = v.constructor?.name;
  switch (k) {
    case 'DuckDBBlobValue': return "x'" + Buffer.from(v.bytes).toString('hex') + "'";
    case 'DuckDBDateValue': return fmtDate(v.days);
    case 'DuckDBTimestampValue':
    case 'DuckDBTimestampTZValue':
    case 'DuckDBTimestampMicrosecondsValue': return fmtTs(v.micros, 6);
    case 'DuckDBTimestampMillisecondsValue': return fmtTs(v.millis * 1000n, 6);
    case 'DuckDBTimestampSecondsValue': return fmtTs(v.seconds * 1000000n, 6);
    case 'DuckDBTimestampNanosecondsValue': return fmtTs(v.nanos, 9);
    case 'DuckDBTimeValue': return fmtTs(v.micros, 6).slice(11);
    case 'DuckDBDecimalValue': return v.toString();
    case 'DuckDBListValue':
    case 'DuckDBArrayValue': return '[' + v.items.map(render).join(', ') + ']';
    case 'DuckDBStructValue':
      return '{' + Object.entries(v.entries).map(([n, x]) => JSON.stringify(n) + ': ' + render(x)).join(', ') + '}';
    case 'DuckDBMapValue':
      return 'map[' + v.entries.map((e) => render(e.key) + ': ' + render(e.value)).join(', ') + ']';
    default: return JSON.stringify(String(v));
  }
}

