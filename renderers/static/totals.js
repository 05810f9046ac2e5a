/* totals.js: the sums below repeatable groups, on the pages that show one only (step.html and
 * completion.html load it when a control has a total; every other page goes without it).
 *
 * Keeps the total below a repeatable group's amounts (`output[data-fk-sum]`: the names of the
 * inputs it adds up, `*` for every row) up to date as the citizen types: each text read as the
 * server reads it, added exactly as the server adds (decimals as scaled integers, never binary
 * floats; a text the server keeps as text counts for nothing), and written as the server
 * writes it (`1.250,50`); a property test holds the two together. The server's total is what
 * the page shows without the script. An `output` is a polite live region: the new total is
 * written once typing pauses, so a screen reader says it once.
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

    // Once typing pauses, not at every key: the output is a polite live region, and a screen
    // reader would otherwise read out every intermediate total.
    form.addEventListener("input", function (event) {
      if (event.target.closest(".fk-field")) {
        window.clearTimeout(pending);
        pending = window.setTimeout(update, 600);
      }
    });
    form.addEventListener("change", function () {
      window.clearTimeout(pending);
      update();
    });
    // Values a browser puts back after a reload, without an event: add up what is shown.
    window.addEventListener("pageshow", update);
  }

  // A number exactly as the server reads a Dutch amount (`number_from_control`, then
  // `Decimal(repr(float))`): 1.250,5 or 12,5 or 12.5 or 1e3, as {units: BigInt, scale: n}
  // meaning units / 10^scale; null when the server would keep it as text (it then counts for
  // nothing). Whole numbers are exact at any length; any other number is the double nearest
  // to it, written as its shortest decimal, which JavaScript and Python write alike.
  function decimal(text) {
    // What Python's `\s` strips: JavaScript's `\s` but U+FEFF, and U+001C-U+001F, U+0085.
    var spaces = /[\t-\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
    var value = asciiDigits(String(text).replace(spaces, ""));
    if (Array.from(value).length > 100) {  // in characters, as Python counts
      return null;
    }
    if (/^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/.test(value)) {
      value = value.replace(/\./g, "");
    }
    if (value.split(",").length === 2 && value.indexOf(".") < 0) {
      value = value.replace(",", ".");
    }
    if (/^[+-]?\d+$/.test(value)) {
      return { units: BigInt(value), scale: 0 };
    }
    var number = Number(value);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) || !isFinite(number)) {
      return null;
    }
    var shortest = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(number));
    var fraction = shortest[3] || "";
    var units = BigInt(shortest[2] + fraction);
    var scale = fraction.length - Number(shortest[4] || 0);
    if (scale < 0) {
      units *= tenTo(-scale);
      scale = 0;
    }
    return { units: shortest[1] ? -units : units, scale: scale };
  }

  // Python reads any decimal digit (٣, ३) as a digit. Unicode assigns them in runs of ten
  // from zero, so a digit's value is its distance from the start of its run, modulo ten. Made
  // here, not as a literal: a browser without `\p{}` would refuse the whole script.
  function asciiDigits(text) {
    var digit;
    try {
      digit = new RegExp("\\p{Nd}", "u");
    } catch (error) {
      return text;
    }
    return Array.from(text).map(function (character) {
      if (character >= "0" && character <= "9" || !digit.test(character)) {
        return character;
      }
      var point = character.codePointAt(0);
      var start = point;
      while (digit.test(String.fromCodePoint(start - 1))) {
        start -= 1;
      }
      return String((point - start) % 10);
    }).join("");
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
