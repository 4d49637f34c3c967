/*
 * Progressive enhancement: a <time data-countdown datetime="…"> that states an end ("until
 * Nov. 27, 2026, 4:45 p.m.") becomes the time left ("23 h 12 min"), updated every 30 seconds.
 * The words are the server's (translated) templates in data attributes.
 */
(function () {
  "use strict";
  var nodes = document.querySelectorAll("time[data-countdown][datetime]");
  if (!nodes.length) { return; }

  function show(node) {
    var left = Date.parse(node.getAttribute("datetime")) - Date.now();
    if (isNaN(left)) { return; }
    var text;
    if (left <= 0) {
      text = node.getAttribute("data-ended");
    } else {
      var minutes = Math.floor(left / 60000);
      var days = Math.floor(minutes / 1440);
      var hours = Math.floor((minutes % 1440) / 60);
      text = days > 0
        ? node.getAttribute("data-template-days").replace("{d}", days).replace("{h}", hours)
        : node.getAttribute("data-template-hours").replace("{h}", hours).replace("{m}", minutes % 60);
    }
    if (text && node.textContent !== text) { node.textContent = text; }
  }

  function tick() { nodes.forEach(show); }
  tick();
  window.setInterval(tick, 30000);
})();
