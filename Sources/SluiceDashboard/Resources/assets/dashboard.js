// Sluice dashboard: the little the pages do in the browser. Everything works without it;
// it only spares clicks. No inline handlers (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // A select marked data-autosubmit submits its form when changed (the tenant switch).
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
        target.form.requestSubmit();
      }
    });

    // A form with data-confirm asks first.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }, true);

    // A button with data-copy="id" copies that input's value.
    document.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
      if (!button) return;
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
