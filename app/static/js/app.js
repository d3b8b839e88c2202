/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Confirmation before actions that cost money or cannot be undone: data-confirm="…" on the
  // form or on the button that submits it. Accepting adds confirm=1, which the server requires
  // (without it the server answers with its own confirmation page: app/core/confirm.py).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    // data-confirm-if="name=value": ask only when that field has that value (e.g. stage=closed).
    var condition = form.getAttribute && form.getAttribute("data-confirm-if");
    if (message && condition) {
      var parts = condition.split("=");
      var chosen = form.elements[parts[0]];
      if (!chosen || chosen.value !== parts[1]) { message = null; }
    }
    // data-confirm-filled="name" (on the button): ask only when that field is filled in; a blank
    // required field is refused by the server with its message, there is nothing to confirm yet.
    var filled = button && button.getAttribute("data-confirm-filled");
    if (message && filled) {
      var input = form.elements[filled];
      if (!input || !input.value.trim()) { message = null; }
    }
    var previous = form.querySelector && form.querySelector("input[data-confirmed]");
    if (previous) { previous.parentNode.removeChild(previous); }
    if (!message) { return; }
    if (!window.confirm(message)) {
      event.preventDefault();
      return;
    }
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "confirm";
    field.value = "1";
    field.setAttribute("data-confirmed", "");
    form.appendChild(field);
  }, true);
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
