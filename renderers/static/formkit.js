/* formkit.js: the one script of the citizen's pages, and none of them needs it.
 *
 * - Moves the focus to the error summary, so a screen reader reads the problems first, or to
 *   the banner that says the answers were saved.
 * - Offers to copy the link to continue later (`data-fk-copy`: the id of the field holding it);
 *   without the script the link is there to select and copy by hand.
 * - In an iframe, tells the page around it how tall this page is, so that the city's site
 *   (embed.js) sizes the iframe to it: {formkit: 1, type: "pagina", height} when the page is
 *   shown, {formkit: 1, type: "hoogte", height} whenever its height changes. Only a height
 *   is told, so any parent may hear it: the pages' frame-ancestors policy decides which
 *   sites may frame them, and embed.js takes only messages from the form's origin and iframe.
 * - Shows and hides conditional parts as answers change. A part's `data-fk-when` is the
 *   index of its guards in the page's table (`<script type="application/json"
 *   id="fk-when">`, {"conditions": [...], "guards": [...]}): a list (any may hold) of lists
 *   (all must hold) of indices into the conditions, each {"scope": pointer of an object,
 *   "expect": bool, "test": a small JSON Schema}. The server decides what applies; without
 *   this script every part stays visible.
 * - Hides a block of follow-up questions (`.fk-conditional`, right under the choice that
 *   triggers them, named by its options' `aria-controls`) when none of them applies. Without
 *   the script each follow-up says when it applies; with it, that sentence is hidden (`fk-js`).
 *   No `aria-expanded` on the options: ARIA 1.2 does not allow it on a radio or a select
 *   (axe: aria-allowed-attr), though GOV.UK Frontend sets it.
 * - Counts the characters of a long text with a limit (`data-fk-limit`, GOV.UK's character
 *   count): "U hebt nog N tekens over", or how many too many, as the server counts them (code
 *   points, line ends as one, surrounding blanks left out). It never stops the typing: the
 *   server's message stays the authority. Screen readers hear it once typing pauses.
 */
