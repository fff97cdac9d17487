// Staying on the latest revision while typing: others' saves merge into the open editor as
// they arrive, and a clash shows the moment it happens, not at save time.
import { expect, test, type Page } from '@playwright/test';
import { formBody, interceptLive, open, twoPeople } from './helpers';

const paragraphs = Array.from({ length: 8 }, (_, i) => `Paragraph ${i + 1}: plain words.`);
const BODY = paragraphs.join('\n') + '\n';

/** Saves through the API as the other person, on top of `rev`; returns the new revision. */
async function saveAs(page: Page, id: string, rev: number, change: (body: string) => string) {
  const doc = await (await page.request.get(`/api/docs/${id}`)).json();
  expect(doc.rev).toBe(rev);
  const response = await page.request.put(`/api/docs/${id}`, {
    headers: { 'If-Match': `"${rev}"` },
    data: { title: doc.title, slug: doc.slug, tags: doc.tags, body: change(doc.body) },
  });
  expect(response.status()).toBe(200);
  return rev + 1;
}

/** Puts the caret at the end of line `line` (from 1) of the body. */
async function caretAtEndOfLine(page: Page, line: number) {
  await formBody(page).click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i += 1) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('End');
}

/**
 * Bob types without pause while `ann` (another person, or Bob's own other tab, named
 * `who`) saves five times in other paragraphs and once in Bob's: every key and every one
 * of the other saves ends up in Bob's text, with no panel but for the clash, before saving.
 */
async function typingThroughSaves(ann: Page, bob: Page, id: string, who: string) {
  await caretAtEndOfLine(bob, 5);
  // Bob rewrites the end of paragraph 5, one key at a time.
  for (let i = 0; i < 'words.'.length; i += 1) {
    await bob.keyboard.press('Backspace');
  }
  const typed = 'prose: Bob types this, one key at a time, while Ann saves elsewhere.';
  const typing = bob.keyboard.type(typed, { delay: 60 });
  // Five saves by Ann in other paragraphs, while Bob's keys keep coming.
  let rev = 1;
  for (const n of [1, 2, 3, 7, 8]) {
    await bob.waitForTimeout(500);
    rev = await saveAs(ann, id, rev, (body) => body.replace(`Paragraph ${n}: plain`, `Paragraph ${n}: Ann's`));
  }
  await typing;
  const expected = BODY.replace(/Paragraph ([12378]): plain/g, "Paragraph $1: Ann's").replace(
    'Paragraph 5: plain words.',
    `Paragraph 5: plain ${typed}`,
  );
  await expect(formBody(bob)).toHaveValue(expected);
  await expect(bob.getByText(/^Revision 6 ·/)).toBeVisible();
  // No panel for saves that did not touch Bob's words; the caret is still after them.
  await expect(bob.getByRole('region', { name: 'Your save met a newer revision' })).toHaveCount(0);
  await expect(bob.getByRole('region', { name: 'Also changed by somebody else' })).toHaveCount(0);
  const caret = await formBody(bob).evaluate((area) => (area as HTMLTextAreaElement).selectionStart);
  expect(caret).toBe(expected.indexOf(typed) + typed.length);
  const note = bob.getByRole('region', { name: 'Merged while you typed' });
  await expect(note).toContainText(`${who} changed line 8 (revision 6)`);
  const whose = who.startsWith('You') ? 'Your other tab' : who;
  await expect(bob.getByRole('group', { name: 'Save' })).toContainText(
    `${whose}'s revision 6 merged into your text — not saved yet`,
  );

  // Ann changes the very words Bob changed: marked at once, Bob's text as typed.
  rev = await saveAs(ann, id, rev, (body) => body.replace('Paragraph 5: plain words.', 'Paragraph 5: ANN WAS HERE.'));
  const clash = bob.getByRole('region', { name: 'Also changed by somebody else' });
  await expect(clash).toBeVisible();
  await expect(clash).toContainText(`${who} saved revision 7`);
  await expect(formBody(bob)).toHaveValue(expected);
  await expect(formBody(bob)).toBeFocused();
  await bob.keyboard.type(' More.');
  await expect(formBody(bob)).toHaveValue(expected.replace(typed, `${typed} More.`));
  await expect(bob.getByRole('group', { name: 'Save' })).toContainText('1 place needs your choice');
  // Save asks for exactly that choice, and saves nothing until it is made.
  await bob.keyboard.press('Control+s');
  await expect(bob.getByRole('status')).toContainText('1 conflicting change still needs a choice');
  expect((await (await ann.request.get(`/api/docs/${id}`)).json()).rev).toBe(7);
  await clash.getByRole('radio', { name: 'Keep both' }).first().check();
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 8');
  const stored = await (await ann.request.get(`/api/docs/${id}`)).json();
  expect(stored.body).toContain('Paragraph 5: ANN WAS HERE.');
  expect(stored.body).toContain(`${typed} More.`);
  expect(stored.body).toContain("Paragraph 8: Ann's words.");
}

