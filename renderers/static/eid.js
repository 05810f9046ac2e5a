/* eid.js: the Web eID browser extension, on the two pages that use it.
 *
 * - Ondertekenen (`#fk-eid`): sign the page's digest. The page works without it: `formkit sign`
 *   signs the same digest. This script only shows the quicker way when the extension answers,
 *   asks it for the signing certificate and a signature over the page's digest
 *   (`data-fk-digest`, base64), and posts both with the CSRF token as a normal form. The
 *   server does not take the digest back: it rebuilds it from the draft.
 * - Mijn dossiers, aanmelden (`#fk-eid-login`): log in with the card. The button shows once
 *   the extension answers; a click fetches a challenge nonce (`data-fk-challenge`, a JSON
 *   `{nonce}`, which also sets this browser's challenge cookie), has the extension answer it
 *   (`web-eid:authenticate`: the card's Authentication key signs the origin and the nonce),
 *   and posts the token as a normal form. Without the extension the status says so.
 *
 * The extension's message protocol, as the web-eid.js library speaks it: the page posts
 * {action: "web-eid:<name>", libraryVersion, ...} to itself; the extension's content script
 * answers "web-eid:<name>-ack" within a second, then "-success" with the result or "-failure"
 * with {error: {code}}.
 */
(function () {
  "use strict";

  var signing = document.getElementById("fk-eid");
  var login = document.getElementById("fk-eid-login");
  var section = signing || login;
  var form = section && section.querySelector("form");
  if (!form || !window.Promise) {
    return;
  }
  var button = form.querySelector("button");
  var status = form.querySelector(".fk-eid__status");
  var LOGIN_MESSAGES = {
    searching: "We zoeken de browserextensie Web eID.",
    missing: "Uw browser heeft de extensie Web eID niet, of ze staat uit. Installeer ze (eid.belgium.be) en laad deze pagina opnieuw, of meld u op een andere manier aan.",
    insecure: "Aanmelden met uw eID-kaart kan alleen over een beveiligde verbinding (https).",
    ERR_WEBEID_USER_CANCELLED: "U heeft het aanmelden geannuleerd. Klik opnieuw op de knop als u zich wilt aanmelden.",
    ERR_WEBEID_USER_TIMEOUT: "Het aanmelden duurde te lang. Probeer het opnieuw.",
    ERR_WEBEID_ACTION_TIMEOUT: "Het aanmelden duurde te lang. Probeer het opnieuw.",
    ERR_WEBEID_EXTENSION_UNAVAILABLE: "De browserextensie Web eID antwoordt niet. Laad de pagina opnieuw en probeer het nog eens.",
    ERR_WEBEID_NATIVE_UNAVAILABLE: "Het eID-programma antwoordt niet. Controleer of het geïnstalleerd is (eid.belgium.be) en probeer het opnieuw.",
    ERR_FORMKIT_CHALLENGE: "De server kon het aanmelden niet starten. Probeer het over enkele minuten opnieuw.",
    other: "Aanmelden met uw eID lukte niet. Controleer of uw eID-kaart in de kaartlezer zit en probeer het opnieuw."
  };
  if (!window.isSecureContext) {
    if (login) {
      status.textContent = LOGIN_MESSAGES.insecure;
    }
    return;
  }
  var LIBRARY_VERSION = "2.0.0";
  var ACK_MS = 1000; // the extension acknowledges at once, or is not there
  var STATUS_MS = 6000; // the extension starts its native program
  var USER_MS = 6000 + 2 * 120000; // and the citizen chooses a card and types a PIN
  var OPTIONS = { lang: "nl" };
  var MESSAGES = {
    ERR_WEBEID_USER_CANCELLED: "U heeft het ondertekenen geannuleerd. Klik opnieuw op de knop als u wilt ondertekenen.",
    ERR_WEBEID_USER_TIMEOUT: "Het ondertekenen duurde te lang. Probeer het opnieuw.",
    ERR_WEBEID_ACTION_TIMEOUT: "Het ondertekenen duurde te lang. Probeer het opnieuw.",
    ERR_WEBEID_EXTENSION_UNAVAILABLE: "Het eID-programma antwoordt niet. Controleer of de eID-software van eid.belgium.be geïnstalleerd is en probeer opnieuw.",
    ERR_WEBEID_NATIVE_UNAVAILABLE: "Het eID-programma antwoordt niet. Controleer of de eID-software van eid.belgium.be geïnstalleerd is en probeer opnieuw.",
    other: "Ondertekenen met uw eID lukte niet. Controleer of uw eID in de kaartlezer zit en probeer opnieuw, of onderteken met het programma formkit sign, hieronder."
  };
  var pending = {}; // by action: the call waiting for its answer

  function settle(action, outcome, value) {
    var call = pending[action];
    if (!call) {
      return;
    }
    delete pending[action];
    clearTimeout(call.ackTimer);
    clearTimeout(call.replyTimer);
    (outcome === "success" ? call.resolve : call.reject)(value);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window || !data || typeof data.action !== "string") {
      return;
    }
    var answer = /^(web-eid:[a-z-]+?)-(ack|success|failure)$/.exec(data.action);
    if (!answer || !pending[answer[1]]) {
      return;
    }
    if (answer[2] === "ack") {
      clearTimeout(pending[answer[1]].ackTimer);
    } else if (answer[2] === "success") {
      settle(answer[1], "success", data);
    } else {
      settle(answer[1], "failure", (data.error && data.error.code) || "other");
    }
  });

  function send(action, fields, timeout) {
    return new Promise(function (resolve, reject) {
      if (pending[action]) {
        reject("ERR_WEBEID_ACTION_PENDING");
        return;
      }
      pending[action] = {
        resolve: resolve,
        reject: reject,
        ackTimer: setTimeout(function () {
          settle(action, "failure", "ERR_WEBEID_EXTENSION_UNAVAILABLE");
        }, ACK_MS),
        replyTimer: setTimeout(function () {
          settle(action, "failure", "ERR_WEBEID_ACTION_TIMEOUT");
        }, timeout)
      };
      var message = { action: action, libraryVersion: LIBRARY_VERSION };
      for (var key in fields) {
        message[key] = fields[key];
      }
      window.postMessage(message, window.location.origin);
    });
  }

  function say(text) {
    status.textContent = text;
  }

  function sign() {
    var certificate;
    button.disabled = true;
    say("Volg de aanwijzingen van het eID-programma. Het vraagt uw pincode.");
    send("web-eid:get-signing-certificate", { options: OPTIONS }, USER_MS)
      .then(function (reply) {
        certificate = reply.certificate;
        return send("web-eid:sign", {
          certificate: certificate,
          hash: form.getAttribute("data-fk-digest"),
          hashFunction: form.getAttribute("data-fk-hash"),
          options: OPTIONS
        }, USER_MS);
      })
      .then(function (reply) {
        var algorithm = reply.signatureAlgorithm || {};
        form.elements["webeid-handtekening"].value = reply.signature;
        form.elements["webeid-certificaat"].value = certificate;
        form.elements["webeid-hashfunctie"].value = algorithm.hashFunction || form.getAttribute("data-fk-hash");
        say("Ondertekend. Uw aanvraag wordt ingediend.");
        form.submit();
      })
      .catch(function (code) {
        button.disabled = false;
        say(MESSAGES[code] || MESSAGES.other);
      });
  }

  function challenge() {
    return window.fetch(form.getAttribute("data-fk-challenge"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : Promise.reject("ERR_FORMKIT_CHALLENGE");
    }, function () {
      return Promise.reject("ERR_FORMKIT_CHALLENGE");
    });
  }

  function authenticate() {
    button.disabled = true;
    say("Volg de aanwijzingen van het eID-programma. Het vraagt uw pincode.");
    challenge()
      .then(function (body) {
        return send("web-eid:authenticate", { challengeNonce: body.nonce, options: OPTIONS }, USER_MS);
      })
      .then(function (reply) {
        form.elements["webeid-token"].value = JSON.stringify({
          unverifiedCertificate: reply.unverifiedCertificate,
          algorithm: reply.algorithm,
          signature: reply.signature,
          format: reply.format,
          appVersion: reply.appVersion
        });
        say("Uw eID-kaart antwoordde. U wordt aangemeld.");
        form.submit();
      })
      .catch(function (code) {
        button.disabled = false;
        say(LOGIN_MESSAGES[code] || LOGIN_MESSAGES.other);
      });
  }

  if (login) {
    say(LOGIN_MESSAGES.searching);
  }
  // The extension's content script may load just after this script: ask a moment later.
  setTimeout(function () {
    send("web-eid:status", {}, STATUS_MS).then(function () {
      if (login) {
        say("");
        button.hidden = false;
        button.addEventListener("click", authenticate);
      } else {
        section.hidden = false;
        var missing = document.getElementById("fk-eid-missing");
        if (missing) {
          missing.hidden = true; // what to install: it is there
        }
        button.addEventListener("click", sign);
      }
    }, function () {
      if (login) {
        say(LOGIN_MESSAGES.missing);
      }
    });
  }, ACK_MS);
})();
