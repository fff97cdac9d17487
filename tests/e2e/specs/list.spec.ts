// The list a team works from: sorted by title or last change, paged both ways with a
// count, search hits shown in context, and whose each document is.
import { expect, test } from '@playwright/test';
import { clientDownloads, open, signUp, uniqueName } from './helpers';

test('the list sorts by title, pages forwards and back with a count, and shows search hits in context', async ({ page }) => {
  const name = uniqueName('lst');
  await signUp(page, name);
  for (const [title, body] of [['bravo plan', 'Nothing here'], ['Alpha plan', 'We hire two engineers in Q4.'], ['charlie plan', 'Later']]) {
    const response = await page.request.post('/api/docs', {
      data: { title, slug: uniqueName('s').toLowerCase().replace(/[^a-z0-9]+/g, '-'), tags: [], body },
    });
    expect(response.status()).toBe(201);
  }

  await open(page, '/?limit=2');
  await page.getByLabel('Sort by').selectOption('Title');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/sort=title/);
  const titles = page.getByRole('table').getByRole('row').locator('td:first-child > a');
  await expect(titles).toHaveText(['Alpha plan', 'bravo plan']);
  await expect(page.getByText('3 documents')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
  const row = page.getByRole('row', { name: /Alpha plan/ });
  await expect(row.getByRole('cell', { name: name, exact: true })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'owner', exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'Next page' }).click();
  await expect(titles).toHaveText(['charlie plan']);
  await expect(page.getByText('3 documents')).toBeVisible();
  await page.getByRole('link', { name: 'Previous page' }).click();
  await expect(titles).toHaveText(['Alpha plan', 'bravo plan']);

  await page.getByLabel('Search').fill('ENGINEERS');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(titles).toHaveText(['Alpha plan']);
  await expect(page.getByText('1 document', { exact: true })).toBeVisible();
  const hit = page.getByRole('row', { name: /Alpha plan/ }).locator('.snippet');
  await expect(hit).toHaveText('We hire two engineers in Q4.');
  await expect(hit.locator('mark')).toHaveText('engineers');
});

test('the list and an old revision download no client code, yet filter, page and sign out', async ({ page }) => {
  const downloads = clientDownloads(page);
  const name = uniqueName('lite');
  await signUp(page, name);
  const response = await page.request.post('/api/docs', {
    data: { title: 'Light reading', tags: ['phone'], body: 'Read on a **phone**.' },
  });
  expect(response.status()).toBe(201);
  const id: string = (await response.json()).id;

  await open(page, '/?limit=1');
  await page.getByRole('textbox', { name: 'Tag' }).fill('phone');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/tag=phone/);
  await expect(page.getByRole('link', { name: 'Light reading' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Light reading/ }).locator('time')).toHaveText('just now');

  await open(page, `/docs/${id}/revisions/1`);
  await expect(page.getByRole('heading', { name: 'Revision 1 · Light reading' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Document' }).locator('strong')).toHaveText('phone');
  expect(downloads).toEqual([]);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await page.request.get('/api/auth/me')).status()).toBe(401);
});
