// The session's clock (rcp/accounts/middleware.py, README "Security"): a warning shortly before the
// session expires (idle timeout, or the absolute limit after login), with a "stay signed in" button;
// on a page marked data-keep-alive (presentation mode), the session is kept alive while the page is
// visible. The element #session-expiry (templates/accounts/includes/session_expiry.html) carries the data.
(function () {
  const box = document.getElementById("session-expiry");
  if (!box) return;
  const statusUrl = box.dataset.statusUrl;
  const warning = Number(box.dataset.warning) * 1000;
  const text = document.getElementById("session-expiry-text");
  const stay = document.getElementById("session-stay");
  let deadline = Date.now() + Number(box.dataset.remaining) * 1000;
  let limit = box.dataset.limit;
  let checkTimer = null;
  let countdownTimer = null;

  function format(milliseconds) {
    const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function render() {
    const template = limit === "absolute" ? box.dataset.absoluteText : box.dataset.idleText;
    text.textContent = template.replace("{time}", format(deadline - Date.now()));
  }

  function hide() {
    box.hidden = true;
    clearInterval(countdownTimer);
  }

  function show() {
    const wasHidden = box.hidden;
    stay.hidden = limit === "absolute"; // the time limit cannot be pushed back
    render();
    box.hidden = false;
    clearInterval(countdownTimer);
    countdownTimer = setInterval(render, 1000);
    if (wasHidden && !stay.hidden) stay.focus({ preventScroll: true });
    // At the deadline, ask the server again: another tab may have kept the session alive.
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, Math.max(0, deadline - Date.now()) + 500);
  }

  // Until the warning is due, nothing is shown; then the server is asked how much time is really left
  // (any request of this or another tab counts as activity).
  function schedule() {
    clearTimeout(checkTimer);
    const wait = deadline - warning - Date.now();
    if (wait > 0) {
      hide();
      checkTimer = setTimeout(check, wait);
    } else {
      show();
    }
  }

  function expired() {
    // The server has logged the session out; a GET of this page leads to the login page, which says why.
    window.location.assign(window.location.href);
  }

  function update(response) {
    if (!response.ok || response.redirected) {
      expired();
      return undefined;
    }
    return response.json().then((data) => {
      deadline = Date.now() + data.remaining * 1000;
      limit = data.limit;
      if (data.remaining <= 0) expired();
      else schedule();
    });
  }

  function retryLater() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 30000);
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(update)
      .catch(retryLater);
  }

  function keepAlive() {
    return fetch(statusUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": box.dataset.csrfToken },
    })
      .then(update)
      .catch(retryLater);
  }

  stay.addEventListener("click", keepAlive);

  if (box.dataset.keepAlive) {
    const every = Number(box.dataset.keepAliveInterval) * 1000;
    setInterval(() => {
      if (document.visibilityState === "visible") keepAlive();
    }, every);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") keepAlive();
    });
  }

  schedule();
})();
