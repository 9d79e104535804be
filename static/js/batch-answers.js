// The answer form: a suggestion's button copies its value into the field and chooses the
// message it was found in as the source.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.querySelector("select[name=source]");
  for (const button of document.querySelectorAll("[data-fill]")) {
    button.addEventListener("click", () => {
      const input = document.getElementById(button.getAttribute("data-fill"));
      if (input) {
        input.value = button.getAttribute("data-value");
        input.focus();
      }
      if (source && button.getAttribute("data-source")) {
        source.value = button.getAttribute("data-source");
      }
    });
  }
});