(function () {
  "use strict";

  document.documentElement.className += " fk-js";
  var summary = document.querySelector(".fk-error-summary, .fk-notification-banner");
  if (summary) {
    summary.focus();
  }
  offerCopies();
  showConditionalParts();
  countCharacters();
  if (window.parent !== window) {
    reportHeight();  // once the parts that do not apply are hidden
  }

  function reportHeight() {
    var last = 0;
    function tell(type) {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (type === "pagina" || height !== last) {
        last = height;
        window.parent.postMessage({ formkit: 1, type: type, height: height }, "*");
      }
    }
    function changed() {
      tell("hoogte");
    }
    function start() {  // once styled and laid out: before that the page has no height
      tell("pagina");
      if (window.ResizeObserver) {
        new ResizeObserver(changed).observe(document.documentElement);
      } else {
        window.addEventListener("resize", changed);
      }
    }
    if (document.readyState === "complete") {
      start();
    } else {
      window.addEventListener("load", start);
    }
  }

  function offerCopies() {
    var buttons = document.querySelectorAll("[data-fk-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", copy);
    }
    function copy(event) {
      var field = document.getElementById(event.currentTarget.getAttribute("data-fk-copy"));
      var done = document.getElementById("fk-resume-copied");
      field.select();
      function told() {
        if (done) {
          done.textContent = "De link is gekopieerd.";
        }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(told, function () {});
      } else if (document.execCommand("copy")) {
        told();
      }
    }
  }

  function showConditionalParts() {
    var form = document.querySelector("form.fk-form");
    var parts = form ? form.querySelectorAll("[data-fk-when]") : [];
    if (!parts.length) {
      return;
    }

    function named(pointer) {
      return form.querySelectorAll('[name="' + pointer.replace(/["\\]/g, "\\$&") + '"]');
    }

    // The answer the controls named `pointer` hold: a text, a list of texts, or undefined.
    function valueAt(pointer) {
      var controls = named(pointer);
      var picked = [];
      var several = false;
      for (var i = 0; i < controls.length; i++) {
        var control = controls[i];
        if (control.type === "checkbox") {
          several = true;
          if (control.checked) {
            picked.push(control.value);
          }
        } else if (control.type === "radio") {
          if (control.checked) {
            return control.value;
          }
        } else if (control.type !== "file" && control.value.trim() !== "") {
          return suggested(control, control.value.trim());
        }
      }
      return several && picked.length ? picked : undefined;
    }

    // A name typed from a long list's suggestions (a country) means the value it stands for,
    // folded as the server folds it: no case, accents or extra spaces.
    function suggested(control, typed) {
      var list = control.list;
      if (!list || !list.hasAttribute("data-fk-values")) {
        return typed;
      }
      var values = JSON.parse(list.getAttribute("data-fk-values"));
      var key = fold(typed);
      for (var i = 0; i < list.options.length; i++) {
        if (fold(list.options[i].value) === key || fold(values[i]) === key) {
          return values[i];
        }
      }
      return typed;
    }

    function fold(text) {
      return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/\s+/g, " ").trim();
    }

    function present(pointer) {
      return valueAt(pointer) !== undefined ||
        form.querySelector('[name^="' + pointer.replace(/["\\]/g, "\\$&") + '/"]') !== null;
    }

    function child(pointer, name) {
      return pointer + "/" + name.replace(/~/g, "~0").replace(/\//g, "~1");
    }

    // A Dutch number as the server reads it: 1.250,5 or 12,5 or 12.5; NaN when it is none.
    function number(text) {
      if (typeof text !== "string") {
        return NaN;
      }
      var value = text.replace(/\s/g, "");
      if (/^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/.test(value)) {
        value = value.replace(/\./g, "");
      }
      value = value.replace(",", ".");
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
    }

    var limits = {
      minimum: function (n, limit) { return n >= limit; },
      maximum: function (n, limit) { return n <= limit; },
      exclusiveMinimum: function (n, limit) { return n > limit; },
      exclusiveMaximum: function (n, limit) { return n < limit; }
    };

    // Whether `value` (at `pointer`, when it is a place on the page) passes `test`.
    function passes(test, value, pointer) {
      if (test === true || test === false) {
        return test;
      }
      return Object.keys(test).every(function (keyword) {
        var rule = test[keyword];
        if (keyword === "properties") {
          return pointer === undefined || Object.keys(rule).every(function (name) {
            var place = child(pointer, name);
            return !present(place) || passes(rule[name], valueAt(place), place);
          });
        }
        if (keyword === "required") {
          return pointer === undefined || rule.every(function (name) {
            return present(child(pointer, name));
          });
        }
        if (keyword === "const") {
          return value === rule;
        }
        if (keyword === "enum") {
          return rule.indexOf(value) >= 0;
        }
        if (keyword === "not") {
          return !passes(rule, value, pointer);
        }
        if (keyword === "allOf") {
          return rule.every(function (part) { return passes(part, value, pointer); });
        }
        if (keyword === "anyOf") {
          return rule.some(function (part) { return passes(part, value, pointer); });
        }
        if (keyword === "contains") {
          return !Array.isArray(value) || value.some(function (item) {
            return passes(rule, item, undefined);
          });
        }
        var n = number(value);
        return isNaN(n) || limits[keyword](n, rule);
      });
    }

    function applies(guards) {
      return guards.some(function (guard) {
        return guard.every(function (condition) {
          var scope = condition.scope;
          return passes(condition.test, valueAt(scope), scope) === condition.expect;
        });
      });
    }

    var table = { conditions: [], guards: [] };
    try {
      table = JSON.parse(document.getElementById("fk-when").textContent);
    } catch (error) {
      // no table, or not one: every part stays as the server left it
    }
    function condition(index) {
      return table.conditions[index];
    }
    var guards = [];
    for (var i = 0; i < parts.length; i++) {
      var found = (table.guards || [])[Number(parts[i].getAttribute("data-fk-when"))];
      guards.push(
        found
          ? found.map(function (guard) {
              return guard.map(condition);
            })
          : null,
      );
    }

    var blocks = form.querySelectorAll(".fk-conditional");

    function update() {
      for (var i = 0; i < parts.length; i++) {
        if (guards[i]) {
          parts[i].hidden = !applies(guards[i]);
        }
      }
      for (var j = 0; j < blocks.length; j++) {
        blocks[j].hidden = !blocks[j].querySelector(":scope > .fk-field:not([hidden])");
      }
    }

    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  function countCharacters() {
    var areas = document.querySelectorAll("textarea[data-fk-limit]");
    for (var i = 0; i < areas.length; i++) {
      counter(areas[i]);
    }
  }

  function counter(area) {
    var limit = Number(area.getAttribute("data-fk-limit"));
    var shown = document.createElement("p");
    shown.className = "fk-hint fk-count";
    shown.id = area.id + "--teller";
    shown.setAttribute("aria-hidden", "true");  // seen at once; heard from `spoken`
    var spoken = document.createElement("p");
    spoken.className = "fk-visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", spoken);
    area.insertAdjacentElement("afterend", shown);
    var pause = null;

    function message() {
      // As the server counts: line ends as one character, no surrounding blanks, code points.
      var used = Array.from(area.value.replace(/\r\n?/g, "\n").trim()).length;
      var left = limit - used;
      var count = Math.abs(left).toLocaleString("nl-BE");  // 4.000, as the hint writes it
      var unit = Math.abs(left) === 1 ? " teken" : " tekens";
      if (left >= 0) {
        return "U hebt nog " + count + unit + " over";
      }
      return "U hebt " + count + unit + " te veel";
    }

    function update() {
      var text = message();
      shown.textContent = text;
      shown.classList.toggle("fk-count--over", text.indexOf("te veel") !== -1);
      clearTimeout(pause);
      pause = setTimeout(function () { spoken.textContent = text; }, 1000);
    }

    area.addEventListener("input", update);
    update();
  }
})();
