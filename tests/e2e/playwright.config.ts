// Browser tests run Debian's Chromium (never a downloaded browser) against the real
// `concord` binary on loopback, with a database of their own.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.E2E_PORT ?? 3187);
const bin = process.env.CONCORD_BIN ?? path.resolve(__dirname, '../../target/debug/concord');
const dbDir = path.join(os.tmpdir(), `concord-e2e-${process.pid}`);
// With a PostgreSQL database (scripts/test makes one), two more instances share it, as
// behind a load balancer: instances.spec.ts runs two people across them.
const pgUrl = process.env.E2E_PG_URL;
// Every test signs people up from 127.0.0.1: more than the default sign-in limit per address.
const signIns = '--sign-in-attempts-per-address 10000';
const instancePorts = [port + 1, port + 2];
// The servers log as JSON to standard output; only warnings and errors reach the test
// output, so a failure caused on the server (a 500) names its cause beside the test.
const logs = { RUST_LOG: 'warn' };
// Headless Chromium preloads its address bar's popup (a WebUI page in a renderer process of
// its own) for every browser context: a third of the renderers the tests started, for a
// popup nobody opens. Turned off, the browser tests took 23-25 s instead of 34-37 s on four
// spec files (docs/benchmarks.md). Chromium keeps only the last --disable-features it is
// given, so the list repeats the features Playwright itself turns off (its
// chromiumSwitches.ts in Playwright 1.65) before adding the two.
const disabledFeatures = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
];
process.env.E2E_INSTANCE_A = `http://127.0.0.1:${instancePorts[0]}`;
process.env.E2E_INSTANCE_B = `http://127.0.0.1:${instancePorts[1]}`;
const instances = pgUrl
  ? instancePorts.map((instancePort) => ({
      command: `${bin} serve --addr 127.0.0.1:${instancePort} --database-url ${pgUrl} ${signIns}`,
      url: `http://127.0.0.1:${instancePort}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe' as const,
      stderr: 'pipe' as const,
      env: logs,
    }))
  : [];

export default defineConfig({
  testDir: './specs',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // No trace by default: recording one (DOM snapshots, screenshots) cost a quarter of the
    // browser tests' time, and a fresh clone's run keeps nothing. To look into a failure,
    // rerun it with `npx playwright test <spec> --trace retain-on-failure`.
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--disable-features=${disabledFeatures.join(',')}`,
      ],
    },
  },
  webServer: [
    {
      command: `rm -rf ${dbDir} && ${bin} serve --addr 127.0.0.1:${port} --database-url sqlite://${dbDir}/concord.db ${signIns}`,
      url: `http://127.0.0.1:${port}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: logs,
    },
    ...instances,
  ],
});
