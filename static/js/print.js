// "Print this receipt": a button only where script can print; browsers' own Print works anyway.
(function () {
  "use strict";
  if (typeof window.print !== "function") { return; }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
