// The sm docs page: search, a layered lineage graph and a detail panel over window.SM_DOCS.
// A classic script (not a module) because Chromium refuses module scripts from file:// pages.
(function () {
  'use strict';
  var data = window.SM_DOCS;
  var byId = new Map();
  data.nodes.forEach(function (n) { byId.set(n.id, n); });
  var LINEAGE_TYPES = { model: 1, seed: 1, source: 1, snapshot: 1, exposure: 1 };
  var lineageNodes = data.nodes.filter(function (n) { return LINEAGE_TYPES[n.type]; });

  var $ = function (id) { return document.getElementById(id); };
  var state = { selected: null, mode: 'whole', query: '', column: null };

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // Descriptions are Markdown in dbt projects (docs blocks above all). A small safe subset:
  // everything is escaped first, then `code`, **strong**, *em* / _em_ and [links](http...) only.
  function inlineMd(s) {
    return String(s == null ? '' : s).split('`').map(function (part, i, all) {
      var text = esc(part);
      if (i % 2 === 1 && i < all.length - 1) return '<code>' + text + '</code>';
      if (i % 2 === 1) text = '`' + text;
      // Images, ![alt](src) with src on the web (https) or relative to the page (an asset-paths folder,
      // copied beside it), and links to the web are set aside first, so emphasis never reaches into a URL.
      var kept = [];
      var keep = function (html) { kept.push(html); return '\uE000' + (kept.length - 1) + '\uE001'; };
      return text
        .replace(/!\[([^\]]*)\]\(((?:https?:\/\/|(?![a-z][a-z0-9+.-]*:|\/))[^\s)]+)\)/gi, function (_m, alt, src) { return keep('<img src="' + src + '" alt="' + alt + '">'); })
        .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, function (_m, label, href) { return keep('<a href="' + href + '" target="_blank" rel="noopener noreferrer">') + label + keep('</a>'); })
        .replace(/\*\*(?=\S)([^*]*\S)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^\w*])\*(?=\S)([^*]*\S)\*(?![\w*])/g, '$1<em>$2</em>')
        .replace(/(^|[^\w])_(?=\S)([^_]*\S)_(?!\w)/g, '$1<em>$2</em>')
        .replace(/\uE000(\d+)\uE001/g, function (_m, i) { return kept[+i]; });
    }).join('');
  }

  // Blocks: paragraphs (blank lines between), # headings, - / * / 1. lists and ``` fences.
  function md(text) {
    var out = [];
    var para = [];
    var list = null;
    var fence = null;
    function flush() {
      if (para.length) out.push('<p>' + inlineMd(para.join(' ')) + '</p>');
      para = [];
      if (list) out.push('<' + list.tag + '>' + list.items.map(function (x) { return '<li>' + inlineMd(x) + '</li>'; }).join('') + '</' + list.tag + '>');
      list = null;
    }
    String(text == null ? '' : text).replace(/\r\n?/g, '\n').split('\n').forEach(function (line) {
      if (fence) {
        if (/^\s*```/.test(line)) { out.push('<pre>' + esc(fence.join('\n')) + '</pre>'); fence = null; } else fence.push(line);
        return;
      }
      if (/^\s*```/.test(line)) { flush(); fence = []; return; }
      var h = /^(#{1,6})\s+(.*)$/.exec(line);
      var li = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
      if (!line.trim()) flush();
      else if (h) { flush(); out.push('<h4 class="md">' + inlineMd(h[2]) + '</h4>'); }
      else if (li) {
        var tag = li[1] ? 'ul' : 'ol';
        if (para.length || (list && list.tag !== tag)) flush();
        if (!list) list = { tag: tag, items: [] };
        list.items.push(li[3]);
      } else if (list && /^\s+\S/.test(line)) list.items[list.items.length - 1] += ' ' + line.trim();
      else { if (list) flush(); para.push(line.trim()); }
    });
    if (fence) out.push('<pre>' + esc(fence.join('\n')) + '</pre>');
    flush();
    return out.join('');
  }

  // ---------- layout: longest-path layers, then barycentric ordering within each layer ----------

  /** Lays out `ids` left to right. Returns positions by id and the edges among them. */
  function layout(ids) {
    var inSet = new Set(ids);
    var parents = new Map(), children = new Map();
    ids.forEach(function (id) { parents.set(id, []); children.set(id, []); });
    var edges = [];
    ids.forEach(function (id) {
      byId.get(id).parents.forEach(function (p) {
        if (!inSet.has(p)) return;
        parents.get(id).push(p);
        children.get(p).push(id);
        edges.push([p, id]);
      });
    });
    // Kahn's order; each node's layer is one more than its deepest parent's.
    var indeg = new Map(), layer = new Map(), queue = [], order = [];
    ids.forEach(function (id) { indeg.set(id, parents.get(id).length); if (!parents.get(id).length) queue.push(id); });
    for (var qi = 0; qi < queue.length; qi++) {
      var id = queue[qi];
      order.push(id);
      var l = 0;
      parents.get(id).forEach(function (p) { l = Math.max(l, layer.get(p) + 1); });
      layer.set(id, l);
      children.get(id).forEach(function (c) { indeg.set(c, indeg.get(c) - 1); if (indeg.get(c) === 0) queue.push(c); });
    }
    // An edge that skips layers gets a virtual node in each layer it crosses, so ordering keeps
    // it straight and it is drawn around boxes rather than through them. Past a budget (huge,
    // deep graphs) long edges are drawn direct instead.
    var lp = new Map(), lc = new Map(), isDummy = new Set(), routes = [];
    ids.forEach(function (id) { lp.set(id, []); lc.set(id, []); });
    var dummies = 0;
    edges.forEach(function (e) {
      var span = layer.get(e[1]) - layer.get(e[0]);
      var chain = [e[0]];
      if (span > 1 && dummies + span - 1 <= 20000) {
        for (var d = 1; d < span; d++) {
          var did = '~' + dummies++;
          isDummy.add(did); lp.set(did, []); lc.set(did, []); layer.set(did, layer.get(e[0]) + d);
          order.push(did);
          chain.push(did);
        }
      }
      chain.push(e[1]);
      for (var ci = 1; ci < chain.length; ci++) { lp.get(chain[ci]).push(chain[ci - 1]); lc.get(chain[ci - 1]).push(chain[ci]); }
      routes.push({ from: e[0], to: e[1], via: chain.slice(1, -1) });
    });
    var layers = [];
    order.forEach(function (id) {
      var l = layer.get(id);
      (layers[l] = layers[l] || []).push(id);
    });
    var nameOf = function (id) { return isDummy.has(id) ? '' : byId.get(id).name; };
    layers.forEach(function (ls) { ls.sort(function (a, b) { return nameOf(a) < nameOf(b) ? -1 : 1; }); });
    var pos = new Map();
    function index() { layers.forEach(function (ls) { ls.forEach(function (id, i) { pos.set(id, i / Math.max(1, ls.length - 1)); }); }); }
    index();
    // Alternate sweeps: order by the mean relative position of parents, then of children.
    function sweep(neigh, from, to, step) {
      for (var li = from; li !== to; li += step) {
        var ls = layers[li];
        var bary = new Map();
        ls.forEach(function (id) {
          var ns = neigh.get(id);
          if (!ns.length) { bary.set(id, pos.get(id)); return; }
          var sum = 0;
          ns.forEach(function (n) { sum += pos.get(n); });
          bary.set(id, sum / ns.length);
        });
        ls.sort(function (a, b) { return bary.get(a) - bary.get(b); });
        ls.forEach(function (id, i) { pos.set(id, i / Math.max(1, ls.length - 1)); });
      }
    }
    var sweeps = ids.length > 3000 ? 4 : 8;
    for (var k = 0; k < sweeps; k++) {
      if (k % 2 === 0) sweep(lp, 1, layers.length, 1);
      else sweep(lc, layers.length - 2, -1, -1);
    }
    var W = 190, H = 28, GX = 70, GY = 12, DH = 6;
    var heightOf = function (ls) { var h = 0; ls.forEach(function (id) { h += (isDummy.has(id) ? DH : H) + GY; }); return h - GY; };
    var tallest = 0;
    layers.forEach(function (ls) { tallest = Math.max(tallest, heightOf(ls)); });
    var xy = new Map();
    layers.forEach(function (ls, li) {
      var y = (tallest - heightOf(ls)) / 2;
      ls.forEach(function (id) {
        var h = isDummy.has(id) ? DH : H;
        xy.set(id, { x: li * (W + GX), y: y, h: h });
        y += h + GY;
      });
    });
    return { xy: xy, edges: routes, width: layers.length * (W + GX) - GX, height: tallest, W: W, H: H };
  }

  // ---------- graph drawing, pan and zoom ----------

  var view = { x: 0, y: 0, k: 1 };
  var current = null;

  function applyView() {
    $('viewport').setAttribute('transform', 'translate(' + view.x + ',' + view.y + ') scale(' + view.k + ')');
  }

  function fit() {
    if (!current) return;
    var svg = $('graph');
    var w = svg.clientWidth || 800, h = svg.clientHeight || 600;
    var k = Math.min((w - 40) / Math.max(1, current.width), (h - 60) / Math.max(1, current.height), 1.2);
    view.k = Math.max(k, 0.02);
    view.x = (w - current.width * view.k) / 2;
    view.y = Math.max(36, (h - current.height * view.k) / 2);
    applyView();
  }

  function lineageOf(id) {
    var seen = new Set([id]);
    [['parents'], ['children']].forEach(function (dir) {
      var stack = [id];
      while (stack.length) {
        var n = byId.get(stack.pop());
        n[dir[0]].forEach(function (m) { if (!seen.has(m) && byId.has(m)) { seen.add(m); stack.push(m); } });
      }
    });
    return Array.from(seen).filter(function (m) { return LINEAGE_TYPES[byId.get(m).type]; });
  }

  function draw() {
    var sel = state.selected && byId.get(state.selected);
    var focusId = sel && (LINEAGE_TYPES[sel.type] ? sel.id : sel.parents[0]);
    var ids = state.mode === 'lineage' && focusId ? lineageOf(focusId) : lineageNodes.map(function (n) { return n.id; });
    current = layout(ids);
    var near = new Set();
    if (focusId) { near.add(focusId); byId.get(focusId).parents.forEach(function (p) { near.add(p); }); byId.get(focusId).children.forEach(function (c) { near.add(c); }); }
    var onColumn = columnLineageNodes(), colEdges = columns.lineageEdges();
    var parts = [];
    var W = current.W, H = current.H;
    current.edges.forEach(function (e) {
      var a = current.xy.get(e.from), b = current.xy.get(e.to);
      // Through each virtual node: enter on its left, leave on its right, as if it were a thin box.
      var pts = [[a.x + W, a.y + H / 2]];
      e.via.forEach(function (d) { var p = current.xy.get(d); pts.push([p.x, p.y + p.h / 2], [p.x + W, p.y + p.h / 2]); });
      pts.push([b.x, b.y + H / 2]);
      var d = 'M' + pts[0][0] + ' ' + pts[0][1];
      for (var i = 1; i < pts.length; i++) {
        var p0 = pts[i - 1], p1 = pts[i];
        if (i % 2 === 0) { d += 'L' + p1[0] + ' ' + p1[1]; continue; }
        var mx = (p0[0] + p1[0]) / 2;
        d += 'C' + mx + ' ' + p0[1] + ' ' + mx + ' ' + p1[1] + ' ' + p1[0] + ' ' + p1[1];
      }
      var hot = focusId && (e.from === focusId || e.to === focusId);
      parts.push('<path class="edge' + (hot ? ' hot' : '') + (colEdges.has(e.from + '\u0000' + e.to) ? ' col' : '') + '" d="' + d + '"/>');
    });
    ids.forEach(function (id) {
      var n = byId.get(id), p = current.xy.get(id);
      var cls = 'node ' + n.type + (id === focusId ? ' sel' : near.has(id) ? ' near' : '') + (onColumn.has(id) ? ' col' : '') + (n.lastResult && (n.lastResult.status === 'error' || n.lastResult.status === 'fail') ? ' error' : '');
      var label = n.name.length > 26 ? n.name.slice(0, 25) + '…' : n.name;
      parts.push('<g class="' + cls + '" data-id="' + esc(id) + '" transform="translate(' + p.x + ',' + p.y + ')"><title>' + esc(n.id) + '</title><rect width="' + W + '" height="' + H + '"/><text x="8" y="18">' + esc(label) + '</text></g>');
    });
    $('viewport').innerHTML = parts.join('');
    $('graph-title').textContent = (state.mode === 'lineage' && focusId ? 'Lineage of ' + byId.get(focusId).name : 'Whole project') + ': ' + ids.length + ' nodes, ' + current.edges.length + ' edges';
    $('whole').classList.toggle('on', state.mode === 'whole');
    $('lineage').classList.toggle('on', state.mode === 'lineage');
    fit();
  }

  (function panZoom() {
    var svg = $('graph'), drag = null, moved = false;
    svg.addEventListener('mousedown', function (e) { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y }; moved = false; });
    window.addEventListener('mousemove', function (e) {
      if (!drag) return;
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3) moved = true;
      view.x = drag.vx + e.clientX - drag.x; view.y = drag.vy + e.clientY - drag.y; applyView();
    });
    window.addEventListener('mouseup', function () { drag = null; });
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = svg.getBoundingClientRect(), mx = e.clientX - r.left, my = e.clientY - r.top;
      var f = Math.exp(-e.deltaY * 0.0015), k = Math.min(4, Math.max(0.01, view.k * f));
      view.x = mx - ((mx - view.x) * k) / view.k; view.y = my - ((my - view.y) * k) / view.k; view.k = k; applyView();
    }, { passive: false });
    svg.addEventListener('click', function (e) {
      if (moved) return;
      var g = e.target.closest && e.target.closest('.node');
      if (g) select(g.getAttribute('data-id'), 'lineage');
    });
  })();

  // ---------- search ----------

  function renderResults() {
    var q = state.query.trim().toLowerCase();
    var hits = data.nodes.filter(function (n) { return q ? n.name.toLowerCase().indexOf(q) >= 0 || n.id.toLowerCase().indexOf(q) >= 0 : n.type !== 'test' && n.type !== 'unit_test'; });
    // Exact and prefix matches first, then by name.
    hits.sort(function (a, b) {
      var ra = rank(a), rb = rank(b);
      return ra - rb || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    function rank(n) { var nm = n.name.toLowerCase(); return !q ? 0 : nm === q ? 0 : nm.indexOf(q) === 0 ? 1 : 2; }
    var shown = hits.slice(0, 300);
    var html = shown.map(function (n) {
      return '<li data-id="' + esc(n.id) + '"' + (n.id === state.selected ? ' class="sel"' : '') + ' title="' + esc(n.id) + '"><span class="badge ' + n.type + '">' + n.type + '</span><span class="name">' + esc(n.name) + '</span></li>';
    });
    if (hits.length > shown.length) html.push('<li class="more">… and ' + (hits.length - shown.length) + ' more: refine the search</li>');
    if (!hits.length) html.push('<li class="more">Nothing matches “' + esc(state.query) + '”</li>');
    $('results').innerHTML = html.join('');
    return shown;
  }

  $('search').addEventListener('input', function (e) { state.query = e.target.value; renderResults(); });
  $('search').addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    var first = renderResults()[0];
    if (first) select(first.id, 'lineage');
  });
  $('results').addEventListener('click', function (e) {
    var li = e.target.closest('li[data-id]');
    if (li) select(li.getAttribute('data-id'), 'lineage');
  });
  $('whole').addEventListener('click', function () { state.mode = 'whole'; draw(); });
  $('lineage').addEventListener('click', function () { if (state.selected) { state.mode = 'lineage'; draw(); } });

  // ---------- detail panel ----------

  function link(id) {
    var n = byId.get(id);
    if (!n) return esc(id);
    var st = n.lastResult ? ' <span class="status ' + esc(n.lastResult.status) + '">' + esc(n.lastResult.status) + '</span>' : '';
    return '<a data-id="' + esc(id) + '"><span class="badge ' + n.type + '">' + n.type + '</span> ' + esc(n.name) + '</a>' + st;
  }

  function list(ids, empty) {
    return ids.length ? '<ul>' + ids.map(function (id) { return '<li>' + link(id) + '</li>'; }).join('') + '</ul>' : '<p class="empty">' + empty + '</p>';
  }

  // An exposure's own facts: what it is, who owns it and where it lives.
  function exposureDetail(n) {
    var e = n.exposure;
    if (!e) return '';
    var owner = [e.owner.name, [].concat(e.owner.email || []).join(', ')].filter(Boolean).join(' · ');
    var url = /^https?:\/\//i.test(e.url || '') ? '<a href="' + esc(e.url) + '" target="_blank" rel="noopener noreferrer">' + esc(e.url) + '</a>' : esc(e.url || '');
    return '<h3>Exposure</h3><table data-role="exposure">' +
      '<tr><th>Type</th><td>' + esc(e.type) + '</td></tr>' +
      (e.label ? '<tr><th>Label</th><td>' + esc(e.label) + '</td></tr>' : '') +
      '<tr><th>Owner</th><td data-role="owner">' + esc(owner) + '</td></tr>' +
      (e.maturity ? '<tr><th>Maturity</th><td>' + esc(e.maturity) + '</td></tr>' : '') +
      (e.url ? '<tr><th>URL</th><td data-role="url">' + url + '</td></tr>' : '') + '</table>';
  }

  function renderDetail() {
    var n = state.selected && byId.get(state.selected);
    if (!n) return;
    var h = [];
    h.push('<h2 data-role="name">' + esc(n.name) + '</h2>');
    h.push('<div class="meta"><span class="badge ' + n.type + '">' + n.type + '</span> ' + esc(n.materialized || '') + ' · ' + esc(n.path) + '</div>');
    if (n.relation) h.push('<div class="meta">' + esc(n.relation) + '</div>');
    h.push('<h3>Description</h3>' + (n.description ? '<div data-role="description">' + md(n.description) + '</div>' : '<p class="empty">No description.</p>'));
    h.push(exposureDetail(n));
    h.push('<h3>Last result</h3>');
    if (n.lastResult) {
      var r = n.lastResult;
      h.push('<p><span class="status ' + esc(r.status) + '" data-role="status">' + esc(r.status) + '</span> in ' + r.executionTime.toFixed(2) + ' s' + (r.completedAt ? ' · ' + esc(r.completedAt) : '') + '</p>' + (r.message ? '<pre>' + esc(r.message) + '</pre>' : ''));
    } else h.push('<p class="empty">Not run yet' + (data.resultsAt ? ' in the last run' : '') + '.</p>');
    h.push('<h3>Columns</h3>');
    h.push(columnsTable(n));
    h.push('<div id="col-lineage" data-role="column-lineage">' + columnLineageHtml(n) + '</div>');
    h.push('<h3>Upstream</h3><div data-role="upstream">' + list(n.parents, 'None.') + '</div>');
    h.push('<h3>Downstream</h3><div data-role="downstream">' + list(n.children, 'None.') + '</div>');
    if (n.type !== 'test' && n.type !== 'unit_test') h.push('<h3>Tests</h3>' + list(n.tests, 'No tests.'));
    if (n.compiledCode) h.push('<h3>Compiled SQL</h3><pre data-role="compiled">' + esc(n.compiledCode) + '</pre>');
    if (n.rawCode) h.push('<details><summary>Source SQL</summary><pre>' + esc(n.rawCode) + '</pre></details>');
    h.push('<h3>Config</h3><pre>' + esc(JSON.stringify(n.config, null, 2)) + '</pre>');
    $('detail').innerHTML = h.join('');
  }

  $('detail').addEventListener('click', function (e) {
    var row = e.target.closest('tr[data-col]');
    if (row) { selectColumn(state.selected, row.getAttribute('data-col')); return; }
    var a = e.target.closest('a[data-id]');
    if (a && a.hasAttribute('data-col')) { select(a.getAttribute('data-id'), 'lineage', a.getAttribute('data-col')); return; }
    if (a) select(a.getAttribute('data-id'), state.mode);
  });

  function select(id, mode, column) {
    if (!byId.has(id)) return;
    state.selected = id;
    state.mode = mode || state.mode;
    state.column = column || null;
    if (location.hash !== '#' + encodeURIComponent(id)) history.replaceState(null, '', '#' + encodeURIComponent(id));
    renderDetail();
    renderResults();
    draw();
  }

  // Column lineage: inferred types and upstream/downstream columns (sm-docs-columns.js).
  var columns = window.smDocsColumns(data, byId, esc, state, inlineMd);
  var columnsTable = columns.table, columnLineageHtml = columns.lineageHtml, columnLineageNodes = columns.lineageNodes;
  function selectColumn(id, column) {
    state.column = state.column && state.column.toLowerCase() === String(column).toLowerCase() ? null : column;
    renderDetail();
    draw();
    if (state.column && $('col-lineage').scrollIntoView) $('col-lineage').scrollIntoView({ block: 'nearest' });
  }

  // ---------- start ----------
  $('project').textContent = data.project + ' docs';
  document.title = data.project + ' · sm docs';
  var counts = {};
  data.nodes.forEach(function (n) { counts[n.type] = (counts[n.type] || 0) + 1; });
  $('summary').textContent = Object.keys(counts).sort().map(function (t) { return counts[t] + ' ' + t + (counts[t] === 1 ? '' : 's'); }).join(' · ') + ' · target ' + data.target;
  renderResults();
  var initial = location.hash ? decodeURIComponent(location.hash.slice(1)) : '';
  if (byId.has(initial)) select(initial, 'lineage');
  else {
    // The project's overview ({% docs __overview__ %}) until a node is chosen.
    if (data.overview) $('detail').innerHTML = '<div data-role="overview">' + md(data.overview) + '</div>';
    draw();
  }
  window.addEventListener('resize', fit);
})();
