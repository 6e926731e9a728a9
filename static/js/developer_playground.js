// Playground callback: hand the URL fragment (implicit and hybrid answers) to the server, then forget it.
(function () {
  "use strict";
  var form = document.getElementById("fragment-form");
  var input = document.getElementById("fragment-input");
  var status = document.getElementById("fragment-status");
  if (!form || !input) { return; }
  var fragment = window.location.hash.replace(/^#/, "");
  if (!fragment) {
    if (status) { status.textContent = "No answer arrived in the URL."; }
    return;
  }
  input.value = fragment;
  window.history.replaceState(null, "", window.location.pathname);
  form.submit();
})();
