// Pages without the client: each <time> gets the reader's local time on hover, which only
// the browser knows (the server wrote "how long ago" and UTC). The hydrated client does
// the same in Rust (time.rs) and keeps the text current.
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
})();
