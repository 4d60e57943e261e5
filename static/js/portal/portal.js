/* Mi RUT: progressive enhancements only. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // Errors: move focus to the summary so screen readers announce it at once.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Passwords may be shown while typing (NIST SP 800-63B 5.1.1.2).
  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = "Mostrar contraseña";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? "Ocultar contraseña" : "Mostrar contraseña";
      button.setAttribute("aria-pressed", String(show));
    });
    input.insertAdjacentElement("afterend", button);
  });

  // Departamento -> municipio without reloading the page.
  document.querySelectorAll("[data-dependent-select]").forEach(function (box) {
    var department = box.querySelector('select[name$="department"]');
    var municipality = box.querySelector('select[name$="municipality"]');
    if (!department || !municipality) { return; }
    department.addEventListener("change", function () {
      var url = box.getAttribute("data-url") + "?departamento=" + encodeURIComponent(department.value);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var first = municipality.options[0];
          municipality.innerHTML = "";
          municipality.appendChild(first);
          data.municipios.forEach(function (m) {
            var option = document.createElement("option");
            option.value = m.code;
            option.textContent = m.name;
            municipality.appendChild(option);
          });
          municipality.value = "";
          municipality.dispatchEvent(new Event("change", { bubbles: true }));
        });
    });
  });

  // CIIU search while typing; choosing fills the code field.
  document.querySelectorAll("[data-ciiu-search]").forEach(function (box) {
    var input = box.querySelector('input[type="search"]');
    var results = box.querySelector("[data-ciiu-results]");
    var form = box.closest("form");
    if (!input || !results || !form) { return; }
    function use(field, code) {
      var target = form.querySelector('input[name="' + field + '"]');
      if (target) {
        target.value = code;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      }
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { results.innerHTML = ""; return; }
      fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(q))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          results.innerHTML = "";
          if (!data.actividades.length) {
            results.textContent = "No encontramos actividades con esas palabras.";
            return;
          }
          var list = document.createElement("ul");
          list.className = "results";
          data.actividades.forEach(function (a) {
            var item = document.createElement("li");
            item.className = "results__item";
            var text = document.createElement("span");
            text.innerHTML = "<strong></strong> ";
            text.firstChild.textContent = a.code;
            text.appendChild(document.createTextNode(a.name));
            var actions = document.createElement("span");
            actions.className = "results__actions";
            [["principal_code", "Usar como principal"], ["secondary_code", "Usar como secundaria"]].forEach(function (pair) {
              var b = document.createElement("button");
              b.type = "button";
              b.className = "link-button";
              b.textContent = pair[1];
              b.setAttribute("aria-label", pair[1] + " " + a.code);
              b.addEventListener("click", function () { use(pair[0], a.code); });
              actions.appendChild(b);
            });
            item.appendChild(text);
            item.appendChild(actions);
            list.appendChild(item);
          });
          results.appendChild(list);
        });
    }, 300));
  });

  // Autosave of the inscription draft while typing (the server also saves on every step).
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = document.getElementById("autosave-status");
    var save = debounce(function () {
      var data = new FormData(form);
      fetch(form.getAttribute("data-autosave"), {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
        credentials: "same-origin"
      }).then(function (response) {
        if (response.ok && status) {
          var now = new Date();
          status.textContent = "Borrador guardado a las " +
            String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0") + ".";
        }
      });
    }, 1200);
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
