/* totals.js: the sums below repeatable groups, on the pages that show one only (step.html and
 * completion.html load it when a control has a total; every other page goes without it).
 *
 * Keeps the total below a repeatable group's amounts (`output[data-fk-sum]`: the names of the
 * inputs it adds up, `*` for every row) up to date as the citizen types, added exactly as the
 * server adds (decimals as scaled integers, never binary floats; a row without a number
 * counts for nothing) and written as the server writes it (`1.250,50`). The server's total is
 * what the page shows without the script. An `output` is a polite live region: the new total
 * is written once typing pauses, so a screen reader says it once.
 */
(function () {
  "use strict";

  showTotals();

  function showTotals() {
    var totals = document.querySelectorAll("form.fk-form output[data-fk-sum]");
    if (!totals.length || typeof BigInt === "undefined") {
      return;
    }
    var form = totals[0].closest("form");
    var pending = null;

    function rowsOf(total) {
      var parts = total.getAttribute("data-fk-sum").split("*").map(function (part) {
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      });
      var names = new RegExp("^" + parts.join("\\d+") + "$");
      return Array.prototype.filter.call(form.elements, function (element) {
        return names.test(element.name || "");
      });
    }

    function update() {
      pending = null;
      for (var i = 0; i < totals.length; i++) {
        var amounts = rowsOf(totals[i]).map(function (input) { return decimal(input.value); });
        var text = written(sum(amounts));
        if (totals[i].textContent !== text) {
          totals[i].textContent = text;
        }
      }
    }

    form.addEventListener("input", function (event) {
      if (event.target.closest(".fk-field") && pending === null) {
        pending = window.setTimeout(update, 600);
      }
    });
    form.addEventListener("change", function () {
      window.clearTimeout(pending);
      update();
    });
  }

  // A number as the server reads a Dutch amount (1.250,5 or 12,5 or 12.5 or 1e3), as a
  // {units: BigInt, scale: n} meaning units / 10^scale; null when it is no number.
  function decimal(text) {
    var value = String(text).replace(/\s/g, "");
    if (/^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/.test(value)) {
      value = value.replace(/\./g, "");
    }
    var found = /^([+-]?)(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d{1,3}))?$/.exec(value);
    if (!found || (found[2] + (found[3] || "")) === "") {
      return null;
    }
    var fraction = found[3] || "";
    var units = BigInt(found[2] + fraction || "0");
    var scale = fraction.length - Number(found[4] || 0);
    if (scale < 0) {
      units *= tenTo(-scale);
      scale = 0;
    }
    return { units: found[1] === "-" ? -units : units, scale: scale };
  }

  function tenTo(power) {
    var result = BigInt(1);
    for (var i = 0; i < power; i++) {
      result *= BigInt(10);
    }
    return result;
  }

  function sum(amounts) {
    var scale = 0;
    amounts.forEach(function (amount) {
      if (amount && amount.scale > scale) {
        scale = amount.scale;
      }
    });
    var units = BigInt(0);
    amounts.forEach(function (amount) {
      if (amount) {
        units += amount.units * tenTo(scale - amount.scale);
      }
    });
    return { units: units, scale: scale };
  }

  // `1.250,00`, `0,30`, `-50,00`, `0,125`: as the server's amount_text.
  function written(amount) {
    var negative = amount.units < 0;
    var digits = (negative ? -amount.units : amount.units).toString();
    while (digits.length <= amount.scale) {
      digits = "0" + digits;
    }
    var whole = digits.slice(0, digits.length - amount.scale);
    var fraction = digits.slice(digits.length - amount.scale).replace(/0+$/, "");
    while (fraction.length < 2) {
      fraction += "0";
    }
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (negative && amount.units !== BigInt(0) ? "-" : "") + whole + "," + fraction;
  }
})();
