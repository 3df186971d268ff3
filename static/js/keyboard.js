// Keyboard-first: Ctrl+K / ⌘K / "/" search, n new partner, l log an interaction on the partner's
// page, r new reminder, g d / g p / g r go to Dashboard / Partners / Reminders, ? the list.
// Single keys never fire while typing in a field, with Ctrl/Alt/⌘ held, or while a dialog is open.
// What a shortcut did is said in the live region #kbd-announce (kept over a page load).
(function () {
  if (window.orchardKeyboard) return;
  window.orchardKeyboard = true;
  var Orchard = window.Orchard || {};
  var STORED = "orchard-announce";
  var pendingGo = null;

  function urls() {
    return (Orchard.config && Orchard.config().urls) || {};
  }
  function text(key) {
    return Orchard.text ? Orchard.text(key) : "";
  }

  function typing(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    return Boolean(target.closest("input, textarea, select, [contenteditable], [role=textbox], [role=combobox]"));
  }

  function go(url, message) {
    if (!url) return;
    try {
      window.sessionStorage.setItem(STORED, message || "");
    } catch (error) {
      /* storage refused: the announcement is only lost */
    }
    Orchard.announce(message);
    window.location.assign(url);
  }

  function partnerId() {
    var head = document.querySelector("header.partner-head[id^='partner-']");
    return head ? head.id.slice("partner-".length) : null;
  }

  function focusLog(id) {
    var form = id && document.querySelector("#quick-log-" + id + " form");
    if (!form) return false;
    var first =
      form.querySelector("input[type=radio]:checked") ||
      form.querySelector("input:not([type=hidden]), select, textarea, button");
    form.scrollIntoView({ block: "center" });
    if (first) first.focus();
    Orchard.announce(text("log_focused"));
    return true;
  }

  function logInteraction() {
    var id = partnerId();
    if (!id) {
      Orchard.announce(text("log_nowhere"));
      return;
    }
    if (focusLog(id)) return;
    var page = (urls().partner_page || "").replace("{id}", id);
    go(page + "#quick-log-" + id, text("log_focused"));
  }

  function newReminder() {
    var url = urls().new_reminder;
    var id = partnerId();
    if (url && id) url += (url.indexOf("?") < 0 ? "?" : "&") + "partner_id=" + encodeURIComponent(id);
    go(url, text("new_reminder"));
  }

  var GO = { d: "dashboard", p: "partners", r: "reminders" };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    var key = event.key;
    var palette = document.getElementById("palette");
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && (key === "k" || key === "K")) {
      if (!palette || !Orchard.openPalette) return;
      event.preventDefault();
      if (palette.open) palette.close();
      else Orchard.openPalette("");
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;

    if (pendingGo) {
      window.clearTimeout(pendingGo);
      pendingGo = null;
      var where = GO[key];
      if (where) {
        event.preventDefault();
        go(urls()[where], text(where));
      }
      return;
    }
    if (key === "/" && Orchard.openPalette) {
      event.preventDefault();
      Orchard.openPalette("");
    } else if (key === "?") {
      event.preventDefault();
      Orchard.openDialog(document.getElementById("shortcuts"));
      Orchard.announce(text("shortcuts"));
    } else if (key === "n") {
      event.preventDefault();
      go(urls().new_partner, text("new_partner"));
    } else if (key === "r") {
      event.preventDefault();
      newReminder();
    } else if (key === "l") {
      event.preventDefault();
      logInteraction();
    } else if (key === "g") {
      event.preventDefault();
      Orchard.announce(text("go_what"));
      pendingGo = window.setTimeout(function () { pendingGo = null; }, 1500);
    }
  });

  function afterLoad() {
    var stored = null;
    try {
      stored = window.sessionStorage.getItem(STORED);
      window.sessionStorage.removeItem(STORED);
    } catch (error) {
      stored = null;
    }
    var match = /^#quick-log-(\d+)$/.exec(window.location.hash);
    if (match && focusLog(match[1])) return;
    if (stored) Orchard.announce(stored);
  }
  document.addEventListener("DOMContentLoaded", afterLoad);
})();
