// Every keystroke kept and every choice explicit (issue 20, items 1–4): the local draft
// follows typing whatever is on screen, restoring a draft merges it into what the form
// holds, a hunk's "Edit this part" saves exactly the Result it shows, and no conflicting
// change is decided for the person.
import { expect, test, type Page } from '@playwright/test';
import { createDoc, formBody, open, signUp, twoPeople, uniqueName } from './helpers';

async function storedDraft(page: Page, id: string): Promise<string> {
  return page.evaluate((key) => localStorage.getItem(key) ?? '', `concord:draft:${id}`);
}

async function stored(page: Page, id: string) {
  return (await page.request.get(`/api/docs/${id}`)).json();
}

async function reload(page: Page) {
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

/** Types A, reloads so the draft is offered, then types B while the offer shows. */
async function typedAroundTheOffer(page: Page, a: string, b: string) {
  await signUp(page, uniqueName('kim'));
  const id = await createDoc(page, 'Offered draft', 'one\ntwo\nthree\n');
  await formBody(page).fill(a);
  await expect.poll(() => storedDraft(page, id)).toContain('typed first');
  await reload(page);
  const offer = page.getByRole('region', { name: 'Unsaved changes' });
  await expect(offer).toBeVisible();
  // Ignoring the offer, the person types on.
  await formBody(page).fill(b);
  return { id, offer };
}

test('text typed while the draft offer shows is kept across a reload, with the offered draft', async ({ page }) => {
  const a = 'one, typed first\ntwo\nthree\n';
  const b = 'one\ntwo\nthree, typed after the offer\n';
  const { id } = await typedAroundTheOffer(page, a, b);
  await expect.poll(() => storedDraft(page, id)).toContain('typed after the offer');
  await reload(page);
  // Both are offered back; restoring them merges them into the form.
  for (let i = 0; i < 2; i += 1) {
    await page.getByRole('region', { name: 'Unsaved changes' }).first().getByRole('button', { name: 'Restore my changes' }).click();
  }
  await expect(formBody(page)).toHaveValue('one, typed first\ntwo\nthree, typed after the offer\n');
  await expect(page.getByRole('region', { name: 'Unsaved changes' })).toHaveCount(0);
});

test('restoring a draft merges it into what was typed since the offer appeared', async ({ page }) => {
  const { id, offer } = await typedAroundTheOffer(page, 'one, typed first\ntwo\nthree\n', 'one\ntwo\nthree, typed after the offer\n');
  await offer.getByRole('button', { name: 'Restore my changes' }).click();
  await expect(formBody(page)).toHaveValue('one, typed first\ntwo\nthree, typed after the offer\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2');
  expect((await stored(page, id)).body).toBe('one, typed first\ntwo\nthree, typed after the offer\n');
});

test('restoring a draft that clashes with what was typed since shows the clash and keeps both until chosen', async ({ page }) => {
  const { id, offer } = await typedAroundTheOffer(page, 'one, typed first\ntwo\nthree\n', 'one, typed after the offer\ntwo\nthree\n');
  await offer.getByRole('button', { name: 'Restore my changes' }).click();
  const panel = page.getByRole('region', { name: 'Your draft meets what you typed since' });
  await expect(panel).toBeVisible();
  // Nothing is replaced before the person chooses.
  await expect(formBody(page)).toHaveValue('one, typed after the offer\ntwo\nthree\n');
  const hunk = panel.getByRole('group', { name: 'Conflict 1 of 1, at line 1' });
  await hunk.getByRole('radio', { name: 'Keep both' }).check();
  await panel.getByRole('button', { name: 'Use this' }).first().click();
  await expect(formBody(page)).toHaveValue('one, typed after the offer\none, typed first\ntwo\nthree\n');
  expect((await stored(page, id)).rev).toBe(1);
});

const LIST = '- milk\n- eggs\n- bread\n';

async function milkConflict(browser: import('@playwright/test').Browser) {
  const people = await twoPeople(browser, 'Shopping', LIST);
  await formBody(people.bob).fill('- soy milk\n- eggs\n- bread\n');
  await people.ann.getByLabel('Body').fill('- oat milk\n- eggs\n- bread\n');
  await people.ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(people.ann.getByRole('status')).toHaveText('Saved as revision 2');
  await people.bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = people.bob.getByRole('region', { name: 'Your save met a newer revision' });
  const hunk = panel.getByRole('group', { name: 'Conflict 1 of 1, at line 1' });
  await expect(hunk).toBeVisible();
  return { ...people, panel, hunk };
}

test('"Edit this part" shows exactly the hunk and saves exactly the Result it shows', async ({ browser }) => {
  const { bob, id, panel, hunk } = await milkConflict(browser);
  await hunk.getByRole('radio', { name: 'Edit this part' }).check();
  const box = hunk.getByLabel('Text for conflict 1');
  await expect(box).toHaveValue('- soy milk');
  await box.press('Control+a');
  await box.pressSequentially('- almond milk');
  await expect(hunk.locator('.result pre')).toHaveText('- almond milk');
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(bob, id)).body).toBe('- almond milk\n- eggs\n- bread\n');
});

