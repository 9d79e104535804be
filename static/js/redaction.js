// Drawing redaction boxes on page images. The "Boxes" field is the record: each box
// drawn adds a line "PAGE:X0,Y0,X1,Y1" (points from the page's top-left corner), and the
// boxes shown are redrawn from the field whenever it changes, so typing works too.
(function () {
  "use strict";
  var field = document.getElementById("id_boxes");
  var undo = document.getElementById("redaction-undo");
  var pages = document.querySelectorAll(".redaction-page");
  if (!field || !pages.length) { return; }
  var LINE = /^\s*(\d+)\s*:\s*(-?[\d.]+),\s*(-?[\d.]+),\s*(-?[\d.]+),\s*(-?[\d.]+)\s*$/;

  function pageSize(figure) {
    return { width: parseFloat(figure.dataset.width), height: parseFloat(figure.dataset.height) };
  }

  function place(element, canvas, figure, x0, y0, x1, y1) {
    var size = pageSize(figure);
    element.style.left = (100 * Math.min(x0, x1) / size.width) + "%";
    element.style.top = (100 * Math.min(y0, y1) / size.height) + "%";
    element.style.width = (100 * Math.abs(x1 - x0) / size.width) + "%";
    element.style.height = (100 * Math.abs(y1 - y0) / size.height) + "%";
  }

  function boxLines() {
    return field.value.split("\n").filter(function (line) { return line.trim() !== ""; });
  }

  function redraw() {
    document.querySelectorAll(".redaction-box--new").forEach(function (box) { box.remove(); });
    boxLines().forEach(function (line) {
      var found = LINE.exec(line);
      if (!found) { return; }
      var figure = document.querySelector('.redaction-page[data-page="' + found[1] + '"]');
      if (!figure) { return; }
      var canvas = figure.querySelector(".redaction-canvas");
      var box = document.createElement("span");
      box.className = "redaction-box redaction-box--new";
      place(box, canvas, figure, +found[2], +found[3], +found[4], +found[5]);
      canvas.appendChild(box);
    });
    undo.hidden = boxLines().length === 0;
  }

  function toPoints(event, canvas, figure) {
    var rect = canvas.getBoundingClientRect();
    var size = pageSize(figure);
    var x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    var y = Math.min(Math.max(event.clientY - rect.top, 0), rect.height);
    return { x: x * size.width / rect.width, y: y * size.height / rect.height };
  }

  function round(value) { return Math.round(value * 10) / 10; }

  pages.forEach(function (figure) {
    var canvas = figure.querySelector(".redaction-canvas");
    figure.querySelectorAll(".redaction-box--earlier").forEach(function (box) {
      place(box, canvas, figure, +box.dataset.x0, +box.dataset.y0, +box.dataset.x1, +box.dataset.y1);
    });
    var start = null;
    var drawing = null;
    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      start = toPoints(event, canvas, figure);
      drawing = document.createElement("span");
      drawing.className = "redaction-box redaction-box--drawing";
      canvas.appendChild(drawing);
      place(drawing, canvas, figure, start.x, start.y, start.x, start.y);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      var here = toPoints(event, canvas, figure);
      place(drawing, canvas, figure, start.x, start.y, here.x, here.y);
    });
    canvas.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var end = toPoints(event, canvas, figure);
      drawing.remove();
      if (Math.abs(end.x - start.x) > 2 && Math.abs(end.y - start.y) > 2) {
        var line = figure.dataset.page + ":" + [
          round(Math.min(start.x, end.x)), round(Math.min(start.y, end.y)),
          round(Math.max(start.x, end.x)), round(Math.max(start.y, end.y))
        ].join(",");
        field.value = boxLines().concat([line]).join("\n");
        redraw();
      }
      start = null;
      drawing = null;
    });
  });

  undo.addEventListener("click", function () {
    field.value = boxLines().slice(0, -1).join("\n");
    redraw();
  });
  field.addEventListener("input", redraw);
  redraw();
})();
