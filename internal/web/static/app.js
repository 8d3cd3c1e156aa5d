// rocca: progressive enhancement of the SBOM upload (drag and drop onto
// the file field's zone). Without it the form works as a plain upload.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-dropzone]").forEach(function (form) {
    var zone = form.querySelector("[data-drop-target]");
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector("[data-drop-status]");
    if (!zone || !input) { return; }
    var show = function () {
      if (status && input.files && input.files.length) { status.textContent = input.files[0].name; }
    };
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        show();
      }
    });
    input.addEventListener("change", show);
  });
});
