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
        button.textContent = button.dataset.copied || button.textContent;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { onReady(document); });
  document.addEventListener("htmx:load", function (event) { onReady(event.target); });
})();

// No htmx request fails silently. The server answers a failed request with a short problem piece
// (templates/errors/_problem.html), shown where the request came from; a failed boosted navigation
// shows the whole error page, as without JavaScript; no answer at all (network down, a timeout)
// shows the words the page carries in <body data-msg-*>.
(function () {
  function words(name) { return (document.body && document.body.dataset[name]) || ""; }

  function placeOf(elt) {
    var place = elt && elt.closest ? elt.closest("form, section, article, li, tr, dialog") : null;
    return place && document.contains(place) ? place : null;
  }

  function show(elt, problem) {
    if (elt && elt.closest && elt.closest("[data-own-failures]")) return;  // e.g. the palette says it itself
    var place = placeOf(elt);
    var flashes = document.getElementById("flashes");
    problem.classList.add("request-problem");
    problem.setAttribute("role", "alert");
    problem.setAttribute("tabindex", "-1");
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "linklike request-problem-dismiss";
    dismiss.textContent = words("msgDismiss");
    dismiss.addEventListener("click", function () { problem.remove(); });
    problem.appendChild(document.createTextNode(" "));
    problem.appendChild(dismiss);
    if (place && place.tagName === "TR") place = place.closest("table") || place;
    var before = place && place.previousElementSibling;
    if (before && before.classList.contains("request-problem")) before.remove();
    if (place && place.parentNode) {
      place.parentNode.insertBefore(problem, place);
    } else if (flashes) {
      flashes.querySelectorAll(".request-problem").forEach(function (old) { old.remove(); });
      flashes.appendChild(problem);
    }
  }

  function message(text) {
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    return p;
  }

  function problemIn(xhr) {
    var text = xhr && xhr.responseText;
    if (text) {
      var found = new DOMParser().parseFromString(text, "text/html").querySelector(".request-problem");
      if (found) return document.importNode(found, true);
    }
    return message(words("msgFailed") + (xhr && xhr.status ? " (" + xhr.status + ")" : ""));
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.isError && detail.boosted && /<html/i.test(detail.serverResponse || "")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    show(event.detail.elt, problemIn(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function (event) {
    show(event.detail.elt, message(words("msgOffline")));
  });
  document.addEventListener("htmx:timeout", function (event) {
    show(event.detail.elt, message(words("msgOffline")));
  });

  // Logged out meanwhile: what was typed in a form with a note is kept in this tab's session
  // storage while it is sent, and put back on the page the login returns to.
  var DRAFT = "orchard-draft";

  function actionOf(form) { return form.getAttribute("hx-post") || form.getAttribute("action") || ""; }
  function here() { return location.pathname + location.search; }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if (!form || !Array.prototype.some.call(form.querySelectorAll("textarea"), function (t) { return t.value.trim(); })) return;
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || /^(hidden|password|file|submit|button|reset)$/.test(el.type)) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (!(el.name in fields)) fields[el.name] = el.value;
    });
    try {
      sessionStorage.setItem(DRAFT, JSON.stringify({ page: here(), action: actionOf(form), fields: fields }));
    } catch (e) { /* storage full or off: nothing to keep */ }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    // sent: the draft of that form goes (another form's success, e.g. the login, leaves it)
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    var draft = readDraft();
    if (status >= 200 && status < 400 && form && draft && draft.page === here() && draft.action === actionOf(form)) {
      sessionStorage.removeItem(DRAFT);
    }
  });

  function readDraft() {
    try { return JSON.parse(sessionStorage.getItem(DRAFT) || "null"); } catch (e) { return null; }
  }

  function restoreDraft() {
    var draft = readDraft();
    if (!draft || draft.page !== here()) return;
    var form = Array.prototype.find.call(document.querySelectorAll("form"), function (f) { return actionOf(f) === draft.action; });
    if (!form) return;
    sessionStorage.removeItem(DRAFT);
    Object.keys(draft.fields).forEach(function (name) {
      var value = draft.fields[name];
      form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']").forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === value; }
        else if (el.tagName === "SELECT" || !el.value) { el.value = value; }
      });
    });
    var note = document.createElement("p");
    note.className = "flash flash-warn draft-restored";
    note.setAttribute("role", "status");
    note.textContent = words("msgDraftRestored");
    form.parentNode.insertBefore(note, form);
    var first = form.querySelector("textarea");
    if (first) first.focus();
  }
  document.addEventListener("DOMContentLoaded", restoreDraft);
})();