test('others’ saves merge into the text while it is typed; a clash shows before saving', async ({ browser }) => {
  test.setTimeout(90_000);
  const { ann, bob, annName, id } = await twoPeople(browser, 'Live plan', BODY, { follow: true });
  await typingThroughSaves(ann, bob, id, annName);
});

test('the same with my own other tab saving, named as such', async ({ browser }) => {
  test.setTimeout(90_000);
  const { bob, id } = await twoPeople(browser, 'Two tabs plan', BODY, { follow: true });
  const other = await bob.context().newPage();
  await open(other, `/docs/${id}`);
  await typingThroughSaves(other, bob, id, 'You (in another tab or window)');
});

test('an arrival can be shown and taken back out of my text; my own other tab counts as another person', async ({ browser }) => {
  const { bob, id } = await twoPeople(browser, 'Undo plan', BODY, { follow: true });
  const other = await bob.context().newPage();
  await open(other, `/docs/${id}`);
  await caretAtEndOfLine(bob, 6);
  await bob.keyboard.type(' Mine.');
  await formBody(other).fill(BODY.replace('Paragraph 2: plain', 'Paragraph 2: from my other tab'));
  await other.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(other.getByRole('status')).toHaveText('Saved as revision 2');

  const note = bob.getByRole('region', { name: 'Merged while you typed' });
  await expect(note).toContainText('You (in another tab or window) changed line 2 (revision 2)');
  await expect(formBody(bob)).toHaveValue(
    BODY.replace('Paragraph 2: plain', 'Paragraph 2: from my other tab').replace('Paragraph 6: plain words.', 'Paragraph 6: plain words. Mine.'),
  );
  await note.getByRole('button', { name: 'Show' }).click();
  await expect(note).toContainText('from my other tab');
  await note.getByRole('button', { name: 'Undo in my text' }).click();
  await expect(formBody(bob)).toHaveValue(BODY.replace('Paragraph 6: plain words.', 'Paragraph 6: plain words. Mine.'));
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');
  const stored = await (await bob.request.get(`/api/docs/${id}`)).json();
  expect(stored.body).toBe(BODY.replace('Paragraph 6: plain words.', 'Paragraph 6: plain words. Mine.'));
});

test('with "Take others’ changes as they arrive" off, the banner waits for the person, and the choice is remembered', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Banner plan', BODY, { follow: true });
  const follow = bob.getByRole('checkbox', { name: "Take others' changes as they arrive" });
  await expect(follow).toBeChecked();
  await follow.uncheck();
  await caretAtEndOfLine(bob, 4);
  await bob.keyboard.type(' Mine.');
  await saveAs(ann, id, 1, (body) => body.replace('Paragraph 1: plain', 'Paragraph 1: Ann'));
  const banner = bob.getByRole('region', { name: 'Changes by others' });
  await expect(banner).toContainText(`${annName} saved revision 2`);
  await expect(formBody(bob)).toHaveValue(BODY.replace('Paragraph 4: plain words.', 'Paragraph 4: plain words. Mine.'));
  await expect(bob.getByRole('group', { name: 'Save' })).toContainText('Unsaved changes based on revision 1');
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('checkbox', { name: "Take others' changes as they arrive" })).not.toBeChecked();
});

