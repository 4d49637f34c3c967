// A one-time link carries its token after "#": browsers never send that part, so no server or
// proxy log holds it. Copy it into the form's field and take it out of the address bar (and
// history); the person then presses the button (a mail scanner running scripts sends nothing).
(function () {
  "use strict";
  var field = document.querySelector("[data-token-from-fragment]");
  if (!field || location.hash.length < 2) {
    return;
  }
  field.value = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, "", location.pathname + location.search);
})();
