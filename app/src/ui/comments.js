// The read view's comments (inline, under the page's nonce): words selected in the text
// become the passage of a new thread; the comment and reply forms post to the API and keep
// what was typed when refused, saying why. The server decides everything (whether the
// words are there, who may comment) and renders the threads; reader.js puts its newer
// rendering in place.
(() => {
  const page = document.querySelector('[data-reader]');
  if (!page) return;
  // The passage chosen: its words and which appearance of them in the text it is (the
  // page shows the text rendered, not its markdown, so offsets are the server's to find).
  let chosen = null;

  const newThreadForm = () => page.querySelector('[data-new-thread]');
  const showChosen = () => {
    const form = newThreadForm();
    if (!form) return;
    const shown = form.querySelector('[data-selected]');
    const hint = form.querySelector('[data-hint]');
    if (!chosen) {
      shown.hidden = true;
      shown.replaceChildren();
      hint.hidden = false;
      return;
    }
    const quote = document.createElement('q');
    quote.textContent = chosen.quote;
    const whole = document.createElement('button');
    whole.type = 'button';
    whole.textContent = 'Comment on the whole document instead';
    whole.addEventListener('click', () => {
      chosen = null;
      showChosen();
    });
    shown.replaceChildren(document.createTextNode('On the words '), quote, document.createTextNode(' '), whole);
    shown.hidden = false;
    hint.hidden = true;
  };

  document.addEventListener('selectionchange', () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const text = page.querySelector('article.read');
    const range = selection.getRangeAt(0);
    if (!text || !text.contains(range.commonAncestorContainer)) return;
    const quote = selection.toString();
    if (!quote.trim()) return;
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const upTo = before.toString().length;
    const whole = text.textContent;
    let occurrence = 0;
    for (let at = whole.indexOf(quote); at !== -1 && at < upTo; at = whole.indexOf(quote, at + quote.length)) {
      occurrence += 1;
    }
    // The revision shown when the words were selected: the server finds them there and
    // carries them through any save since.
    chosen = { quote, occurrence, rev: Number(page.dataset.rev) };
    showChosen();
  });
  page.addEventListener('concord:refreshed', showChosen);

  // A highlighted passage leads to its thread (a click that selects nothing); the thread
  // takes the focus, so the keyboard and screen readers go on from there.
  page.addEventListener('click', (event) => {
    const mark = event.target instanceof Element && event.target.closest('mark[data-thread]');
    if (!mark || !document.getSelection().isCollapsed) return;
    const thread = document.getElementById(`thread-${mark.dataset.thread.split(' ')[0]}`);
    if (!thread) return;
    thread.tabIndex = -1;
    thread.focus();
  });

  // A problem's words: its detail, and each field's reason.
  const reasons = async (answer) => {
    try {
      const problem = await answer.json();
      const fields = (problem.errors || []).map((e) => e.message).filter(Boolean);
      return fields.length ? fields.join(' ') : problem.detail || problem.title;
    } catch {
      return `The server answered ${answer.status}.`;
    }
  };

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    const isNew = form.matches('[data-new-thread]');
    if (!isNew && !form.matches('[data-reply]')) return;
    event.preventDefault();
    const error = form.querySelector('[data-error]');
    const text = form.elements.text.value;
    let request = { text };
    if (isNew && chosen) {
      request = { rev: chosen.rev, text, anchor: { quote: chosen.quote, occurrence: chosen.occurrence } };
    } else if (isNew) {
      request = { rev: Number(page.dataset.rev), text };
    }
    const url = isNew ? `/api/docs/${encodeURIComponent(form.dataset.newThread)}/threads` : form.dataset.reply;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request),
      });
      if (!answer.ok) {
        error.textContent = await reasons(answer);
        return;
      }
      error.textContent = '';
      // The page may have been redrawn meanwhile (the comment was announced live), the
      // words carried into the new field: clear them there too, if they are the ones sent.
      const field = form.elements.text;
      for (const f of new Set([field, document.getElementById(field.id)])) {
        if (f && f.value === text) f.value = '';
      }
      if (isNew) chosen = null;
      page.dispatchEvent(new CustomEvent('concord:refresh'));
    } catch {
      error.textContent = 'Could not reach the server. Your words are still here; try again.';
    } finally {
      button.disabled = false;
    }
  });

  // "Edit" opens the form to rewrite one's comment, and closes it again.
  page.addEventListener('click', (event) => {
    const opener = event.target instanceof Element && event.target.closest('[data-edit-open]');
    if (!opener) return;
    const form = document.getElementById(opener.getAttribute('aria-controls'));
    if (!form) return;
    // Opened, a rewrite starts from the version shown now (kept while the form stays open).
    if (form.hidden) form.dataset.version = form.dataset.current;
    form.hidden = !form.hidden;
    opener.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.elements.text.focus();
  });

  // One's own comment, rewritten or deleted from the version shown: a change made to it
  // meanwhile elsewhere is refused (412) and said, and the words typed stay.
  document.addEventListener('submit', async (event) => {
    const form = event.target;
    const edit = form.matches('[data-edit]');
    if (!edit && !form.matches('[data-delete]')) return;
    event.preventDefault();
    if (!edit && !window.confirm('Delete your comment?')) return;
    const error = form.querySelector('[data-error]');
    try {
      const answer = await fetch(edit ? form.dataset.edit : form.dataset.delete, {
        method: edit ? 'PUT' : 'DELETE',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'If-Match': `"${form.dataset.version}"` },
        body: edit ? JSON.stringify({ text: form.elements.text.value }) : undefined,
      });
      if (!answer.ok) {
        error.textContent = await reasons(answer);
        return;
      }
      error.textContent = '';
      // Closed, also where a redraw in the meantime put it again.
      for (const f of edit ? new Set([form, document.getElementById(form.id)]) : []) {
        if (!f) continue;
        f.hidden = true;
        document.querySelector(`[aria-controls="${CSS.escape(f.id)}"]`)?.setAttribute('aria-expanded', 'false');
      }
      page.dispatchEvent(new CustomEvent('concord:refresh'));
    } catch {
      error.textContent = 'Could not reach the server. Your words are still here; try again.';
    }
  });

  // Typing `@` offers the people who can read the document; the same rules as the editor's
  // (app/src/ui/editor/mention.rs): an `@` that starts a word, then a name's characters.
  const nameChar = /[\p{Alphabetic}\p{N}._-]/u;
  const typedAt = (text, caret) => {
    const m = /(?:^|[^\p{Alphabetic}\p{N}._@-])@([\p{Alphabetic}\p{N}._-]{0,40})$/u.exec(text.slice(0, caret));
    if (!m) return null;
    let end = caret;
    while (end < text.length && nameChar.test(text[end])) end += 1;
    return { start: caret - m[1].length - 1, end, prefix: m[1] };
  };
  let offer = null;
  let asked = 0;
  const parts = (field) => [document.getElementById(field.getAttribute('aria-controls')), field.parentElement.querySelector('[data-mention-said]')];
  const said = ({ people, typed }) => {
    if (people.length > 1) return `${people.length} people can be mentioned: arrows choose, Enter picks, Escape closes.`;
    if (people.length === 1) return '1 person can be mentioned: Enter picks, Escape closes.';
    if (!typed.prefix) return 'Nobody else can read this document to be mentioned.';
    return `Nobody who can read this document has a name starting with “${typed.prefix}”: a mention of anyone else tells nobody.`;
  };
  const draw = () => {
    const [list, status] = parts(offer.field);
    list.replaceChildren(...offer.people.map((name, i) => {
      const option = document.createElement('li');
      Object.assign(option, { id: `${list.id}-${i}`, textContent: `@${name}` });
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', String(i === offer.active));
      option.dataset.name = name;
      return option;
    }));
    list.hidden = !offer.people.length;
    status.textContent = said(offer);
    if (offer.people.length) offer.field.setAttribute('aria-activedescendant', `${list.id}-${offer.active}`);
    else offer.field.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    asked += 1;
    if (!offer) return;
    const [list, status] = parts(offer.field);
    list.hidden = true;
    list.replaceChildren();
    status.textContent = '';
    offer.field.removeAttribute('aria-activedescendant');
    offer = null;
  };
  const look = async (field) => {
    const typed = field.selectionStart === field.selectionEnd && typedAt(field.value, field.selectionStart);
    close();
    if (!typed) return;
    const question = asked;
    try {
      const answer = await fetch(`/api/docs/${encodeURIComponent(page.dataset.reader)}/people?prefix=${encodeURIComponent(typed.prefix)}`, { headers: { Accept: 'application/json' } });
      const people = answer.ok ? (await answer.json()).items.map((p) => p.name) : null;
      if (question !== asked || !people || document.activeElement !== field) return;
      offer = { field, typed, people, active: 0 };
      draw();
    } catch {
      // Unanswered: nobody is offered, rather than saying nobody can read it.
    }
  };
  const pick = (name) => {
    const { field, typed } = offer;
    const rest = field.value.slice(typed.end);
    const spaced = rest.startsWith(' ');
    const inserted = `@${name}${spaced ? '' : ' '}`;
    field.value = field.value.slice(0, typed.start) + inserted + rest;
    const caret = typed.start + inserted.length + (spaced ? 1 : 0);
    field.setSelectionRange(caret, caret);
    close();
  };
  page.addEventListener('input', (event) => {
    if (event.target.matches('textarea[aria-autocomplete]')) look(event.target);
  });
  page.addEventListener('keydown', (event) => {
    if (!offer || event.target !== offer.field) return;
    const count = offer.people.length;
    if (event.key === 'Escape') close();
    else if (!count) return;
    else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      offer.active = (offer.active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
      draw();
    } else if (event.key === 'Enter' || event.key === 'Tab') pick(offer.people[offer.active]);
    else return;
    event.preventDefault();
  });
  // Pressed, not clicked: the field keeps the focus and its caret.
  page.addEventListener('mousedown', (event) => {
    const option = offer && event.target instanceof Element && event.target.closest('[role=option][data-name]');
    if (!option) return;
    event.preventDefault();
    pick(option.dataset.name);
  });
  page.addEventListener('focusout', (event) => {
    if (offer && event.target === offer.field) close();
  });
  page.addEventListener('concord:refreshed', close);

  // On a wide screen each open thread stands level with its passage, or as near below it as
  // the threads above allow (the server sends them in the text's order); on a phone they
  // follow the text. Measured all at once, then placed, so a thousand threads cost one layout.
  const wide = window.matchMedia('(min-width: 62rem)');
  let pending = false;
  const align = () => {
    pending = false;
    const list = page.querySelector('.thread-list[aria-label="Open threads"]');
    const text = page.querySelector('article.read');
    if (!list || !text) return;
    const items = [...list.children];
    for (const item of items) item.style.marginTop = '';
    if (!wide.matches) return;
    const tops = new Map();
    for (const mark of text.querySelectorAll('mark[data-thread]')) {
      const top = mark.getBoundingClientRect().top;
      for (const id of mark.dataset.thread.split(' ')) if (!tops.has(id)) tops.set(id, top);
    }
    const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    const heights = items.map((item) => item.getBoundingClientRect().height);
    let y = list.getBoundingClientRect().top;
    items.forEach((item, i) => {
      const wanted = tops.get(item.firstElementChild?.id.replace('thread-', '')) ?? y;
      const margin = Math.max(0, wanted - y);
      if (margin) item.style.marginTop = `${margin}px`;
      y += margin + heights[i] + gap;
    });
  };
  const later = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(align);
  };
  // Heights change as forms open, replies grow and the text is redrawn.
  const watched = new ResizeObserver(later);
  const watch = () => {
    watched.disconnect();
    for (const part of page.querySelectorAll('article.read, .thread-list')) watched.observe(part);
    for (const thread of page.querySelectorAll('.thread')) watched.observe(thread);
  };
  wide.addEventListener('change', later);
  page.addEventListener('concord:refreshed', watch);
  watch();
})();
