// History beyond the list: an old revision in full, and one change undone.
import { expect, test } from '@playwright/test';
import { createDoc, open, signUp, uniqueName } from './helpers';

test('an old revision opens in full, and undoing one change keeps the later ones', async ({ page }) => {
  await signUp(page, uniqueName('und'));
  const title = `Undo plan ${uniqueName('u')}`;
  const id = await createDoc(page, title, 'one\n\ntwo\n\nthree');
  const save = async (body: string, rev: number) => {
    await page.getByLabel('Body').fill(body);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(`Saved as revision ${rev}`);
  };
  await save('one\n\nTWO\n\nthree', 2);
  await save('one\n\nTWO\n\nTHREE', 3);

  await open(page, `/docs/${id}/history`);
  await page.getByRole('link', { name: 'Revision 1', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/docs/${id}/revisions/1$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Revision 1 · ${title}`);
  await expect(page).toHaveTitle(`Revision 1 · ${title} — Concord`);
  const document = page.getByRole('article', { name: 'Document' });
  await expect(document.getByRole('paragraph')).toHaveText(['one', 'two', 'three']);
  await expect(page.getByText(/^Saved by und-.* just now; changed title, slug, tags, body\.$/)).toBeVisible();
  await page.getByRole('link', { name: 'Back to the history' }).click();

  // Undo asks first; saying no changes nothing.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Undo revision 2' }).click();
  expect((await (await page.request.get(`/api/docs/${id}`)).json()).rev).toBe(3);
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await page.getByRole('button', { name: 'Undo revision 2' }).click();
  await expect(page.getByRole('status')).toHaveText('Undid revision 2 as revision 4.');
  expect(asked).toContain('everything saved after it stays');
  await expect(page.getByRole('row', { name: /^Revision 4 / })).toBeVisible();
  // The first revision made the document: there is nothing before it to go back to.
  await expect(page.getByRole('button', { name: 'Undo revision 1' })).toHaveCount(0);

  const doc = await (await page.request.get(`/api/docs/${id}`)).json();
  expect(doc.body).toBe('one\n\ntwo\n\nTHREE');
});

test('an undo that clashes with a later change says so and changes nothing', async ({ page }) => {
  await signUp(page, uniqueName('unc'));
  const id = await createDoc(page, `Clash ${uniqueName('c')}`, 'one\n\ntwo');
  for (const [body, rev] of [['one\n\nTWO', 2], ['one\n\nTwo, again', 3]] as const) {
    await page.getByLabel('Body').fill(body);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(`Saved as revision ${rev}`);
  }
  await open(page, `/docs/${id}/history`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Undo revision 2' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Not undone: Later revisions changed the same places (body) that revision 2 changed. Compare the revisions and edit the document by hand.',
  );
  expect((await (await page.request.get(`/api/docs/${id}`)).json()).rev).toBe(3);
});
