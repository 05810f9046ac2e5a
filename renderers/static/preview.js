/* preview.js: `formkit preview` only. Loads the page again once the form's files change.
 *
 * The banner carries the stand of the files the page was made from (`data-fk-preview-stand`)
 * and where to ask for the stand now (`data-fk-preview-url`); another answer means a file was
 * saved. The page is fetched again with GET, without its fragment: a page shown after a post
 * is not posted twice, and a fragment alone would not load it at all.
 */
(function () {
  "use strict";

  var banner = document.querySelector("[data-fk-preview-stand]");
  if (!banner || !window.fetch) {
    return;
  }
  var url = banner.getAttribute("data-fk-preview-url");
  var stand = banner.getAttribute("data-fk-preview-stand");
  var EVERY = 700;

  function ask() {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (now) {
        if (now && now.stand !== stand) {
          window.location.replace(window.location.href.split("#")[0]);
        } else {
          window.setTimeout(ask, EVERY);
        }
      })
      .catch(function () { window.setTimeout(ask, EVERY * 4); });  // the preview stopped
  }

  window.setTimeout(ask, EVERY);
})();
