// Comments in the read view (issue 23): people who may only read select words and comment
// on them, see each other's comments and replies arrive without reloading, are told why a
// comment was refused without losing it, and keep what they are typing while others write;
// the people concerned find it in their inbox.
import { expect, test, type Page } from '@playwright/test';
import { interceptLive, noViolations, open, share, signUp, twoPeople, uniqueName } from './helpers';

/** Selects `words` in the document's text, as a person drags over them. */
async function selectWords(page: Page, words: string): Promise<void> {
  await page.getByRole('article', { name: 'Document' }).evaluate((article, words) => {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node.textContent ?? '').indexOf(words);
      if (at === -1) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = document.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return;
    }
    throw new Error(`"${words}" is not in the text`);
  }, words);
}

test('readers comment on the words they select, see comments and replies arrive, and keep what they type', async ({ browser }) => {
  const body = 'We hire two engineers in Q4.\n\nThe budget stays.\n';
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Plan', body, { openBob: false });
  await share(ann, id, bobName, 'viewer');
  // Cat reads on a phone.
  const cat = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const catName = uniqueName('cat');
  await signUp(cat, catName, undefined, { openList: false });
  await share(ann, id, catName, 'viewer');
  for (const page of [bob, cat]) {
    await open(page, `/docs/${id}`);
    await expect(page.locator('body[data-live="on"]')).toBeAttached();
  }
  // Bob was told of the shares: the count as the page was rendered.
  const before = (await (await bob.request.get('/api/notifications')).json()).unread;
  await expect(bob.getByRole('link', { name: `Inbox, ${before} unread` })).toBeVisible();

  // Bob selects words and comments on them.
  await selectWords(bob, 'two engineers');
  const comments = bob.getByRole('region', { name: /^Comments/ });
  await expect(comments.getByText('On the words')).toContainText('two engineers');
  await comments.getByLabel('New comment').fill('Why two?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  const bobsThread = comments.getByRole('article', { name: `${bobName} on a passage` });
  await expect(bobsThread.locator('blockquote')).toHaveText('two engineers');
  await expect(bobsThread).toContainText('Why two?');
  await expect(comments.getByLabel('New comment')).toHaveValue('');

  // Cat sees it arrive and starts a reply; meanwhile Bob's next comment is refused, says
  // why and keeps his words, then goes through: Cat's half-written reply stays.
  const catsThread = cat.getByRole('article', { name: `${bobName} on a passage` });
  await expect(catsThread).toContainText('Why two?');
  // The passage is highlighted in Cat's text too; a click on it leads to its thread.
  const passage = cat.getByRole('article', { name: 'Document' }).locator('mark', { hasText: 'two engineers' });
  await expect(passage).toBeVisible();
  await passage.click();
  await expect(catsThread).toBeFocused();
  await catsThread.getByLabel('Reply').fill(`@${annName} should decide`);
  await comments.getByLabel('New comment').fill('And @nobody-here?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(comments.getByRole('alert')).toContainText('Nobody is called @nobody-here');
  await expect(comments.getByLabel('New comment')).toHaveValue('And @nobody-here?');
  await comments.getByLabel('New comment').fill('And the budget?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(cat.getByRole('article', { name: `${bobName} on the whole document` })).toContainText('And the budget?');
  await expect(catsThread.getByLabel('Reply')).toHaveValue(`@${annName} should decide`);

  // Cat sends the reply: Bob sees it arrive, Ann is told she was mentioned.
  await catsThread.getByRole('button', { name: 'Reply' }).click();
  await expect(bobsThread).toContainText(`@${annName} should decide`);
  // A reply in Bob's thread is news for Bob: his header's count follows without a reload.
  await expect(bob.getByRole('link', { name: `Inbox, ${before + 1} unread` })).toBeVisible();
  await expect(bob.getByRole('status')).toHaveText(`${catName} changed the comments.`);
  // Ann's inbox: newest first, each saying who did what where; the link leads to the thread.
  await open(ann, '/inbox');
  await expect(ann.getByRole('link', { name: 'Inbox, 3 unread' })).toBeVisible();
  const notifications = ann.getByRole('list', { name: 'Notifications' }).getByRole('listitem');
  await expect(notifications).toHaveCount(3);
  await expect(notifications.first()).toContainText(`${catName} mentioned you on “Plan”`);
  await expect(notifications.nth(1)).toContainText(`${bobName} commented on “Plan”`);
  await ann.getByRole('button', { name: 'Mark all read' }).click();
  await expect(ann.getByText('Everything is read.')).toBeVisible();
  await expect(ann.getByRole('link', { name: 'Inbox', exact: true })).toBeVisible();
  await noViolations(ann, 'the inbox');
  await ann.getByRole('link', { name: `${catName} mentioned you on “Plan”` }).click();
  await expect(ann).toHaveURL(new RegExp(`/docs/${id}#thread-`));
  // Ann owns the document: the link opens her editor, on the thread, once it is drawn.
  await expect(ann.getByRole('article', { name: `${bobName} on a passage` })).toBeFocused();

  // On the phone the comments sit below the text and nothing scrolls sideways.
  const width = await cat.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `the read view is ${width}px wide`).toBeLessThanOrEqual(390);
  await noViolations(bob, 'the read view with comments');
  await noViolations(cat, 'the read view with comments on a phone');
});

test('words selected before someone saves are commented on where they are now, not where the same words came to be', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Costs', 'The budget stays.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  await open(bob, `/docs/${id}`);
  await expect(bob.locator('body[data-live="on"]')).toBeAttached();
  await selectWords(bob, 'budget');

  // Ann puts the same word in front of it and saves; Bob's page follows.
  const doc = await (await ann.request.get(`/api/docs/${id}`)).json();
  const body = 'A budget note.\n\nThe budget stays.\n';
  const saved = await ann.request.put(`/api/docs/${id}`, {
    headers: { 'If-Match': '"1"' },
    data: { title: doc.title, slug: doc.slug, tags: doc.tags, body },
  });
  expect(saved.status()).toBe(200);
  await expect(bob.getByRole('article', { name: 'Document' })).toContainText('A budget note.');

  const comments = bob.getByRole('region', { name: /^Comments/ });
  await comments.getByLabel('New comment').fill('Which budget?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(comments.getByRole('article', { name: `${bobName} on a passage` })).toBeVisible();
  const threads = await (await bob.request.get(`/api/docs/${id}/threads`)).json();
  const start = body.lastIndexOf('budget');
  expect(threads.items[0].anchor).toMatchObject({ start, end: start + 'budget'.length, state: 'intact' });
});

test('comments made while a reader was offline show once the read view reconnects', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Patchy', 'We ship in May.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  const live = await interceptLive(bob);
  await open(bob, `/docs/${id}`);
  await expect(bob.locator('body[data-live="on"]')).toBeAttached();
  await live.cut();
  await expect(bob.locator('body[data-live="on"]')).toHaveCount(0);
  const comments = ann.getByRole('region', { name: /^Comments/ });
  await comments.getByLabel('New comment').fill('May is tight.');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(comments.getByRole('article', { name: `${annName} on the whole document` })).toBeVisible();
  live.restore();
  const bobs = bob.getByRole('region', { name: /^Comments/ });
  await expect(bobs.getByRole('article', { name: `${annName} on the whole document` })).toContainText('May is tight.', { timeout: 30_000 });
});

test('people rewrite and delete their own comments, from the version they saw, and others see it live', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Plan', 'We hire two engineers in Q4.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  for (const text of ['First thought', 'Second thought']) {
    const started = await bob.request.post(`/api/docs/${id}/threads`, { data: { rev: 1, text } });
    expect(started.status()).toBe(201);
  }
  await open(bob, `/docs/${id}`);
  await open(ann, `/docs/${id}`);
  const first = bob.getByRole('article', { name: `${bobName} on the whole document` }).filter({ hasText: 'First thought' });
  // Ann (the owner) sees no way to change Bob's words; Bob does, on his own.
  await expect(ann.getByRole('article', { name: `${bobName} on the whole document` }).first()).toBeVisible();
  await expect(ann.getByRole('button', { name: 'Edit your comment' })).toHaveCount(0);

  // Bob starts rewriting his first comment; meanwhile it changes in another tab of his.
  await first.getByRole('button', { name: 'Edit your comment' }).click();
  await first.getByLabel('Your comment', { exact: true }).fill('First thought, revised');
  const threads = await (await bob.request.get(`/api/docs/${id}/threads`)).json();
  const comment = threads.items.find((t) => t.comments[0].text === 'First thought').comments[0];
  const elsewhere = await bob.request.put(`/api/docs/${id}/threads/${threads.items.find((t) => t.comments[0].id === comment.id).id}/comments/${comment.id}`, {
    headers: { 'If-Match': `"${comment.version}"` },
    data: { text: 'First thought (other tab)' },
  });
  expect(elsewhere.status()).toBe(200);
  // The thread is drawn again with it; his form stays open with his words, and saving
  // them over a version he has not seen is refused.
  const changed = bob.getByRole('article', { name: `${bobName} on the whole document` }).filter({ hasText: 'First thought (other tab)' });
  await expect(changed.getByLabel('Your comment', { exact: true })).toHaveValue('First thought, revised');
  await changed.getByRole('button', { name: 'Save comment' }).click();
  await expect(changed.getByRole('alert').first()).not.toBeEmpty();
  await expect(changed.getByLabel('Your comment', { exact: true })).toHaveValue('First thought, revised');
  // Reopened on the version he now sees, his rewrite goes through: Ann sees it, edited.
  await changed.getByRole('button', { name: 'Edit your comment' }).click();
  await changed.getByRole('button', { name: 'Edit your comment' }).click();
  await changed.getByLabel('Your comment', { exact: true }).fill('First thought, revised');
  await changed.getByRole('button', { name: 'Save comment' }).click();
  await expect(ann.getByText('First thought, revised')).toBeVisible();
  await expect(ann.getByText('(edited)')).toBeVisible();

  // Bob deletes the second: it is gone for both.
  bob.on('dialog', (dialog) => dialog.accept());
  const second = bob.getByRole('article', { name: `${bobName} on the whole document` }).filter({ hasText: 'Second thought' });
  await second.getByRole('button', { name: 'Delete your comment' }).click();
  await expect(bob.getByText('Second thought')).toHaveCount(0);
  await expect(ann.getByText('Second thought')).toHaveCount(0);
  await noViolations(bob, 'the read view with forms for his own comments');
});

