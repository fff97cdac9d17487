// Creates that happen once, slugs that clash helpfully, workflow states and history.
import { expect, test, type Page } from '@playwright/test';
import { createDoc, open, signUp, showMore, uniqueName } from './helpers';

async function save(page: Page, revision: number) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Saved as revision ${revision}`);
}

async function countTitled(page: Page, title: string): Promise<number> {
  const list = await (await page.request.get(`/api/docs?q=${encodeURIComponent(title)}&limit=100`)).json();
  return list.items.filter((d: { title: string }) => d.title === title).length;
}

test('double-clicking Create makes exactly one document', async ({ page }) => {
  await signUp(page, uniqueName('hal'));
  const title = `Once only ${uniqueName('t')}`;
  await open(page, '/new');
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create' }).dblclick();

  await expect(page).toHaveURL(/\/docs\/[0-9a-f-]+$/);
  await expect(page.getByText(/^Revision 1 ·/)).toBeVisible();
  expect(await countTitled(page, title)).toBe(1);
});

test('a taken slug is shown on the field with free suggestions, and accepting one creates the document', async ({ page }) => {
  await signUp(page, uniqueName('ivy'));
  const slug = `report-${uniqueName('s').toLowerCase()}`;
  await open(page, '/new');
  await page.getByLabel('Title').fill('First report');
  await showMore(page);
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/docs\//);

  await open(page, '/new');
  await page.getByLabel('Title').fill('Second report');
  await showMore(page);
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page.locator('#slug-error')).toContainText(`The slug "${slug}" is already taken.`);
  await expect(page.getByLabel('Slug')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: `Use ${slug}-2` }).click();

  await expect(page).toHaveURL(/\/docs\/[0-9a-f-]+$/);
  await showMore(page);
  await expect(page.getByLabel('Slug')).toHaveValue(`${slug}-2`);
  await expect(page.getByLabel('Title')).toHaveValue('Second report');
});

test('publishing and archiving move the document along, and an archived document is read-only until restored', async ({ page }) => {
  await signUp(page, uniqueName('jo'));
  const id = await createDoc(page, 'Policy', 'Version one');
  const status = page.getByRole('group', { name: 'Status' });
  await expect(status).toContainText('draft');

  await status.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('status')).toHaveText('Published — revision 2');
  await status.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByRole('status')).toHaveText('Archived — revision 3');

  // Archived documents are read, not edited: the read view, and nothing to save.
  await expect(page.getByText('This document is archived and read-only.')).toBeVisible();
  await expect(page.getByRole('article', { name: 'Document' })).toContainText('Version one');
  await expect(page.getByLabel('Body')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await page.keyboard.press('Control+s');
  expect((await (await page.request.get(`/api/docs/${id}`)).json()).rev).toBe(3);

  await status.getByRole('button', { name: 'Restore to draft' }).click();
  await expect(page.getByRole('status')).toHaveText('Restored to draft — revision 4');
  await expect(page.getByLabel('Body')).not.toHaveAttribute('readonly', '');
  await page.getByLabel('Body').fill('Version two');
  await save(page, 5);
});

test('the history page diffs two chosen revisions and restoring brings the old text back as a new revision', async ({ page }) => {
  await signUp(page, uniqueName('kim'));
  const id = await createDoc(page, 'Recipe', 'Flour 200 g\nSugar 100 g\n');
  await page.getByLabel('Body').fill('Flour 250 g\nSugar 100 g\n');
  await save(page, 2);
  await page.getByLabel('Body').fill('Flour 250 g\nHoney 80 g\n');
  await save(page, 3);

  await page.getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(4);
  await page.getByLabel('From revision').selectOption('1');
  await page.getByLabel('To revision').selectOption('3');
  await page.getByRole('button', { name: 'Compare' }).click();

  const diff = page.getByRole('region', { name: 'Changes from revision 1 to revision 3' });
  await expect(diff.locator('del')).toContainText(['200', 'Sugar', '100']);
  await expect(diff.locator('ins')).toContainText(['250', 'Honey', '80']);

  // Restoring asks first; saying no changes nothing.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Restore revision 1' }).click();
  await expect(page.getByRole('row')).toHaveCount(4);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Restore revision 1' }).click();
  await expect(page.getByRole('status')).toHaveText('Restored revision 1 as revision 4.');
  await expect(page.getByRole('row')).toHaveCount(5);

  await open(page, `/docs/${id}`);
  await expect(page.getByText(/^Revision 4 ·/)).toBeVisible();
  await expect(page.getByLabel('Body')).toHaveValue('Flour 200 g\nSugar 100 g\n');
});
