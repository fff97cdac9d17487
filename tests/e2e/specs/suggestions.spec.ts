// Suggestions (issue 24): a viewer proposes changes from the read view without changing
// the document; the owner sees them arrive live in the editor, accepts some changes and
// rejects the rest, one by one; the history says whose suggestion was accepted; a change
// outdated by the owner's own edit cannot be accepted blindly.
import { expect, test } from '@playwright/test';
import { formBody, noViolations, open, share, signUp, twoPeople } from './helpers';

test('a viewer suggests three changes; the owner accepts two and rejects one, live, and history names the suggester', async ({ browser }) => {
  const body = 'We hire two engineers in Q4.\n\nThe budget stays flat.\n\nReview in May.\n';
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Plan', body, { openBob: false });
  await share(ann, id, bobName, 'viewer');
  await open(ann, `/docs/${id}`);
  const annsSuggestions = ann.getByRole('region', { name: /^Suggestions/ });
  await expect(annsSuggestions).toHaveCount(0);

  // Bob, reading, opens "Suggest changes": the form holds the text as it is.
  await open(bob, `/docs/${id}`);
  await bob.getByText('Suggest changes', { exact: true }).click();
  const form = bob.getByRole('form', { name: 'Suggest changes' });
  const text = form.getByLabel('Text');
  await expect(text).toHaveValue(body);
  await text.fill('We hire three engineers in Q4.\n\nThe budget grows a little.\n\nReview in June.\n');
  await form.getByLabel('Why (optional)').fill('Numbers from the plan.');
  await noViolations(bob, 'the read view with the suggestion form open');
  await form.getByRole('button', { name: 'Submit suggestion' }).click();
  const bobsList = bob.getByRole('region', { name: /^Suggestions/ });
  await expect(bobsList.getByRole('heading', { name: `${bobName} suggests 3 changes (on revision 1)` })).toBeVisible();
  await expect(bob.getByRole('article', { name: 'Document', exact: true })).toContainText('two engineers');

  // Ann's editor shows it without a reload, each change word by word.
  await expect(annsSuggestions.getByRole('heading', { name: `${bobName} suggests 3 changes (on revision 1)` })).toBeVisible();
  // Its heading counts what is left to decide.
  const suggestion = annsSuggestions.getByRole('article', { name: new RegExp(`^${bobName} suggests`) });
  await expect(suggestion).toContainText('Numbers from the plan.');
  const hunks = suggestion.getByRole('listitem');
  await expect(hunks).toHaveCount(3);
  await expect(hunks.first().locator('del')).toHaveText('two');
  await expect(hunks.first().locator('ins')).toHaveText('three');
  await noViolations(ann, 'the editor with a suggestion');

  // She accepts the first and the last, and rejects the middle one.
  await suggestion.getByRole('button', { name: 'Accept change 1 of 3, in the body' }).click();
  await expect(formBody(ann)).toHaveValue(/three engineers/);
  await suggestion.getByRole('button', { name: 'Accept change 3 of 3, in the body' }).click();
  await expect(formBody(ann)).toHaveValue(/Review in June/);
  await suggestion.getByRole('button', { name: 'Reject change 2 of 3, in the body' }).click();
  // Every change decided, the suggestion closes and leaves the list.
  await expect(annsSuggestions).toHaveCount(0);
  await expect(formBody(ann)).toHaveValue('We hire three engineers in Q4.\n\nThe budget stays flat.\n\nReview in June.\n');
  // Bob's page follows: the text with the accepted changes, no open suggestion.
  await expect(bob.getByRole('article', { name: 'Document', exact: true })).toContainText('Review in June.');
  await expect(bobsList.getByText('No open suggestions.')).toBeVisible();

  await open(ann, `/docs/${id}/history`);
  await expect(ann.getByRole('row', { name: /Revision 3/ })).toContainText(`accepting ${bobName}'s suggestion`);
});

