// Site-wide form behaviour, without inline handlers (the Content-Security-Policy forbids them).
(function () {
  // A <select data-autosubmit> sends its form as soon as a choice is made (the language switch).
  document.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  // A form is sent once: its submit buttons are disabled once it goes (the server also refuses a
  // replayed one-time token, rcp/accounts/once.py). A submission htmx takes over (it prevents the
  // default) is left to htmx; htmx autosaves send no submit event at all.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    // After this event: the button that was clicked still sends its name and value (save, validate…).
    setTimeout(() => {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((button) => {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });

  // Back to a page kept by the browser: its buttons work again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form[aria-busy=true]").forEach((form) => {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[aria-disabled=true]").forEach((button) => {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();
