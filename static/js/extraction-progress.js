// Keeps extraction badges and progress bars up to date while a file is being read:
// every element with data-extraction-progress="URL" asks that URL for
// {status, label, pages_done, page_count, running} until the work is over.
// Without JavaScript the badge shows the state at the time the page was loaded.
(function () {
  "use strict";
  if (window.foiExtractionProgress) { return; }
  window.foiExtractionProgress = true;

  var INTERVAL = 3000;

  function update(element, state) {
    var label = element.querySelector("[data-extraction-label]");
    var bar = element.querySelector("[data-extraction-bar]");
    var count = element.querySelector("[data-extraction-count]");
    if (label) { label.textContent = state.label; }
    if (bar && state.page_count) {
      bar.max = state.page_count;
      bar.value = state.pages_done;
    }
    if (count && state.page_count) {
      count.textContent = state.pages_done + " of " + state.page_count + " pages";
    }
    if (!state.running) {
      if (bar) { bar.remove(); }
      if (count) { count.textContent = ""; }
      if (element.hasAttribute("data-extraction-reload")) { window.location.reload(); }
    }
  }

  function poll(element) {
    var url = element.getAttribute("data-extraction-progress");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        update(element, state);
        if (state.running) { window.setTimeout(function () { poll(element); }, INTERVAL); }
      })
      .catch(function () {
        // A network hiccup: try again later, more slowly.
        window.setTimeout(function () { poll(element); }, INTERVAL * 4);
      });
  }

  function start() {
    var elements = document.querySelectorAll("[data-extraction-progress]");
    Array.prototype.forEach.call(elements, function (element) {
      window.setTimeout(function () { poll(element); }, INTERVAL);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
