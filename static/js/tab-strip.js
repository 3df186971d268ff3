// Boxes that scroll sideways on a narrow screen (tab strips, wide tables, the pipeline) say so: a fade
// on each side where more is hidden (classes scroll-more-start / scroll-more-end, drawn in app.css),
// updated as the box scrolls or the window resizes. A tab strip also scrolls its current tab into view.
(function () {
  "use strict";
  if (window.orchardTabStrip) { window.orchardTabStrip.scan(); return; }

  var SELECTOR = "nav.tabs, .table-wrap, .pipeline, main table, [data-scroll-hint]";

  function hint(box) {
    var style = getComputedStyle(box);
    var scrolls = style.overflowX === "auto" || style.overflowX === "scroll";
    var more = scrolls ? box.scrollWidth - box.clientWidth : 0;
    var rtl = style.direction === "rtl";
    var start = Math.abs(box.scrollLeft);
    var before = more > 1 && start > 1, after = more > 1 && start < more - 1;
    box.classList.toggle(rtl ? "scroll-more-end" : "scroll-more-start", before);
    box.classList.toggle(rtl ? "scroll-more-start" : "scroll-more-end", after);
  }

  function showCurrentTab(strip) {
    var current = strip.querySelector("[aria-current=page]");
    if (!current || strip.scrollWidth <= strip.clientWidth + 1) return;
    var left = current.getBoundingClientRect().left - strip.getBoundingClientRect().left + strip.scrollLeft;
    strip.scrollLeft = Math.max(0, left - (strip.clientWidth - current.offsetWidth) / 2);
  }

  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), function (box) {
      if (!box.dataset.scrollHinted && box.matches("nav.tabs")) showCurrentTab(box);
      box.dataset.scrollHinted = "1";
      hint(box);
    });
  }

  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; scan(); });
  }

  // scroll events do not bubble: one listener in the capture phase sees every box's scrolling
  document.addEventListener("scroll", function (event) {
    var box = event.target;
    if (box && box.matches && box.matches(SELECTOR)) hint(box);
  }, true);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:load", later);
  window.addEventListener("load", later);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  window.orchardTabStrip = { scan: scan };
})();
