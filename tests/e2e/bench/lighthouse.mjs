// Lighthouse's mobile run (its default emulation: slow 4G, 4× CPU slowdown) in Debian's
// Chromium on three pages of a 100 KiB document (issue 25): the list and the editor as the
// owner, the read view as a viewer of the published document.
// Run: node tests/e2e/bench/lighthouse.mjs [http://127.0.0.1:3000]
// (against a running release `concord serve`; scripts/bench-lighthouse starts one).
import { request } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const lighthouse = path.resolve(import.meta.dirname, '../../../tools/lighthouse/node_modules/.bin/lighthouse');

/** A person signed up through the API; returns their session cookie and API context. */
async function person(prefix) {
  const api = await request.newContext({ baseURL: base });
  const name = `${prefix}-${process.pid}-${Date.now().toString(36)}`;
  const signup = await api.post('/api/auth/signup', { data: { name, password: 'lighthouse benchmark' } });
  if (signup.status() !== 201) throw new Error(`sign up: ${signup.status()}`);
  const { cookies } = await api.storageState();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { api, name, cookie };
}

// 100 KiB of plain prose in paragraphs, with headings and a list now and then.
function body() {
  const parts = [];
  let size = 0;
  for (let n = 1; size < 100 * 1024; n += 1) {
    const part =
      n % 12 === 1
        ? `## Part ${n}\n\n`
        : n % 7 === 0
          ? `- item ${n}: the plan holds\n- item ${n + 1}: the review follows\n\n`
          : `Paragraph ${n}: the team wrote this text together, and every change named the revision it was made on. ` +
            'Nothing anyone typed was lost, and the reader sees the published text.\n\n';
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

const owner = await person('owner');
const reader = await person('reader');
const created = await owner.api.post('/api/docs', { data: { title: 'Lighthouse', tags: ['bench'], body: body() } });
if (created.status() !== 201) throw new Error(`create: ${created.status()}`);
const doc = await created.json();
const shared = await owner.api.post(`/api/docs/${doc.id}/members`, { data: { name: reader.name, role: 'viewer' } });
if (shared.status() !== 200) throw new Error(`share: ${shared.status()}`);
const published = await owner.api.post(`/api/docs/${doc.id}/transitions`, {
  headers: { 'If-Match': '"1"' },
  data: { to: 'published' },
});
if (published.status() !== 200) throw new Error(`publish: ${published.status()} ${await published.text()}`);

const pages = [
  ['the list', '/', owner.cookie],
  ['the read view (viewer)', `/docs/${doc.id}`, reader.cookie],
  ['the editor (owner)', `/docs/${doc.id}`, owner.cookie],
];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lighthouse-'));
const rows = [];
const elements = [];
for (const [label, url, cookie] of pages) {
  const out = path.join(dir, 'report.json');
  execFileSync(
    lighthouse,
    [
      `${base}${url}`,
      '--quiet',
      '--output=json',
      `--output-path=${out}`,
      '--only-categories=performance,accessibility,best-practices',
      `--extra-headers=${JSON.stringify({ Cookie: cookie })}`,
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
    ],
    { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  // LIGHTHOUSE_REPORTS=dir keeps each page's whole report, to see what takes the time.
  if (process.env.LIGHTHOUSE_REPORTS) {
    fs.copyFileSync(out, path.join(process.env.LIGHTHOUSE_REPORTS, `${label.replace(/\W+/g, '-')}.json`));
  }
  const score = (c) => Math.round(report.categories[c].score * 100);
  const audit = (a) => report.audits[a].numericValue;
  // Which element painted last counts for LCP: what to make arrive sooner.
  const lcp = report.audits['lcp-breakdown-insight']?.details?.items?.find((item) => item.type === 'node');
  elements.push([label, lcp ? `${lcp.nodeLabel?.slice(0, 60)} (${lcp.snippet?.slice(0, 80)})` : 'none']);
  rows.push([
    label,
    score('performance'),
    `${(audit('largest-contentful-paint') / 1000).toFixed(1)} s`,
    `${Math.round(audit('total-blocking-time'))} ms`,
    audit('cumulative-layout-shift').toFixed(3),
    `${Math.round(audit('total-byte-weight') / 1024)} KiB`,
    score('accessibility'),
    score('best-practices'),
  ]);
}
fs.rmSync(dir, { recursive: true, force: true });
console.log('| page | Performance | LCP | TBT | CLS | transferred | Accessibility | Best Practices |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log('');
for (const [label, element] of elements) console.log(`LCP element, ${label}: ${element}`);
