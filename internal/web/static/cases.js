// rocca: copy buttons of the SRP drafts (each copies its field's value
// for pasting into the SRP's form) and a live character count for
// limited fields. Without scripts the values can be selected by hand.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    var label = btn.firstChild ? btn.firstChild.textContent : "";
    btn.addEventListener("click", function () {
      var el = document.getElementById(btn.getAttribute("data-copy"));
      if (!el) { return; }
      var text = ("value" in el && el.tagName !== "OUTPUT") ? el.value : el.textContent;
      var done = function () {
        btn.firstChild.textContent = "✓ " + label;
        setTimeout(function () { btn.firstChild.textContent = label; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else if (el.select) {
        el.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* select stays for manual copy */ }
      }
    });
  });
});
