// Progressive enhancement for the gift form: shows the total, with the covered fee, and a pledge's
// total and schedule as the donor chooses. The form works the same without it; the server computes
// the real amount and states the same schedule (donations.services.pledges.pledge_schedule_text).
(function () {
  "use strict";
  var form = document.querySelector("form.gift-form");
  if (!form) { return; }
  var percent = parseFloat(form.dataset.feePercent);
  var fixed = parseInt(form.dataset.feeFixed, 10);
  var total = document.getElementById("gift-total");
  var pledge = document.getElementById("pledge-summary");
  var installments = document.getElementById("id_installments");
  var pledgeField = form.querySelector("[data-pledge-field]");
  var other = document.getElementById("id_other_amount");
  var otherRadio = document.getElementById("id_amount_other");
  var cover = document.getElementById("id_cover_fee");

  function cents() {
    var checked = form.querySelector("input[name=amount]:checked");
    if (!checked) { return null; }
    var text = checked.value === "other" ? (other ? other.value : "") : checked.value;
    text = text.replace(/[$,\s]/g, "");
    if (!/^\d+(\.\d{1,2})?$/.test(text)) { return null; }
    return Math.round(parseFloat(text) * 100);
  }
  function fee(amount) {
    // Same formula as donations.money.fee_cents: the total whose fee leaves the whole gift.
    return Math.ceil((amount + fixed) / (1 - percent)) - amount;
  }
  function dollars(value) {
    return "$" + (value / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function frequency() {
    var checked = form.querySelector("input[name=frequency]:checked");
    return checked ? checked.value : "one_time";
  }
  function count() {
    var text = installments ? installments.value.trim() : "";
    if (!/^\d{1,2}$/.test(text)) { return null; }
    var value = parseInt(text, 10);
    return value >= 2 && value <= 60 ? value : null;
  }
  function updatePledge(amount, often) {
    if (!pledge) { return; }
    var times = count();
    var sentence = pledge.dataset[often];
    var max = parseInt(pledge.dataset.maxCents, 10);
    if (!sentence || amount === null || amount <= 0 || times === null || (max && amount * times > max)) {
      pledge.textContent = "";
      return;
    }
    pledge.textContent = sentence.replace("%(total)s", dollars(amount * times))
      .replace("%(amount)s", dollars(amount)).replace("%(count)s", String(times));
  }
  function update() {
    var amount = cents();
    var often = frequency();
    if (pledgeField && installments) {
      // Instalments belong to a recurring gift; the field stays shown once it holds a value (so its error is seen).
      pledgeField.hidden = often === "one_time" && !installments.value.trim();
    }
    updatePledge(amount, often);
    if (amount === null || amount <= 0) { total.textContent = ""; return; }
    var added = cover && cover.checked ? fee(amount) : 0;
    var suffix = often !== "one_time" && total.dataset[often] ? " " + total.dataset[often] : "";
    total.textContent = (total.dataset.label || "Total:") + " " + dollars(amount + added) + suffix +
      (added ? " (" + dollars(added) + " " + (total.dataset.fee || "covers the fee") + ")" : "");
  }
  // The error summary's links put the focus in their field (a plain #link only scrolls to it).
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  }
  if (other && otherRadio) {
    // Typing an amount chooses "Other amount"; merely passing through the field with Tab does not.
    other.addEventListener("input", function () { if (other.value.trim()) { otherRadio.checked = true; } update(); });
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
