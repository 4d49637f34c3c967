// Where a donor came from: the landing URL's utm_source, utm_medium, utm_campaign and source are
// kept in this tab (sessionStorage, never a cookie: cached pages stay the same for everyone) and
// put into the gift form's hidden fields, which the server validates and bounds again.
(function () {
  "use strict";
  var names = ["utm_source", "utm_medium", "utm_campaign", "source"];
  var key = "gift-attribution";
  var store;
  try {
    store = window.sessionStorage;
  } catch (error) {
    return;
  }
  var params = new URLSearchParams(location.search);
  if (names.some(function (name) { return params.has(name); })) {
    var found = {};
    names.forEach(function (name) {
      var value = (params.get(name) || "").slice(0, 100);
      if (value) {
        found[name] = value;
      }
    });
    store.setItem(key, JSON.stringify(found));
  }
  var form = document.querySelector("form.gift-form");
  if (!form) {
    return;
  }
  var saved = {};
  try {
    saved = JSON.parse(store.getItem(key) || "{}") || {};
  } catch (error) {
    saved = {};
  }
  names.forEach(function (name) {
    var field = form.elements[name];
    if (field && !field.value && typeof saved[name] === "string") {
      field.value = saved[name];
    }
  });
})();
