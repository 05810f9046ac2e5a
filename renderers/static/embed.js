/*
 * formkit embed script: one tag on the city's site places a form in an iframe.
 *
 *   <script src="https://forms.example/embed.js" data-form="evenement" async></script>
 *
 * Optional attributes: data-title (the iframe's accessible name) and data-height (the height
 * in pixels until the form reports its own). Which sites may embed a form is the service's
 * setting FORMKIT_FRAME_ANCESTORS.
 *
 * This script runs on the city's site only. Inside the iframe the pages' own formkit.js
 * reports each page's height with postMessage: {formkit: 1, type: "pagina", height} when a
 * page is shown, {formkit: 1, type: "hoogte", height} when its height changes. Only messages
 * from the form's own origin and from this iframe are taken.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var formId = script.getAttribute("data-form");
  if (!formId) {
    return;
  }
  var origin = new URL(script.src, document.baseURI).origin;
  var iframe = document.createElement("iframe");
  iframe.src = origin + "/formulieren/" + encodeURIComponent(formId) + "/";
  iframe.title = script.getAttribute("data-title") || "Formulier van de stad";
  iframe.className = "formkit-embed";
  iframe.setAttribute("data-form", formId);
  iframe.style.display = "block";
  iframe.style.width = "100%";
  iframe.style.border = "0";
  iframe.style.height = (parseInt(script.getAttribute("data-height"), 10) || 800) + "px";
  script.parentNode.insertBefore(iframe, script.nextSibling);

  var pages = 0;

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== iframe.contentWindow) {
      return;
    }
    var data = event.data;
    if (!data || data.formkit !== 1) {
      return;
    }
    if (typeof data.height === "number" && data.height > 0 && data.height < 100000) {
      iframe.style.height = Math.ceil(data.height) + "px";
    }
    if (data.type === "pagina") {
      pages += 1;
      // A next page of the form: show its top, as a page of its own would be shown.
      var top = iframe.getBoundingClientRect().top;
      if (pages > 1 && (top < 0 || top > window.innerHeight)) {
        iframe.scrollIntoView();
      }
    }
  });
})();
