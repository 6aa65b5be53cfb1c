// The decision form's autosave says what became of every save, and never loses what was typed.
// htmx 2 swaps only 2xx answers; here:
// - "saved" is shown only when the server acknowledged the save (its answer carries data-saved-revision);
// - a conflict (409: someone else saved) and invalid input (400) show the server's answer; after a
//   conflict the autosave pauses until the user merges ("use theirs", then "save my version over theirs")
//   or discards their changes;
// - a server error (5xx), a lost connection or a time-out is retried after 2, 5, 10, 20, 30 then 60 s,
//   with a button to retry now; any other refusal (403…) is shown with the server's reason;
// - leaving the page with changes the server has not acknowledged asks first;
// - a submit while an autosave is on its way waits for its answer (and its new revision).
// The messages are translated in the template (data-msg-* of the form). No inline handler (CSP).
(function () {
  "use strict";
  const form = document.getElementById("decision-form");
  const status = document.getElementById("draft-status");
  if (!form || !status || !form.hasAttribute("hx-post")) return;
  const msg = form.dataset;
  const DELAYS = [2, 5, 10, 20, 30, 60]; // seconds before the next automatic attempt
  const TIMEOUT = 45000; // ms: a save that hangs longer is a failure (and retried)

  let edits = 0; // changes made in the form since it was loaded
  let sent = 0; // the changes the request in flight carries
  let acknowledged = 0; // the changes the server has saved
  let failures = 0; // failed attempts in a row
  let failed = false;
  let conflict = Boolean(status.querySelector("[data-conflict-revision]"));
  let retryTimer = null;
  let countdownTimer = null;
  let leaving = false;
  let pendingSubmit; // the button of a submit waiting for the autosave in flight (null: Enter key)

  if (conflict) edits = 1; // the page shows a form the server refused to save

  const format = (template, values) =>
    template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));

  function element(tag, className, content) {
    const node = document.createElement(tag);
    node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function stopRetry() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    retryTimer = countdownTimer = null;
  }

  function retry() {
    stopRetry();
    htmx.trigger(form, "decision:retry");
  }

  function fail(message, detail, retrying) {
    failed = true;
    stopRetry();
    const alert = element("div", "alert alert-danger mb-0");
    alert.setAttribute("role", "alert");
    alert.dataset.saveFailed = retrying ? "retrying" : "refused";
    alert.append(element("p", "fw-bold mb-1", message));
    if (detail) alert.append(element("p", "mb-1", detail));
    const actions = element("p", "mb-0 d-flex flex-wrap align-items-center gap-2");
    const button = element("button", "btn btn-sm btn-outline-danger", msg.msgRetry);
    button.type = "button";
    button.dataset.retry = "";
    button.addEventListener("click", retry);
    const countdown = element("span", "retry-countdown");
    actions.append(button, countdown);
    alert.append(actions);
    status.replaceChildren(alert);
    if (!retrying) return;
    let left = DELAYS[Math.min(failures, DELAYS.length) - 1];
    countdown.textContent = format(msg.msgRetryIn, { seconds: left });
    countdownTimer = setInterval(() => {
      left -= 1;
      if (left > 0) countdown.textContent = format(msg.msgRetryIn, { seconds: left });
    }, 1000);
    retryTimer = setTimeout(retry, left * 1000);
  }

  function fromThisForm(event) {
    const config = event.detail && event.detail.requestConfig;
    return Boolean(config && config.elt === form);
  }

  function edited(event) {
    if (!event.target.name) return;
    edits += 1;
    if (!failed && !conflict && !form.classList.contains("htmx-request")) {
      status.replaceChildren(element("span", "text-body-secondary", msg.msgPending));
    }
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);

  form.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt === form) event.detail.timeout = TIMEOUT;
  });

  form.addEventListener("htmx:beforeRequest", (event) => {
    if (!fromThisForm(event)) return;
    if (conflict) {
      event.preventDefault(); // paused: the user merges in the conflict panel, then saves
      return;
    }
    sent = edits;
    stopRetry();
    if (failed) {
      const countdown = status.querySelector(".retry-countdown");
      if (countdown) countdown.textContent = msg.msgRetrying;
    } else {
      status.replaceChildren(element("span", "text-body-secondary", msg.msgSaving));
    }
  });

  form.addEventListener("htmx:beforeSwap", (event) => {
    if (!fromThisForm(event)) return;
    const xhr = event.detail.xhr;
    const code = xhr.status;
    if (code === 409 || code === 400) {
      // The server's own answer (conflict, fields to correct): shown; nothing to retry.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      failures = 0;
      failed = false;
      conflict = code === 409;
      stopRetry();
      return;
    }
    if (code >= 200 && code < 300 && String(event.detail.serverResponse).includes("data-saved-revision")) {
      failures = 0;
      failed = false;
      acknowledged = sent;
      stopRetry();
      return; // htmx swaps "saved" and the new revision in
    }
    event.detail.shouldSwap = false;
    if (code < 400) {
      fail(msg.msgSession, "", false); // a login page, after a redirect: the session has expired
    } else if (code >= 500) {
      failures += 1;
      fail(format(msg.msgError, { status: code }), "", true);
    } else {
      const type = xhr.getResponseHeader("Content-Type") || "";
      const reason = type.startsWith("text/plain") ? xhr.responseText.slice(0, 500) : "";
      fail(format(msg.msgRefused, { status: code }), reason, false);
    }
  });

  form.addEventListener("htmx:afterSwap", (event) => {
    // "Saved" holds for what the request carried: say so if more was typed meanwhile.
    if (fromThisForm(event) && !failed && !conflict && edits !== acknowledged) {
      status.replaceChildren(element("span", "text-body-secondary", msg.msgPending));
    }
  });

  function unreachable(event) {
    if (!fromThisForm(event)) return;
    failures += 1;
    fail(msg.msgOffline, "", true);
  }
  form.addEventListener("htmx:sendError", unreachable);
  form.addEventListener("htmx:timeout", unreachable);

  form.addEventListener("htmx:afterRequest", (event) => {
    if (!fromThisForm(event) || pendingSubmit === undefined) return;
    const submitter = pendingSubmit;
    pendingSubmit = undefined;
    setTimeout(() => form.requestSubmit(submitter), 0);
  });

  form.addEventListener("submit", (event) => {
    if (form.classList.contains("htmx-request")) {
      event.preventDefault(); // an autosave is on its way: submit once it has answered
      pendingSubmit = event.submitter || null;
      return;
    }
    leaving = true;
    stopRetry();
  });

  status.addEventListener("click", (event) => {
    if (event.target.closest("[data-discard]")) {
      leaving = true;
      return;
    }
    const button = event.target.closest("[data-use-theirs]");
    if (!button) return;
    const name = button.dataset.useTheirs;
    const values = JSON.parse(button.dataset.values);
    for (const control of form.elements) {
      if (control.name !== name) continue;
      if (control.type === "checkbox" || control.type === "radio") {
        control.checked = values.includes(control.value);
      } else if (control.tagName === "SELECT") {
        for (const option of control.options) option.selected = values.includes(option.value);
      } else {
        control.value = values.length ? values[0] : "";
      }
      control.dispatchEvent(new Event("change", { bubbles: true }));
    }
    button.disabled = true;
    button.closest("tr").classList.add("table-success");
  });

  window.addEventListener("beforeunload", (event) => {
    if (leaving || edits === acknowledged) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
