// The everyday editor: each tab is titled by its document, and the site has an icon.
import { expect, test } from '@playwright/test';
import { createDoc, createDocWithTheForm, open, share, signUp, twoPeople, uniqueName } from './helpers';

test('the editor and history tabs are titled by the document, and the site has an icon', async ({ page }) => {
  await signUp(page, uniqueName('tia'));
  const title = `Quarterly plan ${uniqueName('q')}`;
  const id = await createDoc(page, title, 'Plans');
  await expect(page).toHaveTitle(`${title} — Concord`);

  await page.getByLabel('Title').fill(`${title}, revised`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2');
  await expect(page).toHaveTitle(`${title}, revised — Concord`);

  await open(page, `/docs/${id}/history`);
  await expect(page).toHaveTitle(`History · ${title}, revised — Concord`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`History · ${title}, revised`);

  const icon = page.locator('link[rel="icon"]');
  const href = await icon.getAttribute('href');
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('image/svg+xml');
});

test('history offers no restore for a revision that only changed the status', async ({ page }) => {
  await signUp(page, uniqueName('his'));
  const id = await createDoc(page, 'Status only', 'Text');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText(/^Revision 2 ·/)).toBeVisible();
  await page.getByLabel('Body').fill('Text, edited after publishing');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 3');

  await open(page, `/docs/${id}/history`);
  await expect(page.getByRole('button', { name: 'Restore revision 1' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Restore revision 2' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Restore revision 3' })).toHaveCount(0);
});

test('the owner moves a document to the trash, asked first, and restores it with its history', async ({ page }) => {
  await signUp(page, uniqueName('tra'));
  const title = `Old plan ${uniqueName('t')}`;
  const id = await createDoc(page, title, 'Version one');
  await page.getByLabel('Body').fill('Version two');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2');

  // Saying no keeps it.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(page).toHaveURL(new RegExp(`/docs/${id}$`));
  expect((await page.request.get(`/api/docs/${id}`)).status()).toBe(200);

  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(page).toHaveURL(/\/trash$/);
  expect(asked).toContain(`Move “${title}” to the trash?`);
  expect((await page.request.get(`/api/docs/${id}`)).status()).toBe(404);

  await expect(page.getByRole('heading', { name: 'Trash' })).toBeVisible();
  await page.getByRole('button', { name: `Restore “${title}”` }).click();
  await expect(page.getByRole('status')).toHaveText(`Restored “${title}” as revision 4.`);
  await expect(page.getByText('The trash is empty.')).toBeVisible();
  await page.getByRole('link', { name: `Open “${title}”` }).click();
  await expect(page.getByLabel('Body')).toHaveValue('Version two');
  const history = await (await page.request.get(`/api/docs/${id}/revisions`)).json();
  expect(history.items.map((r: { rev: number }) => r.rev)).toEqual([4, 3, 2, 1]);
});

