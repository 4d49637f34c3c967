/*
 * Progressive enhancement for the progress meter: refresh its figures from progress.json every
 * minute while the page is visible. Without JavaScript the meter is complete as served.
 */
(function () {
  "use strict";
  var REFRESH_MS = 60000;
  var meters = document.querySelectorAll("[data-meter][data-progress-url]");
  if (!meters.length || !window.fetch) { return; }

  // US formats in every language, as the server writes them (config/formats/es): "$1,234,567",
  // never Intl's Spanish "1.234.567 US$".
  var dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  var count = new Intl.NumberFormat("en-US");

  function setText(meter, selector, text) {
    var node = meter.querySelector(selector);
    if (node && node.textContent !== text) { node.textContent = text; }
  }

  function apply(meter, data) {
    // The headline and the bar measure donors' gifts and sponsors' matches together (README).
    var matched = data.matched_cents || 0;
    var raised = dollars.format(Math.floor((data.raised_cents + matched) / 100));
    var goal = dollars.format(Math.floor(data.goal_cents / 100));
    var bar = Math.max(0, Math.min(100, data.percent));
    var donorsPart = data.goal_cents > 0 ? Math.min(bar, Math.floor(data.raised_cents * 100 / data.goal_cents)) : 0;
    setText(meter, "[data-meter-raised]", raised);
    setText(meter, "[data-meter-goal]", goal);
    setText(meter, "[data-meter-percent]", data.percent + "%");
    setText(meter, "[data-meter-donors]", count.format(data.donor_count));
    setText(meter, "[data-meter-gifts]", count.format(data.gift_count));
    var fill = meter.querySelector("[data-meter-fill]");
    if (fill) { fill.setAttribute("width", String(donorsPart)); }
    var matchedFill = meter.querySelector("[data-meter-fill-matched]");
    if (matchedFill) {
      matchedFill.setAttribute("x", String(donorsPart));
      matchedFill.setAttribute("width", String(bar - donorsPart));
    }
    setText(meter, "[data-meter-matched]", dollars.format(Math.floor(matched / 100)));
    var matchedNote = meter.querySelector("[data-meter-matched-note]");
    if (matchedNote) { matchedNote.hidden = !matched; }
    applyOffer(data.match);
    var day = data.giving_day;
    if (day && day.state !== "upcoming") {
      setText(meter, "[data-giving-donors]", count.format(day.donor_count));
      setText(meter, "[data-giving-needed]", count.format(day.donors_needed));
    }
    // The split (given · pledged), when the page shows one: text first, then the bar's second part.
    if (typeof data.pledged_cents === "number") {
      setText(meter, "[data-meter-given]", dollars.format(Math.floor(data.paid_cents / 100)));
      setText(meter, "[data-meter-pledged]", dollars.format(Math.floor(data.pledged_cents / 100)));
      setText(meter, "[data-meter-committed]", dollars.format(Math.floor((data.paid_cents + (data.matched_cents || 0) + data.pledged_cents) / 100)));
      var pledgedBar = meter.querySelector("[data-meter-pledged-bar]");
      if (pledgedBar && data.goal_cents > 0) {
        var committed = Math.min(100, Math.floor((data.paid_cents + (data.matched_cents || 0) + data.pledged_cents) * 100 / data.goal_cents));
        pledgedBar.setAttribute("width", String(Math.max(0, committed)));
      }
    }
    var progressbar = meter.querySelector("[data-meter-bar]");
    if (progressbar) {
      progressbar.setAttribute("aria-valuenow", String(bar));
      // The sentence is the server's (translated) template with the new figures put in.
      var template = progressbar.getAttribute("data-valuetext-template");
      if (template) {
        progressbar.setAttribute("aria-valuetext",
          template.replace("{raised}", raised).replace("{goal}", goal).replace("{percent}", String(data.percent)));
      }
    }
  }

  // "Your gift will be matched": what the pot has left, refreshed with the meter, wherever shown.
  function applyOffer(match) {
    document.querySelectorAll("[data-match-left]").forEach(function (node) {
      var text = match ? dollars.format(Math.floor(match.pot_left_cents / 100)) : "$0";
      if (node.textContent !== text) { node.textContent = text; }
    });
  }

  function refresh(meter) {
    if (document.hidden) { return; }
    fetch(meter.getAttribute("data-progress-url"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(meter, data); } })
      .catch(function () { /* offline or a blip: keep the figures already shown */ });
  }

  meters.forEach(function (meter) {
    window.setInterval(function () { refresh(meter); }, REFRESH_MS);
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { meters.forEach(refresh); }
  });
})();
