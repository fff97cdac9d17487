// Parts of the editor fetched when first needed (issue 25): the editor's first load leaves
// them out; a part that cannot be fetched says so and offers to try again, with nothing
// typed lost; once fetched, a part shows again without the network.
import { expect, test, type Page } from '@playwright/test';
import { clientDownloads, createDoc, formBody, noViolations, open, signUp, twoPeople, uniqueName } from './helpers';

async function saveBoth(ann: Page, bob: Page, annBody: string, bobBody: string, annRev: number) {
  await formBody(bob).fill(bobBody);
  await ann.getByLabel('Body').fill(annBody);
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText(`Saved as revision ${annRev}`);
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
}

test('the conflict panel is fetched when first needed, offers to try again when it cannot be, and needs no network once here', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Fetched later', 'one\ntwo\n', { openBob: false });
  const downloads = clientDownloads(bob);
  await open(bob, `/docs/${id}`);
  // The editor is open and working without the panel's code.
  expect(downloads.some((path) => path.endsWith('_bg.wasm'))).toBe(true);
  expect(downloads.filter((path) => path.endsWith('.conflict.wasm'))).toEqual([]);

  // Every part's file (the panel's own, and code it shares with other parts); not the
  // main module (`…_bg.wasm`).
  let blocked = true;
  // A refused fetch takes a moment to fail, as a real one would.
  await bob.route(/\/pkg\/concord\.[0-9a-f]+\.\w+\.wasm$/, async (route) => {
    if (!blocked) return route.continue();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return route.abort();
  });
  // The text box as it is now: a redrawn editor would be a new element, without this mark.
  await formBody(bob).evaluate((area) => ((area as HTMLTextAreaElement & { kept?: boolean }).kept = true));
  await saveBoth(ann, bob, 'one by Ann\ntwo\n', 'one by Bob\ntwo\n', 2);
  // While the panel is being fetched only its place waits: the editor stays as it was
  // (the same text box, so the caret and focus stay where the person left them).
  await bob.waitForTimeout(500);
  expect(await bob.getByText('Loading…').count()).toBe(0);
  expect(await formBody(bob).evaluate((area) => (area as HTMLTextAreaElement & { kept?: boolean }).kept)).toBe(true);
  const failure = bob.getByRole('alert').filter({ hasText: 'The conflict panel could not be loaded' });
  await expect(failure).toBeVisible();
  await noViolations(bob, 'a part that could not be loaded');
  // Nothing typed is lost meanwhile: the form keeps Bob's text.
  await expect(formBody(bob)).toHaveValue('one by Bob\ntwo\n');

  blocked = false;
  await failure.getByRole('button', { name: 'Try again' }).click();
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await expect(panel.getByRole('group', { name: 'Body — changed by both, conflict' })).toBeVisible();
  await expect(failure).toHaveCount(0);
  await panel.getByRole('radio', { name: 'Keep mine' }).check();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect(downloads.filter((path) => path.endsWith('.conflict.wasm'))).toHaveLength(2);

  // Once here, the panel's code is not asked for again: with every part unreachable, the
  // next conflict still shows the panel.
  blocked = true;
  await open(ann, `/docs/${id}`);
  await expect(ann.getByText(/^Revision 3 ·/)).toBeVisible();
  await saveBoth(ann, bob, 'one by Ann again\ntwo\n', 'one by Bob again\ntwo\n', 4);
  await expect(panel.getByRole('group', { name: 'Body — changed by both, conflict' })).toBeVisible();
  expect(downloads.filter((path) => path.endsWith('.conflict.wasm'))).toHaveLength(2);
});

test("an owner's everyday visit fetches no part; the review settings come when unfolded", async ({ page }) => {
  await signUp(page, uniqueName('own'), undefined, { openList: false });
  const id = await createDoc(page, 'Everyday', 'words\n');
  const downloads = clientDownloads(page);
  await open(page, `/docs/${id}`);
  const review = page.getByRole('region', { name: 'Review' });
  await expect(review).toContainText('Review settings');
  const parts = () => downloads.filter((path) => /\/concord\.[0-9a-f]+\.\w+\.wasm$/.test(path));
  expect(parts()).toEqual([]);

  await review.getByText('Review settings').click();
  await review.getByLabel('Require an approval before publishing').check();
  await review.getByLabel('Reviewers, separated by commas').fill('nobody-in-particular');
  expect(parts().some((path) => path.endsWith('.review_settings.wasm'))).toBe(true);
  expect(parts().some((path) => path.endsWith('.conflict.wasm'))).toBe(false);
});

test('the review settings stay unfolded while the owner changes them', async ({ page }) => {
  await signUp(page, uniqueName('own'), undefined, { openList: false });
  await createDoc(page, 'Settings', 'words\n');
  const review = page.getByRole('region', { name: 'Review' });
  await review.getByText('Review settings').click();
  const settings = review.getByRole('form', { name: 'Review settings' });
  const required = settings.getByLabel('Require an approval before publishing');
  await required.check();
  await settings.getByLabel('Reviewers, separated by commas').fill('');
  await settings.getByRole('button', { name: 'Apply review settings' }).click();
  await expect(review).toContainText(/approval/i);
  // Unticking it, before applying, leaves the settings where they are.
  await required.uncheck();
  await expect(settings).toBeVisible();
  await expect(required).not.toBeChecked();
});