test('no conflicting change is decided for the person: Save merged names what is undecided and goes there', async ({ browser }) => {
  const { bob, id, panel, hunk } = await milkConflict(browser);
  for (const name of ['Keep mine', 'Take theirs', 'Keep both', 'Edit this part']) {
    await expect(hunk.getByRole('radio', { name })).not.toBeChecked();
  }
  await panel.getByRole('button', { name: 'Save merged' }).last().click();
  await expect(panel.getByRole('alert').filter({ hasText: '1 conflicting change still needs a choice' })).toBeVisible();
  await expect(hunk.getByRole('radio', { name: 'Keep mine' })).toBeFocused();
  // Ctrl+S is no way around it either.
  await bob.keyboard.press('Control+s');
  await expect(panel).toBeVisible();
  expect((await stored(bob, id)).rev).toBe(2);

  await hunk.getByRole('radio', { name: 'Take theirs' }).check();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 2');
  expect((await stored(bob, id)).body).toBe('- oat milk\n- eggs\n- bread\n');
});

test('a field shortcut is an explicit choice for all of its conflicting changes', async ({ browser }) => {
  const lines = Array.from({ length: 9 }, (_, i) => `line ${i + 1}`);
  const body = (edits: Record<number, string>) => lines.map((l, i) => edits[i + 1] ?? l).join('\n') + '\n';
  const people = await twoPeople(browser, 'Shortcut', body({}));
  await formBody(people.bob).fill(body({ 2: 'line 2 by Bob', 8: 'line 8 by Bob' }));
  await people.ann.getByLabel('Body').fill(body({ 2: 'line 2 by Ann', 8: 'line 8 by Ann' }));
  await people.ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(people.ann.getByRole('status')).toHaveText('Saved as revision 2');
  await people.bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = people.bob.getByRole('region', { name: 'Your save met a newer revision' });
  const second = panel.getByRole('group', { name: 'Conflict 2 of 2, at line 8' });
  await panel.getByRole('group', { name: 'Conflict 1 of 2, at line 2' }).getByRole('radio', { name: 'Keep mine' }).check();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(panel.getByRole('alert').filter({ hasText: '1 conflicting change still needs a choice' })).toBeVisible();
  await expect(second.getByRole('radio', { name: 'Keep mine' })).toBeFocused();
  await panel.getByRole('button', { name: 'All mine' }).click();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(people.bob.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(people.bob, people.id)).body).toBe(body({ 2: 'line 2 by Bob', 8: 'line 8 by Bob' }));
});


test('text typed into the editor before the client has started is kept and saved', async ({ page }) => {
  await signUp(page, uniqueName('early'));
  const id = await createDoc(page, 'Typed early', 'As stored.\n');
  // A slow connection: the client arrives only after the person has started typing.
  let letThrough: () => void = () => {};
  const held = new Promise<void>((resolve) => (letThrough = resolve));
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`/docs/${id}`);
  await formBody(page).fill('Typed before the client ran.\n');
  await page.getByLabel('Title', { exact: true }).fill('Typed early, renamed');
  letThrough();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(formBody(page)).toHaveValue('Typed before the client ran.\n');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Typed early, renamed');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved as revision 2');
  const saved = await stored(page, id);
  expect(saved.body).toBe('Typed before the client ran.\n');
  expect(saved.title).toBe('Typed early, renamed');
});
