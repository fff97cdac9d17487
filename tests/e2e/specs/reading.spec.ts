// Reading on a phone, sanitised Markdown that reads as plain text, the small things people
// notice, and task boxes an editor can tick (issue 20, items 13–16).
import { expect, test, type Page } from '@playwright/test';
import { createDoc, formBody, open, share, signUp, twoPeople, uniqueName } from './helpers';

async function stored(page: Page, id: string) {
  return (await page.request.get(`/api/docs/${id}`)).json();
}

/** The page is no wider than the screen, and single words in table cells are not split. */
async function fitsThePhone(page: Page, where: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${where} scrolls sideways`).toBeLessThanOrEqual(390);
  const split = await page.evaluate(() => {
    const broken: string[] = [];
    for (const cell of Array.from(document.querySelectorAll('table th, table td'))) {
      const text = (cell.textContent ?? '').trim();
      const box = cell.getBoundingClientRect();
      if (!text || /\s/.test(text) || text.length > 12 || box.width < 2) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(text);
    }
    return broken;
  });
  expect(split, `${where} breaks words mid-word`).toEqual([]);
}

const WIDE = [
  '# Wide things',
  '',
  'See https://example.com/a/very/long/path/that/goes/on/and/on/without/any/break/at/all/whatsoever/index.html',
  '',
  '```',
  'const aVeryLongLineOfCode = someFunction(withManyArguments, andMore, andEvenMoreArguments, untilItIsFarTooWide);',
  '```',
  '',
  '| Name | Note |',
  '|---|---|',
  '| one | a cell |',
  '',
].join('\n');

test('at phone width nothing scrolls sideways and tables have borders and room', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, uniqueName('pho'));
  const id = await createDoc(page, 'Wide things', WIDE);
  await page.getByRole('button', { name: 'Show preview' }).click();
  await expect(page.getByRole('region', { name: 'Preview' })).toContainText('example.com');
  await fitsThePhone(page, 'the preview');

  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('status')).toHaveText('Published — revision 2');
  await open(page, `/docs/${id}`);
  const article = page.getByRole('article', { name: 'Document' });
  await expect(article.getByRole('table')).toBeVisible();
  await fitsThePhone(page, 'the read view');
  const cell = article.getByRole('cell', { name: 'a cell' });
  const style = await cell.evaluate((td) => {
    const s = getComputedStyle(td);
    return { border: s.borderTopWidth, padding: s.paddingLeft };
  });
  expect(style.border).not.toBe('0px');
  expect(style.padding).not.toBe('0px');

  await open(page, '/');
  await expect(page.getByRole('link', { name: 'Wide things' }).first()).toBeVisible();
  await fitsThePhone(page, 'the list');
  await open(page, `/docs/${id}/history`);
  await expect(page.getByRole('link', { name: 'Revision 2' })).toBeVisible();
  await fitsThePhone(page, 'history');
});

test('what the sanitiser disarmed reads as plain text, never as a control', async ({ page }) => {
  await signUp(page, uniqueName('hos'));
  const hostile = [
    '[click me](javascript:alert(1)) and <a href="javascript:alert(2)">raw link</a>',
    '',
    '<form action="/x"><input type="text" name="q"><button>go</button></form>',
    '',
  ].join('\n');
  const id = await createDoc(page, 'Hostile', hostile);
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('status')).toHaveText('Published — revision 2');
  await open(page, `/docs/${id}`);
  const article = page.getByRole('article', { name: 'Document' });
  await expect(article).toContainText('click me and raw link');
  await expect(article.getByRole('link')).toHaveCount(0);
  await expect(article.getByRole('textbox')).toHaveCount(0);
  await expect(article.getByRole('button')).toHaveCount(0);
  await expect(article.locator('a, input, button, form')).toHaveCount(0);
});

test('the small things: tags read as words, a tag change says only what it has, the draft offer says how long ago, and word chips have a legend', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Small things', 'Intro\nThe plan is ready.\n', { openBob: true });
  // Tags in the list are separate words.
  await ann.getByLabel('Tags').fill('planning, q4');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');
  await open(ann, '/');
  const tags = ann.getByRole('row', { name: /Small things/ }).getByRole('list', { name: 'Tags' });
  await expect(tags.getByRole('listitem')).toHaveText(['planning', 'q4']);

  // "Show changes" on a tag change that only added: no empty "Removed:".
  await formBody(bob).fill('Intro\nThe plan is finished.\n');
  await open(ann, `/docs/${id}`);
  await ann.getByLabel('Tags').fill('planning, q4, extra');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 3');
  const banner = bob.getByRole('region', { name: 'Changes by others' });
  await banner.getByRole('button', { name: 'Show changes' }).click();
  await expect(banner).toContainText('Added: extra');
  await expect(banner).not.toContainText('Removed:');

  // The draft offer says how long ago, as the rest of the app does.
  await bob.reload();
  await expect(bob.locator('body[data-hydrated="true"]')).toBeAttached();
  const offer = bob.getByRole('region', { name: 'Unsaved changes' });
  await expect(offer).toContainText('kept just now');
  await expect(offer).not.toContainText('UTC');

  // Word chips say whose words are whose.
  await offer.getByRole('button', { name: 'Restore my changes' }).click();
  await formBody(ann).fill('Intro\nThe plan is done.\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 4');
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  const words = bob.locator('.word-clash');
  await expect(words.locator('.legend')).toContainText('Their change');
  await expect(words.locator('.legend')).toContainText('Your change');
});

test('the New document button sits with the heading, not in the middle of it', async ({ page }) => {
  await signUp(page, uniqueName('btn'));
  const heading = (await page.getByRole('heading', { name: 'Documents' }).boundingBox())!;
  const button = (await page.getByRole('link', { name: 'New document' }).boundingBox())!;
  const trash = (await page.getByRole('link', { name: 'Trash' }).boundingBox())!;
  // Both actions at the end of the row, side by side, on the heading's line.
  expect(button.x).toBeGreaterThan(heading.x + heading.width);
  expect(trash.x - (button.x + button.width)).toBeLessThan(40);
});

test('an editor ticks a task box in the read view and it is saved; a viewer cannot', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Tasks', '- [ ] write it\n- [ ] ship it\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  await ann.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Publish' }).click();
  await expect(ann.getByRole('status')).toHaveText('Published — revision 2');
  await open(ann, `/docs/${id}`);
  const boxes = ann.getByRole('article', { name: 'Document' }).getByRole('checkbox');
  await expect(boxes).toHaveCount(2);
  await boxes.nth(1).check();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 3');
  expect((await stored(ann, id)).body).toBe('- [ ] write it\n- [x] ship it\n');

  await open(bob, `/docs/${id}`);
  const seen = bob.getByRole('article', { name: 'Document' }).getByRole('checkbox');
  await expect(seen.nth(1)).toBeChecked();
  await expect(seen.nth(0)).toBeDisabled();
});
