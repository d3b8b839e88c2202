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

/* Forms: one submit per rendered page, and a failed submit shows where to look. */
(function () {
  "use strict";

  // The submit button disables itself and reads "保存中…" while the POST is on its way, so a
  // second tap on a slow network sends nothing (the server also answers a replayed form token
  // with the first result). The button's own name=value is kept in a hidden input because a
  // disabled button is not submitted.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.getAttribute || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    if (form.getAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "1");
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = submitter.name;
      keep.value = submitter.value;
      keep.setAttribute("data-submitter-copy", "");
      form.appendChild(keep);
    }
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      button.disabled = true;
      if (button === submitter || !submitter) {
        button.setAttribute("data-label", button.tagName === "INPUT" ? button.value : button.innerHTML);
        if (button.tagName === "INPUT") { button.value = "保存中…"; } else { button.textContent = "保存中…"; }
      }
    });
  });

  // A page restored from the back-forward cache gets its buttons back.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll("[data-submitter-copy]").forEach(function (el) { el.remove(); });
      form.querySelectorAll("[data-label]").forEach(function (button) {
        if (button.tagName === "INPUT") { button.value = button.getAttribute("data-label"); }
        else { button.innerHTML = button.getAttribute("data-label"); }
        button.removeAttribute("data-label");
      });
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) { button.disabled = false; });
    });
  });

  // The control behind a summary link (a region picker's hidden code input: its first select).
  function control(id) {
    var el = id ? document.getElementById(id) : null;
    if (el && el.type === "hidden") {
      var picker = el.closest(".region-picker");
      el = picker ? picker.querySelector("select") : null;
    }
    var details = el && el.closest("details");
    if (details) { details.open = true; }
    return el;
  }

  function show(el) {
    if (typeof el.focus === "function") { el.focus({ preventScroll: true }); }
    el.scrollIntoView({ block: "center" });
  }

  // Content above may still grow (a region picker builds its selects after fetching options):
  // bring the element back into view until the user scrolls or types, for a few seconds.
  function keepInView(el) {
    if (!window.ResizeObserver) { return; }
    var observer = new ResizeObserver(function () {
      var box = el.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) { el.scrollIntoView({ block: "center" }); }
    });
    function stop() { observer.disconnect(); }
    observer.observe(document.body);
    ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (name) {
      window.addEventListener(name, stop, { once: true, passive: true });
    });
    window.setTimeout(stop, 3000);
  }

  // After a failed submit: focus the first invalid field (the summary stays in view: it is sticky
  // inside its form or section); a summary without field links gets the focus itself.
  function showFirstProblem() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      var link = summary.querySelector("a[href^='#']");
      var field = link ? control(link.getAttribute("href").slice(1)) : null;
      if (field) {
        show(field);
        keepInView(field);
      } else {
        summary.focus({ preventScroll: true });
        summary.scrollIntoView({ block: "center" });
        keepInView(summary);
      }
      return;
    }
    var notice = document.querySelector("[data-section-notice]");
    if (notice) {
      notice.scrollIntoView({ block: "center" });
      keepInView(notice);
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = control(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      show(field);
    }
  });

  // The picker builds its selects after fetching options: wait for the page's scripts to settle.
  if (document.readyState === "complete") { showFirstProblem(); }
  else { window.addEventListener("load", showFirstProblem); }
})();
