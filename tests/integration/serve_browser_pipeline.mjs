#!/usr/bin/env node
// The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core) over a
// REAL pipeline: `silt kafka-dev`, `silt produce --generate` feeding synthetic transactions at
// 200 messages/s, and `silt pipeline run examples/ecommerce.sql --http 127.0.0.1:0 --token-file F`
// serving its own lake. The page must ask for the token on the API's 401, keep it for the tab
// (a reload does not ask again) and follow the event stream with it; the graph must show the
// bronze count rising and Kafka's lag from the live registry; a gold chart must draw and redraw
// after a new version of its table; the SQL console must return rows; the page must log no
// console error (but the 401s that made it ask for the token). Screenshots are saved in
// $SILT_BUILD/test-output/serve_browser_pipeline/.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { root, silt, fail, ok, scratch } from '../lib/serve.mjs';

// the children are stopped before the scratch folder is removed (both at exit: this one first)
const procs = [];
const stopAll = () => { for (const p of procs.reverse()) try { p.kill('SIGKILL'); } catch { /* gone */ } };
process.on('exit', stopAll);
const tmp = scratch('serve-browser-pipeline');
const lake = path.join(tmp, 'lake');
const out = path.join(process.env.SILT_BUILD || path.join(root, 'build'), 'test-output', 'serve_browser_pipeline');
fs.mkdirSync(out, { recursive: true });

