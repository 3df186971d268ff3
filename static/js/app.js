// Small progressive enhancements; everything works without them.
(function () {
  function onReady(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("click", function () {
        var input = document.querySelector(button.dataset.copy);
        if (!input) return;
        input.select();
        if (navigator.clipboard) { navigator.clipboard.writeText(input.value); }
        button.textContent = "Copied";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { onReady(document); });
  document.addEventListener("htmx:load", function (event) { onReady(event.target); });
})();