test('on a wide screen each thread stands level with its passage, in the order of the text; on a phone threads follow the text', async ({ browser }) => {
  const filler = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} says little.`).join('\n\n');
  const body = `The plan starts here.\n\n${filler}\n\nThe budget stays.\n`;
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Plan', body, { openBob: false });
  await share(ann, id, bobName, 'viewer');
  // Started in another order than the text's: the budget first, then the whole document,
  // then the plan.
  for (const [quote, text] of [['The budget stays', 'Why?'], [null, 'Overall fine.'], ['The plan starts', 'Which plan?']]) {
    const anchor = quote ? { quote, occurrence: 0 } : undefined;
    const response = await ann.request.post(`/api/docs/${id}/threads`, { data: { rev: 1, text, anchor } });
    expect(response.status()).toBe(201);
  }
  await bob.setViewportSize({ width: 1280, height: 800 });
  await open(bob, `/docs/${id}`);
  const open_ = bob.getByRole('list', { name: 'Open threads' }).getByRole('article');
  await expect(open_).toHaveText([/Overall fine/, /Which plan/, /Why\?/]);
  const text = bob.getByRole('article', { name: 'Document', exact: true });
  const budget = text.locator('mark', { hasText: 'The budget stays' });
  const budgetThread = open_.filter({ hasText: 'Why?' });
  // Level with its passage, far down the text.
  await expect.poll(async () => {
    const [mark, thread] = [await budget.boundingBox(), await budgetThread.boundingBox()];
    return Math.round(Math.abs(thread!.y - mark!.y));
  }).toBeLessThanOrEqual(2);
  expect((await budgetThread.boundingBox())!.y).toBeGreaterThan((await text.boundingBox())!.y + 400);

  // On a phone the threads follow the text, one after another.
  await bob.setViewportSize({ width: 390, height: 844 });
  await expect.poll(async () => (await open_.first().boundingBox())!.y).toBeGreaterThan((await text.boundingBox())!.y + (await text.boundingBox())!.height);
  const [first, second] = [await open_.nth(1).boundingBox(), await open_.nth(2).boundingBox()];
  expect(second!.y - (first!.y + first!.height)).toBeLessThan(40);
  expect(await bob.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
