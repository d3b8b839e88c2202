// List tables (table.list-table): each cell gets its column's name as data-label, which the
// stacked cards below 576 px show before the value (app.css). Set here from the header rather
// than written into every cell of the HTML: a 50-row page stays small.
(function () {
  document.querySelectorAll("table.list-table").forEach(function (table) {
    var labels = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (labels[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[i]);
        });
      });
    });
  });
})();
