// A box that scrolls sideways (a wide table on a phone) must be reachable from the keyboard and
// named for screen readers (axe: scrollable-region-focusable). The boxes are found when the page
// loads and whenever its width changes; a box that no longer scrolls is left alone.
(function () {
  "use strict";
  var SELECTOR = ".rut-scroll, .rut-table, .rut-rows, .rut-lifecycle-scroll, .inline-group, #changelist .results";

  function nameOf(box) {
    var holder = box.closest("section, fieldset, .inline-group, .module");
    var heading = holder && holder.querySelector("h2, h3, legend, caption");
    return heading ? heading.textContent.trim() : document.title;
  }

  function mark() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
        box.dataset.rutScroll = "1";
      } else if (!scrolls && box.dataset.rutScroll) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.rutScroll;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
