// The read view's live part (inline, under the page's nonce), for people who may only read
// a document: the server renders the page, this keeps it current. It opens the tab's socket
// on the live channel, shows who is here, and when a new revision is announced (or may
// have been missed while away) loads the page again from the server and puts its new
// content in place. It decides nothing about the document: the server renders every
// version of the page, as it did the first.
(() => {
  const page = document.querySelector('[data-reader]');
  if (!page) return;
  const docId = page.dataset.reader;
  const me = page.dataset.me;
  let rev = Number(page.dataset.rev);
  const presence = document.querySelector('section.presence');
  const status = document.querySelector('[data-reader-status]');

  // The same tab identity the editor uses, so a tab that goes from reading to editing is
  // one tab to the others.
  const tabId = (() => {
    try {
      let id = sessionStorage.getItem('concord:tab');
      if (!id) {
        id = crypto.randomUUID();
        sessionStorage.setItem('concord:tab', id);
      }
      return id;
    } catch {
      return crypto.randomUUID();
    }
  })();

  // The status line is a polite live region: said once, not again in the notices.
  const say = (text) => {
    status.textContent = text;
  };

  const item = (text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  };
  const paragraph = (text, muted) => {
    const p = document.createElement('p');
    p.textContent = text;
    if (muted) p.className = 'muted';
    return p;
  };
  let viewers = [];
  let total = 0;
  let connected = true;
  const showPresence = () => {
    const others = viewers.filter((v) => v.tab_id !== tabId);
    const parts = [];
    if (others.length === 0) {
      parts.push(paragraph('Only you are here.'));
    } else {
      parts.push(paragraph('Also here:'));
      const list = document.createElement('ul');
      for (const v of others) {
        const name = v.user.id === me ? presence.dataset.youElsewhere : v.user.name;
        list.append(item(v.dirty ? `${name} — editing` : name));
      }
      parts.push(list);
      const unlisted = total - viewers.length;
      if (unlisted > 0) parts.push(document.createTextNode(`and ${unlisted} more`));
    }
    if (!connected) parts.push(paragraph('Live updates are reconnecting…', true));
    presence.replaceChildren(...parts);
  };

  // Loads the page as it is now and puts the parts that follow the document (`data-part`:
  // heading, status, text) in place; who is here and the status line stay this script's.
  let loading = null;
  const refresh = async (then) => {
    if (loading) return loading.then(() => refresh(then));
    loading = (async () => {
      try {
        const answer = await fetch(location.pathname, { headers: { Accept: 'text/html' } });
        const fresh = new DOMParser().parseFromString(await answer.text(), 'text/html');
        const incoming = fresh.querySelector('[data-reader]');
        if (!incoming || incoming.dataset.reader !== docId) {
          // No longer a reader's page (access changed, or the document went): the page
          // the server gives now is the one to show.
          location.reload();
          return;
        }
        rev = Number(incoming.dataset.rev);
        page.dataset.rev = String(rev);
        const focused = document.activeElement;
        for (const part of page.querySelectorAll('[data-part]')) {
          const replacement = incoming.querySelector(`[data-part="${part.dataset.part}"]`);
          if (!replacement) continue;
          // What the person is typing (a comment, a reply) stays, with the caret.
          for (const field of part.querySelectorAll('textarea[id]')) {
            const twin = replacement.querySelector(`#${CSS.escape(field.id)}`);
            if (twin && field.value) twin.value = field.value;
          }
          // A form the person opened (rewriting their comment) stays open.
          for (const open of part.querySelectorAll('form[id]:not([hidden])')) {
            const twin = replacement.querySelector(`#${CSS.escape(open.id)}`);
            if (!twin || !twin.hidden) continue;
            twin.hidden = false;
            // Still the version the person started from: a change meanwhile is refused.
            twin.dataset.version = open.dataset.version;
            replacement.querySelector(`[aria-controls="${CSS.escape(open.id)}"]`)?.setAttribute('aria-expanded', 'true');
          }
          part.replaceWith(document.adoptNode(replacement));
        }
        if (focused && focused.id && !focused.isConnected) {
          const again = document.getElementById(focused.id);
          if (again) {
            again.focus();
            if ('selectionStart' in focused) again.setSelectionRange(focused.selectionStart, focused.selectionEnd);
          }
        }
        page.dispatchEvent(new CustomEvent('concord:refreshed'));
        document.title = fresh.title;
        if (then) say(then);
      } catch {
        say('Could not load the latest revision; it will be tried again.');
        setTimeout(() => check(), 5000);
      } finally {
        loading = null;
      }
    })();
    return loading;
  };

  // Something in the person's inbox is new: the header's link says how many are unread,
  // as the server renders it (a label for screen readers, a badge for the eye).
  const showUnread = async () => {
    try {
      const inbox = await (await fetch('/api/notifications', { cache: 'no-store' })).json();
      const link = document.querySelector('header a[href="/inbox"]');
      if (!link || typeof inbox.unread !== 'number') return;
      const n = inbox.unread;
      link.setAttribute('aria-label', n === 0 ? 'Inbox' : `Inbox, ${n} unread`);
      link.replaceChildren(document.createTextNode('Inbox'));
      if (n > 0) {
        const badge = document.createElement('span');
        badge.className = 'badge count';
        badge.setAttribute('aria-hidden', 'true');
        badge.textContent = String(n);
        link.append(' ', badge);
      }
    } catch {
      // The count is read again with the next page.
    }
  };

  // After (re)connecting: was a revision saved while this tab was not listening?
  const check = async () => {
    try {
      const answer = await fetch(`/api/docs/${encodeURIComponent(docId)}`, {
        headers: { 'If-None-Match': `"${rev}"` },
        cache: 'no-store',
      });
      if (answer.status === 200) {
        const doc = await answer.json();
        if (doc.rev > rev) await refresh(`Updated to revision ${doc.rev}, saved by ${doc.updated_by.name}.`);
      } else if (answer.status === 404 || answer.status === 401) {
        location.reload();
      }
    } catch {
      // The socket's own reconnecting says that the connection is down.
    }
  };

  // The comments' script asks for the page again after its own change.
  page.addEventListener('concord:refresh', (event) => refresh(event.detail || null));

  let retries = 0;
  let connections = 0;
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/live`);
    let checked = false;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'hello', tab_id: tabId }));
      socket.send(JSON.stringify({ type: 'watch', doc_id: docId }));
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      // The server's first answer confirms the watch: from here on nothing is missed, so
      // this is when to look for what was saved before.
      if (!checked) {
        checked = true;
        // Back after a drop: comments may have changed unheard; the parts are drawn again.
        connections += 1;
        if (connections > 1) refresh(null);
        retries = 0;
        connected = true;
        document.body.dataset.live = 'on';
        showPresence();
        check();
      }
      if (message.doc_id !== undefined && message.doc_id !== docId) return;
      switch (message.type) {
        case 'presence':
          viewers = message.viewers;
          total = message.total;
          showPresence();
          break;
        case 'updated':
          if (message.rev > rev) refresh(`Updated to revision ${message.rev}, saved by ${message.by.name}.`);
          break;
        case 'discussed':
          refresh(message.by.id === me ? null : `${message.by.name} changed the comments.`);
          break;
        case 'reviewed':
          refresh(message.by.id === me ? null : `${message.by.name} reviewed the document.`);
          break;
        case 'suggested':
          refresh(message.by.id === me ? null : `${message.by.name} changed the suggestions.`);
          break;
        case 'resync':
          check();
          break;
        case 'notified':
          showUnread();
          break;
        case 'deleted':
          say(`${message.by.name} moved this document to the trash.`);
          break;
        case 'role':
        case 'not_found':
          location.reload();
          break;
      }
    });
    socket.addEventListener('close', (event) => {
      connected = false;
      delete document.body.dataset.live;
      showPresence();
      // Backoff with full jitter; a restarting server (1012) is taken over at once.
      const ceiling = event.code === 1012 ? 250 : Math.min(30000, 500 * 2 ** retries);
      retries += 1;
      setTimeout(connect, Math.random() * ceiling);
    });
  };
  connect();
})();
