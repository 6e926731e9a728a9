// Dashboard without page reloads: forwarding switches and notes are saved with fetch; the copy buttons appear.
// Without JavaScript the same forms post and redirect back (progressive enhancement, no inline script: CSP).
(function () {
  "use strict";
  var live = document.getElementById("alias-live");

  function label(name, fallback) {  // the page's words, in the person's language (data-* of #alias-live)
    return (live && live.getAttribute("data-" + name)) || fallback;
  }

  function announce(text, failed) {
    if (!live) { return; }
    live.hidden = false;
    live.className = "message " + (failed ? "message-error" : "message-success");
    live.textContent = text;
  }

  function showToggle(row, enabled) {
    row.setAttribute("data-enabled", enabled ? "true" : "false");
    var badge = row.querySelector("[data-role=badge]");
    if (badge) {
      badge.textContent = enabled ? label("on", "on") : label("off", "off");
      badge.className = "badge " + (enabled ? "on" : "off");
    }
    var button = row.querySelector("form[data-async=toggle] button");
    if (button) { button.textContent = enabled ? label("turn-off", "Turn off") : label("turn-on", "Turn on"); }
    var note = row.querySelector(".blocked-note");
    if (note) { note.hidden = enabled; }
  }

  function send(form) {
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    return fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).finally(function () {
      if (button) { button.disabled = false; }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-async]");
    if (!form || !window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var row = form.closest(".alias-row");
    var kind = form.getAttribute("data-async");
    send(form).then(function (result) {
      if (!result.ok) {
        announce(result.data.error || label("failed", "This change could not be saved."), true);
        if (kind === "note") { form.setAttribute("data-error", result.data.error || ""); }
        return;
      }
      if (kind === "toggle" && row) { showToggle(row, result.data.enabled); }
      if (kind === "note") {
        form.removeAttribute("data-error");
        form.setAttribute("data-saved", "true");
        var input = form.querySelector("input[name=note]");
        if (input) { input.value = result.data.note; }
        var saveButton = form.querySelector("button[type=submit]");
        if (saveButton) {
          saveButton.textContent = label("saved", "Saved");
          window.setTimeout(function () { saveButton.textContent = label("save-note", "Save note"); }, 1500);
        }
      }
      announce(result.data.message);
    }).catch(function () {
      form.submit();  // the server answers the plain form post with a redirect and a message
    });
  });

  var copies = document.querySelectorAll("button.copy[hidden]");
  for (var i = 0; i < copies.length; i++) { copies[i].hidden = false; }
})();
