import { expect, test } from '@playwright/test';
import { arrivalsWait, createDoc, open, share, signUp, uniqueName } from './helpers';

test('when somebody else saves first, the stale save names them and keeps every typed word', async ({ browser }) => {
  const annContext = await browser.newContext();
  const bobContext = await browser.newContext();
  await arrivalsWait(annContext);
  await arrivalsWait(bobContext);
  const ann = await annContext.newPage();
  const bob = await bobContext.newPage();
  const annName = uniqueName('ann');
  await signUp(ann, annName);
  const bobName = uniqueName('bob');
  await signUp(bob, bobName);

  const id = await createDoc(ann, 'Shared doc', 'Line one\nLine two');
  await share(ann, id, bobName);
  await open(bob, `/docs/${id}`);
  await expect(bob.getByText(/^Revision 1 ·/)).toBeVisible();

  // Bob starts editing revision 1 (so a newer one is not taken into his form)...
  const bobText = 'Line one\nLine two\nBob adds a third line';
  await bob.getByLabel('Body').fill(bobText);
  await bob.getByLabel('Title').fill('Shared doc, Bob edition');

  // ...Ann saves first...
  await ann.getByLabel('Body').fill('Line one\nLine two, revised by Ann');
  await ann.getByRole('button', { name: 'Save' }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');

  // ...and Bob, still on revision 1, saves his own change.
  await bob.getByRole('button', { name: 'Save' }).click();

  const alert = bob.getByRole('alert');
  await expect(alert).toContainText(`${annName} saved revision 2 while you were editing revision 1.`);
  await expect(bob.getByLabel('Body')).toHaveValue(bobText);
  await expect(bob.getByLabel('Title')).toHaveValue('Shared doc, Bob edition');
  await expect(bob.getByRole('status')).toContainText('Not saved');

  // Nothing of Bob's overwrote Ann's revision.
  const stored = await (await ann.request.get(`/api/docs/${id}`)).json();
  expect(stored.rev).toBe(2);
  expect(stored.body).toBe('Line one\nLine two, revised by Ann');
  expect(stored.title).toBe('Shared doc');

  await annContext.close();
  await bobContext.close();
});