test('a composition in progress is never changed; the arrival merges when it ends', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'IME plan', BODY, { follow: true });
  await caretAtEndOfLine(bob, 4);
  await bob.keyboard.type(' Typed');
  const cdp = await bob.context().newCDPSession(bob);
  // An input method starts composing a word (as a Japanese keyboard does) …
  await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
  await saveAs(ann, id, 1, (body) => body.replace('Paragraph 1: plain', 'Paragraph 1: Ann'));
  // … the arrival waits: the field keeps the composition untouched.
  await bob.waitForTimeout(1500);
  const typed = 'Paragraph 4: plain words. Typed';
  expect(await formBody(bob).inputValue()).toBe(BODY.replace('Paragraph 4: plain words.', `${typed}にほ`));
  await expect(bob.getByRole('region', { name: 'Merged while you typed' })).toHaveCount(0);
  // The composition ends with the chosen word; then the arrival comes in around it.
  await cdp.send('Input.insertText', { text: '日本' });
  await expect(bob.getByRole('region', { name: 'Merged while you typed' })).toContainText(`${annName} changed line 1`);
  await expect(formBody(bob)).toHaveValue(
    BODY.replace('Paragraph 1: plain', 'Paragraph 1: Ann').replace('Paragraph 4: plain words.', `${typed}日本`),
  );
  const caret = await formBody(bob).evaluate((area) => (area as HTMLTextAreaElement).selectionStart);
  const value = await formBody(bob).inputValue();
  expect(caret).toBe(value.indexOf('日本') + 2);
});

test('offline, then back: the editor catches up with the newest revision through the same merge', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Offline plan', BODY, { openBob: false, follow: true });
  const live = await interceptLive(bob);
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);
  await live.cut();
  await expect(bob.getByText('Live updates are reconnecting…')).toBeVisible();
  await caretAtEndOfLine(bob, 8);
  await bob.keyboard.type(' Typed offline.');
  await saveAs(ann, id, 1, (body) => body.replace('Paragraph 1: plain', 'Paragraph 1: Ann'));
  await saveAs(ann, id, 2, (body) => body.replace('Paragraph 3: plain', 'Paragraph 3: Ann'));
  live.restore();
  const note = bob.getByRole('region', { name: 'Merged while you typed' });
  await expect(note).toContainText(`${annName} changed lines 1 and 3 (revision 3)`, { timeout: 30_000 });
  await expect(formBody(bob)).toHaveValue(
    BODY.replace(/Paragraph ([13]): plain/g, 'Paragraph $1: Ann').replace('Paragraph 8: plain words.', 'Paragraph 8: plain words. Typed offline.'),
  );
  await expect(bob.getByRole('region', { name: 'Changes by others' })).toHaveCount(0);
});

test('saves that come in a burst all arrive, each merged in turn', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Burst plan', BODY, { follow: true });
  await caretAtEndOfLine(bob, 8);
  await bob.keyboard.type(' Mine.');
  let rev = 1;
  for (const n of [1, 2, 3, 4, 5, 6]) {
    rev = await saveAs(ann, id, rev, (body) => body.replace(`Paragraph ${n}: plain`, `Paragraph ${n}: Ann's`));
  }
  await expect(formBody(bob)).toHaveValue(
    BODY.replace(/Paragraph ([1-6]): plain/g, "Paragraph $1: Ann's").replace('Paragraph 8: plain words.', 'Paragraph 8: plain words. Mine.'),
  );
  await expect(bob.getByText(/^Revision 7 ·/)).toBeVisible();
  await expect(bob.getByRole('region', { name: 'Merged while you typed' })).toContainText(annName);
});
