/* Small enhancements that save a click or a page load; the pages work without them.
   A link to a closed section (the request page's "Add a reply" → #reply-tools) opens it. */
(function () {
  "use strict";
  function openSection(id) {
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link) {
      openSection(link.getAttribute("href").slice(1));
    }
  });
  openSection(window.location.hash.slice(1));

  /* A table too wide for the screen scrolls inside its box: let the keyboard scroll it. */
  document.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      var caption = box.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    }
  });
})();
