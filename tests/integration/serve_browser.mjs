#!/usr/bin/env node
// The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core)
// against a live stream: `silt kafka-dev`, `silt produce --generate` at 300 messages/s and
// `silt ingest` into bronze_events, beside CTAS silver and gold tables. The graph must show the
// bronze count rising, both gold charts must draw (a line for the table with a time column, bars
// for the other) with their tables, a gold chart must redraw after a new commit, the table
// browser must show a schema, the SQL console must return the rows silt sql returns, and the
// page must log no console error (CSP violations included). Screenshots are saved in
// $SILT_BUILD/test-output/serve_browser/.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { root, silt, fail, ok, scratch, siltSql, makeLake, startServer, stopServer } from '../lib/serve.mjs';

const tmp = scratch('serve-browser');
const lake = path.join(tmp, 'lake');
const out = path.join(process.env.SILT_BUILD || path.join(root, 'build'), 'test-output', 'serve_browser');
fs.mkdirSync(out, { recursive: true });
makeLake(lake);

const procs = [];
const run = (args, name) => {
  const p = spawn(silt, args, { stdio: ['ignore', 'ignore', fs.openSync(path.join(tmp, `${name}.log`), 'w')] });
  procs.push(p);
  return p;
};
process.on('exit', () => { for (const p of procs.reverse()) try { p.kill('SIGKILL'); } catch { /* gone */ } });
const bootFile = path.join(tmp, 'boot');
run(['kafka-dev', '--topic', 'events:3', '--bootstrap-file', bootFile], 'kafka-dev');
for (let i = 0; i < 100 && !(fs.existsSync(bootFile) && fs.readFileSync(bootFile, 'utf8').trim()); i++)
  await new Promise((r) => setTimeout(r, 100));
const boot = fs.readFileSync(bootFile, 'utf8').trim();
run(['produce', '-b', boot, '-t', 'events', '--generate', '100000000', '--rate', '300'], 'produce');
run(['ingest', '-b', boot, '-t', 'events', '--table', path.join(lake, 'bronze_events'), '--trigger', '500ms',
  'kafka.session.timeout.ms=6000'], 'ingest');

const srv = await startServer(lake, ['--poll', '200ms']);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
srv.proc.on('exit', (code, sig) => { if (!stopping) finish(`silt serve exited (${code}, ${sig})`); });
let stopping = false;
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
const finish = async (msg) => {
  await page.screenshot({ path: path.join(out, 'failure.png'), fullPage: true }).catch(() => {});
  await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
  fail(`${msg}\nsilt serve (exit ${srv.proc.exitCode}, signal ${srv.proc.signalCode}): ${srv.stderr()}\nlogs in ${tmp}`);
};
const waitFor = async (what, fn, arg, timeout = 60000) => {
  try { return await page.waitForFunction(fn, arg, { timeout, polling: 200 }); } catch { return finish(`timed out waiting for ${what}`); }
};

await page.goto(srv.url + '/');
await waitFor('the graph', () => document.querySelector('#graph-svg .node[data-table="gold_daily"]'));
await waitFor('bronze_events in the graph', () => document.querySelector('.node[data-table="bronze_events"]'));
const bronzeRows = () => page.evaluate(() => {
  const t = document.querySelector('.node[data-table="bronze_events"] .rows')?.textContent || '';
  return Number(t.split(' ')[0].replaceAll(',', '')) || 0;
});
const first = await bronzeRows();
await waitFor('the bronze count to rise', (n) => {
  const t = document.querySelector('.node[data-table="bronze_events"] .rows')?.textContent || '';
  return (Number(t.split(' ')[0].replaceAll(',', '')) || 0) > n;
}, first);
const second = await bronzeRows();
ok(`the graph shows bronze_events rising (${first} → ${second} rows)`);

const drawn = (name) => page.evaluate((n) => {
  const c = document.querySelector(`.gold-card[data-table="${n}"] canvas`);
  if (!c || !c.width) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < d.length; i += 4) painted += d[i] > 0;
  return painted;
}, name);
for (const name of ['gold_daily', 'gold_country']) {
  await waitFor(`the ${name} chart`, (n) => document.querySelector(`.gold-card[data-table="${n}"] .chart-box`)?.dataset.drawn === '0', name);
  if ((await drawn(name)) < 100) await finish(`${name}: the chart's canvas is blank`);
  const rows = await page.locator(`.gold-card[data-table="${name}"] .mini tbody tr`).count();
  if (!rows) await finish(`${name}: no table beside the chart`);
}
const legend = await page.locator('.gold-card[data-table="gold_daily"] .u-legend').count();
if (!legend) await finish('gold_daily (a time column) is not drawn as a line chart with a legend');
await page.screenshot({ path: path.join(out, 'overview.png'), fullPage: true });
ok('both gold tables charted from their shape, each with its table');

siltSql(`INSERT INTO delta.\`${path.join(lake, 'gold_country')}\` SELECT 'Atlantis' AS country, 99999.0 AS revenue, 1 AS orders`);
await waitFor('gold_country to redraw after its commit',
  () => document.querySelector('.gold-card[data-table="gold_country"] .chart-box')?.dataset.drawn === '1');
const atl = await page.locator('.gold-card[data-table="gold_country"] .mini td', { hasText: 'Atlantis' }).count();
if (!atl) await finish('the new gold row is not in the table beside the chart');
ok('a gold chart redraws with the new commit');

await page.click('#tabs button[data-tab="tables"]');
await page.click('#table-list button[data-table="silver_sales"]');
await waitFor('the schema of silver_sales', () => [...document.querySelectorAll('#table-detail table.schema td')].some((td) => td.textContent === 'quantity'));
await page.screenshot({ path: path.join(out, 'tables.png'), fullPage: true });
ok('the table browser shows a schema, sample and history');

const query = 'SELECT country, revenue FROM gold_country ORDER BY revenue DESC';
await page.click('#tabs button[data-tab="sql"]');
await page.fill('#sql-text', query);
await page.click('#sql-run');
const expected = siltSql(query.replace('gold_country', `delta.\`${path.join(lake, 'gold_country')}\``));
await waitFor('SQL results', (n) => document.querySelectorAll('#sql-result tbody tr').length === n, expected.length);
const firstCell = await page.locator('#sql-result tbody tr >> nth=0 >> td >> nth=0').textContent();
if (firstCell !== expected[0].country) await finish(`SQL console: first row ${firstCell}, silt sql says ${expected[0].country}`);
if (await page.locator('#sql-chart canvas').count() === 0) await finish('SQL console: no chart');
await page.screenshot({ path: path.join(out, 'sql.png'), fullPage: true });
ok(`the SQL console returns the ${expected.length} rows silt sql returns, with a chart`);

await browser.close();
stopping = true;
if (errors.length) fail(`console errors:\n${errors.join('\n')}`);
await stopServer(srv);
ok(`no console errors; screenshots in ${out}`);
// kafka-dev, the producer and ingest are children of this process: they keep its event loop
// alive, so the 'exit' handler that stops them would never run. Stop them and end here.
for (const p of procs.reverse()) try { p.kill('SIGTERM'); } catch { /* gone */ }
process.exit(0);
