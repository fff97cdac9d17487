// Resolving a conflict never reverts the other person's work, and nothing typed is lost:
// choices per conflicting change, text typed while the panel is open, Ctrl+S in the hand
// merge, the New document form, and a panel that shows changes rather than documents.
import { expect, test, type Page } from '@playwright/test';
import { formBody, open, showMore, signUp, twoPeople, uniqueName } from './helpers';

const SEVEN = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n';
const ANN_SEVEN = 'one, by Ann\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\n';
const BOB_SEVEN = 'one, by Bob\ntwo\nthree\nfour\nfive\nsix\nseven\n';

async function save(page: Page, revision: number) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Saved as revision ${revision}`);
}

async function stored(page: Page, id: string) {
  return (await page.request.get(`/api/docs/${id}`)).json();
}

/** Ann changes lines 1 and 7 and saves; Bob, still on revision 1, changes line 1 and saves. */
async function sevenLineConflict(browser: import('@playwright/test').Browser) {
  const people = await twoPeople(browser, 'Seven lines', SEVEN);
  // Bob is typing before Ann's revision arrives, so it waits behind the banner.
  await formBody(people.bob).fill(BOB_SEVEN);
  await people.ann.getByLabel('Body').fill(ANN_SEVEN);
  await save(people.ann, 2);
  await people.bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = people.bob.getByRole('region', { name: 'Your save met a newer revision' });
  const body = panel.getByRole('group', { name: 'Body — changed by both, conflict' });
  await expect(body).toBeVisible();
  return { ...people, panel, body };
}

test('keeping mine in a conflict keeps their change elsewhere in the same field', async ({ browser }) => {
  const { bob, annName, id, panel, body } = await sevenLineConflict(browser);
  await expect(body).toContainText('Merged and kept: their changes at line 7.');
  const hunk = body.getByRole('group', { name: 'Conflict 1 of 1, at line 1' });
  await hunk.getByRole('radio', { name: 'Keep mine' }).check();
  await expect(hunk).toContainText(`This leaves out ${annName}'s words: Ann`);

  await panel.getByRole('button', { name: 'Save merged' }).first().click();

  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  const expected = 'one, by Bob\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\n';
  expect((await stored(bob, id)).body).toBe(expected);
  await expect(formBody(bob)).toHaveValue(expected);
});

test('keeping both puts mine then theirs in place of the conflict and keeps the rest', async ({ browser }) => {
  const { bob, id, panel, body } = await sevenLineConflict(browser);
  const hunk = body.getByRole('group', { name: 'Conflict 1 of 1, at line 1' });
  await hunk.getByRole('radio', { name: 'Keep both' }).check();
  await expect(hunk.locator('.result pre')).toHaveText('one, by Bob\none, by Ann\n');
  await expect(hunk).not.toContainText('This leaves out');
  await panel.getByRole('button', { name: 'Save merged' }).last().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(bob, id)).body).toBe('one, by Bob\none, by Ann\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\n');
});

test('editing the merged text starts from the clean merge with the conflict marked, refuses leftover markers, and saves with Ctrl+S', async ({ browser }) => {
  const { bob, id, panel, body } = await sevenLineConflict(browser);
  await body.getByRole('checkbox', { name: 'Edit the merged text' }).check();
  const merged = body.getByLabel('Merged body');
  await expect(merged).toHaveValue(
    '<<<<<<< yours\none, by Bob\n=======\none, by Ann\n>>>>>>> theirs\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\n',
  );

  await merged.press('Control+s');
  await expect(panel.getByRole('alert').filter({ hasText: 'conflict markers' })).toBeVisible();
  expect((await stored(bob, id)).rev).toBe(2);

  const hand = 'one, by Ann and Bob\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\n';
  await merged.fill(hand);
  await merged.press('Control+s');

  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  const doc = await stored(bob, id);
  expect(doc.rev).toBe(3);
  expect(doc.body).toBe(hand);
  await expect(panel).toHaveCount(0);
});

