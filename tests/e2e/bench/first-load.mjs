// First load of the editor page in headless Chromium on loopback: bytes over the wire and
// the time from navigation to a hydrated page, with an empty cache and then a warm one.
// Run: node tests/e2e/bench/first-load.mjs [http://127.0.0.1:3000] [runs]
// (against a running `concord serve`; scripts/bench-first-load starts one).
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] ?? 10);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const setup = await browser.newContext({ baseURL: base });
const name = `load-${process.pid}-${Date.now().toString(36)}`;
const signup = await setup.request.post('/api/auth/signup', { data: { name, password: 'first load benchmark' } });
if (signup.status() !== 201) throw new Error(`sign up: ${signup.status()}`);
const created = await setup.request.post('/api/docs', {
  data: { title: 'First load', slug: name, body: '# Plan\n\n' + 'A line of the plan.\n'.repeat(200) },
});
const doc = await created.json();
const state = await setup.storageState();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cold = [];
const warm = [];
let wire = null;
for (let run = 0; run < runs; run += 1) {
  const context = await browser.newContext({ baseURL: base, storageState: state });
  const page = await context.newPage();
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
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const client = (wire.js ?? 0) + (wire.wasm ?? 0) + (wire.css ?? 0);
console.log(`client files over the wire (first load): ${kib(client)} — js ${kib(wire.js ?? 0)}, wasm ${kib(wire.wasm ?? 0)}, css ${kib(wire.css ?? 0)}; page ${kib(wire.html ?? 0)}`);
console.log(`navigation → hydrated editor, median of ${runs}: empty cache ${median(cold)} ms, warm cache ${median(warm)} ms (max ${Math.max(...cold)} / ${Math.max(...warm)} ms)`);
