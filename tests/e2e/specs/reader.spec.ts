// A person who may only read a document gets the server's read view and a small live
// script, not the editor's client (issue 25): the page follows saves as they happen, shows
// who is here, and becomes the editor when the owner lets them edit.
import { expect, test } from '@playwright/test';
import { clientDownloads, formBody, open, share, twoPeople } from './helpers';

test('a reader downloads no client, sees who is here and each new revision as it is saved, and gets the editor when made an editor', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Minutes', 'First point.\n', { openBob: false, follow: true });
  await share(ann, id, bobName, 'viewer');
  const downloads = clientDownloads(bob);
  await open(bob, `/docs/${id}`);
  await expect(bob.locator('body[data-live="on"]')).toBeAttached();
  const page = bob.getByRole('article', { name: 'Document' });
  await expect(page).toHaveText('First point.');
  await expect(bob.getByText(`You can view this document. Ask ${annName} for editor access to change it.`)).toBeVisible();

  // Both see each other; Bob sees when Ann has unsaved text.
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);
  await expect(ann.getByRole('region', { name: 'Who is here' })).toContainText(bobName);
  await formBody(ann).fill('First point.\n\nSecond point.\n');
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(`${annName} — editing`);

  // Ann saves: Bob's page shows the new revision in place, and says so.
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');
  await expect(page.getByText('Second point.')).toBeVisible();
  await expect(bob.getByText(/^Revision 2 ·/)).toBeVisible();
  await expect(bob.getByRole('status')).toHaveText(`Updated to revision 2, saved by ${annName}.`);
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);
  await expect(bob.getByRole('region', { name: 'Who is here' })).not.toContainText('editing');
  expect(downloads.filter((path) => path.endsWith('.wasm') || path.endsWith('.js'))).toEqual([]);

  // Made an editor, Bob's page turns into the editor at once.
  await share(ann, id, bobName, 'editor');
  await expect(bob.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(formBody(bob)).toHaveValue('First point.\n\nSecond point.\n');
});

test('a revision saved before the reader\'s live channel listens is shown once it does', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Late', 'Old text.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  // Bob's live channel is held back until Ann has saved.
  let letThrough: () => void = () => {};
  const held = new Promise<void>((resolve) => (letThrough = resolve));
  await bob.routeWebSocket(/\/api\/live$/, async (ws) => {
    await held;
    ws.connectToServer();
  });
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('article', { name: 'Document' })).toHaveText('Old text.');

  const doc = await (await ann.request.get(`/api/docs/${id}`)).json();
  const saved = await ann.request.put(`/api/docs/${id}`, {
    headers: { 'If-Match': '"1"' },
    data: { title: doc.title, slug: doc.slug, tags: doc.tags, body: 'New text.\n' },
  });
  expect(saved.status()).toBe(200);
  letThrough();
  await expect(bob.getByRole('article', { name: 'Document' })).toHaveText('New text.');
  await expect(bob.getByRole('status')).toHaveText(`Updated to revision 2, saved by ${annName}.`);
});
