// Drag and drop for email uploads: dropped files join the form's file input, which still
// works on its own without this script.
(function () {
  "use strict";
  function attach(zone) {
    var form = zone.closest("form");
    var input = form && form.querySelector("input[type=file][data-mail-drop]");
    if (!input || zone.dataset.ready) { return; }
    zone.dataset.ready = "true";
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("drop-zone--active");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("drop-zone--active"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (file) { files.items.add(file); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) { files.items.add(file); });
      input.files = files.files;
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      zone.querySelector("p").textContent = names.length + " file(s) ready: " + names.join(", ");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-drop-zone]").forEach(attach);
  });
})();
