// Live collaboration in real browsers: presence, changes announced before you save,
// and the same document open in two tabs.
import { expect, test } from '@playwright/test';
import { arrivalsWait, createDoc, interceptLive, open, signUp, twoPeople, uniqueName } from './helpers';

test('somebody else\'s save is announced with the changed fields before you save, and one click takes it in', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Launch checklist', 'Step one\n');

  // Presence: each sees the other, and sees when the other has unsaved changes.
  await expect(ann.getByRole('region', { name: 'Who is here' })).toContainText(bobName);
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);
  await bob.getByLabel('Body').fill('Step one\nStep two by Bob\n');
  await expect(ann.getByRole('region', { name: 'Who is here' })).toContainText(`${bobName} — editing`);

  await ann.getByLabel('Title').fill('Launch checklist v2');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status').first()).toHaveText('Saved as revision 2');

  const banner = bob.getByRole('region', { name: 'Changes by others' });
  await expect(banner).toContainText(`${annName} saved revision 2, changing title, while you were editing revision 1.`);
  await banner.getByRole('button', { name: 'Show changes' }).click();
  await expect(banner.getByRole('region', { name: 'Changes from revision 1 to revision 2' })).toContainText('v2');
  await banner.getByRole('button', { name: 'Reload and reapply' }).click();

  await expect(banner).toHaveCount(0);
  await expect(bob.getByLabel('Title')).toHaveValue('Launch checklist v2');
  await expect(bob.getByLabel('Body')).toHaveValue('Step one\nStep two by Bob\n');
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(bob.getByRole('status').first()).toHaveText('Saved as revision 3');
  // Ann has nothing unsaved: Bob's revision comes into her page in place, no banner.
  await expect(ann.getByRole('status').first()).toHaveText(`Updated to revision 3, saved by ${bobName}.`);
  await expect(ann.getByLabel('Body')).toHaveValue('Step one\nStep two by Bob\n');
  await expect(ann.getByRole('region', { name: 'Changes by others' })).toHaveCount(0);
});

test('the same document in two tabs warns in both, kindly, and the warning can be dismissed', async ({ context }) => {
  await arrivalsWait(context);
  const first = await context.newPage();
  await signUp(first, uniqueName('cat'));
  const id = await createDoc(first, 'Two tabs', 'Hello');
  await expect(first.getByRole('region', { name: 'Other tabs' })).toHaveCount(0);

  const second = await context.newPage();
  await open(second, `/docs/${id}`);

  for (const page of [first, second]) {
    await expect(page.getByRole('region', { name: 'Other tabs' })).toContainText('also open in another tab');
  }
  // The same person's other tab shows in presence too.
  await expect(second.getByRole('region', { name: 'Who is here' })).toContainText('You (in another tab or window)');

  await second.getByRole('region', { name: 'Other tabs' }).getByRole('button', { name: 'Dismiss' }).click();
  await expect(second.getByRole('region', { name: 'Other tabs' })).toHaveCount(0);

  // A save in one tab reaches the other (which has unsaved text) as "you, elsewhere".
  await second.getByLabel('Title').fill('Two tabs, retitled in the second');
  await first.getByLabel('Body').fill('Hello from the first tab');
  await first.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(second.getByRole('region', { name: 'Changes by others' })).toContainText('You (in another tab or window) saved revision 2');

  await second.close();
  await expect(first.getByRole('region', { name: 'Other tabs' })).toHaveCount(0);
});

test('after the live connection drops, the editor reconnects and shows the save it missed meanwhile', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Flaky wifi', 'Start\n', { openBob: false });

  const live = await interceptLive(bob);
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);

  await live.cut();
  await expect(bob.getByText('Live updates are reconnecting…')).toBeVisible();

  await ann.getByLabel('Title').fill('Flaky wifi, fixed');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status').first()).toHaveText('Saved as revision 2');
  live.restore();

  // Bob has nothing unsaved: the missed revision comes in place once he is back.
  await expect(bob.getByLabel('Title')).toHaveValue('Flaky wifi, fixed', { timeout: 30_000 });
  await expect(bob.getByRole('status').first()).toHaveText(`Updated to revision 2, saved by ${annName}.`);
  await expect(bob.getByText('Live updates are reconnecting…')).toHaveCount(0);
});