test('a change outdated by an edit since is shown as such and cannot be accepted, the others can', async ({ browser }) => {
  const body = 'One two.\n\nThree four.\n';
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Plan', body, { openBob: false });
  await share(ann, id, bobName, 'viewer');
  const made = await bob.request.post(`/api/docs/${id}/suggestions`, {
    data: { base_rev: 1, body: 'One 2.\n\nThree 4.\n' },
  });
  expect(made.status()).toBe(201);
  // Ann rewrote "two" herself meanwhile.
  const doc = await (await ann.request.get(`/api/docs/${id}`)).json();
  const saved = await ann.request.put(`/api/docs/${id}`, {
    headers: { 'If-Match': '"1"' },
    data: { title: doc.title, slug: doc.slug, tags: doc.tags, body: 'One deux.\n\nThree four.\n' },
  });
  expect(saved.status()).toBe(200);
  await open(ann, `/docs/${id}`);
  const suggestion = ann.getByRole('region', { name: /^Suggestions/ }).getByRole('article');
  await expect(suggestion.getByText(/^Outdated: the text changed here/)).toBeVisible();
  await expect(suggestion.getByRole('button', { name: 'Accept change 1 of 2, in the body' })).toHaveCount(0);
  await suggestion.getByRole('button', { name: 'Accept all' }).click();
  await expect(formBody(ann)).toHaveValue('One deux.\n\nThree 4.\n');
  await expect(suggestion.getByText(`Accepted by`)).toBeVisible();
});

test('the owner requires an approval; publishing waits for it; the reviewer, a viewer, approves from the read view', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Policy', 'Version one.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  await open(ann, `/docs/${id}`);
  const review = ann.getByRole('region', { name: 'Review' });
  await review.getByText('Review settings', { exact: true }).click();
  const settings = review.getByRole('form', { name: 'Review settings' });
  await settings.getByLabel('Require an approval before publishing').check();
  await settings.getByLabel('Reviewers, separated by commas').fill(bobName);
  await settings.getByRole('button', { name: 'Apply review settings' }).click();
  await expect(review).toContainText(`Publishing needs an approval of revision 1 from ${bobName}.`);
  await noViolations(ann, 'the editor with review settings');

  // Publishing now is refused, saying what is missing; nothing changes.
  const status = ann.getByRole('group', { name: 'Status' });
  await status.getByRole('button', { name: 'Publish' }).click();
  await expect(ann.getByText(`Publishing needs an approval of revision 1 from one of the named reviewers (${bobName}).`)).toBeVisible();
  await expect(status).toContainText('draft');

  // Bob reads it and approves revision 1, with a word.
  await open(bob, `/docs/${id}`);
  const bobsReview = bob.getByRole('region', { name: 'Review' });
  await expect(bobsReview).toContainText(`Publishing needs an approval of revision 1 from ${bobName}.`);
  await noViolations(bob, 'the read view with the review form');
  await bobsReview.getByLabel('Your review of revision 1').fill('Reads well.');
  await bobsReview.getByRole('button', { name: 'Approve revision 1' }).click();
  await expect(bobsReview.getByRole('list', { name: 'Reviews' })).toContainText(`${bobName} approved revision 1`);

  // Ann's editor hears of it live; now it publishes.
  await expect(review).toContainText('Revision 1 is approved: it can be published.');
  await expect(review).toContainText('Reads well.');
  await status.getByRole('button', { name: 'Publish' }).click();
  await expect(ann.getByRole('status').filter({ hasText: 'Published — revision 2' })).toBeVisible();
  // The approval was of revision 1: it shows as outdated, with what changed since.
  await expect(review.getByRole('list', { name: 'Reviews' })).toContainText(`${bobName} approved revision 1 (outdated`);
  await expect(review.getByRole('link', { name: 'Changes since revision 1' })).toHaveAttribute('href', `/docs/${id}/history?from=1&to=2`);
});

