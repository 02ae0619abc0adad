// silt's dashboard: the pipeline as a graph (Kafka → bronze → silver → gold) with live figures,
// every gold table charted from its shape, a table browser and a SQL console. Plain JavaScript,
// no build step; charts by uPlot (vendored at build time). Data from the same server's API.
'use strict';

const $ = (s) => document.querySelector(s);
const SVG = 'http://www.w3.org/2000/svg';
const LAYERS = ['bronze', 'silver', 'gold'];
const COLORS = ['#2f6fdf', '#c9a227', '#2e9d5b', '#b0703a', '#8e44ad'];
const state = { tables: [], byName: new Map(), samples: new Map(), gold: new Map(), selected: null };

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) el.append(kid instanceof Node ? kid : String(kid));
  return el;
}
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const kid of kids) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return el;
}

const quote = (name) => '`' + name.replaceAll('`', '``') + '`';
const enc = (name) => name.split('/').map(encodeURIComponent).join('/');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }));
function bytes(n) {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}
function ago(sec) {
  if (sec === null || sec === undefined) return '–';
  if (sec < 60) return `${Math.max(0, Math.round(sec))} s ago`;
  if (sec < 3600) return `${Math.round(sec / 60)} min ago`;
  if (sec < 86400) return `${Math.round(sec / 3600)} h ago`;
  return `${Math.round(sec / 86400)} d ago`;
}
const isTime = (t) => typeof t === 'string' && /^(timestamp|timestamp_ntz|date)$/.test(t);
const isNum = (t) => typeof t === 'string' && /^(byte|short|integer|int|long|bigint|smallint|tinyint|float|double|decimal)/.test(t);
function toSeconds(v) {
  if (v === null) return null;
  const t = String(v).length === 10 ? `${v}T00:00:00Z` : `${String(v).replace(' ', 'T')}Z`;
  return Date.parse(t) / 1000;
}

// ---- the bearer token (a server started with --token-file) ----
// On a 401 the page asks for the token, keeps it in sessionStorage (this tab only) and sends it
// as 'Authorization: Bearer' with every request, the event stream included (read through fetch:
// EventSource cannot send headers).
const auth = { token: sessionStorage.getItem('silt-token'), asking: null };
const withAuth = (headers) => (auth.token ? { ...headers, Authorization: `Bearer ${auth.token}` } : headers);
function askToken(refused) {
  if (auth.asking) return auth.asking;
  auth.asking = new Promise((resolve) => {
    const input = h('input', { type: 'password', id: 'token-input', autocomplete: 'off', placeholder: 'token' });
    const form = h('form', { class: 'card token-form', id: 'token-form' },
      h('h2', {}, 'This server needs a token'),
      h('p', { class: refused ? 'error' : 'muted' }, refused ? 'That token was refused: enter the token of the server\'s --token-file.'
        : 'Enter the token of the server\'s --token-file. It is kept for this tab only.'),
      input, h('button', { class: 'primary', type: 'submit', id: 'token-submit' }, 'Continue'));
    const veil = h('div', { class: 'veil', id: 'token-veil' }, form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!input.value.trim()) return;
      auth.token = input.value.trim();
      sessionStorage.setItem('silt-token', auth.token);
      veil.remove();
      auth.asking = null;
      resolve();
    });
    document.body.append(veil);
    input.focus();
  });
  return auth.asking;
}
async function api(url, opts = {}) {
  for (;;) {
    const r = await fetch(url, { ...opts, headers: withAuth(opts.headers || {}) });
    if (r.status !== 401) return r;
    const refused = Boolean(auth.token);
    auth.token = null;
    sessionStorage.removeItem('silt-token');
    await askToken(refused);
  }
}

