// Case pages: the print button of the A4 case file (no inline scripts: the CSP forbids them).
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-print]");
  if (target) {
    event.preventDefault();
    window.print();
  }
});
