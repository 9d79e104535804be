/* The request page saves its small forms (mark as sent, change the status, confirm what a
   reply is, the body's address) without a page load: a form marked data-enhance is posted
   with fetch, marked X-Requested-With: fetch, and the server answers with JSON — the words
   for the toast and the page's new content, rendered by the page's own view
   (requests_app/views/saved.py). Without this script the same forms post and redirect. */
(function () {
  "use strict";
  var page = document.getElementById("request-page");
  var toasts = document.getElementById("toasts");
  if (!page || !toasts || !window.fetch || !window.FormData) {
    return;
  }
  var REFUSED = {
    403: "Not saved: you may look at this request but not change it.",
    404: "Not saved: this is no longer there, or you may not see it."
  };

  var unpin = null;

  // The page's status region (request_detail.html) announces the toast to screen readers;
  // it stays in view for a few seconds, then goes back to its place at the top.
  function toast(words, level) {
    var list = document.createElement("ul");
    var item = document.createElement("li");
    list.className = "messages toasts";
    item.className = "message toast message--" + level;
    item.textContent = words;
    list.appendChild(item);
    toasts.classList.add("toast-region--live");
    toasts.replaceChildren(list);
    window.clearTimeout(unpin);
    unpin = window.setTimeout(function () {
      toasts.classList.remove("toast-region--live");
    }, 6000);
  }

  function putInPlace(html) {
    var open = Array.prototype.map.call(page.querySelectorAll("details[id][open]"), function (d) {
      return d.id;
    });
    page.innerHTML = html;
    open.forEach(function (id) {
      var section = document.getElementById(id);
      if (section) {
        section.open = true;
      }
    });
    // The form that had the focus is gone: give it to the card that says what to do now.
    var heading = document.getElementById("next-heading");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }

  function answer(response) {
    var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
    if (!isJson) {
      var words = REFUSED[response.status] || "Not saved: please try again.";
      return { ok: false, data: { message: words } };
    }
    return response.json().then(function (data) {
      return { ok: response.ok, data: data };
    });
  }

  page.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-enhance]")) {
      return;
    }
    event.preventDefault();
    var button = event.submitter || form.querySelector("button[type=submit]");
    var body = new FormData(form);
    if (button && button.name) {
      body.append(button.name, button.value);
    }
    if (button) {
      button.disabled = true;
    }
    // A button may post elsewhere (formaction): the status buttons each record their event.
    var action = button && button.hasAttribute("formaction") ? button.formAction : form.action;
    fetch(action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(answer)
      .then(function (result) {
        if (result.ok && result.data.html) {
          putInPlace(result.data.html);
        } else if (button) {
          button.disabled = false;
        }
        toast(result.data.message, result.ok ? "success" : "error");
      })
      .catch(function () {
        if (button) {
          button.disabled = false;
        }
        toast("Not saved: the server could not be reached. Try again.", "error");
      });
  });
})();
