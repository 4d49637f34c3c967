// Progressive enhancement for the gift form: shows the total, with the covered fee, as the donor
// chooses. The form works the same without it; the server computes the real amount.
(function () {
  "use strict";
  var form = document.querySelector("form.gift-form");
  if (!form) { return; }
  // The server's rules (donations.forms.GiftForm.total_rules, core.money), mirrored exactly: the
  // total shown is the total charged, and nothing is shown for an amount the server refuses.
  var SCALE = 1000000;
  var percentScaled = Math.round(parseFloat(form.dataset.feePercent) * SCALE);
  var fixed = parseInt(form.dataset.feeFixed, 10);
  var minCents = parseInt(form.dataset.minCents, 10);
  var maxCents = parseInt(form.dataset.maxCents, 10);
  var total = document.getElementById("gift-total");
  var pledge = document.getElementById("pledge-summary");
  var installments = document.getElementById("id_installments");
  var pledgeField = form.querySelector("[data-pledge-field]");
  var other = document.getElementById("id_other_amount");
  var otherRadio = document.getElementById("id_amount_other");
  var cover = document.getElementById("id_cover_fee");
  // Python's str.strip() and \s: the characters str.isspace() is true for.
  var WS = "\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
  var EDGES = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
  // core.money._AMOUNT_RE
  var AMOUNT = new RegExp("^\\$?[" + WS + "]*([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\\.[0-9]{1,2})?$");

  function parseCents(raw) {
    var text = raw.replace(EDGES, "");
    if (!text || text.length > 20 || !AMOUNT.test(text)) { return null; }
    var digits = text.replace(/^\$/, "").replace(EDGES, "").replace(/,/g, "");
    var parts = digits.split(".");
    var whole = parts[0].replace(/^0+(?=[0-9])/, "");
    if (whole.length > 13) { return null; }  // beyond any gift the server takes (and exact integers)
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return parseInt(whole, 10) * 100 + parseInt(fraction, 10);
  }
  function cents() {
    var checked = form.querySelector("input[name=amount]:checked");
    if (!checked) { return null; }
    var amount = parseCents(checked.value === "other" ? (other ? other.value : "") : checked.value);
    return amount === null || amount < minCents || amount > maxCents ? null : amount;
  }
  function fee(amount) {
    // core.money.fee_cents in whole numbers: ceil((amount + fixed) / (1 - percent)) - amount.
    var numerator = (amount + fixed) * SCALE;
    var denominator = SCALE - percentScaled;
    var rest = numerator % denominator;
    return (numerator - rest) / denominator + (rest ? 1 : 0) - amount;
  }
  function dollars(value) {
    return "$" + (value / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function frequency() {
    var checked = form.querySelector("input[name=frequency]:checked");
    return checked ? checked.value : "one_time";
  }
  function count() {
    var text = installments ? installments.value.replace(EDGES, "") : "";
    if (!/^[0-9]{1,2}$/.test(text)) { return null; }
    var value = parseInt(text, 10);
    return value >= 2 && value <= 60 ? value : null;
  }
  // A pledge's total and schedule, in the server's own sentences (donations.services.pledges).
  function updatePledge(amount, often) {
    if (!pledge) { return; }
    var times = count();
    var sentence = pledge.dataset[often];
    var max = parseInt(pledge.dataset.maxCents, 10);
    if (!sentence || amount === null || times === null || (max && amount * times > max)) {
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
    if (amount === null) { total.textContent = ""; total.removeAttribute("data-cents"); return; }
    var added = cover && cover.checked ? fee(amount) : 0;
    var suffix = often !== "one_time" && total.dataset[often] ? " " + total.dataset[often] : "";
    total.setAttribute("data-cents", String(amount + added));
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
