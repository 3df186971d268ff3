// The command palette (Ctrl+K / ⌘K / "/", or the navigation's search box) and the focus rules of
// every <dialog> in the app: Tab stays inside an open dialog, and closing it gives focus back to
// where it was. Words and URLs come from the page (#orchard-keys), never from this file.
(function () {
  if (window.Orchard && window.Orchard.openPalette) return;
  var Orchard = (window.Orchard = window.Orchard || {});

  Orchard.config = function () {
    var block = document.getElementById("orchard-keys");
    try {
      return JSON.parse(block ? block.textContent : "{}");
    } catch (error) {
      return {};
    }
  };
  Orchard.text = function (key) {
    var config = Orchard.config();
    return (config.text && config.text[key]) || "";
  };
  Orchard.announce = function (message) {
    var region = document.getElementById("kbd-announce");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 60);
  };

  // --- every dialog: trap and return focus ------------------------------------------------------
  var lastFocus = null; // the last element focused outside any dialog
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof Element && !event.target.closest("dialog")) lastFocus = event.target;
  });

  Orchard.openDialog = function (dialog) {
    if (!dialog || dialog.open) return;
    var active = document.activeElement;
    dialog.orchardReturnTo = active && active !== document.body ? active : lastFocus;
    dialog.showModal();
  };

  // `close` does not bubble: listen in the capture phase to see every dialog's
  document.addEventListener(
    "close",
    function (event) {
      var dialog = event.target;
      if (!(dialog instanceof HTMLDialogElement)) return;
      var back = dialog.orchardReturnTo || lastFocus;
      dialog.orchardReturnTo = null;
      if (back && back.isConnected && typeof back.focus === "function") back.focus();
    },
    true
  );

  function focusables(dialog) {
    var found = dialog.querySelectorAll(
      'a[href]:not([tabindex="-1"]), button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'
    );
    return Array.prototype.filter.call(found, function (el) { return el.getClientRects().length > 0; });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var dialog = document.querySelector("dialog[open]");
    if (!dialog) return;
    var items = focusables(dialog);
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var closer = target.closest("[data-close-dialog]");
    if (closer && closer.closest("dialog")) {
      closer.closest("dialog").close();
      return;
    }
    var opener = target.closest("[data-open-dialog]");
    if (opener) {
      Orchard.openDialog(document.getElementById(opener.dataset.openDialog));
      return;
    }
    // a click on the backdrop (the dialog element itself, around its article) closes it
    if (target instanceof HTMLDialogElement && target.open) target.close();
  });

  // --- the palette -------------------------------------------------------------------------------
  var openWhenShown = false; // Enter was pressed before the results of what was typed arrived

  function parts() {
    return {
      dialog: document.getElementById("palette"),
      input: document.getElementById("palette-input"),
      error: document.getElementById("palette-error"),
      status: document.getElementById("palette-status"),
    };
  }

  function options() {
    return Array.prototype.slice.call(document.querySelectorAll("#palette-results [role=option]"));
  }

  function setActive(option) {
    var p = parts();
    options().forEach(function (each) { each.setAttribute("aria-selected", each === option ? "true" : "false"); });
    p.input.setAttribute("aria-activedescendant", option ? option.id : "");
    if (option) option.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = options();
    if (!all.length) return;
    var current = all.indexOf(document.querySelector("#palette-results [aria-selected=true]"));
    var next = current < 0 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length;
    setActive(all[next]);
  }

  function showError(message) {
    var p = parts();
    if (!p.error) return;
    p.error.textContent = message || "";
    p.error.hidden = !message;
  }

  Orchard.openPalette = function (text) {
    var p = parts();
    if (!p.dialog || !p.input) return;
    if (!p.dialog.open) Orchard.openDialog(p.dialog);
    p.input.value = text || "";
    openWhenShown = false;
    showError("");
    p.input.focus();
    htmx.trigger(p.input, "palette:open");
  };

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "palette-input") {
      event.detail.parameters.q = event.detail.elt.value;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "palette-results") return;
    showError("");
    var all = options();
    setActive(all.length ? all[0] : null);
    var list = document.getElementById("palette-listbox");
    var p = parts();
    if (list && p.status) p.status.textContent = list.dataset.summary || "";
    if (openWhenShown && p.input && shownFor(p.input.value)) {
      openWhenShown = false;
      openActive();
    }
  });

  function failed(event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || elt.id !== "palette-input") return;
    openWhenShown = false;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (event.type === "htmx:sendError" || event.type === "htmx:timeout" || !status) {
      showError(Orchard.text("failed_network"));
    } else if (status === 401) {
      showError(Orchard.text("failed_login"));
    } else {
      showError(Orchard.text("failed_server"));
    }
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  function shownFor(text) {
    var list = document.getElementById("palette-listbox");
    return Boolean(list) && list.dataset.query === text.trim().split(/\s+/).join(" ");
  }

  function openActive() {
    var chosen = document.querySelector("#palette-results [aria-selected=true]");
    if (chosen && chosen.href) window.location.assign(chosen.href);
  }

  document.addEventListener("keydown", function (event) {
    if (!(event.target instanceof Element) || event.target.id !== "palette-input") return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (!shownFor(event.target.value)) {
        // the results on screen are for what was typed before: open the best of the new ones
        openWhenShown = true;
        htmx.trigger(event.target, "palette:open");
        return;
      }
      openActive();
    }
  });

  document.addEventListener("mousemove", function (event) {
    var option = event.target instanceof Element ? event.target.closest("#palette-results [role=option]") : null;
    if (option && option.getAttribute("aria-selected") !== "true") setActive(option);
  });

  // The navigation's search box: with JavaScript, typing or clicking there opens the palette.
  document.addEventListener("input", function (event) {
    if (!(event.target instanceof Element)) return;
    if (event.target.id === "palette-input") openWhenShown = false; // typed on after Enter: wait for the next Enter
    if (event.target.id !== "nav-search-q") return;
    var text = event.target.value;
    event.target.value = "";
    Orchard.openPalette(text);
  });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var box = target.closest("#nav-search-q, #nav-search .nav-search-button");
    if (!box) return;
    event.preventDefault();
    var input = document.getElementById("nav-search-q");
    var text = input ? input.value : "";
    if (input) input.value = "";
    Orchard.openPalette(text);
  });

  function reveal(root) {
    (root || document).querySelectorAll("[data-open-dialog][hidden]").forEach(function (el) { el.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
