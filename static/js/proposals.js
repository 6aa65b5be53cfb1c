// The proposals section of the decision page: htmx 2 swaps only 2xx answers, but a line with fields to
// correct answers 400 with its form and the errors beside the fields: shown, nothing typed is lost.
// Any other refusal (403: the meeting closed, the decision validated meanwhile) is shown as the server's
// reason above the section. No inline handler (CSP).
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "proposals") return;
    const xhr = event.detail.xhr;
    if (xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    if (xhr.status >= 400) {
      event.detail.shouldSwap = false;
      const alert = document.createElement("div");
      alert.className = "alert alert-danger";
      alert.setAttribute("role", "alert");
      const type = xhr.getResponseHeader("Content-Type") || "";
      alert.textContent = type.startsWith("text/plain") ? xhr.responseText.slice(0, 500) : String(xhr.status);
      target.prepend(alert);
    }
  });
})();
