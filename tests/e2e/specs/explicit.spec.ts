// The editor never hides its state and never offers what cannot be done (issue 20, items
// 5–12): the caret stays clear of the sticky bar, save feedback sits in that bar, notices
// say what happened, reload-and-reapply says what it did, and people are offered only
// the actions they can take.
import { expect, test, type Page } from '@playwright/test';
import { createDoc, formBody, open, share, signUp, twoPeople, uniqueName } from './helpers';

async function stored(page: Page, id: string) {
  return (await page.request.get(`/api/docs/${id}`)).json();
}

const LONG = Array.from({ length: 300 }, (_, i) => `Line ${i + 1} of a long document`).join('\n') + '\n';

test('typing at the end of a long document keeps the caret clear of the sticky Save bar', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await signUp(page, uniqueName('cat'));
  await createDoc(page, 'Long one', LONG);
  const body = formBody(page);
  await body.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' and more');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await expect(save).toBeVisible();
  // With the caret at the end, the textarea shows its last line at its bottom edge: that
  // edge must be above the sticky bar (whose top is above its Save button).
  const area = (await body.boundingBox())!;
  const saveBox = (await save.boundingBox())!;
  expect(area.y + area.height).toBeLessThanOrEqual(saveBox.y);
  expect(area.y).toBeGreaterThanOrEqual(0);
});

test('save feedback is shown in the sticky bar, in sight on a long document', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await signUp(page, uniqueName('dan'));
  const id = await createDoc(page, 'Long feedback', LONG);
  await formBody(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('!');
  // The network is down for saves until the person retries.
  const down = (route: import('@playwright/test').Route) => route.abort('internetdisconnected');
  await page.route(`**/api/docs/${id}`, down);
  await page.keyboard.press('Control+s');
  const status = page.getByRole('status');
  await expect(status).toContainText('offline');
  await expect(status).toBeInViewport();
  const retryNow = page.getByRole('button', { name: 'Retry now' });
  await expect(retryNow).toBeInViewport();
  // The button stays put through the retries in between, so a click never misses it.
  const button = await retryNow.elementHandle();
  await expect(status).toContainText('retrying in');
  await page.waitForTimeout(2500);
  expect(await button!.evaluate((b) => b.isConnected)).toBe(true);
  await page.unroute(`**/api/docs/${id}`, down);
  // The next automatic retry may already be under way and succeed, taking the button away:
  // click it only if it is still there, in one step in the page.
  await button!.evaluate((b) => b.isConnected && (b as HTMLButtonElement).click());
  await expect(status).toHaveText('Saved as revision 2');
  await expect(status).toBeInViewport();
});

test('notices say what happened to whom it matters: no "while you were editing" for one\'s own publish or for a reader', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Notices', 'one\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('article', { name: 'Document' })).toBeVisible();

  await ann.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Publish' }).click();
  await expect(ann.getByRole('status')).toHaveText('Published — revision 2');
  await expect(bob.getByText(/^Revision 2 ·/)).toBeVisible();
  // Give any late live message time to arrive and be (wrongly) announced.
  await ann.waitForTimeout(1000);
  await expect(ann.getByRole('log', { name: 'Notices' })).not.toContainText('while you were editing');
  await expect(ann.getByRole('log', { name: 'Notices' })).not.toContainText('in another tab');
  await expect(bob.getByRole('log', { name: 'Notices' })).not.toContainText('while you were editing');
});

test('"Reload and reapply" in the conflict panel says what it did and keeps the names and choices', async ({ browser }) => {
  const { ann, bob, annName } = await twoPeople(browser, 'Reload in panel', 'one\ntwo\n');
  await formBody(bob).fill('one, by Bob\ntwo\n');
  await formBody(ann).fill('one, by Ann\ntwo\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await expect(panel).toContainText(`${annName} saved revision 2`);
  await panel.getByRole('radio', { name: 'Take theirs' }).check();

  await panel.getByRole('button', { name: 'Reload and reapply' }).click();
  await expect(bob.getByRole('status')).toContainText('Revision 2 is still the latest');
  await expect(panel).toContainText(`${annName} saved revision 2`);
  await expect(panel.getByRole('radio', { name: 'Take theirs' })).toBeChecked();
  await expect(bob.getByText(/^Revision 1 ·/)).toContainText('resolving against revision 2');
});

test('a viewer is offered no restore, undo or editor in History', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Viewer history', 'one\n', { openBob: false });
  await formBody(ann).fill('one\ntwo\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');
  await share(ann, id, bobName, 'viewer');

  await open(bob, `/docs/${id}/history`);
  await expect(bob.getByRole('row')).toHaveCount(3);
  await expect(bob.getByRole('button', { name: /^Restore revision/ })).toHaveCount(0);
  await expect(bob.getByRole('button', { name: /^Undo revision/ })).toHaveCount(0);
  await expect(bob.getByRole('link', { name: 'Back to the editor' })).toHaveCount(0);
  await expect(bob.getByRole('link', { name: 'Back to the document' })).toBeVisible();

  await open(ann, `/docs/${id}/history`);
  await expect(ann.getByRole('button', { name: 'Restore revision 1' })).toBeVisible();
  await expect(ann.getByRole('button', { name: 'Undo revision 2' })).toBeVisible();
});

test('a document moved to the trash while someone edits it offers to save their text as a new document', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Trashed under me', 'one\n');
  await formBody(bob).fill('one\nBob was typing this\n');
  const rev = (await stored(ann, id)).rev;
  const gone = await ann.request.delete(`/api/docs/${id}`, { headers: { 'If-Match': `"${rev}"` } });
  expect(gone.status()).toBe(204);

  const banner = bob.getByRole('region', { name: 'Moved to the trash' });
  await expect(banner).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await banner.getByRole('button', { name: 'Save my text as a new document' }).click();
  await bob.getByRole('link', { name: /^Open your version/ }).click();
  await expect(formBody(bob)).toHaveValue(/\n\none\nBob was typing this\n$/);
});

test('a mistyped name in the share box is kept, with the error tied to the field', async ({ page }) => {
  await signUp(page, uniqueName('eve'));
  await createDoc(page, 'Share typo', 'one');
  await page.getByText('Sharing').click();
  const field = page.getByLabel('User name');
  await field.fill('nobody-by-this-name');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/Nobody is called "nobody-by-this-name"/);
  await expect(field).toHaveValue('nobody-by-this-name');
});

test('an archived document shows the read view, not a greyed-out form', async ({ page }) => {
  await signUp(page, uniqueName('fay'));
  await createDoc(page, 'To archive', '# Heading\n\nSome text');
  const status = page.getByRole('group', { name: 'Status' });
  await status.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('status')).toHaveText('Published — revision 2');
  await status.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByRole('status')).toHaveText('Archived — revision 3');
  await expect(page.getByRole('form', { name: 'Edit document' })).toHaveCount(0);
  await expect(page.getByRole('article', { name: 'Document' }).getByRole('heading', { name: 'Heading' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
});
