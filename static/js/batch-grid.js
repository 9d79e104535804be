// The batch grid: a box in the heading ticks or unticks every member shown.
document.addEventListener("DOMContentLoaded", () => {
  for (const master of document.querySelectorAll("[data-tick-all]")) {
    const name = master.getAttribute("data-tick-all");
    master.addEventListener("change", () => {
      for (const box of document.querySelectorAll(`input[type=checkbox][name="${name}"]`)) {
        box.checked = master.checked;
      }
    });
  }
});
