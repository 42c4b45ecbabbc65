// Behaviour of the portal's pages, without inline handlers (the Content-Security-Policy
// allows scripts from this site only):
// - the language menu submits its form when changed;
// - [data-print] buttons print the page;
// - forms with data-confirm ask before submitting.
(function () {
  "use strict";
  var language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