test('readers get the rendered page, which follows new revisions; editors of a published document choose Edit', async ({ browser }) => {
  const { ann, bob, id, bobName } = await twoPeople(browser, 'Handbook', '# Welcome\n\n- [x] read this\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  await open(bob, `/docs/${id}`);
  const page = bob.getByRole('article', { name: 'Document' });
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(page.getByRole('checkbox')).toBeChecked();
  await expect(page.getByRole('checkbox')).toBeDisabled();
  await expect(bob.getByRole('form', { name: 'Edit document' })).toHaveCount(0);

  // Ann publishes a change: Bob's page shows it in place.
  await ann.getByLabel('Body').fill('# Welcome, everyone\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');
  await ann.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, everyone' })).toBeVisible();
  // Bob's page shows the save already; the publish must be done before Ann reloads, or
  // her page may load the draft revision and rightly show the form.
  await expect(ann.getByText(/^Revision 3 · published/)).toBeVisible();

  // Ann opens the published document: the page first, the form on "Edit".
  await open(ann, `/docs/${id}`);
  await expect(ann.getByRole('article', { name: 'Document' }).getByRole('heading', { name: 'Welcome, everyone' })).toBeVisible();
  await ann.getByRole('button', { name: 'Edit' }).click();
  await expect(ann.getByLabel('Body')).toHaveValue('# Welcome, everyone\n');

  // The preview follows the typing once shown.
  await ann.getByRole('button', { name: 'Show preview' }).click();
  const preview = ann.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Welcome, everyone' })).toBeVisible();
  await ann.getByLabel('Body').fill('# Welcome back\n');
  await expect(preview.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
});

test('after navigating inside the app, focus is on the new page\'s heading', async ({ page }) => {
  await signUp(page, uniqueName('foc'));
  // The list is a server-rendered page: "New document" loads a whole page, as any link
  // between sites does; the client then navigates from the form to the new document, and
  // moves the focus itself. (Links from the editor to server pages load them whole too.)
  await createDocWithTheForm(page, 'Focus test', 'Body');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
});

test('on a phone (390×844) the list, the editor and history fit the width, and Save stays in reach', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signUp(page, uniqueName('pho'));
  const long = Array.from({ length: 80 }, (_, i) => `Line ${i + 1} of a long document`).join('\n');
  const id = await createDoc(page, 'A document with a rather long title for a phone', long);
  await page.getByLabel('Body').fill(`${long}\nmore`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2');

  const fits = async (where: string) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${where} is ${width}px wide`).toBeLessThanOrEqual(390);
  };
  await open(page, `/docs/${id}`);
  await fits('the editor');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  const box = (await save.boundingBox())!;
  expect(box.y + box.height, 'Save is on the first screen').toBeLessThanOrEqual(844);
  expect(box.height).toBeGreaterThanOrEqual(24);
  await open(page, '/');
  await fits('the list');
  await open(page, `/docs/${id}/history`);
  await fits('history');
});

test('an empty list invites the first document, and a filter that finds nothing says so', async ({ page }) => {
  await signUp(page, uniqueName('emp'));
  const empty = page.getByRole('region', { name: 'No documents yet' });
  await empty.getByRole('link', { name: 'Create your first document' }).click();
  await expect(page.getByRole('heading', { name: 'New document' })).toBeVisible();
  await open(page, '/?q=nothing-like-this');
  await expect(page.getByText('No documents match these filters.')).toBeVisible();
  await page.getByRole('link', { name: 'Show all documents' }).click();
  await expect(page.getByRole('region', { name: 'No documents yet' })).toBeVisible();
});

test('the list filters to documents shared with me or owned by me', async ({ browser }) => {
  const { bob } = await twoPeople(browser, 'Shared agenda', 'Items', { openBob: false });
  await open(bob, '/');
  await bob.getByLabel('Whose').selectOption('Shared with me');
  await bob.getByRole('button', { name: 'Filter' }).click();
  await expect(bob).toHaveURL(/owner=others/);
  await expect(bob.getByRole('link', { name: 'Shared agenda' })).toBeVisible();
  await bob.getByLabel('Whose').selectOption('Owned by me');
  await bob.getByRole('button', { name: 'Filter' }).click();
  await expect(bob.getByText('No documents match these filters.')).toBeVisible();

  // A tag in the list is a link to the documents with that tag.
  await open(bob, '/');
  await bob.getByRole('link', { name: 'draft-notes' }).click();
  await expect(bob).toHaveURL(/tag=draft-notes/);
  await expect(bob.getByRole('link', { name: 'Shared agenda' })).toBeVisible();
});

test('a document needs only a title, in any script: its slug is made from it and waits under More', async ({ page }) => {
  await signUp(page, uniqueName('slg'));
  await open(page, '/new');
  await expect(page.getByLabel('Slug')).toBeHidden();
  await page.getByLabel('Title').fill('Планы на квартал');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/docs\/[0-9a-f-]+$/);
  await expect(page.getByLabel('Slug')).toBeHidden();
  await page.getByText("More: the document's address").click();
  await expect(page.getByLabel('Slug')).toHaveValue(/^plany-na-kvartal(-[0-9a-z]+)?$/);
});

test('restoring from the trash when another document took the address restores it under a free one and says so', async ({ page }) => {
  await signUp(page, uniqueName('adr'));
  const title = `Address ${uniqueName('a')}`;
  const first = await createDoc(page, title, 'The first one');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(page).toHaveURL(/\/trash$/);
  // A new document with the same title takes the address the trashed one freed.
  await open(page, '/');
  const second = await createDoc(page, title, 'The second one');
  const slug = (await (await page.request.get(`/api/docs/${second}`)).json()).slug;

  await open(page, '/trash');
  await page.getByRole('button', { name: `Restore “${title}”` }).click();
  await expect(page.getByRole('status')).toHaveText(
    `Restored “${title}” at the address “${slug}-2”: its own is used by another document now.`,
  );
  const restored = await (await page.request.get(`/api/docs/${first}`)).json();
  expect([restored.slug, restored.body]).toEqual([`${slug}-2`, 'The first one']);
  expect((await (await page.request.get(`/api/docs/${second}`)).json()).slug).toBe(slug);
});
