// Copy buttons of the developer console: <button class="copy" data-copy="#element-id">.
(function () {
  "use strict";
  function copy(button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) { return; }
    var text = target.textContent;
    var done = function () {
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.setAttribute("data-copied", "true");
      button.textContent = document.documentElement.getAttribute("data-copied-label") || "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (document.execCommand("copy")) { done(); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy[data-copy]");
    if (button) { copy(button); }
  });
})();
