// Pipeline board: after a deal is moved (the board is swapped by htmx), keep keyboard focus on
// the moved card so keyboard and screen-reader users do not lose their place.
(function () {
  if (window.orchardDealsBoard) return;
  window.orchardDealsBoard = true;
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "pipeline") return;
    // outerHTML swap: the target is the replaced element, so look the new board up again
    var board = document.getElementById("pipeline");
    var card = board && board.querySelector("[data-focus-after-swap]");
    if (!card) return;
    var invalid = card.querySelector("[aria-invalid=true]");
    (invalid || card).focus();
  });
})();
