// A field that applies to one value of another (data-shown-when="kind=update" on its input or
// inputs) is hidden, and left out of what the form sends, while that other field holds another
// value. Without this script every field shows, and the server ignores those that do not apply.
(function () {
  "use strict";

  function valueOf(form, name) {
    const fields = Array.from(form.elements).filter((element) => element.name === name);
    const checked = fields.find((element) => element.type === "radio" && element.checked);
    if (checked) {
      return checked.value;
    }
    const single = fields.find((element) => element.type !== "radio");
    return single ? single.value : "";
  }

  function update(form) {
    form.querySelectorAll("[data-shown-when]").forEach((input) => {
      const [name, value] = input.dataset.shownWhen.split("=");
      const shown = valueOf(form, name) === value;
      const wrapper = input.closest(".rut-field") || input;
      wrapper.hidden = !shown;
      input.disabled = !shown;
    });
  }

  document.querySelectorAll("form").forEach((form) => {
    if (form.querySelector("[data-shown-when]")) {
      form.addEventListener("change", () => update(form));
      update(form);
    }
  });
})();
