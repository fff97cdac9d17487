// Shared steps, written the way a person does them: by role and label.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';

let counter = 0;

/** A user name no other test uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/**
 * Opens a page and waits until it answers to input: hydrated by the wasm client, or a page
 * the server renders whole that runs no client (`data-client="none"`).
 */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('body[data-hydrated="true"], body[data-client="none"]')).toBeAttached();
}

/** Records the client code (scripts and wasm) a page downloads from now on. */
export function clientDownloads(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/\.(wasm|js)$/.test(path)) seen.push(path);
  });
  return seen;
}

/**
 * Signs a new person up (through the API, sharing the page's cookies: the form itself is
 * tested by `signUpWithTheForm`) and leaves the page on the document list.
 */
export async function signUp(
  page: Page,
  name: string,
  password = 'correct horse battery',
  { openList = true }: { openList?: boolean } = {},
): Promise<void> {
  const response = await page.request.post('/api/auth/signup', { data: { name, password } });
  expect(response.status()).toBe(201);
  if (!openList) return;
  await open(page, '/');
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible();
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
}

/** Signs up through the page's form, as a person does. */
export async function signUpWithTheForm(page: Page, name: string, password = 'correct horse battery'): Promise<void> {
  await open(page, '/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible();
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
}

/**
 * Creates a document with a title, tags and body (the slug is made from the title; through
 * the API: the form is tested by `createDocWithTheForm`), returns its id, and leaves the
 * page in the editor.
 */
export async function createDoc(page: Page, title: string, body: string): Promise<string> {
  const response = await page.request.post('/api/docs', { data: { title, tags: ['e2e', 'draft-notes'], body } });
  expect(response.status()).toBe(201);
  const id: string = (await response.json()).id;
  await open(page, `/docs/${id}`);
  await expect(page.getByText(/^Revision 1 ·/)).toBeVisible();
  return id;
}

/** Creates a document through the New document form, from the list, as a person does. */
export async function createDocWithTheForm(page: Page, title: string, body: string): Promise<string> {
  await page.getByRole('link', { name: 'New document' }).click();
  await expect(page.getByRole('heading', { name: 'New document' })).toBeVisible();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Tags').fill('e2e, draft-notes');
  await page.getByLabel('Body').fill(body);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/docs\/[0-9a-f-]+$/);
  await expect(page.getByText(/^Revision 1 ·/)).toBeVisible();
  return page.url().split('/docs/')[1];
}

/** Opens "More" on a document form, where the slug is. */
export async function showMore(page: Page): Promise<void> {
  const more = page.getByText("More: the document's address");
  if (!(await page.getByLabel('Slug').isVisible())) {
    await more.click();
  }
  await expect(page.getByLabel('Slug')).toBeVisible();
}

/** The owner gives a user a role on a document (through the API, as the share panel does). */
export async function share(owner: Page, id: string, name: string, role: 'editor' | 'viewer' = 'editor'): Promise<void> {
  const response = await owner.request.post(`/api/docs/${id}/members`, { data: { name, role } });
  expect(response.status()).toBe(200);
}

/**
 * Makes the pages of a context wait for the person when others save ("Take others' changes
 * as they arrive" off), as its person can choose: the banner, "Reload and reapply" and the
 * panel of a save that meets a newer revision. rebase.spec.ts tests the editor with it on.
 */
export async function arrivalsWait(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => window.localStorage.setItem('concord:follow', 'off'));
}

/**
 * Two people in two browser contexts: Ann creates a document and makes Bob an editor;
 * Bob's page is left on the document list, or opened on the document with `openBob`.
 * Unless `follow`, both have arrivals wait for them (`arrivalsWait`).
 */
export async function twoPeople(
  browser: Browser,
  title: string,
  body: string,
  { openBob = true, follow = false }: { openBob?: boolean; follow?: boolean } = {},
) {
  const contexts = [await browser.newContext(), await browser.newContext()];
  if (!follow) {
    await Promise.all(contexts.map(arrivalsWait));
  }
  const ann = await contexts[0].newPage();
  const bob = await contexts[1].newPage();
  const annName = uniqueName('ann');
  const bobName = uniqueName('bob');
  // Pages that open the document next skip the list: it would only cost time.
  await signUp(ann, annName, undefined, { openList: false });
  await signUp(bob, bobName, undefined, { openList: !openBob });
  const id = await createDoc(ann, title, body);
  await share(ann, id, bobName);
  if (openBob) {
    await open(bob, `/docs/${id}`);
    await expect(bob.getByText(/^Revision 1 ·/)).toBeVisible();
  }
  return { ann, bob, annName, bobName, id };
}

/**
 * Routes a page's live connections through the test, which can then cut the open one and
 * hold new ones off (`cut`) until it lets them through again (`restore`).
 */
export async function interceptLive(page: Page) {
  let allow = true;
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/api\/live$/, (ws) => {
    if (!allow) return ws.close();
    sockets.push(ws);
    ws.connectToServer();
  });
  return {
    cut: async () => {
      allow = false;
      await sockets[sockets.length - 1].close();
    },
    restore: () => {
      allow = true;
    },
  };
}

/** The editor form's body field. */
export function formBody(page: Page) {
  return page.getByRole('form', { name: 'Edit document' }).getByLabel('Body', { exact: true });
}

/** Fails with what axe finds wrong on the page as it is now (`state` names it). */
export async function noViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`,
  );
  expect(found, `axe on ${state}`).toEqual([]);
}
