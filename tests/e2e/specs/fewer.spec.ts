// Fewer conflicts and never a lost word: merge on save, my version kept as a copy, the
// words that clash marked inline, a guard while a save is failing, and local times.
import { expect, test, type Page } from '@playwright/test';
import { createDoc, formBody, open, signUp, twoPeople, uniqueName } from './helpers';

async function stored(page: Page, id: string) {
  return (await page.request.get(`/api/docs/${id}`)).json();
}

async function save(page: Page, revision: number) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Saved as revision ${revision}`);
}

const LINES = 'one\ntwo\nthree\nfour\nfive\n';

test('with merge on save chosen, a stale save of other lines is merged by the server without a panel', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Merged on save', LINES);
  await bob.getByRole('checkbox', { name: "Merge others' changes when I save" }).check();
  await formBody(bob).fill(LINES.replace('five', 'five by Bob'));
  await formBody(ann).fill(LINES.replace('one', 'one by Ann'));
  await save(ann, 2);

  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3, merged with revision 2');
  await expect(bob.getByRole('region', { name: 'Your save met a newer revision' })).toHaveCount(0);
  const both = 'one by Ann\ntwo\nthree\nfour\nfive by Bob\n';
  await expect(formBody(bob)).toHaveValue(both);
  expect((await stored(bob, id)).body).toBe(both);

  // The choice is remembered, and history marks the merge.
  await open(bob, `/docs/${id}/history`);
  await expect(bob.getByRole('row', { name: /^Revision 3 / })).toContainText('(merged with revision 2)');
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('checkbox', { name: "Merge others' changes when I save" })).toBeChecked();
});

test('"Save mine as a copy" keeps my version as a new linked document and leaves the original untouched', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Budget', LINES);
  const mine = LINES.replace('one', 'one by Bob');
  await formBody(bob).fill(mine);
  await formBody(ann).fill(LINES.replace('one', 'one by Ann'));
  await save(ann, 2);
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await panel.getByRole('button', { name: 'Save mine as a copy' }).click();

  await expect(bob.getByRole('status')).toHaveText(
    'Your version is saved as a new document, “Budget (my version)”. This document stays as others saved it (revision 2).',
  );
  await expect(panel).toHaveCount(0);
  await expect(formBody(bob)).toHaveValue(LINES.replace('one', 'one by Ann'));
  const original = await stored(bob, id);
  expect(original.rev).toBe(2);
  expect(original.body).toBe(LINES.replace('one', 'one by Ann'));

  await bob.getByRole('link', { name: 'Open your version, “Budget (my version)”' }).click();
  await expect(bob.getByRole('heading', { name: 'Budget (my version)' })).toBeVisible();
  await expect(formBody(bob)).toHaveValue(
    `> My version of [Budget](/docs/${id}), saved as a copy instead of over the newer revision.\n\n${mine}`,
  );
  await expect(bob.getByText(/^Revision 1 ·/)).toBeVisible();
});

test('an offered draft can be saved as a copy, leaving the document as it is', async ({ page }) => {
  await signUp(page, uniqueName('dra'));
  const id = await createDoc(page, 'Minutes', 'Agreed');
  await formBody(page).fill('Agreed, and my notes');
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  const offer = page.getByRole('region', { name: 'Unsaved changes' });
  await offer.getByRole('button', { name: 'Save them as a copy' }).click();
  // The draft becomes its own document; this one, and its form, stay as they are.
  await expect(page.getByRole('status')).toHaveText('Your draft is saved as a new document, “Minutes (my version)”.');
  await expect(offer).toHaveCount(0);
  await expect(formBody(page)).toHaveValue('Agreed');
  expect((await stored(page, id)).body).toBe('Agreed');
  await page.getByRole('link', { name: 'Open your version, “Minutes (my version)”' }).click();
  await expect(formBody(page)).toHaveValue(
    `> My version of [Minutes](/docs/${id}), saved as a copy instead of over the newer revision.\n\nAgreed, and my notes`,
  );
});

test('in a conflict within one line, the words both changed are marked and the rest merges', async ({ browser }) => {
  const { ann, bob } = await twoPeople(browser, 'Review', 'Intro\nThe plan is ready for review.\nEnd\n');
  await formBody(bob).fill('Intro\nThe budget is finished for review.\nEnd\n');
  await formBody(ann).fill('Intro\nThe plan is done for review by Friday.\nEnd\n');
  await save(ann, 2);
  await bob.getByRole('button', { name: 'Save', exact: true }).click();

  const hunk = bob
    .getByRole('region', { name: 'Your save met a newer revision' })
    .getByRole('group', { name: 'Conflict 1 of 1, at line 2' });
  const words = hunk.locator('.word-clash');
  await expect(words.getByRole('heading', { name: 'Where you both changed the same words' })).toBeVisible();
  await expect(words.locator('.words')).toContainText('The budget is');
  await expect(words.locator('.words')).toContainText('for review by Friday.');
  await expect(words.locator('mark.theirs')).toHaveText('done');
  await expect(words.locator('mark.mine')).toHaveText('finished');
});

test('leaving asks first while a save is failing, and not once it went through', async ({ page }) => {
  await signUp(page, uniqueName('lea'));
  const id = await createDoc(page, 'Flaky network', 'Start');
  let failing = true;
  await page.route(`**/api/docs/${id}`, (route) => {
    if (failing && route.request().method() === 'PUT') {
      return route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Unavailable', status: 503, detail: 'Down for a moment.' }),
      });
    }
    return route.continue();
  });
  await formBody(page).fill('Typed on a bad line');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(/Not saved — the server is unavailable, retrying in \d+ s/);

  // An in-app link asks; staying keeps the editor.
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.type();
    void dialog.dismiss();
  });
  await page.getByRole('link', { name: 'History' }).click();
  expect(asked).toBe('confirm');
  await expect(page).toHaveURL(new RegExp(`/docs/${id}$`));

  // Closing the tab asks too (beforeunload); dismissing keeps the page open.
  const unload = new Promise<string>((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.type());
      void dialog.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });
  expect(await unload).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);

  failing = false;
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2', { timeout: 30_000 });
  let askedAfter = false;
  page.once('dialog', (dialog) => {
    askedAfter = true;
    void dialog.accept();
  });
  await page.getByRole('link', { name: 'History' }).click();
  await expect(page).toHaveURL(new RegExp(`/docs/${id}/history$`));
  expect(askedAfter).toBe(false);
});

test('times in history and in the list say how long ago, with the reader\'s local time and UTC on hover', async ({ browser }) => {
  const page = await (await browser.newContext({ timezoneId: 'Asia/Kolkata' })).newPage();
  await signUp(page, uniqueName('tz'));
  const title = `Clock ${uniqueName('t')}`;
  const id = await createDoc(page, title, 'Tick');

  const checkLocal = async (time: import('@playwright/test').Locator) => {
    // Shown as people say it; the exact local time and UTC on hover.
    await expect(time).toHaveText('just now');
    const exact = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) local time, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;
    await expect(time).toHaveAttribute('title', exact);
    const local = exact.exec((await time.getAttribute('title'))!)![1];
    const shown = Date.parse(`${local.replace(' ', 'T')}Z`);
    const at = Date.parse((await time.getAttribute('datetime'))!);
    const offset = shown - at;
    // India is 5 h 30 min ahead of UTC; the shown time drops fractions of a second.
    expect(offset).toBeGreaterThan(5.5 * 3600_000 - 1000);
    expect(offset).toBeLessThanOrEqual(5.5 * 3600_000);
  };
  await open(page, `/docs/${id}/history`);
  await checkLocal(page.getByRole('row', { name: /^Revision 1 / }).locator('time'));
  await open(page, `/?q=${encodeURIComponent(title)}`);
  await checkLocal(page.getByRole('row', { name: new RegExp(title) }).locator('time'));
});
