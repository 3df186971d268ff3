// Import wizard and job pages: a failed htmx request (server error, or no connection) is never
// silent; its message, from #htmx-error-texts (translated by the page), goes in the flash area.
(function () {
  if (window.orchardImports) return;
  window.orchardImports = true;

  function show(kind) {
    var texts = document.getElementById("htmx-error-texts");
    var box = document.getElementById("flashes");
    if (!texts || !box) return;
    var text = texts.dataset[kind];
    var existing = box.querySelector("[data-htmx-error]");
    if (existing && existing.textContent === text) return;
    if (existing) existing.remove();
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.dataset.htmxError = kind;
    p.textContent = text;
    box.appendChild(p);
  }

  function clear() {
    var box = document.getElementById("flashes");
    var existing = box && box.querySelector("[data-htmx-error]");
    if (existing) existing.remove();
  }

  // the mapping table: a column's "Contact" number only shows for contact fields
  function syncSlots(root) {
    root.querySelectorAll("select.field-select[data-slot]").forEach(function (select) {
      var slot = document.getElementById(select.dataset.slot);
      if (!slot) return;
      var option = select.options[select.selectedIndex];
      slot.hidden = !(option && option.hasAttribute("data-repeatable"));
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select.field-select")) syncSlots(document);
  });
  document.addEventListener("htmx:load", function () { syncSlots(document); });
  if (document.readyState !== "loading") syncSlots(document);
  else document.addEventListener("DOMContentLoaded", function () { syncSlots(document); });

  document.addEventListener("htmx:responseError", function () { show("response"); });
  document.addEventListener("htmx:sendError", function () { show("send"); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) clear();
  });
})();
