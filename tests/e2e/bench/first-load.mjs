// First load of the editor page in headless Chromium on loopback: bytes over the wire and
// the time from navigation to a hydrated page, with an empty cache and then a warm one.
// Run: node tests/e2e/bench/first-load.mjs [http://127.0.0.1:3000] [runs] [KiB] [threads]
// (against a running `concord serve`; scripts/bench-first-load starts one). With a size and
// a number of threads, the document is that large with that many open threads on passages
// spread through it, and the time until the editor shows them all is measured too.
// Only a 1,000-thread variant is in docs/benchmarks.md (issue 23).
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] ?? 10);
const kib = Number(process.argv[4] || 0);
const threads = Number(process.argv[5] || 0);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const setup = await browser.newContext({ baseURL: base });
const name = `load-${process.pid}-${Date.now().toString(36)}`;
const signup = await setup.request.post('/api/auth/signup', { data: { name, password: 'first load benchmark' } });
if (signup.status() !== 201) throw new Error(`sign up: ${signup.status()}`);
// Numbered lines, so each passage's words ("Line 17 of") appear once; the whole body stays
// within `kib` (1024 is the largest body allowed).
const lines = [];
for (let n = 1, size = 0; n <= 200 || size < kib * 1024 - 100; n += 1) {
  const line = `Line ${n} of the plan, written together and kept as typed.\n`;
  lines.push(line);
  size += line.length;
}
const created = await setup.request.post('/api/docs', {
  data: { title: 'First load', slug: name, body: '# Plan\n\n' + lines.join('') },
});
const doc = await created.json();
const every = Math.max(1, Math.floor(lines.length / Math.max(threads, 1)));
for (let t = 0; t < threads; t += 1) {
  const started = await setup.request.post(`/api/docs/${doc.id}/threads`, {
    data: { rev: doc.rev, anchor: { quote: `Line ${t * every + 1} of`, occurrence: 0 }, text: `Thread ${t + 1}: is this right?` },
  });
  if (started.status() !== 201) throw new Error(`thread ${t + 1}: ${started.status()} ${await started.text()}`);
}
const state = await setup.storageState();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cold = [];
const warm = [];
const shown = [];
const longest = [];
let wire = null;
for (let run = 0; run < runs; run += 1) {
  const context = await browser.newContext({ baseURL: base, storageState: state });
  const page = await context.newPage();
  // The longest tasks on the page's main thread: while one runs, typing waits.
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push({ at: entry.startTime, took: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    new MutationObserver(() => {
      if (document.body?.dataset.hydrated && !window.hydratedAt) window.hydratedAt = performance.now();
    }).observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const bytes = new Map();
  cdp.on('Network.loadingFinished', (event) => bytes.set(event.requestId, event.encodedDataLength));
  const urls = new Map();
  cdp.on('Network.responseReceived', (event) => urls.set(event.requestId, event.response.url));
  for (const sample of [cold, warm]) {
    const started = Date.now();
    await page.goto(`/docs/${doc.id}`);
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
    sample.push(Date.now() - started);
    if (threads > 0 && sample === cold) {
      await page.getByRole('heading', { name: `Comments (${threads} open)` }).waitFor();
      await page.getByRole('article', { name: /on a passage$/ }).nth(threads - 1).waitFor();
      shown.push(Date.now() - started);
      // After hydration: the tasks drawing the threads.
      const hydratedAt = await page.evaluate(() => window.hydratedAt ?? 0);
      const tasks = await page.evaluate(() => window.longTasks);
      longest.push(Math.round(Math.max(0, ...tasks.filter((t) => t.at >= hydratedAt).map((t) => t.took))));
    }
    if (wire === null) {
      wire = {};
      for (const [id, size] of bytes) {
        const url = urls.get(id) ?? '';
        const kind = url.includes('/pkg/') ? url.split('.').pop() : url.includes('/api/') ? 'api' : 'html';
        wire[kind] = (wire[kind] ?? 0) + size;
      }
    }
  }
  await context.close();
}
await browser.close();
const inKib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const client = (wire.js ?? 0) + (wire.wasm ?? 0) + (wire.css ?? 0);
console.log(`client files over the wire (first load): ${inKib(client)} — js ${inKib(wire.js ?? 0)}, wasm ${inKib(wire.wasm ?? 0)}, css ${inKib(wire.css ?? 0)}; page ${inKib(wire.html ?? 0)}, API ${inKib(wire.api ?? 0)}`);
console.log(`navigation → hydrated editor, median of ${runs}: empty cache ${median(cold)} ms, warm cache ${median(warm)} ms (max ${Math.max(...cold)} / ${Math.max(...warm)} ms)`);
if (threads > 0) {
  console.log(`document ${inKib(lines.join('').length)} with ${threads} open threads: navigation → all threads shown, median ${median(shown)} ms (max ${Math.max(...shown)} ms)`);
  console.log(`longest main-thread task once hydrated (typing waits for it), median ${median(longest)} ms (max ${Math.max(...longest)} ms)`);
}