test('text typed into the form while the panel is open is saved with the resolution', async ({ browser }) => {
  const { bob, id, panel } = await sevenLineConflict(browser);
  await formBody(bob).fill(`${BOB_SEVEN}eight, typed while the panel was open\n`);
  await panel.getByRole('radio', { name: 'Keep mine' }).check();

  await panel.getByRole('button', { name: 'Save merged' }).first().click();

  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  const expected = 'one, by Bob\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\neight, typed while the panel was open\n';
  expect((await stored(bob, id)).body).toBe(expected);
  await expect(formBody(bob)).toHaveValue(expected);
});

test('text typed into a conflicting part while the panel is open refreshes the panel instead of being lost', async ({ browser }) => {
  const { bob, id, panel, body } = await sevenLineConflict(browser);
  // Taking theirs for line 1, then typing into line 1 of the form: the two overlap.
  await body.getByRole('radio', { name: 'Take theirs' }).check();
  await formBody(bob).fill(BOB_SEVEN.replace('one, by Bob', 'one, by Bob, typed late'));

  await panel.getByRole('button', { name: 'Save merged' }).first().click();

  await expect(bob.getByRole('status')).toContainText('you typed into a part that is in conflict');
  await expect(body.getByRole('group', { name: 'Conflict 1 of 1, at line 1' })).toContainText('typed late');
  expect((await stored(bob, id)).rev).toBe(2);
  await body.getByRole('radio', { name: 'Keep mine' }).check();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(bob, id)).body).toBe('one, by Bob, typed late\ntwo\nthree\nfour\nfive\nsix\nseven, by Ann\n');
});

