// The one script of pages without the client (inline, under the page's nonce). It does
// only what the server cannot: the reader's local time on hover of each <time> (the
// server wrote "how long ago" and UTC), and asking before a form marked `data-confirm`
// is sent (the question is the server's). The hydrated client does both in Rust.
(() => {
  const two = (n) => String(n).padStart(2, '0');
  for (const time of document.querySelectorAll('time[datetime]')) {
    const at = new Date(time.getAttribute('datetime'));
    if (Number.isNaN(at.getTime())) continue;
    const local = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ` +
      `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
    const utc = time.title;
    if (time.textContent === utc) time.textContent = local;
    time.title = `${local} local time, ${utc}`;
  }
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();
