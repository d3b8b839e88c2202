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
