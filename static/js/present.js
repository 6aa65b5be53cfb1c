// Presentation mode: ← / → and Page Up / Page Down (presentation clickers) move between cases;
// a discreet clock shows the time spent on the case. Keys typed in the correction panel are left alone.
(function () {
  const started = Date.now();
  const clock = document.getElementById("present-clock");
  setInterval(() => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }, 1000);

  // The side panel's forms answer 400 with the fields to correct: shown, like any answer (htmx leaves
  // error responses out by default).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 400 && event.detail.target.closest("#panel-form")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable], .offcanvas.show")) return;
    const forward = ["ArrowRight", "PageDown"].includes(event.key);
    const back = ["ArrowLeft", "PageUp"].includes(event.key);
    const link = document.getElementById(forward ? "present-next" : back ? "present-prev" : "");
    if (link && link.href) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });
})();
