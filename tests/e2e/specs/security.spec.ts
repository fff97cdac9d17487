// Sharing by role, and document content that never runs as code.
import { expect, test, type Page } from '@playwright/test';
import { createDoc, open, signUp, showMore, uniqueName } from './helpers';

const TITLE_XSS = '<img src=x onerror="window.__xss=1">';
const BODY_XSS = [
  '# Notes',
  '<script>window.__xss=2</script>',
  '<img src=x onerror="window.__xss=3">',
  '[a link](javascript:window.__xss=4)',
  '<a href="javascript:window.__xss=5">raw link</a>',
].join('\n\n');

async function watchForScripts(page: Page): Promise<string[]> {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.addInitScript(() => ((window as any).__xss = 0));
  return dialogs;
}

async function nothingRan(page: Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as any).__xss)).toBe(0);
  expect(dialogs).toEqual([]);
}

test('script in a title, tags or body stays inert in the editor, the preview, the list and the history diff', async ({ page }) => {
  const dialogs = await watchForScripts(page);
  await signUp(page, uniqueName('mal'));
  await open(page, '/new');
  await page.getByLabel('Title').fill(TITLE_XSS);
  await showMore(page);
  await page.getByLabel('Slug').fill(`xss-${uniqueName('s').toLowerCase()}`);
  await page.getByLabel('Tags').fill('<script>alert(1)</script>');
  await page.getByLabel('Body').fill(BODY_XSS);
  await page.getByRole('button', { name: 'Create' }).click();
  // Tags like that are refused, and the refusal quotes them as text.
  await expect(page.locator('#tags-error')).toContainText('<script>');
  await page.getByLabel('Tags').fill('safe');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/docs\/[0-9a-f-]+$/);
  const id = page.url().split('/docs/')[1];

  // Editor: the title is text, in the heading and the field.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE_XSS);
  await expect(page.getByLabel('Title')).toHaveValue(TITLE_XSS);

  // Preview: Markdown renders, nothing that could run survives.
  await page.getByRole('button', { name: 'Show preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Notes' })).toBeVisible();
  expect(await preview.locator('script').count()).toBe(0);
  expect(await preview.locator('[onerror]').count()).toBe(0);
  expect(await preview.locator('a[href^="javascript"]').count()).toBe(0);
  await preview.getByText('a link').click();
  await preview.getByText('raw link').click();
  await nothingRan(page, dialogs);

  // History: change the title, then diff the two revisions.
  await page.getByLabel('Title').fill(`${TITLE_XSS} v2`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').first()).toHaveText('Saved as revision 2');
  await open(page, `/docs/${id}/history`);
  await page.getByLabel('From revision').selectOption('1');
  await page.getByLabel('To revision').selectOption('2');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByRole('region', { name: 'Changes from revision 1 to revision 2' })).toContainText('onerror');
  await nothingRan(page, dialogs);

  // List: the title is a link's text.
  await open(page, '/');
  await expect(page.getByRole('link', { name: `${TITLE_XSS} v2` })).toBeVisible();
  expect(await page.locator('main img').count()).toBe(0);
  await nothingRan(page, dialogs);
});

test('the owner shares by name; a viewer reads but cannot change; an editor can; outsiders see nothing', async ({ browser }) => {
  const owner = await (await browser.newContext()).newPage();
  const guest = await (await browser.newContext()).newPage();
  const outsider = await (await browser.newContext()).newPage();
  const guestName = uniqueName('nia');
  await signUp(owner, uniqueName('own'));
  await signUp(guest, guestName);
  await signUp(outsider, uniqueName('out'));
  const id = await createDoc(owner, 'Board minutes', 'Confidential');

  await open(outsider, `/docs/${id}`);
  await expect(outsider.getByRole('heading', { name: 'Document unavailable' })).toBeVisible();
  await expect(outsider.getByText('Confidential')).toHaveCount(0);

  await owner.getByText('Sharing').click();
  await owner.getByLabel('User name').fill(guestName);
  await owner.getByLabel('Role', { exact: true }).selectOption('viewer');
  await owner.getByRole('button', { name: 'Share' }).click();
  await expect(owner.getByRole('list', { name: 'Members' })).toContainText(guestName);

  await open(guest, `/docs/${id}`);
  await expect(guest.getByText('You can view this document.')).toBeVisible();
  // A viewer reads the page, not a form.
  await expect(guest.getByRole('article', { name: 'Document' })).toHaveText('Confidential');
  await expect(guest.getByLabel('Body')).toHaveCount(0);
  await expect(guest.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await expect(guest.getByRole('button', { name: 'Edit' })).toHaveCount(0);

  await owner.getByLabel(`Role for ${guestName}`).selectOption('editor');
  await expect(owner.getByText(`${guestName} is now an editor.`)).toBeVisible();
  // The read view turns into the editor by itself.
  await expect(guest.locator('body[data-hydrated="true"]')).toBeAttached();
  await guest.getByLabel('Body').fill('Confidential, reviewed');
  await guest.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(guest.getByRole('status').first()).toHaveText('Saved as revision 2');

  await owner.getByRole('button', { name: `Remove ${guestName}` }).click();
  await expect(owner.getByText(`${guestName} no longer has access.`)).toBeVisible();
  await guest.reload();
  await expect(guest.getByRole('heading', { name: 'Document unavailable' })).toBeVisible();
});