test('the New document form keeps a draft and asks before leaving with unsaved input', async ({ page }) => {
  await signUp(page, uniqueName('nia'));
  await page.getByRole('link', { name: 'New document' }).click();
  await page.getByLabel('Title').fill('Half-written plan');
  await page.getByLabel('Body').fill('Typed before wandering off');

  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole('link', { name: 'Concord' }).click();
  await expect.poll(() => asked).toContain('not created yet');
  await expect(page.getByRole('heading', { name: 'New document' })).toBeVisible();

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('link', { name: 'Concord' }).click();
  await expect(page.getByRole('heading', { name: 'Documents' })).toBeVisible();

  await page.getByRole('link', { name: 'New document' }).click();
  await expect(page.getByRole('region', { name: 'Unsaved new document' })).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue('Half-written plan');
  await expect(page.getByLabel('Body')).toHaveValue('Typed before wandering off');

  // A reload keeps it too; creating the document forgets it.
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByLabel('Body')).toHaveValue('Typed before wandering off');
  await showMore(page);
  await page.getByLabel('Slug').fill(`half-written-${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/docs\/[0-9a-f-]+$/);
  await open(page, '/new');
  await expect(page.getByLabel('Title')).toHaveValue('');
  await expect(page.getByRole('region', { name: 'Unsaved new document' })).toHaveCount(0);
});

test('with nothing unsaved, reload says so, and a newer revision is taken in place without a banner', async ({ browser }) => {
  const { ann, bob, annName } = await twoPeople(browser, 'Quiet reader', 'First\n');
  await bob.getByRole('button', { name: 'Reload and reapply' }).click();
  await expect(bob.getByRole('status')).toHaveText('This is the latest revision (1); you have no unsaved changes.');

  await ann.getByLabel('Body').fill('First\nSecond, by Ann\n');
  await save(ann, 2);

  await expect(bob.getByRole('status')).toHaveText(`Updated to revision 2, saved by ${annName}.`);
  await expect(bob.getByRole('region', { name: 'Changes by others' })).toHaveCount(0);
  await expect(formBody(bob)).toHaveValue('First\nSecond, by Ann\n');
  await expect(bob.getByText(/^Revision 2 ·/)).toBeVisible();
});

test('a one-line conflict in a 256 KB document fits in two phone screens with one reload button', async ({ browser }) => {
  test.setTimeout(120_000);
  const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit';
  const big = Array.from({ length: 4200 }, (_, i) => `Line ${i + 1}: ${filler}`).join('\n') + '\n';
  expect(big.length).toBeGreaterThan(256 * 1024);
  const { ann, bob, id } = await twoPeople(browser, 'Big document', 'small', { openBob: false });
  const doc = await stored(ann, id);
  const put = async (rev: number, body: string) => {
    const response = await ann.request.put(`/api/docs/${id}`, {
      headers: { 'If-Match': `"${rev}"` },
      data: { title: doc.title, slug: doc.slug, tags: doc.tags, body },
    });
    expect(response.status()).toBe(200);
  };
  await put(1, big);
  await open(bob, `/docs/${id}`);
  await expect(bob.getByText(/^Revision 2 ·/)).toBeVisible();
  await bob.setViewportSize({ width: 390, height: 844 });
  // Pasted, as a person would: typing 256 KB through the keyboard takes minutes.
  await formBody(bob).evaluate((area, text) => {
    (area as HTMLTextAreaElement).value = text;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, big.replace('Line 2000: lorem', 'Line 2000: Lorem (Bob)'));
  await expect(bob.getByText('Unsaved changes')).toBeVisible();
  await put(2, big.replace('Line 2000: lorem', 'Line 2000: LOREM (Ann)'));
  // The keyboard, not a click: a click waits for the (sticky) Save button to hold still
  // over animation frames, which a loaded machine laying out 4,200 lines can starve.
  await formBody(bob).press('Control+s');
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  const hunk = panel.getByRole('group', { name: 'Conflict 1 of 1, at line 2000' });
  await expect(hunk).toBeVisible();
  await expect(hunk).toContainText('Line 1999');

  const box = (await panel.boundingBox())!;
  expect(box.height).toBeLessThan(2 * 844);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await expect(bob.getByRole('button', { name: 'Reload and reapply' })).toHaveCount(1);
  for (const name of ['Keep mine', 'Take theirs', 'Keep both', 'Edit this part']) {
    const target = (await hunk.locator('label.choice', { hasText: name }).boundingBox())!;
    expect(target.height).toBeGreaterThanOrEqual(24);
  }

  await hunk.getByRole('radio', { name: 'Take theirs' }).check();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(bob, id)).body).toContain('Line 2000: LOREM (Ann)');
});

test('a field shortcut sets every conflicting change of that field, and more context opens on request', async ({ browser }) => {
  const lines = Array.from({ length: 15 }, (_, i) => `line ${i + 1}`);
  const body = (edits: Record<number, string>) => lines.map((l, i) => edits[i + 1] ?? l).join('\n') + '\n';
  const people = await twoPeople(browser, 'Two conflicts', body({}));
  await formBody(people.bob).fill(body({ 2: 'line 2 by Bob', 14: 'line 14 by Bob' }));
  await people.ann.getByLabel('Body').fill(body({ 2: 'line 2 by Ann', 14: 'line 14 by Ann' }));
  await save(people.ann, 2);
  await people.bob.getByRole('button', { name: 'Save', exact: true }).click();

  const field = people.bob
    .getByRole('region', { name: 'Your save met a newer revision' })
    .getByRole('group', { name: 'Body — changed by both, conflict' });
  const first = field.getByRole('group', { name: 'Conflict 1 of 2, at line 2' });
  const second = field.getByRole('group', { name: 'Conflict 2 of 2, at line 14' });
  await field.getByRole('button', { name: 'All theirs' }).click();
  await expect(first.getByRole('radio', { name: 'Take theirs' })).toBeChecked();
  await expect(second.getByRole('radio', { name: 'Take theirs' })).toBeChecked();
  await field.getByRole('button', { name: 'All mine' }).click();
  await expect(first.getByRole('radio', { name: 'Keep mine' })).toBeChecked();
  await expect(second.getByRole('radio', { name: 'Keep mine' })).toBeChecked();

  // Two lines of context show; the ten before them only when asked.
  await expect(second.getByText(/line 13/)).toBeVisible();
  await expect(second.getByText(/line 5\b/)).toBeHidden();
  await second.getByText('More context').first().click();
  await expect(second.getByText(/line 5\b/)).toBeVisible();

  await field.getByRole('button', { name: 'All theirs' }).click();
  await people.bob.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(people.bob.getByRole('status')).toHaveText('Saved as revision 2');
  expect((await stored(people.bob, people.id)).body).toBe(body({ 2: 'line 2 by Ann', 14: 'line 14 by Ann' }));
});