async function getJSON(url) {
  const r = await api(url, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(body.error + (body.suggestion ? ` (${body.suggestion})` : ''));
  return body;
}
// At most 2 queries of this page at once: the server runs 4 at once (--max-queries) and refuses
// more with 503; a pipeline with many gold tables would otherwise ask for one per chart.
const slots = { free: 2, waiting: [] };
async function sql(query, limit) {
  if (slots.free > 0) slots.free--;
  else await new Promise((r) => slots.waiting.push(r));
  try {
    return await sqlNow(query, limit);
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}
async function sqlNow(query, limit) {
  const r = await api('/api/sql', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(limit ? { sql: query, limit } : { sql: query }),
  });
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(body.error + (body.suggestion ? `\n${body.suggestion}` : ''));
  return body;
}

// ---- catalog polling and rates ----
function rate(name) {
  const v = state.samples.get(name) || [];
  if (v.length < 2) return null;
  const a = v[0], b = v[v.length - 1];
  return b.t > a.t && a.rows !== null && b.rows !== null ? (b.rows - a.rows) / ((b.t - a.t) / 1000) : null;
}
async function refreshCatalog() {
  const cat = await getJSON('/api/tables');
  $('#lake').textContent = cat.lake;
  const now = Date.now();
  state.tables = cat.tables;
  state.live = cat.live || null; // `silt pipeline run --http`: the running pipeline's figures
  state.byName = new Map(cat.tables.map((t) => [t.name, t]));
  for (const t of cat.tables) {
    const v = state.samples.get(t.name) || [];
    v.push({ t: now, rows: t.rows });
    while (v.length > 2 && now - v[0].t > 15000) v.shift();
    state.samples.set(t.name, v);
  }
  drawGraph();
  syncGold();
  drawList();
}

// ---- the pipeline graph ----
function edgesOf(tables) {
  const edges = [];
  const recorded = tables.some((t) => (t.sources || []).length);
  const by = (l) => tables.filter((t) => t.layer === l);
  if (recorded) {
    for (const t of tables) for (const src of t.sources || []) edges.push([src, t.name]);
  } else {
    for (const t of by('silver')) for (const b of by('bronze')) edges.push([b.name, t.name]);
    for (const t of by('gold')) for (const b of by('silver')) edges.push([b.name, t.name]);
  }
  for (const b of by('bronze')) if (!(b.sources || []).length) edges.push(['kafka', b.name]);
  return edges;
}
function nodeBox(x, y, t, kind) {
  const g = s('g', { class: 'node', transform: `translate(${x},${y})`, 'data-table': t ? t.name : 'kafka' });
  g.append(s('rect', { width: 210, height: 78 }));
  g.append(s('rect', { class: 'band', width: 5, height: 78, fill: `var(--${kind})` }));
  if (!t) {
    g.append(s('text', { x: 16, y: 24, class: 'title' }, 'Kafka'));
    g.append(s('text', { x: 16, y: 44, class: 'sub' }, 'source topics'));
    const r = state.tables.filter((x) => x.layer === 'bronze').reduce((n, x) => n + (rate(x.name) || 0), 0);
    const lag = state.live ? ` · lag ${fmt(state.live.lag)}` : '';
    g.append(s('text', { x: 16, y: 64, class: 'kafka-rate' }, `${fmt(r)} msg/s into bronze${lag}`));
    return g;
  }
  const r = rate(t.name);
  g.append(s('text', { x: 16, y: 22, class: 'title' }, t.name.length > 26 ? `${t.name.slice(0, 25)}…` : t.name));
  g.append(s('text', { x: 16, y: 41, class: 'rows' }, `${fmt(t.rows)} rows · ${r === null ? '–' : fmt(r)} rows/s`));
  const lt = state.live?.tables?.[t.name]; // the running pipeline's figures (pipeline run --http)
  const batch = lt ? ` · last batch ${fmt(lt.last_batch_ms)} ms` : '';
  g.append(s('text', { x: 16, y: 59, class: 'sub' }, `v${t.version ?? '–'} · ${ago(t.freshness_seconds)}${batch}`));
  const q = t.quality;
  if (t.error) g.append(s('text', { x: 16, y: 73, class: 'warn' }, 'unreadable'));
  else if (q && (q.quarantined || q.expectations_failed))
    g.append(s('text', { x: 16, y: 73, class: 'warn' }, `${fmt(q.quarantined)} quarantined · ${fmt(q.expectations_failed)} failed`));
  g.addEventListener('click', () => { if (t) { showTab('tables'); selectTable(t.name); } });
  return g;
}
function drawGraph() {
  const tables = state.tables.filter((t) => LAYERS.includes(t.layer));
  const cols = [['kafka', tables.some((t) => t.layer === 'bronze') ? [null] : []]]
    .concat(LAYERS.map((l) => [l, tables.filter((t) => t.layer === l)]));
  const rows = Math.max(1, ...cols.map((c) => c[1].length));
  const W = 260, H = 96, width = cols.length * W + 20, height = rows * H + 40;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, id: 'graph-svg' });
  const pos = new Map();
  cols.forEach(([layer, list], ci) => {
    svg.append(s('text', { x: 20 + ci * W, y: 16, class: 'layer-label' }, layer));
    list.forEach((t, ri) => pos.set(t ? t.name : 'kafka', { x: 20 + ci * W, y: 28 + ri * H + (rows - list.length) * H / 2 }));
  });
  for (const [a, b] of edgesOf(tables)) {
    const p = pos.get(a), q = pos.get(b);
    if (!p || !q) continue;
    const x1 = p.x + 210, y1 = p.y + 39, x2 = q.x, y2 = q.y + 39, mx = (x1 + x2) / 2;
    const live = (rate(b) || 0) > 0;
    svg.append(s('path', { class: live ? 'edge live' : 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` }));
  }
  cols.forEach(([layer, list]) => list.forEach((t) => {
    const p = pos.get(t ? t.name : 'kafka');
    svg.append(nodeBox(p.x, p.y, t, t ? layer : 'kafka'));
  }));
  if (!tables.length) $('#graph').replaceChildren(h('p', { class: 'muted' }, 'No bronze, silver or gold tables in this lake yet.'));
  else $('#graph').replaceChildren(svg);
}

// ---- charts ----
function resultTable(res, max) {
  const cols = res.columns;
  const body = res.rows.slice(0, max || res.rows.length);
  return h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { title: c.type }, c.name)))),
    h('tbody', {}, body.map((r) => h('tr', {}, r.map((v, i) => h('td', { class: isNum(cols[i].type) ? 'num' : '' },
      v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : isNum(cols[i].type) ? fmt(v) : v))))));
}
// Chooses a chart for a result: a time column → lines; else bars of the first numeric column.
function chartSpec(res) {
  const cols = res.columns;
  const t = cols.findIndex((c) => isTime(c.type));
  const nums = cols.map((c, i) => (isNum(c.type) && i !== t ? i : -1)).filter((i) => i >= 0);
  if (!nums.length || !res.rows.length) return null;
  if (t >= 0) {
    const rows = [...res.rows].sort((a, b) => toSeconds(a[t]) - toSeconds(b[t]));
    return { kind: 'line', x: rows.map((r) => toSeconds(r[t])), series: nums.slice(0, 3).map((i) => ({ label: cols[i].name, data: rows.map((r) => r[i]) })) };
  }
  const lab = cols.findIndex((c, i) => !nums.includes(i));
  const rows = [...res.rows].sort((a, b) => b[nums[0]] - a[nums[0]]).slice(0, 20);
  return {
    kind: 'bar', labels: rows.map((r, i) => (lab >= 0 ? String(r[lab]) : `#${i + 1}`)),
    x: rows.map((_, i) => i), series: [{ label: cols[nums[0]].name, data: rows.map((r) => r[nums[0]]) }],
  };
}
function drawChart(box, spec) {
  box.replaceChildren();
  if (!spec || !window.uPlot) { box.append(h('p', { class: 'muted' }, 'Nothing to chart.')); return null; }
  const width = Math.max(280, box.clientWidth - 4);
  const opts = {
    width, height: 230, legend: { show: spec.kind === 'line' }, cursor: { drag: { x: spec.kind === 'line' } },
    scales: { x: spec.kind === 'bar' ? { time: false, range: (u, a, b) => [a - 0.6, b + 0.6] } : { time: true } },
    axes: [
      spec.kind === 'bar'
        ? { values: (u, splits) => splits.map((i) => (Number.isInteger(i) && spec.labels[i] ? spec.labels[i].slice(0, 12) : '')), space: 30, gap: 4, size: 40 }
        : {},
      { size: 56, values: (u, vals) => vals.map((v) => compact.format(v)) },
    ],
    series: [{}].concat(spec.series.map((se, i) => ({
      label: se.label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: spec.kind === 'line' && spec.x.length < 60 },
      fill: spec.kind === 'bar' ? `${COLORS[i % COLORS.length]}cc` : undefined,
      paths: spec.kind === 'bar' ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined,
    }))),
  };
  return new uPlot(opts, [spec.x, ...spec.series.map((se) => se.data)], box);
}

// ---- gold tables ----
function syncGold() {
  const golds = state.tables.filter((t) => t.layer === 'gold' && !t.error);
  const box = $('#gold');
  if (!golds.length && !box.querySelector('.empty')) box.replaceChildren(h('p', { class: 'muted empty' }, 'No gold tables yet.'));
  for (const t of golds) {
    let g = state.gold.get(t.name);
    if (!g) {
      const chart = h('div', { class: 'chart-box' }), mini = h('div', { class: 'mini' });
      const meta = h('span', { class: 'muted' });
      const card = h('div', { class: 'card gold-card', 'data-table': t.name },
        h('div', { class: 'head' }, h('h3', {}, t.name), meta), chart, mini);
      box.querySelector('.empty')?.remove();
      box.append(card);
      g = { chart, mini, meta, version: -1, busy: false };
      state.gold.set(t.name, g);
    }
    g.meta.textContent = `${fmt(t.rows)} rows · v${t.version} · ${ago(t.freshness_seconds)}`;
    if (g.version !== t.version && !g.busy) drawGold(t, g);
  }
}
async function drawGold(t, g) {
  g.busy = true;
  try {
    const d = await getJSON(`/api/tables/${enc(t.name)}`);
    const time = d.schema.find((f) => isTime(f.type));
    const num = d.schema.find((f) => isNum(f.type));
    const order = time ? `${quote(time.name)} DESC` : num ? `${quote(num.name)} DESC` : '1';
    const res = await sql(`SELECT * FROM ${quote(t.name)} ORDER BY ${order} LIMIT ${time ? 500 : 20}`);
    const plot = drawChart(g.chart, chartSpec(res));
    if (plot) g.chart.dataset.drawn = String(t.version);
    g.mini.replaceChildren(resultTable(res, 20));
    g.version = t.version;
  } catch (e) {
    g.chart.replaceChildren(h('p', { class: 'error' }, e.message));
  } finally {
    g.busy = false;
  }
}

// ---- the table browser ----
function drawList() {
  const list = $('#table-list');
  list.replaceChildren(...state.tables.map((t) => h('button', {
    class: t.name === state.selected ? 'active' : '', onclick: () => selectTable(t.name), 'data-table': t.name,
  }, h('span', {}, t.name), h('span', { class: `pill ${t.layer}` }, t.layer))));
}
function facts(pairs) {
  return h('div', { class: 'facts' }, pairs.map(([k, v]) => h('div', {}, h('b', {}, v), h('span', {}, k))));
}
function kvTable(obj) {
  const keys = Object.keys(obj || {});
  if (!keys.length) return h('p', { class: 'muted' }, 'none');
  return h('table', { class: 'grid' }, h('tbody', {}, keys.map((k) => h('tr', {}, h('td', {}, k), h('td', {}, String(obj[k]))))));
}
async function selectTable(name) {
  state.selected = name;
  drawList();
  const box = $('#table-detail');
  try {
    const d = await getJSON(`/api/tables/${enc(name)}`);
    const sample = await getJSON(`/api/tables/${enc(name)}/rows?limit=20`);
    const link = (n) => h('button', { class: 'linkish', onclick: () => selectTable(n) }, n);
    box.replaceChildren(
      h('h3', {}, d.name, ' ', h('span', { class: `pill ${d.layer}` }, d.layer)),
      facts([['version', d.version], ['rows', fmt(d.rows)], ['files', fmt(d.files)], ['size', bytes(d.bytes)],
        ['last commit', ago(d.freshness_seconds)], ['partitioned by', (d.partition_columns || []).join(', ') || 'nothing']]),
      d.error ? h('p', { class: 'error' }, d.error) : null,
      h('div', { class: 'sect' }, h('h2', {}, 'Schema'), h('table', { class: 'grid schema' },
        h('thead', {}, h('tr', {}, h('th', {}, 'column'), h('th', {}, 'type'), h('th', {}, 'nullable'), h('th', {}, 'comment'))),
        h('tbody', {}, (d.schema || []).map((f) => h('tr', {}, h('td', {}, f.name),
          h('td', {}, typeof f.type === 'string' ? f.type : JSON.stringify(f.type)), h('td', {}, f.nullable ? 'yes' : 'no'), h('td', {}, f.comment || '')))))),
      h('div', { class: 'sect' }, h('h2', {}, 'Lineage'),
        h('p', {}, 'reads from: ', ...(d.lineage.sources.length ? d.lineage.sources.map(link) : [h('span', { class: 'muted' }, 'nothing recorded')])),
        h('p', {}, 'read by: ', ...(d.lineage.readers.length ? d.lineage.readers.map(link) : [h('span', { class: 'muted' }, 'nothing recorded')]))),
      h('div', { class: 'sect' }, h('h2', {}, 'Data quality'), d.quality ? kvTable(d.quality) : h('p', { class: 'muted' }, 'no pipeline event log for this table')),
      h('div', { class: 'sect' }, h('h2', {}, 'Sample'), h('div', { class: 'mini' }, resultTable(sample))),
      h('div', { class: 'sect' }, h('h2', {}, 'History'), h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'version'), h('th', {}, 'time'), h('th', {}, 'operation'), h('th', {}, 'metrics'))),
        h('tbody', {}, d.history.map((e) => h('tr', {}, h('td', {}, e.version), h('td', {}, e.timestamp), h('td', {}, e.operation || ''),
          h('td', {}, e.metrics ? Object.entries(e.metrics).map(([k, v]) => `${k}=${v}`).join(' ') : '')))))),
      h('div', { class: 'sect' }, h('h2', {}, 'Properties'), kvTable(d.properties)),
    );
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error' }, e.message));
  }
}

