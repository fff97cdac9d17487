import { expect, test } from '@playwright/test';
import { createDocWithTheForm, open, signUp, signUpWithTheForm, showMore, uniqueName } from './helpers';

test('pages are rendered on the server; only those that need it name the client', async ({ request }) => {
  // Leptos's empty markers (`<!>`) fall between the words of a page built from several views.
  const signUpPage = (await (await request.get('/signup')).text()).replaceAll('<!>', '');
  expect(signUpPage).toContain('<h1>Create an account</h1>');
  expect(signUpPage).not.toMatch(/\/pkg\/concord\.[0-9a-f]{16}\.js/);
  const response = await request.get('/new');
  expect(response.status()).toBe(200);
  const html = (await response.text()).replaceAll('<!>', '');
  expect(html).toContain('<h1>Welcome to Concord</h1>');
  // The client's files are named by their content, and served for good.
  const script = html.match(/\/pkg\/concord\.[0-9a-f]{16}\.js/);
  expect(script).not.toBeNull();
  const file = await request.get(script![0], { headers: { 'Accept-Encoding': 'br' } });
  expect(file.headers()['content-encoding']).toBe('br');
  expect(file.headers()['cache-control']).toBe('max-age=31536000, immutable');
  expect(response.headers()['cache-control']).toBe('no-store');
});

test('a new user signs up, creates a document, saves with the button and Ctrl+S, and a reload shows the saved text', async ({ page }) => {
  await signUpWithTheForm(page, uniqueName('ann'));
  const id = await createDocWithTheForm(page, 'Quarterly plan', 'First line');
  // Only a title was needed: the slug was made from it, and waits under "More".
  await showMore(page);
  await expect(page.getByLabel('Slug')).toHaveValue(/^quarterly-plan(-[0-9a-z]+)?$/);

  // Saving happens in place: a marker on window survives only if the page never reloads.
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByLabel('Body').fill('First line\nSecond line from the button');
  await expect(page.getByText('Unsaved changes')).toBeVisible();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2');
  await expect(page.getByText('Unsaved changes')).toHaveCount(0);

  await page.getByLabel('Body').fill('First line\nThird line from the keyboard');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status')).toHaveText('Saved as revision 3');
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByText(/^Revision 3 ·/)).toBeVisible();
  await expect(page.getByLabel('Body')).toHaveValue('First line\nThird line from the keyboard');
  await expect(page.getByLabel('Tags')).toHaveValue('draft-notes, e2e');

  const doc = await (await page.request.get(`/api/docs/${id}`)).json();
  expect(doc.rev).toBe(3);
  expect(doc.body).toBe('First line\nThird line from the keyboard');
});

test('a person signs out and back in and finds their document in the list', async ({ page }) => {
  const name = uniqueName('cy');
  await signUp(page, name, 'a long enough password');
  await createDocWithTheForm(page, 'Meeting notes', 'Agenda');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill('a wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Meeting notes' }).first()).toBeVisible();
});

test('invalid fields are named next to the field and nothing is created', async ({ page }) => {
  await signUp(page, uniqueName('dee'));
  await open(page, '/new');
  await page.getByLabel('Title').fill('Bad slug');
  await showMore(page);
  await page.getByLabel('Slug').fill('Not A Slug');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.locator('#slug-error')).toContainText('Slug must be lowercase');
  await expect(page.getByLabel('Slug')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/new$/);
});
