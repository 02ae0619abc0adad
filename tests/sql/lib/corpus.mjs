// Reading and rewriting the corpus files tests/sql/*.test (format: tests/sql/README.md).
// parseCorpus(text, file) -> entries; each entry keeps the line span of its expected rows so
// that rewriteCorpus(text, updates) can replace just those lines (the --regenerate mode).

function parseHeader(kind, rest, file, lineNo) {
  const e = { file, line: lineNo, kind, sql: [], duck: null, differs: null, rows: [] };
  if (kind === 'nocrash') return e;
  if (kind === 'error') {
    e.message = rest.trim();
    if (!e.message) throw new Error(`${file}:${lineNo}: 'error' needs the text the message must contain`);
    return e;
  }
  const words = rest.trim().split(/\s+/).filter(Boolean);
  e.mode = words.shift();
  if (e.mode !== 'sort' && e.mode !== 'ordered') {
    throw new Error(`${file}:${lineNo}: query mode must be 'sort' or 'ordered', not '${e.mode ?? ''}'`);
  }
  e.tolerance = 1e-9;
  for (const w of words) {
    const m = /^tolerance=([0-9.eE+-]+)$/.exec(w);
    if (!m) throw new Error(`${file}:${lineNo}: unknown query option '${w}' (known: tolerance=X)`);
    e.tolerance = Number(m[1]);
  }
  return e;
}

export function parseCorpus(text, file) {
  const lines = text.split('\n');
  const entries = [];
  let e = null, part = null;
  const finish = (i) => {
    if (!e) return;
    if (e.kind === 'query' && part !== 'rows') throw new Error(`${file}:${e.line}: query has no '----' line`);
    if (!e.sql.join('').trim()) throw new Error(`${file}:${e.line}: entry has no SQL`);
    if (e.kind === 'query') e.rowsEnd = i;
    e.sql = e.sql.join('\n');
    if (e.duck !== null) e.duck = e.duck.join('\n');
    entries.push(e);
    e = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!e) {
      if (l.trim() === '' || l.startsWith('#')) continue;
      const m = /^(query|error|nocrash)\b(.*)$/.exec(l);
      if (!m) throw new Error(`${file}:${i + 1}: expected 'query MODE', 'error TEXT' or 'nocrash', got: ${l}`);
      e = parseHeader(m[1], m[2], file, i + 1);
      part = 'sql';
      continue;
    }
    if (l.trim() === '' && (part === 'rows' || e.kind !== 'query')) { finish(i); continue; }
    if (part === 'sql' && e.sql.length === 0 && l.startsWith('spark-differs:')) {
      e.differs = l.slice('spark-differs:'.length).trim();
      continue;
    }
    if (l === 'duckdb:' && part === 'sql' && e.kind === 'query') { part = 'duck'; e.duck = []; continue; }
    if (l === '----' && e.kind === 'query' && part !== 'rows') { part = 'rows'; e.rowsStart = i + 1; continue; }
    if (part === 'sql') e.sql.push(l);
    else if (part === 'duck') e.duck.push(l);
    else e.rows.push(l);
  }
  finish(lines.length);
  return entries;
}

// updates: [{ entry, rows }]; returns the new text with those entries' row lines replaced.
export function rewriteCorpus(text, updates) {
  const lines = text.split('\n');
  const sorted = [...updates].sort((a, b) => b.entry.rowsStart - a.entry.rowsStart);
  for (const u of sorted) {
    lines.splice(u.entry.rowsStart, u.entry.rowsEnd - u.entry.rowsStart, ...u.rows);
  }
  return lines.join('\n');
}

// Expands the placeholders of a query: {name} (a table of the manifest, through `table`),
// {name@V} (that table as of version V), {seq:N} (0, 1, ..., N-1) and {deep:N} (1 + 1 + ...
// nested N parentheses deep).
export function expand(sql, table) {
  return sql.replace(/\{([a-z_]+(?::[A-Za-z0-9_-]+)?(?:@\d+)?)\}/g, (all, name) => {
    let m = /^seq:(\d+)$/.exec(name);
    if (m) return Array.from({ length: Number(m[1]) }, (_, i) => String(i)).join(', ');
    m = /^deep:(\d+)$/.exec(name);
    if (m) return '('.repeat(Number(m[1])) + '1' + ' + 1)'.repeat(Number(m[1]));
    return table(name);
  });
}
