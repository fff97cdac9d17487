// Two people on two server instances of one PostgreSQL database, as behind a load
// balancer: presence, the "changed before you save" banner and the conflict panel work
// exactly as on one instance, and so do others' saves merging into an open edit. Runs when scripts/test provides the database (E2E_PG_URL).
import { expect, test, type Browser } from '@playwright/test';
import { arrivalsWait, createDoc, open, share, signUp, uniqueName } from './helpers';

const A = process.env.E2E_INSTANCE_A!;
const B = process.env.E2E_INSTANCE_B!;

test.skip(!process.env.E2E_PG_URL, 'needs the PostgreSQL instances scripts/test starts');

async function personOn(browser: Browser, baseURL: string, prefix: string, follow = false) {
  const context = await browser.newContext({ baseURL });
  if (!follow) {
    await arrivalsWait(context);
  }
  const page = await context.newPage();
  const name = uniqueName(prefix);
  await signUp(page, name);
  return { page, name };
}

test('two people on two instances see each other, hear each other\'s saves and resolve a conflict', async ({ browser }) => {
  const { page: ann, name: annName } = await personOn(browser, A, 'ann');
  const { page: bob, name: bobName } = await personOn(browser, B, 'bob');
  const id = await createDoc(ann, 'Across instances', 'Intro\nThe budget is 10.\nMiddle\nEnd\n');
  await share(ann, id, bobName);
  await open(bob, `/docs/${id}`);

  await expect(ann.getByRole('region', { name: 'Who is here' })).toContainText(bobName);
  await expect(bob.getByRole('region', { name: 'Who is here' })).toContainText(annName);
  await bob.getByLabel('Body').fill('Intro\nThe budget is 15.\nMiddle\nEnd\n');
  await expect(ann.getByRole('region', { name: 'Who is here' })).toContainText(`${bobName} — editing`);

  await ann.getByLabel('Body').fill('Intro\nThe budget is 12.\nMiddle\nEnd, signed by Ann\n');
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 2');
  await expect(bob.getByRole('region', { name: 'Changes by others' })).toContainText(
    `${annName} saved revision 2, changing body, while you were editing revision 1.`,
  );

  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  const panel = bob.getByRole('region', { name: 'Your save met a newer revision' });
  const hunk = panel.getByRole('group', { name: 'Conflict 1 of 1, at line 2' });
  await expect(hunk).toBeVisible();
  await hunk.getByRole('radio', { name: 'Keep mine' }).check();
  await panel.getByRole('button', { name: 'Save merged' }).first().click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 3');

  const stored = await (await ann.request.get(`/api/docs/${id}`)).json();
  expect(stored.body).toBe('Intro\nThe budget is 15.\nMiddle\nEnd, signed by Ann\n');
  // Ann has nothing unsaved: Bob's merge comes into her page in place.
  await expect(ann.getByRole('status')).toHaveText(`Updated to revision 3, saved by ${bobName}.`);
  await expect(ann.getByLabel('Body')).toHaveValue('Intro\nThe budget is 15.\nMiddle\nEnd, signed by Ann\n');
});

test('one person with the document open on two instances sees themself elsewhere in presence', async ({ browser }) => {
  const name = uniqueName('cat');
  const onA = await (await browser.newContext({ baseURL: A })).newPage();
  await signUp(onA, name);
  const id = await createDoc(onA, 'Two devices', 'Hello');
  const onB = await (await browser.newContext({ baseURL: B })).newPage();
  await open(onB, '/login');
  await onB.getByLabel('Name').fill(name);
  await onB.getByLabel('Password').fill('correct horse battery');
  await onB.getByRole('button', { name: 'Sign in' }).click();
  await expect(onB.getByRole('heading', { name: 'Documents' })).toBeVisible();
  await open(onB, `/docs/${id}`);

  await expect(onA.getByRole('region', { name: 'Who is here' })).toContainText('You (in another tab or window)');
  await expect(onB.getByRole('region', { name: 'Who is here' })).toContainText('You (in another tab or window)');
  await onB.close();
  await expect(onA.getByRole('region', { name: 'Who is here' })).toContainText('Only you are here.');
});

test('saves on one instance merge into the text typed on the other, and a clash shows at once', async ({ browser }) => {
  const { page: ann, name: annName } = await personOn(browser, A, 'ann', true);
  const { page: bob, name: bobName } = await personOn(browser, B, 'bob', true);
  const body = 'One.\nTwo.\nThree.\nFour.\n';
  const id = await createDoc(ann, 'Live across instances', body);
  await share(ann, id, bobName);
  await open(bob, `/docs/${id}`);
  const bobBody = bob.getByRole('form', { name: 'Edit document' }).getByLabel('Body');
  await bobBody.click();
  await bob.keyboard.press('Control+End');
  const typing = bob.keyboard.type('Five, typed by Bob while Ann saves on the other instance.', { delay: 50 });
  const annBody = ann.getByRole('form', { name: 'Edit document' }).getByLabel('Body');
  let expected = body;
  for (const [n, word] of [[1, 'One'], [2, 'Two']] as const) {
    expected = expected.replace(`${word}.`, `${word}, by Ann.`);
    await annBody.fill(expected);
    await ann.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(ann.getByRole('status')).toHaveText(`Saved as revision ${n + 1}`);
  }
  await typing;
  await expect(bobBody).toHaveValue(`${expected}Five, typed by Bob while Ann saves on the other instance.`);
  await expect(bob.getByRole('region', { name: 'Merged while you typed' })).toContainText(`${annName} changed line 2 (revision 3)`);

  // Both change line 3: Bob's words stay, and the clash is there before Bob saves.
  await bobBody.fill(`${expected.replace('Three.', 'Three, says Bob.')}Five, typed by Bob while Ann saves on the other instance.`);
  await annBody.fill(expected.replace('Three.', 'Three, says Ann.'));
  await ann.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(ann.getByRole('status')).toHaveText('Saved as revision 4');
  const clash = bob.getByRole('region', { name: 'Also changed by somebody else' });
  await expect(clash).toContainText(`${annName} saved revision 4`);
  await expect(bobBody).toHaveValue(`${expected.replace('Three.', 'Three, says Bob.')}Five, typed by Bob while Ann saves on the other instance.`);
  await clash.getByRole('radio', { name: 'Take theirs' }).check();
  await clash.getByRole('button', { name: 'Apply my choices' }).first().click();
  await bob.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(bob.getByRole('status')).toHaveText('Saved as revision 5');
  const stored = await (await bob.request.get(`/api/docs/${id}`)).json();
  expect(stored.body).toBe(`${expected.replace('Three.', 'Three, says Ann.')}Five, typed by Bob while Ann saves on the other instance.`);
});
