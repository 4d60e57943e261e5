/* Proof-of-work captcha (rut_portal/captcha.py): find the number whose SHA-256 with the salt is
   the challenge, then put it in the form. Nothing to see, read or hear; the person just waits. */
(function () {
  "use strict";
  var BATCH = 500;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function sha256(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }

  function search(salt, challenge, maximum, start) {
    var tries = [];
    for (var n = start; n < start + BATCH && n <= maximum; n++) { tries.push(sha256(salt + n)); }
    return Promise.all(tries).then(function (hashes) {
      var found = hashes.indexOf(challenge);
      if (found >= 0) { return start + found; }
      if (start + BATCH > maximum) { return null; }
      return search(salt, challenge, maximum, start + BATCH);
    });
  }

  document.querySelectorAll("[data-captcha]").forEach(function (box) {
    var form = box.closest("form");
    var input = box.querySelector('input[name="captcha"]');
    var status = box.querySelector("[data-captcha-status]");
    var buttons = form.querySelectorAll('button[type="submit"]');
    buttons.forEach(function (b) { b.disabled = true; });
    search(box.dataset.salt, box.dataset.challenge, Number(box.dataset.maximum), 0)
      .then(function (number) {
        if (number === null) {
          status.textContent = "No se pudo completar la verificación. Recargue la página.";
          return;
        }
        input.value = box.dataset.signature + ":" + number;
        status.textContent = "Verificación completa. Ya puede enviar el formulario.";
        buttons.forEach(function (b) { b.disabled = false; });
      })
      .catch(function () {
        status.textContent = "Su navegador no pudo hacer la verificación. Agende una videoatención.";
      });
  });
})();
