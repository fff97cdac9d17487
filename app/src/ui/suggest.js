// A reader suggests changes (issue 24; inline, under the page's nonce): opened, the form
// takes the document's current values and remembers their revision; sent, the suggestion
// names that revision, so changes saved meanwhile are never undone by it. A refusal is
// said beside the form and what was typed stays.
(() => {
  const page = document.querySelector('[data-reader]');
  const form = document.querySelector('[data-suggest]');
  if (!page) return;
  // An archived document takes no suggestions: no form.
  const url = form && `/api/docs/${encodeURIComponent(form.dataset.suggest)}`;
  const error = form?.querySelector('[data-error]');
  const details = form?.closest('details');
  const tagList = (text) => text.split(',').map((t) => t.trim()).filter(Boolean);

  details?.addEventListener('toggle', async () => {
    if (!details.open || form.dataset.base) return;
    try {
      const answer = await fetch(url, { headers: { Accept: 'application/json' } });
      if (!answer.ok) throw new Error();
      const doc = await answer.json();
      form.elements.title.value = doc.title;
      form.elements.tags.value = doc.tags.join(', ');
      form.elements.body.value = doc.body;
      form.dataset.base = String(doc.rev);
      error.textContent = '';
    } catch {
      error.textContent = 'Could not load the document to suggest on. Close this and open it again.';
    }
  });

  form?.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.dataset.base) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const answer = await fetch(`${url}/suggestions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          base_rev: Number(form.dataset.base),
          title: form.elements.title.value,
          tags: tagList(form.elements.tags.value),
          body: form.elements.body.value,
          note: form.elements.note.value,
        }),
      });
      if (!answer.ok) {
        const problem = await answer.json().catch(() => ({}));
        const fields = (problem.errors || []).map((e) => e.message).filter(Boolean);
        error.textContent = fields.length ? fields.join(' ') : problem.detail || `The server answered ${answer.status}.`;
        return;
      }
      // Sent: the next suggestion starts again from the document as it is then.
      form.reset();
      delete form.dataset.base;
      details.open = false;
      error.textContent = '';
      page.dispatchEvent(new CustomEvent('concord:refresh', { detail: 'Your suggestion was sent.' }));
    } catch {
      error.textContent = 'Could not reach the server. Your changes are still here; try again.';
    } finally {
      button.disabled = false;
    }
  });

  // Withdrawing one's own suggestion.
  document.addEventListener('submit', async (event) => {
    const withdraw = event.target;
    if (!withdraw.matches('[data-withdraw]')) return;
    event.preventDefault();
    const problemAt = withdraw.querySelector('[data-error]');
    try {
      const doc = encodeURIComponent(withdraw.dataset.withdraw);
      const answer = await fetch(`/api/docs/${doc}/suggestions/${encodeURIComponent(withdraw.dataset.suggestion)}`, {
        method: 'DELETE',
        headers: { Accept: 'application/json' },
      });
      if (!answer.ok) {
        const problem = await answer.json().catch(() => ({}));
        problemAt.textContent = problem.detail || `The server answered ${answer.status}.`;
        return;
      }
      page.dispatchEvent(new CustomEvent('concord:refresh', { detail: 'Your suggestion was withdrawn.' }));
    } catch {
      problemAt.textContent = 'Could not reach the server; try again.';
    }
  });

  // A named reviewer's verdict on the revision shown: approving it, or asking for changes
  // (which needs a comment; the server says so).
  document.addEventListener('submit', async (event) => {
    const review = event.target;
    if (!review.matches('[data-review]')) return;
    event.preventDefault();
    const problemAt = review.querySelector('[data-error]');
    try {
      const answer = await fetch(`/api/docs/${encodeURIComponent(review.dataset.review)}/reviews`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          rev: Number(review.dataset.rev),
          verdict: event.submitter?.value || 'approved',
          comment: review.elements.comment.value,
        }),
      });
      if (!answer.ok) {
        const problem = await answer.json().catch(() => ({}));
        const fields = (problem.errors || []).map((e) => e.message).filter(Boolean);
        problemAt.textContent = fields.length ? fields.join(' ') : problem.detail || `The server answered ${answer.status}.`;
        return;
      }
      review.elements.comment.value = '';
      page.dispatchEvent(new CustomEvent('concord:refresh', { detail: 'Your review was recorded.' }));
    } catch {
      problemAt.textContent = 'Could not reach the server. Your words are still here; try again.';
    }
  });
})();