test('on a phone, a reader suggests changes and sees them listed without sideways scrolling', async ({ browser }) => {
  const { ann, bobName, id } = await twoPeople(browser, 'Plan', 'We hire two engineers in Q4.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const catName = `${bobName}-phone`;
  await signUp(phone, catName, undefined, { openList: false });
  await share(ann, id, catName, 'viewer');
  await open(phone, `/docs/${id}`);
  await phone.getByText('Suggest changes', { exact: true }).click();
  const form = phone.getByRole('form', { name: 'Suggest changes' });
  await expect(form.getByLabel('Text')).toHaveValue('We hire two engineers in Q4.\n');
  await form.getByLabel('Text').fill('We hire three engineers in Q4, starting with a very long explanation that wraps on a narrow screen.\n');
  await form.getByRole('button', { name: 'Submit suggestion' }).click();
  const listed = phone.getByRole('region', { name: /^Suggestions/ }).getByRole('article');
  await expect(listed.locator('ins').first()).toHaveText('three');
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await noViolations(phone, 'the read view on a phone with a suggestion');
  // Its author thinks better of it and withdraws it.
  await listed.getByRole('button', { name: 'Withdraw my suggestion' }).click();
  await expect(phone.getByRole('region', { name: /^Suggestions/ }).getByText('No open suggestions.')).toBeVisible();
});

test('an editor suggests from the editor instead of saving; the owner accepts it live', async ({ browser }) => {
  const body = 'We meet on Monday.\n\nBring the figures.\n';
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Meeting', body);
  await open(ann, `/docs/${id}`);
  // Bob, an editor, chooses to suggest: the button says what it does now.
  const mode = bob.getByRole('group', { name: 'Your changes' });
  await mode.getByRole('radio', { name: /^Suggest/ }).check();
  await expect(bob.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await formBody(bob).fill('We meet on Tuesday.\n\nBring the figures.\n');
  await bob.getByLabel('Note for the reviewers (optional)').fill('Monday is a holiday.');
  await noViolations(bob, 'the editor while suggesting');
  await bob.getByRole('button', { name: 'Submit suggestion' }).click();
  await expect(bob.getByRole('status').filter({ hasText: 'Suggestion submitted: 1 change' })).toBeVisible();
  // The document did not change; the form shows it as saved, the suggestion below.
  await expect(formBody(bob)).toHaveValue(body);
  await expect(bob.getByText(/^Revision 1 ·/)).toBeVisible();
  const bobsOwn = bob.getByRole('region', { name: /^Suggestions/ }).getByRole('article');
  await expect(bobsOwn.getByRole('button', { name: 'Update my suggestion' })).toBeVisible();

  // Ann sees it arrive, her inbox badge too, and accepts it; Bob's form takes the new
  // revision and his badge says he was told.
  await expect(ann.getByRole('link', { name: 'Inbox, 1 unread' })).toBeVisible();
  // Bob was told of the share before.
  await expect(bob.getByRole('link', { name: 'Inbox, 1 unread' })).toBeVisible();
  const suggestion = ann.getByRole('region', { name: /^Suggestions/ }).getByRole('article', { name: new RegExp(`^${bobName} suggests`) });
  await expect(suggestion).toContainText('Monday is a holiday.');
  await suggestion.getByRole('button', { name: 'Accept all' }).click();
  await expect(formBody(ann)).toHaveValue('We meet on Tuesday.\n\nBring the figures.\n');
  await expect(formBody(bob)).toHaveValue('We meet on Tuesday.\n\nBring the figures.\n');
  await expect(bob.getByText(/^Revision 2 ·/)).toBeVisible();
  await expect(bob.getByRole('link', { name: 'Inbox, 2 unread' })).toBeVisible();
});

test('a published document under review changes only through suggestions, accepted by the named reviewer', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Policy', 'Leave is 25 days.\n', { openBob: false });
  // Bob reviews; he approved revision 1 and Ann published it.
  const set = await ann.request.put(`/api/docs/${id}/reviews`, { data: { required: true, reviewers: [bobName] } });
  expect(set.status()).toBe(200);
  const approved = await bob.request.post(`/api/docs/${id}/reviews`, { data: { rev: 1, verdict: 'approved' } });
  expect(approved.status()).toBe(200);
  const published = await ann.request.post(`/api/docs/${id}/transitions`, { headers: { 'If-Match': '"1"' }, data: { to: 'published' } });
  expect(published.status()).toBe(200);

  // Ann, its owner, can only suggest now, and is told why.
  await open(ann, `/docs/${id}`);
  await expect(ann.getByText('This published document requires approval: changes to it go through suggestions, which a named reviewer accepts.')).toBeVisible();
  await expect(ann.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
  await ann.getByRole('button', { name: 'Suggest changes' }).click();
  await expect(ann.getByRole('group', { name: 'Your changes' })).toHaveCount(0);
  await formBody(ann).fill('Leave is 27 days.\n');
  await ann.keyboard.press('Control+s');
  await expect(ann.getByRole('status').filter({ hasText: 'Suggestion submitted: 1 change' })).toBeVisible();
  const annsList = ann.getByRole('region', { name: /^Suggestions/ }).getByRole('article');
  // Her own suggestion waits for the reviewer: no Accept for her.
  await expect(annsList.getByRole('button', { name: 'Update my suggestion' })).toBeVisible();
  await expect(annsList.getByRole('button', { name: /^Accept/ })).toHaveCount(0);

  // Bob accepts it; the published text changes and Ann's page follows.
  await open(bob, `/docs/${id}`);
  const bobsList = bob.getByRole('region', { name: /^Suggestions/ }).getByRole('article');
  await expect(bobsList.getByRole('heading')).toHaveText(/suggests 1 change \(on revision 2\)$/);
  await bobsList.getByRole('button', { name: 'Accept change 1 of 1, in the body' }).click();
  // Ann's form, suggesting still, follows it.
  await expect(formBody(ann)).toHaveValue('Leave is 27 days.\n');
  const doc = await (await ann.request.get(`/api/docs/${id}`)).json();
  expect(doc.status).toBe('published');
  expect(doc.body).toBe('Leave is 27 days.\n');
});

test('the author updates an outdated suggestion through the panel; it replaces the old one', async ({ browser }) => {
  const { ann, bob, bobName, id } = await twoPeople(browser, 'Plan', 'One two.\n\nThree four.\n', { openBob: false });
  const made = await bob.request.post(`/api/docs/${id}/suggestions`, { data: { base_rev: 1, body: 'One 2.\n\nThree 4.\n' } });
  expect(made.status()).toBe(201);
  // Ann rewrote "two" meanwhile: Bob's first change is outdated.
  const saved = await ann.request.put(`/api/docs/${id}`, {
    headers: { 'If-Match': '"1"' },
    data: { title: 'Plan', slug: (await (await ann.request.get(`/api/docs/${id}`)).json()).slug, tags: [], body: 'One deux.\n\nThree four.\n' },
  });
  expect(saved.status()).toBe(200);
  await open(bob, `/docs/${id}`);
  const own = bob.getByRole('region', { name: /^Suggestions/ }).getByRole('article');
  await expect(own.getByText(/^Outdated: the text changed here/)).toBeVisible();
  await own.getByRole('button', { name: 'Update my suggestion' }).click();
  // His values meet Ann's edit in the panel; he keeps his word and suggests the result.
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  await panel.getByRole('group', { name: /^Conflict 1 of 1/ }).getByRole('radio', { name: 'Keep mine' }).check();
  await panel.getByRole('button', { name: 'Suggest merged' }).first().click();
  await expect(bob.getByRole('status').filter({ hasText: 'Suggestion updated: 2 changes' })).toBeVisible();

  // Ann sees one open suggestion, on revision 2, every change of it acceptable.
  await open(ann, `/docs/${id}`);
  const list = ann.getByRole('region', { name: /^Suggestions/ });
  await expect(list.getByRole('heading', { name: `${bobName} suggests 2 changes (on revision 2)` })).toBeVisible();
  await expect(list.getByRole('article')).toHaveCount(1);
  await list.getByRole('button', { name: 'Accept all' }).click();
  await expect(formBody(ann)).toHaveValue('One 2.\n\nThree 4.\n');
});

test('the author withdraws a suggestion from the editor; it leaves the owner\'s list live', async ({ browser }) => {
  const { ann, bob, id } = await twoPeople(browser, 'Plan', 'One two.\n', { openBob: false });
  const made = await bob.request.post(`/api/docs/${id}/suggestions`, { data: { base_rev: 1, body: 'One 2.\n' } });
  expect(made.status()).toBe(201);
  await open(ann, `/docs/${id}`);
  await expect(ann.getByRole('region', { name: /^Suggestions/ })).toBeVisible();
  await open(bob, `/docs/${id}`);
  await bob.getByRole('region', { name: /^Suggestions/ }).getByRole('button', { name: 'Withdraw my suggestion' }).click();
  await expect(bob.getByRole('region', { name: /^Suggestions/ })).toHaveCount(0);
  await expect(ann.getByRole('region', { name: /^Suggestions/ })).toHaveCount(0);
});

test('an editor who chose to suggest and reloads gets their text back still suggesting', async ({ browser }) => {
  const { bob } = await twoPeople(browser, 'Plan', 'One two.\n');
  await bob.getByRole('group', { name: 'Your changes' }).getByRole('radio', { name: /^Suggest/ }).check();
  await formBody(bob).fill('One 2.\n');
  await bob.reload();
  await bob.getByRole('region', { name: 'Unsaved changes' }).getByRole('button', { name: 'Restore my changes' }).click();
  await expect(formBody(bob)).toHaveValue('One 2.\n');
  await expect(bob.getByRole('group', { name: 'Your changes' }).getByRole('radio', { name: /^Suggest/ })).toBeChecked();
  await expect(bob.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await bob.getByRole('button', { name: 'Submit suggestion' }).click();
  await expect(bob.getByRole('status').filter({ hasText: 'Suggestion submitted: 1 change' })).toBeVisible();
});
