// Comments in the editor (issue 23): owners and editors comment on words selected in the
// body or on the whole document, see others' comments and replies arrive while they type,
// see a thread follow its passage through a save, and resolve and reopen threads.
import { expect, test, type Page } from '@playwright/test';
import { interceptLive, noViolations, open, twoPeople } from './helpers';

/** Selects `words` in the body field, as a person drags over them. */
async function selectInBody(page: Page, words: string): Promise<void> {
  await page.getByLabel('Body', { exact: true }).evaluate((area: HTMLTextAreaElement, words) => {
    const at = area.value.indexOf(words);
    if (at === -1) throw new Error(`"${words}" is not in the body`);
    area.focus();
    area.setSelectionRange(at, at + words.length);
  }, words);
}

test('in the editor, selected words are commented on, replies arrive while others type, and threads follow saves and are resolved', async ({ browser }) => {
  const body = 'We hire two engineers in Q4.\n\nThe budget stays.\n';
  const { ann, bob, annName, bobName } = await twoPeople(browser, 'Plan', body);

  // Ann selects words in the body, turns to the comment field and comments on them.
  await selectInBody(ann, 'two engineers');
  const comments = ann.getByRole('region', { name: /^Comments/ });
  const newComment = comments.getByLabel('New comment');
  await newComment.click();
  await expect(comments.getByText('On the words')).toContainText('two engineers');
  await newComment.fill('Why two?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  const annsThread = comments.getByRole('article', { name: `${annName} on a passage` });
  await expect(annsThread.locator('blockquote')).toHaveText('two engineers');
  await expect(newComment).toHaveValue('');
  await expect(comments.getByRole('heading', { name: 'Comments (1 open)' })).toBeVisible();

  // Bob's editor shows it without reloading; he starts a reply, and while Ann comments on
  // the whole document his reply keeps its words and its focus.
  const bobs = bob.getByRole('region', { name: /^Comments/ });
  const bobsThread = bobs.getByRole('article', { name: `${annName} on a passage` });
  await expect(bobsThread).toContainText('Why two?');
  const reply = bobsThread.getByLabel('Reply');
  await reply.fill(`@${annName} because of the roadmap`);
  await newComment.fill('And the budget?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(bobs.getByRole('article', { name: `${annName} on the whole document` })).toContainText('And the budget?');
  await expect(reply).toHaveValue(`@${annName} because of the roadmap`);
  await expect(reply).toBeFocused();
  await bobsThread.getByRole('button', { name: 'Reply' }).click();
  await expect(annsThread).toContainText(`@${annName} because of the roadmap`);
  await expect(annsThread).toContainText(bobName);
  // Ann was mentioned: her header's inbox count says so without a reload.
  await expect(ann.getByRole('link', { name: 'Inbox, 1 unread' })).toBeVisible();

  // Words typed since the last save cannot be commented on yet: it says so, nothing is sent.
  await ann.getByLabel('Body', { exact: true }).press('Control+End');
  await ann.keyboard.type('Hiring starts in May.');
  await selectInBody(ann, 'Hiring starts');
  await newComment.click();
  await expect(comments.getByText('save first, then comment on them').first()).toBeVisible();
  await newComment.fill('Too early?');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(comments.getByRole('alert').filter({ hasText: 'save first' })).toBeVisible();
  await expect(newComment).toHaveValue('Too early?');
  await comments.getByRole('button', { name: 'Comment on the whole document instead' }).click();
  await newComment.fill('');

  // Bob changes the passage and saves: Ann's thread says the text changed, with the words now.
  const bobsBody = bob.getByLabel('Body', { exact: true });
  await bobsBody.fill(body.replace('two engineers', 'three engineers'));
  await bob.keyboard.press('Control+s');
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 2');
  await expect(annsThread).toContainText('The text changed since this comment; it is now: “three engineers”');

  // Ann resolves her thread; Bob sees it folded under Resolved, and reopens it.
  await annsThread.getByRole('button', { name: 'Resolve' }).click();
  await expect(bobs.getByText('Resolved (1)')).toBeVisible();
  await expect(bobs.getByRole('heading', { name: 'Comments (1 open)' })).toBeVisible();
  await bobs.getByText('Resolved (1)').click();
  await bobs.getByRole('article', { name: `${annName} on a passage` }).getByRole('button', { name: 'Reopen' }).click();
  await expect(comments.getByRole('heading', { name: 'Comments (2 open)' })).toBeVisible();

  await noViolations(ann, 'the editor with comments');
  await ann.setViewportSize({ width: 390, height: 844 });
  const width = await ann.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `the editor is ${width}px wide`).toBeLessThanOrEqual(390);
});

test('comments made while the live connection was down show once it is back', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Patchy', 'We ship in May.\n', { openBob: false });
  const live = await interceptLive(bob);
  await open(bob, `/docs/${id}`);
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);
  const bobs = bob.getByRole('region', { name: /^Comments/ });
  await expect(bobs.getByRole('heading', { name: 'Comments' })).toBeVisible();

  await live.cut();
  await expect(bob.getByText('Live updates are reconnecting…')).toBeVisible();
  const comments = ann.getByRole('region', { name: /^Comments/ });
  await comments.getByLabel('New comment').fill('May is tight.');
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(comments.getByRole('article', { name: `${annName} on the whole document` })).toBeVisible();
  live.restore();

  await expect(bobs.getByRole('article', { name: `${annName} on the whole document` })).toContainText('May is tight.', { timeout: 30_000 });
});

