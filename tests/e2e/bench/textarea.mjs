// What the browser alone costs for a large document, with none of Concord's code: typing
// into a bare textarea holding 100 KiB and 1000 KiB (each input event to the next frame, as
// arrival.mjs times the editor), and writing 1 MB and 2 MB strings to local storage.
// Run: node tests/e2e/bench/textarea.mjs   (Debian's headless Chromium; no server needed)
import { chromium } from '@playwright/test';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
// Local storage needs an origin: the page is served from a route, not the network.
await page.route('http://bench.test/', (r) =>
  r.fulfill({ contentType: 'text/html', body: '<!doctype html><textarea id=t rows=18 style="width:600px"></textarea>' }),
);
await page.goto('http://bench.test/');
const summary = (f) => {
  f.sort((a, b) => a - b);
  return `p50 ${f[Math.floor(f.length / 2)].toFixed(1)} ms, p99 ${f[Math.floor(f.length * 0.99)].toFixed(1)} ms (n=${f.length})`;
};
for (const kib of [100, 1000]) {
  await page.evaluate((kib) => {
    const line = 'Line N: the quick brown fox jumps over the lazy dog, again and again.\n';
    let body = '';
    for (let i = 1; body.length < kib * 1024; i += 1) body += line.replace('N', i);
    const area = document.getElementById('t');
    area.value = body;
    window.__frames = [];
    area.oninput = (event) => {
      const pressed = event.timeStamp;
      requestAnimationFrame(() => window.__frames.push(performance.now() - pressed));
    };
  }, kib);
  await page.click('#t');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' and keeps typing'.repeat(3), { delay: 40 });
  console.log(`keystroke → next frame, bare textarea, ${kib} KiB: ${summary(await page.evaluate(() => window.__frames))}`);
}
const writes = await page.evaluate(() => {
  const mb = 'x'.repeat(1024 * 1024);
  const time = (value) => {
    const started = performance.now();
    for (let i = 0; i < 10; i += 1) localStorage.setItem('k', value + i);
    return ((performance.now() - started) / 10).toFixed(1);
  };
  const result = { one: time(mb), two: time(mb + mb) };
  localStorage.removeItem('k');
  return result;
});
console.log(`localStorage.setItem, mean of 10: 1 MB ${writes.one} ms, 2 MB ${writes.two} ms`);
await browser.close();
