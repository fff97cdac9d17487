// Accessibility: axe finds no violations on every page and in every state that matters —
// sign-in errors, the list, the editor with presence, the live banner, the two-tab note,
// the draft offer, the conflict panel with a conflict, history with a diff, an old revision
// and the trash; banners
// are announced politely (the "Notices" log); the conflict panel is resolved with the
// keyboard alone.
import { expect, test } from '@playwright/test';
import { createDoc, formBody, noViolations, open, signUp, twoPeople, uniqueName } from './helpers';

test('sign-in with an error, the list and a new document have no accessibility violations', async ({ page }) => {
  await open(page, '/login');
  await page.getByLabel('Name').fill('nobody-here');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await noViolations(page, 'sign-in with an error');

  await signUp(page, uniqueName('axe'));
  await createDoc(page, 'Accessible plan', 'Some text');
  await open(page, '/');
  await expect(page.getByRole('link', { name: 'Accessible plan' })).toBeVisible();
  await noViolations(page, 'the document list');
  await page.getByRole('link', { name: 'New document' }).click();
  await expect(page.getByRole('heading', { name: 'New document' })).toBeVisible();
  await noViolations(page, 'the new document form');
  await open(page, '/trash');
  await expect(page.getByText('The trash is empty.')).toBeVisible();
  await noViolations(page, 'the trash');
});

test('the editor with presence, the live banner and history with a diff have no violations', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Shared notes', 'one\ntwo\n');
  await expect(bob.getByRole('region', { name: 'Who is here' })).toBeVisible();
  await noViolations(bob, 'the editor with presence');
  await expect(ann.getByRole('button', { name: 'Move to trash' })).toBeVisible();
  await noViolations(ann, "the owner's editor");
  // Bob has unsaved text, so Ann's save is shown in the banner rather than taken in place.
  await formBody(bob).fill('one\ntwo\nthree, by Bob\n');

  await formBody(ann).fill('one, by Ann\ntwo\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status').first()).toHaveText('Saved as revision 2');
  const banner = bob.getByRole('region', { name: 'Changes by others' });
  await expect(banner).toBeVisible();
  // Announced politely to screen readers, without moving focus.
  await expect(bob.getByRole('log', { name: 'Notices' })).toContainText('saved revision 2, changing body');
  await banner.getByRole('button', { name: 'Show changes' }).click();
  await noViolations(bob, 'the live banner with changes shown');

  await open(ann, `/docs/${id}/history`);
  await ann.getByRole('button', { name: 'Compare' }).click();
  await expect(ann.locator('.diff').first()).toBeVisible();
  await noViolations(ann, 'history with a diff');

  await ann.getByRole('link', { name: 'Revision 1', exact: true }).click();
  await expect(ann.getByRole('article', { name: 'Document' })).toContainText('one');
  await noViolations(ann, 'an old revision in full');
  await open(ann, '/trash');
  await noViolations(ann, 'the trash');
});

test('the two-tab note and the draft offer have no violations', async ({ context }) => {
  const first = await context.newPage();
  await signUp(first, uniqueName('tab'));
  const id = await createDoc(first, 'Two tabs', 'Hello');
  const second = await context.newPage();
  await open(second, `/docs/${id}`);
  await expect(second.getByRole('region', { name: 'Other tabs' })).toBeVisible();
  await expect(second.getByRole('log', { name: 'Notices' })).toContainText('also open in another tab');
  await noViolations(second, 'the two-tab note');
  await second.close();

  await formBody(first).fill('Unsaved words');
  await open(first, `/docs/${id}`);
  await expect(first.getByRole('region', { name: 'Unsaved changes' })).toBeVisible();
  await expect(first.getByRole('log', { name: 'Notices' })).toContainText('You have unsaved changes');
  await noViolations(first, 'the draft offer');
});

test('the conflict panel has no violations and is resolved with the keyboard alone', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Keyboard', 'one\ntwo\nthree\n');
  await formBody(bob).fill('one, by Bob\ntwo\nthree, by Bob\n');
  await formBody(ann).fill('one, by Ann\ntwo\nthree\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status').first()).toHaveText('Saved as revision 2');
  await formBody(bob).press('Control+s');
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await expect(panel).toBeVisible();
  // Focus moves to the panel's heading: a keyboard user starts there.
  await expect(panel.getByRole('heading', { name: 'Your save met a newer revision' })).toBeFocused();
  await noViolations(bob, 'the conflict panel with a conflict');

  // Tab into the conflict's choices (focus lands on the chosen one, "Keep mine"), move
  // to "Take theirs" with an arrow key, then tab to "Save merged" and press Enter.
  const mine = panel.getByRole('radio', { name: 'Keep mine' });
  for (let i = 0; i < 60 && !(await mine.evaluate((el) => el === document.activeElement)); i += 1) {
    await bob.keyboard.press('Tab');
  }
  await expect(mine).toBeFocused();
  await bob.keyboard.press('ArrowDown');
  const theirs = panel.getByRole('radio', { name: 'Take theirs' });
  await expect(theirs).toBeFocused();
  await expect(theirs).toBeChecked();
  const save = panel.getByRole('button', { name: 'Save merged' }).last();
  for (let i = 0; i < 60 && !(await save.evaluate((el) => el === document.activeElement)); i += 1) {
    await bob.keyboard.press('Tab');
  }
  await expect(save).toBeFocused();
  await bob.keyboard.press('Enter');
  await expect(bob.getByRole('status').first()).toHaveText('Saved as revision 3');
  const stored = await (await bob.request.get(`/api/docs/${id}`)).json();
  expect(stored.body).toBe('one, by Ann\ntwo\nthree, by Bob\n');
});

test('the sign-in-again dialog and "Retry now" have no violations', async ({ page, context }) => {
  await signUp(page, uniqueName('axs'));
  await createDoc(page, 'Accessible ending', 'Start');
  await page.getByLabel('Body').fill('Typed, then the session ended');
  await page.request.post('/api/auth/logout');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Your session has ended' })).toBeVisible();
  await noViolations(page, 'the sign-in-again dialog');

  await page.getByRole('button', { name: 'Not now' }).click();
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeVisible();
  await noViolations(page, 'an offline save waiting to retry');
  await context.setOffline(false);
});
