// Referral genealogy in the browser.
//
// 1. The referrer picker: Enter in its search box searches instead of submitting the form.
// 2. The tree picture: a tidy tree laid out by d3-hierarchy (Reingold–Tilford, Buchheim's linear-time
//    variant) and drawn as SVG, left to right, one column per generation. Folding/unfolding re-runs the
//    layout here, so a click costs no round trip; branches the page did not load (big trees start a few
//    generations deep) are fetched as JSON when unfolded. Drag to pan, wheel or buttons to zoom, search
//    to reveal a partner deep in the branch. The nested list under the picture is the accessible view
//    of the same tree and works without this file.
(function () {
  "use strict";
  if (window.orchardReferralTree) { window.orchardReferralTree.boot(); return; }

  var SVGNS = "http://www.w3.org/2000/svg";
  var ROW = 28;           // vertical distance between siblings
  var COL = 215;          // horizontal distance between generations
  var OPEN_GENERATIONS = 3;  // big trees start unfolded this many generations below the focus
  var SMALL_TREE = 150;   // a tree this small starts fully unfolded
  var MIN_LABEL_PX = 11;   // "Fit" never shrinks the names below this; zoomed out further, they hide
  var VIEW_KEY = "orchard.referralTreeView";  // the picture/list choice on a narrow screen
  var COLORS = { prospect: "#2563eb", active: "#16a34a", dormant: "#a16207", ended: "#6b7280", referrer: "#7c3aed" };

  // --- the picker -------------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target && target.matches && target.matches("[data-picker-search]")) {
      event.preventDefault();
      target.dispatchEvent(new Event("search", { bubbles: true }));
    }
  });

  // --- the tree ---------------------------------------------------------------------------------
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVGNS, name);
    for (var key in attrs) { if (attrs[key] !== undefined && attrs[key] !== null) node.setAttribute(key, attrs[key]); }
    if (parent) parent.appendChild(node);
    return node;
  }

  // A label from the page (translated there): "{n}" / "{name}" filled in.
  function label(canvas, key, values) {
    var text = canvas.dataset[key] || "";
    for (var name in values) text = text.replace("{" + name + "}", values[name]);
    return text;
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  function Tree(canvas, data) {
    this.canvas = canvas;
    this.focusId = data.focus;
    this.baseGeneration = data.generation || 0;
    this.nodes = new Map();
    this.view = { k: 1, x: 40, y: 0 };
    this.statuses = JSON.parse(canvas.dataset.statuses || "{}");
    this.add(data.nodes);
    var smallTree = data.nodes.length <= SMALL_TREE;
    var focus = this.focusId;
    var self = this;
    this.nodes.forEach(function (n) { n.open = self.loaded(n) && (smallTree || n.g < OPEN_GENERATIONS || n.id === focus); });
    this.build();
    this.render();
    this.fit();
  }

  // The data-*-url attributes are URL templates with "{id}" where the id goes (app.web.url_template).
  Tree.prototype.url = function (template, id) {
    return this.canvas.dataset[template].replace("{id}", String(id));
  };

  // Merge nodes from the server (depth "g" is relative to the node they were loaded from: we keep
  // the depth relative to the focus, computed from the parent).
  Tree.prototype.add = function (list) {
    var self = this;
    list.forEach(function (raw) {
      var node = self.nodes.get(raw.id);
      if (!node) { node = { kids: [], open: false }; self.nodes.set(raw.id, node); }
      node.id = raw.id; node.p = raw.p; node.n = raw.n; node.s = raw.s; node.a = raw.a;
      node.z = raw.z; node.d = raw.d; node.c = raw.c;
    });
    list.forEach(function (raw) {
      var node = self.nodes.get(raw.id);
      var parent = raw.id === self.focusId ? null : self.nodes.get(raw.p);
      node.g = parent ? (parent.g || 0) + 1 : 0;
      if (parent && parent.kids.indexOf(node) < 0) parent.kids.push(node);
    });
    // generation below the focus, walking up (a batch may list a child before its parent)
    this.nodes.forEach(function (n) {
      var steps = 0, cur = n;
      while (cur && cur.id !== self.focusId && steps < 1000) { cur = self.nodes.get(cur.p); steps++; }
      n.g = steps;
    });
  };

  Tree.prototype.loaded = function (node) { return node.kids.length >= node.c; };

  Tree.prototype.build = function () {
    var canvas = this.canvas;
    canvas.textContent = "";
    this.svg = el("svg", { "class": "tree-svg", width: "100%", height: "100%", role: "group",
                           "aria-label": canvas.getAttribute("aria-label") }, canvas);
    this.viewport = el("g", { "class": "viewport" }, this.svg);
    el("rect", { "class": "gen-band", x: 0, y: 0, width: "100%", height: 34 }, this.svg);
    this.headers = el("g", { "class": "gen-headers" }, this.svg);  // stays at the top while panning
    this.links = el("g", { "class": "links" }, this.viewport);
    this.layer = el("g", { "class": "nodes" }, this.viewport);
    this.bindPanZoom();
  };

  Tree.prototype.layout = function () {
    var focus = this.nodes.get(this.focusId);
    var root = window.d3.hierarchy(focus, function (n) { return n.open && n.kids.length ? n.kids : null; });
    window.d3.tree().nodeSize([ROW, COL]).separation(function (a, b) {
      return a.parent === b.parent ? 1 : 1.4;
    })(root);
    return root;
  };

  Tree.prototype.render = function (anchorId) {
    var self = this;
    var before = anchorId ? this.positions && this.positions.get(anchorId) : null;
    var root = this.layout();
    var positions = new Map();
    var minX = Infinity, maxX = -Infinity, maxY = 0, maxDepth = 0;
    root.each(function (d) {
      positions.set(d.data.id, { x: d.x, y: d.y });
      minX = Math.min(minX, d.x); maxX = Math.max(maxX, d.x); maxY = Math.max(maxY, d.y);
      maxDepth = Math.max(maxDepth, d.depth);
    });
    this.positions = positions;
    this.bounds = { minX: minX, maxX: maxX, maxY: maxY };
    this.links.textContent = "";
    this.layer.textContent = "";
    this.headers.textContent = "";
    for (var depth = 0; depth <= maxDepth; depth++) {
      var header = el("text", { x: depth * COL, y: 0, "class": "gen-header" }, this.headers);
      header.textContent = this.genLabel(this.baseGeneration + depth);
    }
    root.links().forEach(function (link) {
      var s = link.source, t = link.target, mid = (s.y + t.y) / 2;
      el("path", { d: "M" + s.y + "," + s.x + "C" + mid + "," + s.x + " " + mid + "," + t.x + " " + t.y + "," + t.x,
                   "class": "link" }, self.links);
    });
    var partnerLabel = this.canvas.dataset.labelMore || "more";
    root.each(function (d) {
      var n = d.data;
      var folded = n.c > 0 && !(n.open && n.kids.length);
      var g = el("g", { "class": "tnode" + (n.a ? " archived" : "") + (folded ? " folded" : "") + (n.id === self.hit ? " hit" : ""),
                        transform: "translate(" + d.y + "," + d.x + ")", "data-id": n.id }, self.layer);
      var knob = el("g", { "class": "knob", tabindex: n.c > 0 ? "0" : null, role: n.c > 0 ? "button" : null,
                           "aria-expanded": n.c > 0 ? String(!!n.open) : null,
                           "aria-label": n.c > 0 ? label(self.canvas, n.open ? "labelFold" : "labelUnfold", { name: n.n }) : null }, g);
      el("circle", { r: folded ? 9 : 7, fill: COLORS[n.s] || "#6b7280", "class": "dot" }, knob);
      if (folded) {
        var plus = el("text", { "class": "knob-sign", dy: "0.35em", "text-anchor": "middle" }, knob);
        plus.textContent = "+";
      }
      var link = el("a", { href: self.url("partnerUrl", n.id), "class": "node-link" }, g);
      var text = el("text", { x: 14, dy: "0.35em", "class": "label" }, link);
      text.textContent = shorten(n.n, 24);
      var title = el("title", {}, link);
      title.textContent = n.n + " — " + (self.statuses[n.s] || n.s) + (n.a ? " (" + label(self.canvas, "labelArchived") + ")" : "")
        + ", " + label(self.canvas, "labelInBranch", { n: n.z });
      if (n.z > 1) {
        var size = el("tspan", { "class": "size", dx: "6" }, text);
        size.textContent = folded ? "+" + (n.z - 1) + " " + partnerLabel : String(n.z);
      }
    });
    if (before) {
      var after = positions.get(anchorId);
      if (after) {
        this.view.x -= (after.y - before.y) * this.view.k;
        this.view.y -= (after.x - before.x) * this.view.k;
      }
    }
    this.apply();
    this.canvas.dataset.visible = String(positions.size);
  };

  Tree.prototype.genLabel = function (generation) {
    return label(this.canvas, "labelGeneration", { n: generation });
  };

  // The smallest zoom at which every name is at least MIN_LABEL_PX tall (read from the drawn labels).
  Tree.prototype.minScale = function () {
    var smallest = Infinity;
    Array.prototype.forEach.call(this.layer.querySelectorAll(".label, .size"), function (text, i) {
      if (i < 4) smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) || Infinity);
    });
    return isFinite(smallest) ? MIN_LABEL_PX / smallest : 0.35;
  };

  Tree.prototype.apply = function () {
    var v = this.view;
    this.svg.classList.toggle("labels-hidden", v.k < this.minScale() - 0.001);
    this.viewport.setAttribute("transform", "translate(" + v.x + "," + v.y + ") scale(" + v.k + ")");
    this.headers.setAttribute("transform", "translate(" + v.x + ",22)");
    Array.prototype.forEach.call(this.headers.childNodes, function (text, depth) { text.setAttribute("x", depth * COL * v.k); });
  };

  Tree.prototype.fit = function () {
    var rect = this.canvas.getBoundingClientRect();
    var b = this.bounds;
    var width = b.maxY + COL, height = b.maxX - b.minX + 2 * ROW + 40;
    var fits = Math.min(rect.width / width, rect.height / height);
    var k = Math.max(this.minScale(), Math.min(1.1, fits));
    this.view.k = k;
    this.view.x = 30;
    var contentHeight = height * k;
    this.view.y = contentHeight < rect.height ? (rect.height - contentHeight) / 2 - (b.minX - ROW - 40) * k
                                              : 50 - (b.minX - ROW) * k;
    this.apply();
    // too big to fit with readable names: keep the partner last found in view
    if (k > fits && this.hit && this.positions.has(this.hit)) this.centerOn(this.hit);
  };

  Tree.prototype.zoom = function (factor, cx, cy) {
    var rect = this.canvas.getBoundingClientRect();
    if (cx === undefined) { cx = rect.width / 2; cy = rect.height / 2; }
    var v = this.view, k = Math.max(0.1, Math.min(3, v.k * factor));
    v.x = cx - (cx - v.x) * (k / v.k);
    v.y = cy - (cy - v.y) * (k / v.k);
    v.k = k;
    this.apply();
  };

  Tree.prototype.centerOn = function (id) {
    var p = this.positions.get(id);
    if (!p) return;
    var rect = this.canvas.getBoundingClientRect();
    this.view.x = rect.width / 3 - p.y * this.view.k;
    this.view.y = rect.height / 2 - p.x * this.view.k;
    this.apply();
  };

  Tree.prototype.bindPanZoom = function () {
    var self = this, svg = this.svg, drag = null;
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var rect = self.canvas.getBoundingClientRect();
      self.zoom(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (event) {
      if (event.target.closest(".tnode")) return;
      drag = { x: event.clientX, y: event.clientY, vx: self.view.x, vy: self.view.y };
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("panning");
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      self.view.x = drag.vx + event.clientX - drag.x;
      self.view.y = drag.vy + event.clientY - drag.y;
      self.apply();
    });
    function stop() { drag = null; svg.classList.remove("panning"); }
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
    svg.addEventListener("click", function (event) {
      var knob = event.target.closest(".knob");
      if (knob) self.toggle(Number(knob.parentNode.dataset.id));
    });
    svg.addEventListener("keydown", function (event) {
      var knob = event.target.closest && event.target.closest(".knob");
      if (knob && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        self.toggle(Number(knob.parentNode.dataset.id), true);
      }
    });
  };

  Tree.prototype.fetchJSON = function (url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  };

  Tree.prototype.toggle = function (id, keepFocus) {
    var self = this, node = this.nodes.get(id);
    if (!node || node.c === 0) return;
    if (node.open && node.kids.length) { node.open = false; this.render(id); this.refocus(id, keepFocus); return Promise.resolve(); }
    if (this.loaded(node)) { node.open = true; this.render(id); this.refocus(id, keepFocus); return Promise.resolve(); }
    this.canvas.classList.add("loading");
    return this.fetchJSON(this.url("nodesUrl", id) + "?depth=2").then(function (data) {
      self.add(data.nodes);
      node.open = true;
      data.nodes.forEach(function (raw) {  // unfold the first generation loaded, keep the second folded
        var n = self.nodes.get(raw.id);
        if (n.p === id) n.open = false;
      });
      self.render(id);
      self.refocus(id, keepFocus);
    }).catch(function () {
      self.canvas.classList.add("load-failed");
    }).finally(function () { self.canvas.classList.remove("loading"); });
  };

  // After unfolding: pan just enough to bring the partner and those it referred into view.
  Tree.prototype.bringIntoView = function (id) {
    var node = this.nodes.get(id), pos = this.positions.get(id);
    if (!node || !pos) return;
    var rect = this.canvas.getBoundingClientRect(), v = this.view, self = this, pad = 24;
    var points = [pos].concat(node.open ? node.kids.map(function (k) { return self.positions.get(k.id); }) : [])
      .filter(Boolean);
    var left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    points.forEach(function (p) {
      left = Math.min(left, v.x + p.y * v.k); right = Math.max(right, v.x + (p.y + 170) * v.k);
      top = Math.min(top, v.y + (p.x - ROW) * v.k); bottom = Math.max(bottom, v.y + (p.x + ROW) * v.k);
    });
    if (right > rect.width - pad) v.x -= Math.min(right - (rect.width - pad), left - pad);
    else if (left < pad) v.x += pad - left;
    if (bottom > rect.height - pad) v.y -= Math.min(bottom - (rect.height - pad), top - pad - 20);
    else if (top < pad + 20) v.y += pad + 20 - top;
    this.apply();
  };

  Tree.prototype.refocus = function (id, keepFocus) {
    this.bringIntoView(id);
    if (!keepFocus) return;
    var knob = this.layer.querySelector('.tnode[data-id="' + id + '"] .knob');
    if (knob) knob.focus();
  };

  Tree.prototype.setAll = function (predicate) {
    var self = this;
    this.nodes.forEach(function (n) { n.open = self.loaded(n) && predicate(n); });
    this.render();
    this.fit();
  };

  // Reveal a partner: load what is missing on the way down, unfold the chain, centre and highlight it.
  Tree.prototype.reveal = function (id) {
    var self = this;
    function show(chain) {
      chain.forEach(function (cid) { var n = self.nodes.get(cid); if (n && cid !== id) n.open = true; });
      self.hit = id;
      self.render();
      self.centerOn(id);
      var link = self.layer.querySelector('.tnode[data-id="' + id + '"] .node-link');
      if (link) link.focus();
    }
    return this.fetchJSON(this.url("pathUrl", id)).then(function (data) {
      self.add(data.nodes);
      show(data.chain);
    });
  };

  function bindSearch(tree) {
    var input = document.getElementById("tree-search");
    var list = document.getElementById("tree-search-results");
    if (!input || !list) return;
    var timer = null, seq = 0;
    function clear() { list.textContent = ""; list.hidden = true; }
    function choose(id) { clear(); tree.reveal(id); }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { clear(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        tree.fetchJSON(tree.canvas.dataset.findUrl + "?q=" + encodeURIComponent(q)).then(function (data) {
          if (mine !== seq) return;
          list.textContent = "";
          if (!data.matches.length) {
            var none = document.createElement("li");
            none.className = "muted";
            none.textContent = "—";
            list.appendChild(none);
          }
          data.matches.forEach(function (m) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "linklike";
            button.dataset.id = m.id;
            button.textContent = m.n + " · " + tree.genLabel(tree.baseGeneration + m.g);
            li.appendChild(button);
            list.appendChild(li);
          });
          list.hidden = false;
        });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = list.querySelector("button[data-id]");
        if (first) choose(Number(first.dataset.id));
      } else if (event.key === "Escape") { clear(); }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-id]");
      if (button) choose(Number(button.dataset.id));
    });
  }

  function bindToolbar(tree) {
    var toolbar = document.getElementById("tree-toolbar");
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tree-action]");
      if (!button) return;
      var action = button.dataset.treeAction;
      if (action === "zoom-in") tree.zoom(1.25);
      else if (action === "zoom-out") tree.zoom(0.8);
      else if (action === "fit") tree.fit();
      else if (action === "expand") tree.setAll(function () { return true; });
      else if (action === "collapse") tree.setAll(function (n) { return n.g < 2; });
    });
  }

  // Narrow screens show the list or the picture, as last chosen (the list at first).
  function bindSwitch(tree) {
    var bar = document.getElementById("tree-switch"), page = document.getElementById("tree-page");
    if (!bar || !page) return;
    function show(view) {
      page.dataset.treeView = view;
      Array.prototype.forEach.call(bar.querySelectorAll("[data-tree-view]"), function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.treeView === view));
      });
      if (view === "picture") tree.fit();
    }
    var saved = null;
    try { saved = window.localStorage.getItem(VIEW_KEY); } catch (e) { /* storage blocked */ }
    show(saved === "picture" ? "picture" : "list");
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tree-view]");
      if (!button) return;
      show(button.dataset.treeView);
      try { window.localStorage.setItem(VIEW_KEY, button.dataset.treeView); } catch (e) { /* storage blocked */ }
    });
  }

  function boot(attempt) {
    var canvas = document.getElementById("tree-canvas");
    var source = document.getElementById("tree-data");
    if (!canvas || !source || canvas.dataset.ready) return;
    if (!window.d3 || !window.d3.tree) {  // the layout library may still be loading after a boosted swap
      if ((attempt || 0) < 100) setTimeout(function () { boot((attempt || 0) + 1); }, 30);
      return;
    }
    canvas.dataset.ready = "1";
    canvas.hidden = false;
    var tree = new Tree(canvas, JSON.parse(source.textContent));
    canvas.orchardTree = tree;
    bindToolbar(tree);
    bindSearch(tree);
    bindSwitch(tree);
  }

  window.orchardReferralTree = { boot: boot };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { boot(); });
  else boot();
  document.addEventListener("htmx:load", function () { boot(); });
})();
