// Sharing as a team does it: names suggested while typing, and role changes that reach
// the other person's open page at once, without losing what they typed.
import { expect, test } from '@playwright/test';
import { formBody, open, signUp, twoPeople, uniqueName } from './helpers';

test('sharing suggests existing names while typing', async ({ browser }) => {
  const { ann, id } = await twoPeople(browser, 'Suggest names', 'Text', { openBob: false });
  const carol = await (await browser.newContext()).newPage();
  const carolName = uniqueName('carol');
  await signUp(carol, carolName);

  await open(ann, `/docs/${id}`);
  await ann.getByText('Sharing').click();
  await ann.getByLabel('User name').fill(carolName.slice(0, 9).toUpperCase());
  const matching = ann.getByRole('list', { name: 'Matching people' });
  await matching.getByRole('button', { name: carolName }).click();
  await expect(ann.getByLabel('User name')).toHaveValue(carolName);
  await ann.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(ann.getByText(`${carolName} is now a viewer.`)).toBeVisible();
  await expect(ann.getByRole('list', { name: 'Members' })).toContainText(carolName);
});

test('a role changed while the editor is open takes effect at once, and removal keeps the text', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, `Roles ${uniqueName('r')}`, 'one');
  // Bob reads the draft in the form and starts typing.
  await formBody(bob).fill('one, and what Bob is typing');
  const save = bob.getByRole('button', { name: 'Save', exact: true });
  await expect(save).toBeEnabled();

  await open(ann, `/docs/${id}`);
  await ann.getByText('Sharing').click();
  await ann.getByLabel(`Role for ${bobName}`).selectOption('viewer');
  await expect(bob.getByRole('status').last()).toHaveText(
    `${annName} made you a viewer: you can read this document and suggest changes, but no longer change it directly. Your unsaved text stays on this page: submit it as a suggestion or save it as a copy.`,
  );
  // Saving directly is gone; his text can still be suggested.
  await expect(save).toHaveCount(0);
  await expect(bob.getByRole('button', { name: 'Submit suggestion' })).toBeEnabled();
  await expect(formBody(bob)).toHaveValue('one, and what Bob is typing');

  await ann.getByLabel(`Role for ${bobName}`).selectOption('editor');
  await expect(bob.getByRole('status').last()).toHaveText(`${annName} made you an editor: you can change this document now.`);
  await expect(save).toBeEnabled();

  await ann.getByRole('button', { name: `Remove ${bobName}` }).click();
  const gone = bob.getByRole('region', { name: 'No longer shared' });
  await expect(gone).toBeVisible();
  await expect(save).toBeDisabled();
  await expect(formBody(bob)).toHaveValue('one, and what Bob is typing');
  await gone.getByRole('button', { name: 'Save my text as a new document' }).click();
  await bob.getByRole('link', { name: /^Open your version/ }).click();
  await expect(formBody(bob)).toHaveValue(/one, and what Bob is typing$/);
});
