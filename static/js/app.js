// Small progressive enhancements; everything works without them.
(function () {
  // The partner form: a source changed by hand is marked; choosing a referrer while the source is
  // still the default makes it Referral (the server applies the same rule without JavaScript).
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form) return;
    var source = form.querySelector("select[data-source-field]");
    var chosen = form.querySelector("input[name=source_chosen]");
    if (!source || !chosen) return;
    if (event.target === source) { chosen.value = "1"; return; }
    if (event.target.name === "referred_by_id" && event.target.value && chosen.value !== "1" && source.value === "direct") {
      source.value = "referral";
    }
  });

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
