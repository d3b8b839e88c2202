/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Confirmation before destructive actions: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  // Cascading region picker: <div class="region-picker" data-options-url data-min-level> with one
  // text input (the region code) inside. Without JavaScript the code is typed directly.
  var LEVELS = ["city", "county", "township", "village"];
  var LEVEL_LABELS = { county: "县（市、区）", township: "乡镇（街道）", village: "村（社区）" };

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function initPicker(root) {
    var input = root.querySelector("input");
    var url = root.getAttribute("data-options-url");
    var minLevel = root.getAttribute("data-min-level") || "village";
    if (!input || !url) { return; }
    var initial = input.value;
    input.type = "hidden";
    var row = document.createElement("div");
    row.className = "d-flex flex-wrap gap-2";
    root.appendChild(row);

    function addSelect(parentCode, selected) {
      var query = parentCode ? "?parent=" + encodeURIComponent(parentCode) : "";
      return fetchJSON(url + query).then(function (data) {
        if (!data.children.length) { return null; }
        var select = document.createElement("select");
        select.className = "form-select w-auto";
        var level = data.children[0].level;
        select.setAttribute("aria-label", LEVEL_LABELS[level] || "区域");
        select.dataset.level = level;
        var blank = document.createElement("option");
        blank.value = "";
        blank.textContent = "请选择" + (LEVEL_LABELS[level] || "");
        select.appendChild(blank);
        data.children.forEach(function (child) {
          var option = document.createElement("option");
          option.value = child.code;
          option.textContent = child.name;
          if (child.code === selected) { option.selected = true; }
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          while (select.nextSibling) { row.removeChild(select.nextSibling); }
          var okLevel = LEVELS.indexOf(level) >= LEVELS.indexOf(minLevel);
          input.value = okLevel ? select.value : "";
          if (select.value && level !== "village") { addSelect(select.value, null); }
        });
        row.appendChild(select);
        return select;
      });
    }

    function restore(chain) {
      var parent = null;
      var step = Promise.resolve();
      chain.forEach(function (code) {
        var p = parent;
        step = step.then(function () { return addSelect(p, code); });
        parent = code;
      });
      return step.then(function () {
        var last = chain.length ? chain[chain.length - 1] : null;
        var levelSelect = row.lastChild;
        if (last && levelSelect && levelSelect.dataset.level !== "village") { addSelect(last, null); }
      });
    }

    if (initial) {
      fetchJSON(url + "?chain=" + encodeURIComponent(initial))
        .then(function (data) { return restore(data.chain); })
        .catch(function () { addSelect(null, null); });
    } else {
      addSelect(null, null);
    }
  }

  document.querySelectorAll(".region-picker").forEach(initPicker);
})();