test('the editor of a published document highlights commented passages, live, and a click leads to the thread', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Plan', 'We hire two engineers in Q4.\n\nThe budget stays.\n');
  const published = await ann.request.post(`/api/docs/${id}/transitions`, {
    headers: { 'If-Match': '"1"' },
    data: { to: 'published' },
  });
  expect(published.status()).toBe(200);
  const started = await ann.request.post(`/api/docs/${id}/threads`, {
    data: { rev: 2, anchor: { quote: 'two engineers', occurrence: 0 }, text: 'Why two?' },
  });
  expect(started.status()).toBe(201);

  // Ann opens her published document: its text, with the passage marked.
  await open(ann, `/docs/${id}`);
  const text = ann.getByRole('article', { name: 'Document' });
  const passage = text.locator('mark', { hasText: 'two engineers' });
  await expect(passage).toBeVisible();
  await passage.click();
  await expect(ann.getByRole('article', { name: `${annName} on a passage` })).toBeFocused();

  // Bob (an editor) comments on other words in his own editor: Ann's text marks them too.
  await open(bob, `/docs/${id}`);
  await bob.getByRole('button', { name: 'Edit' }).click();
  await selectInBody(bob, 'The budget');
  await bob.getByLabel('New comment').click();
  await bob.getByLabel('New comment').fill('Which budget?');
  await bob.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(text.locator('mark', { hasText: 'The budget' })).toBeVisible();
  await expect(ann.getByRole('article', { name: `${bobName} on a passage` })).toContainText('Which budget?');
  await noViolations(ann, "the editor's read view with highlighted passages");
});

test('in the editor, people rewrite and delete their own comments; an edit from an older version is refused and kept', async ({ browser }) => {
  const { ann, bob, annName, id } = await twoPeople(browser, 'Plan', 'We hire two engineers in Q4.\n');
  const started = await ann.request.post(`/api/docs/${id}/threads`, { data: { rev: 1, text: 'Check the budget' } });
  expect(started.status()).toBe(201);
  const thread = await started.json();
  await open(ann, `/docs/${id}`);
  const mine = ann.getByRole('article', { name: `${annName} on the whole document` });
  await expect(mine).toContainText('Check the budget');
  // Bob, an editor, cannot change Ann's words.
  await expect(bob.getByRole('article', { name: `${annName} on the whole document` })).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Edit your comment' })).toHaveCount(0);

  // Ann starts rewriting; meanwhile her comment changes elsewhere (another tab of hers).
  await mine.getByRole('button', { name: 'Edit your comment' }).click();
  await mine.getByLabel('Your comment', { exact: true }).fill('Check the budget twice');
  const comment = thread.comments[0];
  const elsewhere = await ann.request.put(`/api/docs/${id}/threads/${thread.id}/comments/${comment.id}`, {
    headers: { 'If-Match': `"${comment.version}"` },
    data: { text: 'Check the budget (from my other tab)' },
  });
  expect(elsewhere.status()).toBe(200);
  // The change elsewhere redraws the thread, and what she is typing stays.
  await expect(mine).toContainText('from my other tab');
  await expect(mine.getByLabel('Your comment', { exact: true })).toHaveValue('Check the budget twice');
  await mine.getByRole('button', { name: 'Save comment' }).click();
  await expect(mine.getByRole('alert')).toBeVisible();
  await expect(mine.getByLabel('Your comment', { exact: true })).toHaveValue('Check the budget twice');

  // She cancels, then deletes the comment: the thread is gone for Bob too.
  await mine.getByRole('button', { name: 'Cancel' }).click();
  ann.on('dialog', (dialog) => dialog.accept());
  await mine.getByRole('button', { name: 'Delete your comment' }).click();
  await expect(ann.getByRole('article', { name: `${annName} on the whole document` })).toHaveCount(0);
  await expect(bob.getByRole('article', { name: `${annName} on the whole document` })).toHaveCount(0);
});
