// Progressive enhancement for the public body <select>: a search box that asks
// /bodies/search/ for matches, and fills in the body's usual law when none is chosen.
// Without JavaScript the plain <select> works as it is.
(function () {
  "use strict";

  function option(body) {
    var item = new Option(body.label, String(body.id));
    item.dataset.defaultRegime = body.default_regime;
    return item;
  }

  function enhance(select) {
    var form = select.form;
    var regime = form && form.querySelector("[data-regime]");
    var url = select.dataset.searchUrl;
    var original = Array.prototype.slice.call(select.options);
    var search = document.createElement("input");
    search.type = "search";
    search.className = "body-search";
    search.id = select.id + "_search";
    search.setAttribute("aria-label", "Search public bodies by name");
    search.setAttribute("aria-controls", select.id);
    search.placeholder = "Type to search bodies…";
    select.parentNode.insertBefore(search, select);

    var timer = null;
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { lookUp(search.value.trim()); }, 200);
    });

    function lookUp(text) {
      if (!text) { replaceOptions(original); return; }
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (bodies) { replaceOptions(bodies.map(option)); })
        .catch(function () { replaceOptions(original); });
    }

    function replaceOptions(options) {
      var chosen = select.value;
      select.options.length = 0;
      select.add(new Option("---------", ""));
      options.forEach(function (item) { if (item.value) { select.add(item); } });
      select.value = chosen;
      if (select.value !== chosen && options.length === 1) {
        select.value = options[0].value;
        select.dispatchEvent(new Event("change"));
      }
    }

    select.addEventListener("change", function () {
      var picked = select.options[select.selectedIndex];
      if (regime && !regime.value && picked && picked.dataset.defaultRegime) {
        regime.value = picked.dataset.defaultRegime;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-body-search]").forEach(enhance);
  });
})();
