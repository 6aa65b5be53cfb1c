// Drag and drop ordering of the agenda; the arrow buttons do the same without a mouse or JavaScript.
(function () {
  const list = document.getElementById("agenda");
  if (!list || !list.dataset.orderUrl) return;
  const status = document.getElementById("agenda-status");
  let dragged = null;

  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("[data-case]");
    event.dataTransfer.effectAllowed = "move";
    dragged.classList.add("dragging");
  });
  list.addEventListener("dragover", (event) => {
    event.preventDefault();
    const over = event.target.closest("[data-case]");
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("dragend", () => {
    dragged.classList.remove("dragging");
    dragged = null;
    save();
  });

  function save() {
    const items = [...list.querySelectorAll("[data-case]")];
    items.forEach((item, index) => {
      const number = item.querySelector(".agenda-number");
      if (number) number.textContent = `${index + 1}.`;
    });
    const body = new URLSearchParams({ order: items.map((item) => item.dataset.case).join(",") });
    const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(list.dataset.orderUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": token, "HX-Request": "true" },
      credentials: "same-origin",
    }).then((response) => {
      status.textContent = response.ok ? status.dataset.saved || "✓" : status.dataset.failed || "✗";
      if (!response.ok) window.location.reload();
    });
  }
})();
