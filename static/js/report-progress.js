/* Polls a report build's progress and shows the download link when it is ready.
   Without JavaScript the page still works: reload it to see the progress. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-report-progress]");
  if (!panel) { return; }
  var url = panel.getAttribute("data-report-progress");
  var bar = panel.querySelector("progress");
  var label = panel.querySelector("[data-report-status]");
  var link = panel.querySelector("[data-report-download]");
  if (!bar || !label || !link || !link.hidden) { return; }

  function show(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    if (data.status === "done") {
      label.textContent = data.status_label + (data.page_count ? ": " + data.page_count + " pages" : "");
      link.href = data.download_url;
      link.hidden = false;
      return true;
    }
    if (data.status === "failed") {
      label.textContent = "The build failed: " + (data.error || "unknown error");
      return true;
    }
    label.textContent = data.status_label + " (" + data.progress + "%)";
    return false;
  }

  function poll(delay) {
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) { if (!show(data)) { poll(1500); } })
        .catch(function () { poll(5000); });
    }, delay);
  }

  poll(1000);
})();
