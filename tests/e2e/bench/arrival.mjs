// Others' saves arriving in an open editor, in headless Chromium on loopback (issue 21):
//  1. from A's save answer to the change visible in B's form, while B has unsaved text
//     (the merge path, not the take-in-place one), over `saves` saves;
//  2. keystroke to the next frame in B's form, typing alone and while A's saves keep merging
//     into it, for a 100 KiB and a 1 MiB document.
// Run: node tests/e2e/bench/arrival.mjs [http://127.0.0.1:3000] [saves]
// (against a running `concord serve`; scripts/bench-arrival starts one).
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const saves = Number(process.argv[3] ?? 50);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function person(prefix) {
  const context = await browser.newContext({ baseURL: base });
  const name = `${prefix}-${process.pid}-${Date.now().toString(36)}`;
  const signup = await context.request.post('/api/auth/signup', { data: { name, password: 'arrival benchmark' } });
  if (signup.status() !== 201) throw new Error(`sign up: ${signup.status()}`);
  return { context, name, page: await context.newPage() };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const summary = (values) =>
  `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms (n=${values.length})`;

/** A document of about `bytes` bytes, in numbered lines A can change one by one. */
function bodyOf(bytes) {
  const line = (i) => `Line ${i}: the quick brown fox jumps over the lazy dog, again and again.\n`;
  const lines = [];
  let size = 0;
  for (let i = 1; size < bytes; i += 1) {
    lines.push(line(i));
    size += lines[lines.length - 1].length;
  }
  return lines.join('');
}

async function setUp(bytes) {
  const ann = await person('ann');
  const bob = await person('bob');
  const created = await ann.context.request.post('/api/docs', {
    data: { title: `Arrivals ${bytes}`, body: bodyOf(bytes) },
  });
  const doc = await created.json();
  const shared = await ann.context.request.post(`/api/docs/${doc.id}/members`, { data: { name: bob.name, role: 'editor' } });
  if (shared.status() !== 200) throw new Error(`share: ${shared.status()}`);
  await bob.page.goto(`/docs/${doc.id}`);
  await bob.page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  const area = bob.page.getByRole('form', { name: 'Edit document' }).getByLabel('Body');
  await area.click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type('Bob is typing here.');
  let rev = 1;
  let body = doc.body;
  /** Ann changes line `n` and saves; resolves with the time her answer arrived. */
  const annSaves = async (n, marker) => {
    body = body.replace(`Line ${n}: the quick`, `Line ${n}: ${marker} quick`);
    const response = await ann.context.request.put(`/api/docs/${doc.id}`, {
      headers: { 'If-Match': `"${rev}"` },
      data: { title: doc.title, slug: doc.slug, tags: doc.tags, body },
    });
    if (response.status() !== 200) throw new Error(`save: ${response.status()} ${await response.text()}`);
    rev += 1;
    return Date.now();
  };
  return { ann, bob, annSaves, area };
}

// 1. Save answer → visible in the other person's form.
{
  const { ann, bob, annSaves } = await setUp(8 * 1024);
  // Each frame, B's page notes when a marker first shows in its form (same clock as ours).
  await bob.page.evaluate(() => {
    window.__want = [];
    window.__seen = {};
    const area = document.getElementById('body');
    const frame = () => {
      for (const marker of window.__want) {
        if (!(marker in window.__seen) && area.value.includes(marker)) window.__seen[marker] = Date.now();
      }
      requestAnimationFrame(frame);
    };
    frame();
  });
  const latencies = [];
  for (let i = 1; i <= saves; i += 1) {
    const marker = `arrival${i}x`;
    await bob.page.evaluate((m) => window.__want.push(m), marker);
    const answered = await annSaves(((i - 1) % 60) + 1, marker);
    await bob.page.waitForFunction((m) => m in window.__seen, marker, { timeout: 10_000 });
    const seen = await bob.page.evaluate((m) => window.__seen[m], marker);
    latencies.push(Math.max(0, seen - answered));
  }
  const typed = await bob.page.getByRole('form', { name: 'Edit document' }).getByLabel('Body').inputValue();
  if (!typed.includes('Bob is typing here.')) throw new Error('Bob’s text was lost');
  console.log(`A's save answer → visible in B's form (B has unsaved text): ${summary(latencies)}`);
  await ann.context.close();
  await bob.context.close();
}

// 2. Keystroke → next frame, typing alone and while arrivals merge in.
for (const [bytes, withArrivals] of [
  [100 * 1024, false],
  [1000 * 1024, false],
  [100 * 1024, true],
  [1000 * 1024, true],
]) {
  const { ann, bob, annSaves } = await setUp(bytes);
  await bob.page.evaluate(() => {
    window.__frames = [];
    document.getElementById('body').addEventListener('input', (event) => {
      const pressed = event.timeStamp;
      requestAnimationFrame(() => window.__frames.push(performance.now() - pressed));
    });
  });
  let stop = false;
  let arrived = 0;
  const arrivals = (async () => {
    for (let n = 1; withArrivals && !stop; n += 1) {
      await annSaves(n, `merged${n}x`);
      arrived += 1;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  })();
  await bob.page.keyboard.type(' and keeps typing while the saves of others arrive in the text'.repeat(2), { delay: 40 });
  stop = true;
  await arrivals;
  const frames = await bob.page.evaluate(() => window.__frames);
  const text = await bob.page.getByRole('form', { name: 'Edit document' }).getByLabel('Body').inputValue();
  if (!text.includes('while the saves of others arrive in the text and keeps')) throw new Error('keystrokes were lost');
  const meanwhile = withArrivals ? `${arrived} saves arriving meanwhile` : 'typing alone';
  console.log(`keystroke → next frame, ${bytes / 1024} KiB document, ${meanwhile}: ${summary(frames)}`);
  await ann.context.close();
  await bob.context.close();
}
await browser.close();
