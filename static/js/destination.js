// Destination Care: switch between the family and physician forms without a reload.
// Without JavaScript the tabs are plain links (?form=…) and the server shows the chosen form.
(function () {
  "use strict";
  var tabs = document.querySelectorAll("[data-dc-tab]");
  var panels = document.querySelectorAll("[data-dc-panel]");
  if (!tabs.length || !panels.length || !window.history || !window.URL) {
    return;
  }
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function (event) {
      var kind = tab.getAttribute("data-dc-tab");
      event.preventDefault();
      tabs.forEach(function (other) {
        if (other === tab) {
          other.setAttribute("aria-current", "true");
        } else {
          other.removeAttribute("aria-current");
        }
      });
      panels.forEach(function (panel) {
        panel.hidden = panel.getAttribute("data-dc-panel") !== kind;
      });
      var url = new URL(window.location.href);
      url.searchParams.set("form", kind);
      url.hash = "form";
      window.history.replaceState(null, "", url);
    });
  });
  // After a failed submission, move focus to the list of errors so it is read out first. On
  // "load", as the browser's own scroll to the #fragment would otherwise take the focus back.
  var errors = document.querySelector(".dc-panel:not([hidden]) [role=alert]");
  if (errors) {
    window.addEventListener("load", function () {
      errors.focus();
    });
  }
})();
