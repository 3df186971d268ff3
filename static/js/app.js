// Small progressive enhancements; everything works without them.
(function () {
  function onReady(root) {
    // Enter in a search-as-you-type box searches now instead of submitting the form around it
    root.querySelectorAll("input[data-enter-searches]").forEach(function (input) {
      if (input.dataset.enterBound) return;
      input.dataset.enterBound = "1";
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" || event.isComposing) return;
        event.preventDefault();
        if (window.htmx) { window.htmx.trigger(input, "search"); }
      });
    });
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
