// Two people, two browser contexts: conflicts resolved field by field, nothing typed lost.
import { expect, test, type Page } from '@playwright/test';
import { createDoc, open, signUp, twoPeople, uniqueName } from './helpers';

async function save(page: Page, revision: number) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Saved as revision ${revision}`);
}

async function stored(page: Page, id: string) {
  return (await page.request.get(`/api/docs/${id}`)).json();
}

test('edits to different fields merge cleanly and one click saves both', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Team plan', 'Intro\nDetails\n');
  await bob.getByLabel('Body').fill('Intro\nDetails, with Bob\'s numbers\n');
  await ann.getByLabel('Title').fill('Team plan for Q4');
  await save(ann, 2);

  await bob.getByRole('button', { name: 'Save', exact: true }).click();

  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await expect(panel.getByRole('alert')).toContainText(`${annName} saved revision 2 while you were editing revision 1.`);
  await expect(panel).toContainText('merge cleanly');
  await expect(panel.getByRole('group', { name: 'Title — changed by them' })).toBeVisible();
  await expect(panel.getByRole('group', { name: 'Body — changed by you' })).toBeVisible();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();

  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  await expect(bob.getByLabel('Title')).toHaveValue('Team plan for Q4');
  const doc = await stored(bob, id);
  expect(doc.title).toBe('Team plan for Q4');
  expect(doc.body).toBe('Intro\nDetails, with Bob\'s numbers\n');
});

test('overlapping edits show the conflict and each field gets exactly the chosen result', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Team plan', 'Intro\nThe budget is 10.\nEnd\n');
  await bob.getByLabel('Title').fill('Bob\'s title');
  await bob.getByLabel('Body').fill('Intro\nThe budget is 15.\nEnd\n');
  await ann.getByLabel('Title').fill('Ann\'s title');
  await ann.getByLabel('Body').fill('Intro\nThe budget is 12.\nEnd\n');
  await ann.getByLabel('Tags').fill('e2e, draft-notes, ann');
  await save(ann, 2);

  await bob.getByRole('button', { name: 'Save', exact: true }).click();

  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await expect(panel).toContainText('Both of you changed the same part of: title, body.');
  const title = panel.getByRole('group', { name: 'Title — changed by both, conflict' });
  const body = panel.getByRole('group', { name: 'Body — changed by both, conflict' });
  await expect(body.locator('del').first()).toContainText('10.');
  await expect(panel.getByRole('group', { name: 'Tags — changed by them' })).toBeVisible();

  await title.getByRole('radio', { name: 'Keep mine' }).check();
  await body.getByRole('checkbox', { name: 'Edit the merged text' }).check();
  await body.getByLabel('Merged body').fill('Intro\nThe budget is 13.5 (Ann 12, Bob 15).\nEnd\n');
  await panel.getByRole('button', { name: 'Save merged' }).last().click();

  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  const doc = await stored(bob, id);
  expect(doc.title).toBe('Bob\'s title');
  expect(doc.body).toBe('Intro\nThe budget is 13.5 (Ann 12, Bob 15).\nEnd\n');
  expect(doc.tags).toEqual(['ann', 'draft-notes', 'e2e']);
});

test('taking theirs for a conflicting field keeps their text exactly', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Team plan', 'One\nTwo\n');
  await bob.getByLabel('Body').fill('One\nTwo by Bob\n');
  await ann.getByLabel('Body').fill('One\nTwo by Ann\n');
  await save(ann, 2);
  await bob.getByRole('button', { name: 'Save', exact: true }).click();

  const body = bob.getByRole('group', { name: 'Body — changed by both, conflict' });
  await body.getByRole('radio', { name: 'Take theirs' }).check();
  await bob.getByRole('button', { name: 'Save merged' }).first().click();

  // Taking theirs for every changed field leaves nothing new to record.
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 2');
  expect((await stored(bob, id)).body).toBe('One\nTwo by Ann\n');
});

test('text typed but never saved survives a reload as an offered draft, merged with a newer revision', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Team plan', 'Alpha\nBeta\n');
  await bob.getByLabel('Body').fill('Alpha\nBeta\nGamma, typed by Bob\n');
  await expect(bob.getByText('Unsaved changes')).toBeVisible();

  // Meanwhile Ann changes another field; then Bob's tab reloads (or crashes and reopens).
  await ann.getByLabel('Title').fill('Greek letters');
  await save(ann, 2);
  await bob.reload();
  await expect(bob.locator('body[data-hydrated="true"]')).toBeAttached();

  const offer = bob.getByRole('region', { name: 'Unsaved changes' });
  await expect(offer).toContainText('based on revision 1');
  await offer.getByRole('button', { name: 'Restore my changes' }).click();

  await expect(bob.getByLabel('Body')).toHaveValue('Alpha\nBeta\nGamma, typed by Bob\n');
  await expect(bob.getByLabel('Title')).toHaveValue('Greek letters');
  await expect(bob.getByRole('status')).toContainText('re-applied on revision 2');
  await save(bob, 3);
  const doc = await stored(bob, id);
  expect(doc.title).toBe('Greek letters');
  expect(doc.body).toBe('Alpha\nBeta\nGamma, typed by Bob\n');

  // Once saved, the draft is gone: a reload offers nothing.
  await bob.reload();
  await expect(bob.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(bob.getByRole('region', { name: 'Unsaved changes' })).toHaveCount(0);
});

test('reload and reapply keeps both people\'s changes for review before saving', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Team plan', 'First\nSecond\n');
  // Bob has unsaved text when Ann saves, so her revision waits behind the banner.
  await bob.getByLabel('Body').fill('First\nSecond\nThird from Bob\n');
  await ann.getByLabel('Tags').fill('e2e, draft-notes, reviewed');
  await ann.getByLabel('Body').fill('First, edited by Ann\nSecond\n');
  await save(ann, 2);

  await bob.getByRole('region', { name: 'Changes by others' }).getByRole('button', { name: 'Reload and reapply' }).click();

  await expect(bob.getByRole('status')).toContainText('re-applied on revision 2');
  await expect(bob.getByText(/^Revision 2 ·/)).toBeVisible();
  await expect(bob.getByLabel('Body')).toHaveValue('First, edited by Ann\nSecond\nThird from Bob\n');
  await expect(bob.getByLabel('Tags')).toHaveValue('draft-notes, e2e, reviewed');
  await save(bob, 3);
  const doc = await stored(bob, id);
  expect(doc.body).toBe('First, edited by Ann\nSecond\nThird from Bob\n');
  expect(doc.tags).toEqual(['draft-notes', 'e2e', 'reviewed']);
});

test('a save whose response is lost is retried with the same key and reports success, not a conflict', async ({ page }) => {
  await signUp(page, uniqueName('eve'));
  const id = await createDoc(page, 'Flaky network', 'Before');
  const keys: string[] = [];
  let dropped = false;
  await page.route(`**/api/docs/${id}`, async (route) => {
    const request = route.request();
    if (request.method() !== 'PUT') return route.continue();
    keys.push((await request.allHeaders())['idempotency-key']);
    if (!dropped) {
      dropped = true;
      await route.fetch(); // the server commits the save…
      return route.abort('connectionreset'); // …but its answer never arrives
    }
    return route.continue();
  });

  await page.getByLabel('Body').fill('After');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  await expect(page.getByRole('status')).toHaveText('Saved as revision 2', { timeout: 20_000 });
  expect(keys.length).toBe(2);
  expect(keys[0]).toBeTruthy();
  expect(keys[1]).toBe(keys[0]);
  const doc = await stored(page, id);
  expect(doc.rev).toBe(2);
  expect(doc.body).toBe('After');
});

test('offline saves say so, retry with backoff, and succeed when the network returns', async ({ page, context }) => {
  await signUp(page, uniqueName('fay'));
  const id = await createDoc(page, 'Train ride', 'Draft');
  await context.setOffline(true);
  await page.getByLabel('Body').fill('Written in a tunnel');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  await expect(page.getByRole('status')).toContainText(/Not saved — offline, retrying in \d+ s/);
  await context.setOffline(false);

  await expect(page.getByRole('status')).toHaveText('Saved as revision 2', { timeout: 30_000 });
  expect((await stored(page, id)).body).toBe('Written in a tunnel');
});

test('"Retry now" ends the wait for the next retry of an offline save', async ({ page, context }) => {
  // Waits drawn near their bound (1 s, 2 s, 4 s …), so the third one is long enough to cut short.
  await page.addInitScript(() => {
    Math.random = () => 0.99;
  });
  await signUp(page, uniqueName('ray'));
  const id = await createDoc(page, 'Flight', 'Draft');
  await context.setOffline(true);
  await page.getByLabel('Body').fill('Written above the clouds');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Not saved — offline, retrying in 4 s', { timeout: 15_000 });
  await context.setOffline(false);
  await page.getByRole('button', { name: 'Retry now' }).click();
  // Well before the 4 s were up.
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2', { timeout: 2_000 });
  await expect(page.getByRole('button', { name: 'Retry now' })).toHaveCount(0);
  expect((await stored(page, id)).body).toBe('Written above the clouds');
});

test('when the session ends mid-edit, signing in again on the page saves the text', async ({ page }) => {
  const name = uniqueName('gus');
  await signUp(page, name);
  const id = await createDoc(page, 'Long afternoon', 'Start');
  await page.getByLabel('Body').fill('Typed while the session ran out');
  await page.request.post('/api/auth/logout');

  // Saved with the keyboard shortcut (the page listens on the window), so nothing moves the
  // focus after the dialog takes it, whichever request found the session gone first.
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').last()).toContainText('your session has ended');
  // The header no longer claims a session, and signing in happens right here.
  await expect(page.getByText(`Signed in as ${name}`)).toHaveCount(0);
  const again = page.getByRole('dialog', { name: 'Your session has ended' });
  await expect(again).toBeVisible();
  // The page's focus is in the dialog (whether or not the browser window has the focus).
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('again-password');
  await again.getByLabel('Password').fill('wrong password entirely');
  await again.getByRole('button', { name: 'Sign in again' }).click();
  await expect(again.getByRole('alert')).toContainText('do not match');
  await again.getByLabel('Password').fill('correct horse battery');
  await again.getByRole('button', { name: 'Sign in again' }).click();

  await expect(again).toHaveCount(0);
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
  await expect(page.getByRole('status').last()).toHaveText('Saved as revision 2');
  await expect(page.getByLabel('Body')).toHaveValue('Typed while the session ran out');
  expect((await stored(page, id)).body).toBe('Typed while the session ran out');
});

test('signing in from the sign-in page returns to the page the person was on, with the text kept', async ({ page }) => {
  const name = uniqueName('hal');
  await signUp(page, name);
  const id = await createDoc(page, 'Evening', 'Start');
  await page.getByLabel('Body').fill('Typed before the session ran out');
  await page.request.post('/api/auth/logout');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('dialog', { name: 'Your session has ended' }).getByRole('button', { name: 'Not now' }).click();

  // Leaving with a refused save asks first; the text stays in this browser as a draft.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/login\\?next=%2Fdocs%2F${id}$`));
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/docs/${id}$`));
  await page.getByRole('region', { name: 'Unsaved changes' }).getByRole('button', { name: 'Restore my changes' }).click();
  await expect(page.getByLabel('Body')).toHaveValue('Typed before the session ran out');
  await save(page, 2);
  expect((await stored(page, id)).body).toBe('Typed before the session ran out');
});

test('two people changing different words of one line merge cleanly, word by word', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Team plan', 'Intro\nThe quick brown fox jumps.\nEnd\n');
  await bob.getByLabel('Body').fill('Intro\nThe quick brown fox leaps!\nEnd\n');
  await ann.getByLabel('Body').fill('Intro\nThe slow brown fox jumps.\nEnd\n');
  await save(ann, 2);

  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await expect(panel).toContainText('merge cleanly');
  await expect(panel.getByRole('group', { name: 'Body — changed by both, merged' })).toBeVisible();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();

  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(bob, id)).body).toBe('Intro\nThe slow brown fox leaps!\nEnd\n');
});