// ---- the SQL console ----
async function runSql() {
  const text = $('#sql-text').value;
  const status = $('#sql-status');
  status.textContent = 'running…';
  try {
    const res = await sql(text);
    status.textContent = `${fmt(res.row_count)} rows${res.truncated ? ' (cut at the row limit)' : ''} · ${fmt(res.elapsed_ms)} ms`;
    $('#sql-result').replaceChildren(resultTable(res));
    const spec = chartSpec(res);
    $('#sql-chart').classList.toggle('hidden', !spec);
    if (spec) drawChart($('#sql-chart'), spec);
  } catch (e) {
    status.textContent = 'failed';
    $('#sql-chart').classList.add('hidden');
    $('#sql-result').replaceChildren(h('pre', { class: 'error' }, e.message));
  }
}

// ---- tabs, live events, start ----
function showTab(name) {
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.id === `tab-${name}`);
  if (name === 'tables' && !state.selected && state.tables.length) selectTable(state.tables[0].name);
}
// Server-Sent Events read through fetch (to send the token), resumed with Last-Event-ID.
async function live() {
  let lastId = null, pending = null;
  const soon = () => { if (!pending) pending = setTimeout(() => { pending = null; refreshCatalog().catch(() => {}); }, 250); };
  const on = (yes) => { $('#live').classList.toggle('off', !yes); $('#live-text').textContent = yes ? 'live' : 'reconnecting'; };
  for (;;) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const r = await api('/api/events', { headers });
      if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`);
      on(true);
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value.replaceAll('\r\n', '\n');
        for (let i; (i = buf.indexOf('\n\n')) >= 0; buf = buf.slice(i + 2)) {
          let type = 'message';
          for (const line of buf.slice(0, i).split('\n')) {
            if (line.startsWith('id:')) lastId = line.slice(3).trim();
            else if (line.startsWith('event:')) type = line.slice(6).trim();
          }
          if (['commit', 'table', 'table_removed', 'batch'].includes(type)) soon();
        }
      }
    } catch { /* the stream broke: try again below */ }
    on(false);
    await new Promise((r) => setTimeout(r, 3000));
  }
}
function start() {
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('#sql-run').addEventListener('click', runSql);
  $('#sql-text').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runSql(); } });
  refreshCatalog().then(() => {
    const g = state.tables.find((t) => t.layer === 'gold') || state.tables[0];
    if (g) $('#sql-text').value = `SELECT * FROM ${g.name.includes('/') ? quote(g.name) : g.name} LIMIT 100`;
  }).catch((e) => $('#graph').replaceChildren(h('p', { class: 'error' }, e.message)));
  setInterval(() => refreshCatalog().catch(() => {}), 2000);
  live();
}
document.addEventListener('DOMContentLoaded', start);