const logs = new Map();
const run = (args, name) => {
  const log = path.join(tmp, `${name}.log`);
  const p = spawn(silt, args, { stdio: ['ignore', 'ignore', fs.openSync(log, 'w')] });
  procs.push(p);
  logs.set(name, log);
  return p;
};
const logOf = (name) => { try { return fs.readFileSync(logs.get(name), 'utf8'); } catch { return ''; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const bootFile = path.join(tmp, 'boot');
run(['kafka-dev', '--topic', 'transactions:3', '--bootstrap-file', bootFile], 'kafka-dev');
for (let i = 0; i < 300 && !(fs.existsSync(bootFile) && fs.readFileSync(bootFile, 'utf8').trim()); i++) await sleep(100);
const boot = fs.readFileSync(bootFile, 'utf8').trim();
if (!boot) fail(`kafka-dev wrote no bootstrap address: ${logOf('kafka-dev')}`);
run(['produce', '-b', boot, '-t', 'transactions', '--generate', '100000000', '--rate', '200'], 'produce');
const tokenFile = path.join(tmp, 'token');
const token = 'browser-test-token-' + Math.random().toString(36).slice(2);
fs.writeFileSync(tokenFile, `${token}\n`);
const pipe = run(['pipeline', 'run', path.join(root, 'examples/ecommerce.sql'), '--lake', lake, '--var', `KAFKA=${boot}`,
  '--var', 'TOPIC=transactions', '--trigger', '500ms', '--progress', '0', '--http', '127.0.0.1:0', '--token-file', tokenFile], 'pipeline');
let url = null;
for (let i = 0; i < 600 && !url; i++) {
  if (pipe.exitCode !== null) fail(`pipeline run exited ${pipe.exitCode}: ${logOf('pipeline')}`);
  const m = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(logOf('pipeline'));
  if (m) url = m[1];
  else await sleep(100);
}
if (!url) fail(`no dashboard address from pipeline run: ${logOf('pipeline')}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
let stopping = false;
pipe.on('exit', (code, sig) => { if (!stopping) finish(`pipeline run exited (${code}, ${sig})`); });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const errors = [];
let tokenGiven = false;
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  if (!tokenGiven && /status of 401/.test(m.text())) return; // the 401s that make the page ask
  errors.push(m.text());
});
page.on('pageerror', (e) => errors.push(String(e)));
async function finish(msg) {
  stopping = true;
  await page.screenshot({ path: path.join(out, 'failure.png'), fullPage: true }).catch(() => {});
  await Promise.race([browser.close(), sleep(5000)]);
  const log = logOf('pipeline').slice(-3000);
  stopAll();
  fail(`${msg}\npipeline run: ${log}\nlogs in ${tmp}`);
}
const waitFor = async (what, fn, arg, timeout = 90000) => {
  try { return await page.waitForFunction(fn, arg, { timeout, polling: 200 }); } catch { return finish(`timed out waiting for ${what}`); }
};

await page.goto(url + '/');
await waitFor('the token form', () => document.querySelector('#token-form'));
await page.screenshot({ path: path.join(out, 'token.png'), fullPage: true });
await page.fill('#token-input', 'not-the-token-at-all');
await page.click('#token-submit');
await waitFor('the form to say the token was refused', () => document.querySelector('#token-form .error'));
await page.fill('#token-input', token);
await page.click('#token-submit');
await waitFor('the graph', () => document.querySelector('#graph-svg .node[data-table="bronze_transactions"]'));
tokenGiven = true; // (requests in flight with the wrong token may still have come back 401)
if (await page.evaluate(() => sessionStorage.getItem('silt-token')) !== token) await finish('the token is not in sessionStorage');
ok('the page asked for the token on a 401, refused a wrong one and kept the right one for the tab');

await page.reload();
await waitFor('the graph after a reload', () => document.querySelector('#graph-svg .node[data-table="bronze_transactions"]'));
if (await page.locator('#token-form').count()) await finish('the page asked for the token again after a reload');
await waitFor('the event stream (fetch with the token)', () => document.querySelector('#live-text')?.textContent === 'live');
ok('after a reload the stored token is used, for the API and the event stream');

const rowsOf = (name) => page.evaluate((n) => {
  const t = document.querySelector(`.node[data-table="${n}"] .rows`)?.textContent || '';
  return Number(t.split(' ')[0].replaceAll(',', '')) || 0;
}, name);
await waitFor('bronze rows', () => Number((document.querySelector('.node[data-table="bronze_transactions"] .rows')?.textContent || '').split(' ')[0].replaceAll(',', '')) > 0);
const first = await rowsOf('bronze_transactions');
await waitFor('the bronze count to rise', (n) => {
  const t = document.querySelector('.node[data-table="bronze_transactions"] .rows')?.textContent || '';
  return (Number(t.split(' ')[0].replaceAll(',', '')) || 0) > n;
}, first);
await waitFor('silver rows', () => Number((document.querySelector('.node[data-table="silver_transactions"] .rows')?.textContent || '').split(' ')[0].replaceAll(',', '')) > 0);
await waitFor("Kafka's lag from the live registry", () => /lag \d/.test(document.querySelector('.node[data-table="kafka"] .kafka-rate')?.textContent || ''));
await waitFor("silver's last batch from the live registry", () => /last batch \d/.test(document.querySelector('.node[data-table="silver_transactions"] .sub')?.textContent || ''));
ok(`the graph shows bronze_transactions rising (${first} → ${await rowsOf('bronze_transactions')} rows) and Kafka's lag`);

const card = 'gold_revenue_by_country';
await waitFor(`the ${card} chart`, (n) => document.querySelector(`.gold-card[data-table="${n}"] .chart-box`)?.dataset.drawn, card);
const painted = await page.evaluate((n) => {
  const c = document.querySelector(`.gold-card[data-table="${n}"] canvas`);
  if (!c || !c.width) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let k = 0;
  for (let i = 3; i < d.length; i += 4) k += d[i] > 0;
  return k;
}, card);
if (painted < 100) await finish(`${card}: the chart's canvas is blank`);
const v0 = await page.evaluate((n) => document.querySelector(`.gold-card[data-table="${n}"] .chart-box`).dataset.drawn, card);
await page.screenshot({ path: path.join(out, 'overview.png'), fullPage: true });
await waitFor(`${card} to redraw with a newer version than ${v0}`,
  ([n, v]) => Number(document.querySelector(`.gold-card[data-table="${n}"] .chart-box`)?.dataset.drawn) > Number(v), [card, v0]);
await page.screenshot({ path: path.join(out, 'overview-updated.png'), fullPage: true });
ok(`the ${card} chart draws and redraws as the pipeline commits (version ${v0} → newer)`);

await page.click('#tabs button[data-tab="sql"]');
await page.fill('#sql-text', 'SELECT Country, lines, revenue FROM gold_revenue_by_country ORDER BY revenue DESC');
await page.click('#sql-run');
await waitFor('SQL results', () => document.querySelectorAll('#sql-result tbody tr').length > 0);
const heads = await page.locator('#sql-result thead th').allTextContents();
if (heads.join(',') !== 'Country,lines,revenue') await finish(`SQL console columns: ${heads.join(',')}`);
await page.screenshot({ path: path.join(out, 'sql.png'), fullPage: true });
ok(`the SQL console returns ${await page.locator('#sql-result tbody tr').count()} rows of gold_revenue_by_country`);

await browser.close();
stopping = true;
if (errors.length) stopAll(), fail(`console errors:\n${errors.join('\n')}`);
const done = new Promise((r) => pipe.on('exit', (code, sig) => r({ code, sig })));
pipe.kill('SIGTERM');
const { code, sig } = await done;
if (code !== 0) fail(`pipeline run exited ${code} (signal ${sig}) on SIGTERM: ${logOf('pipeline').slice(-2000)}`);
ok(`no console errors; pipeline run stopped cleanly; screenshots in ${out}`);
// the children keep node's event loop alive: stop them and end here
for (const p of procs.reverse()) try { p.kill('SIGTERM'); } catch { /* gone */ }
process.exit(0);
