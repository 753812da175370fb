// Column lineage on the sm docs page: each column's inferred type, the columns it comes from and
// the columns computed from it (sm check's lineage, inverted here for downstream). A classic script
// loaded before sm-docs.js, which calls window.smDocsColumns with the page's data and state.
(function () {
  'use strict';
  window.smDocsColumns = function (data, byId, esc, state, inlineMd) {
    var colIndex = null;
    function colKey(id, name) { return id + '\u0000' + String(name).toLowerCase(); }

    /** Every column with its direct upstream and downstream columns, built once from the nodes' upstream lists. */
    function columnIndex() {
      if (colIndex) return colIndex;
      colIndex = new Map();
      function entry(id, name) {
        var k = colKey(id, name);
        var e = colIndex.get(k);
        if (!e) { e = { id: id, column: name, up: [], down: [] }; colIndex.set(k, e); }
        return e;
      }
      data.nodes.forEach(function (n) {
        n.columns.forEach(function (c) {
          var me = entry(n.id, c.name);
          (c.upstream || []).forEach(function (u) {
            var from = entry(u.id, u.column);
            me.up.push({ key: colKey(u.id, u.column), pass: u.kind === 'passthrough' });
            from.down.push({ key: colKey(n.id, c.name), pass: u.kind === 'passthrough' });
          });
        });
      });
      return colIndex;
    }

    /** Columns reached from `start` going `dir` ('up' or 'down'), nearest first, each with whether the value passes through unchanged all the way. */
    function walkColumns(start, dir) {
      var idx = columnIndex();
      var best = new Map([[start, { depth: 0, pass: true }]]);
      var frontier = [start];
      for (var depth = 1; frontier.length; depth++) {
        var next = [];
        frontier.forEach(function (k) {
          var here = best.get(k), e = idx.get(k);
          if (!e) return;
          e[dir].forEach(function (edge) {
            if (best.has(edge.key)) return;
            best.set(edge.key, { depth: depth, pass: here.pass && edge.pass });
            next.push(edge.key);
          });
        });
        frontier = next;
      }
      best.delete(start);
      return Array.from(best).map(function (kv) { var e = idx.get(kv[0]); return { id: e.id, column: e.column, depth: kv[1].depth, pass: kv[1].pass }; });
    }

    function columnsTable(n) {
      if (!n.columns.length) return '<p class="empty">No columns documented or found.</p>';
      var inferred = n.columns.some(function (c) { return c.inferredType !== undefined; });
      var head = '<tr><th>Column</th><th>Declared</th>' + (inferred ? '<th>Inferred</th>' : '') + '<th>Warehouse</th><th>Description</th></tr>';
      var rows = n.columns.map(function (c) {
        var sel = state.column && state.column.toLowerCase() === c.name.toLowerCase();
        return '<tr data-col="' + esc(c.name) + '" class="col-row' + (sel ? ' sel' : '') + '" title="Show where this column comes from and where it goes"><td>' + esc(c.name) + '</td><td>' + esc(c.declaredType || '') + '</td>' +
          (inferred ? '<td>' + esc(c.inferredType || (c.inferredType === null ? 'unknown' : '')) + '</td>' : '') + '<td>' + esc(c.actualType || '') + '</td><td>' + (inlineMd || esc)(c.description) + '</td></tr>';
      });
      var note = n.check && n.check.status === 'not_checked' ? '<p class="empty">sm check could not read this SQL: ' + esc(n.check.reason || '') + '</p>' : '';
      return '<table data-role="columns">' + head + rows.join('') + '</table>' + note;
    }

    function columnLink(c) {
      var n = byId.get(c.id);
      var label = (n ? n.name : c.id) + '.' + c.column;
      return '<a data-id="' + esc(c.id) + '" data-col="' + esc(c.column) + '">' + (n ? '<span class="badge ' + n.type + '">' + n.type + '</span> ' : '') + esc(label) + '</a>' +
        ' <span class="kind ' + (c.pass ? 'pass' : 'transformed') + '">' + (c.pass ? 'passthrough' : 'transformed') + (c.depth > 1 ? ', ' + c.depth + ' steps' : '') + '</span>';
    }

    function columnLineageHtml(n) {
      if (!state.column) return n.columns.some(function (c) { return c.upstream; }) ? '<p class="empty">Click a column to see the columns it comes from and the columns computed from it.</p>' : '';
      var start = colKey(n.id, state.column);
      var up = walkColumns(start, 'up'), down = walkColumns(start, 'down');
      var list = function (cs, empty) { return cs.length ? '<ul>' + cs.map(function (c) { return '<li>' + columnLink(c) + '</li>'; }).join('') + '</ul>' : '<p class="empty">' + empty + '</p>'; };
      return '<h3>Column ' + esc(state.column) + '</h3>' +
        '<h4>Comes from</h4><div data-role="column-upstream">' + list(up, n.type === 'source' || n.type === 'seed' ? 'Nothing: it is raw data.' : 'No columns (a constant or count).') + '</div>' +
        '<h4>Used by</h4><div data-role="column-downstream">' + list(down, 'No column reads it.') + '</div>';
    }

    /** Nodes holding the selected column or a column on its lineage. */
    function columnLineageNodes() {
      var out = new Set();
      if (!state.column || !state.selected) return out;
      var start = colKey(state.selected, state.column);
      out.add(state.selected);
      walkColumns(start, 'up').concat(walkColumns(start, 'down')).forEach(function (c) { out.add(c.id); });
      return out;
    }

    /** Node-to-node edges the selected column's lineage runs along, as 'from\u0000to'. */
    function columnLineageEdges() {
      var out = new Set();
      if (!state.column || !state.selected) return out;
      var idx = columnIndex();
      var start = colKey(state.selected, state.column);
      [['up', function (a, b) { return b + '\u0000' + a; }], ['down', function (a, b) { return a + '\u0000' + b; }]].forEach(function (d) {
        var seen = new Set([start]), stack = [start];
        while (stack.length) {
          var k = stack.pop(), e = idx.get(k);
          if (!e) continue;
          e[d[0]].forEach(function (edge) {
            var other = idx.get(edge.key);
            if (other && other.id !== e.id) out.add(d[1](e.id, other.id));
            if (!seen.has(edge.key)) { seen.add(edge.key); stack.push(edge.key); }
          });
        }
      });
      return out;
    }

    return { table: columnsTable, lineageHtml: columnLineageHtml, lineageNodes: columnLineageNodes, lineageEdges: columnLineageEdges };
  };
})();
