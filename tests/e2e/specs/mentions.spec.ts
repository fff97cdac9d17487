// Mentions while typing a comment (issue 23): `@` offers the people who can read the
// document, picked by keyboard or pointer, in the read view and in the editor; a mention of
// someone who cannot read it says, under the comment, that it reached nobody.
import { expect, test } from '@playwright/test';
import { noViolations, open, share, signUp, twoPeople, uniqueName } from './helpers';

test('typing @ offers the readers of the document in the read view and the editor; a mention of anyone else says it reached nobody', async ({ browser }) => {
  const { ann, bob, annName, bobName, id } = await twoPeople(browser, 'Plan', 'We hire two engineers.\n', { openBob: false });
  await share(ann, id, bobName, 'viewer');
  // Dan has an account but no access to the document.
  const dan = await (await browser.newContext()).newPage();
  const danName = uniqueName('dan');
  await signUp(dan, danName, undefined, { openList: false });

  // Bob, reading, starts a name after `@`: Ann, who can read it, is offered; he picks her
  // with Enter and the field holds her whole name.
  await open(bob, `/docs/${id}`);
  const comments = bob.getByRole('region', { name: /^Comments/ });
  const field = comments.getByLabel('New comment');
  await field.click();
  await field.pressSequentially(`Ask @${annName.slice(0, 4)}`);
  const offered = comments.getByRole('listbox', { name: 'People to mention' });
  await expect(offered.getByRole('option')).toHaveText([`@${annName}`]);
  await expect(comments.getByRole('status').filter({ hasText: 'can be mentioned' })).toHaveText(
    '1 person can be mentioned: Enter picks, Escape closes.',
  );
  await expect(field).toHaveAttribute('aria-activedescendant', /people-0$/);
  await noViolations(bob, 'the read view offering people to mention');
  await field.press('Enter');
  await expect(field).toHaveValue(`Ask @${annName} `);
  await expect(offered).toBeHidden();

  // Dan cannot read it: nobody is offered, and the page says what such a mention does.
  await field.pressSequentially(`and @${danName.slice(0, 5)}`);
  await expect(comments.getByText(`Nobody who can read this document has a name starting with “${danName.slice(0, 5)}”`)).toBeVisible();
  await field.pressSequentially(`${danName.slice(5)}?`);
  await comments.getByRole('button', { name: 'Comment', exact: true }).click();
  const bobsThread = comments.getByRole('article', { name: `${bobName} on the whole document` });
  await expect(bobsThread).toContainText(`Ask @${annName} and @${danName}?`);
  await expect(bobsThread).toContainText(`@${danName} cannot read this document and was not told.`);

  // Ann gives Dan access; in her editor, `@` alone offers everyone else who can read it:
  // arrows choose, Enter picks, and a press on a name picks it too.
  await share(ann, id, danName, 'viewer');
  await open(ann, `/docs/${id}`);
  const annsThread = ann.getByRole('region', { name: /^Comments/ }).getByRole('article', { name: `${bobName} on the whole document` });
  // Now a reader, Dan is no longer said to be out of reach.
  await expect(annsThread).toContainText(`Ask @${annName}`);
  await expect(annsThread.getByText('cannot read this document')).toHaveCount(0);
  const reply = annsThread.getByLabel('Reply');
  await reply.click();
  await reply.pressSequentially('@');
  const annOffered = annsThread.getByRole('listbox', { name: 'People to mention' });
  await expect(annOffered.getByRole('option')).toHaveText([`@${bobName}`, `@${danName}`]);
  await expect(annOffered.getByRole('option', { selected: true })).toHaveText(`@${bobName}`);
  await reply.press('ArrowDown');
  await expect(annOffered.getByRole('option', { selected: true })).toHaveText(`@${danName}`);
  await reply.press('Enter');
  await expect(reply).toHaveValue(`@${danName} `);
  await reply.pressSequentially('and @b');
  await annOffered.getByRole('option', { name: `@${bobName}` }).click();
  await expect(reply).toHaveValue(`@${danName} and @${bobName} `);
  await expect(reply).toBeFocused();
  await noViolations(ann, 'the editor after picking a person to mention');
  await annsThread.getByRole('button', { name: 'Reply' }).click();
  await expect(annsThread).toContainText(`@${danName} and @${bobName}`);
  // Dan was mentioned while he could read it: his inbox says so.
  const inbox = await (await dan.request.get('/api/notifications')).json();
  expect(inbox.items.map((n: { kind: string }) => n.kind)).toEqual(['mention', 'shared']);
});
