// The share group's "Copy link" button: shown only where the clipboard can be written, and the
// result is announced in the group's status line. The other share buttons are plain links.
(function () {
  "use strict";
  if (window.__shareReady) { return; }  // the include may appear more than once on a page
  window.__shareReady = true;
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    var status = button.closest(".share").querySelector("[data-share-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy-link")).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () {
        status.textContent = button.getAttribute("data-failed");
      });
    });
  });
})();
