/* The article form keeps what is typed (issue 15, point 3): every few seconds of change it posts the words to
   the article's autosave address (editorial/newsroom/editing.py `autosave`), which keeps them as an autosaved
   revision without touching the article; it warns before leaving with unsaved changes; and it shows who else
   has the form open. No inline script: the address and interval come from #article-autosave's data. */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("article-autosave");
    var form = document.getElementById("article_form");
    if (!box || !form) {
      return;
    }
    var url = box.getAttribute("data-url");
    var seconds = parseInt(box.getAttribute("data-interval"), 10) || 30;
    var status = document.getElementById("article-autosave-status");
    var presence = document.getElementById("article-presence");
    var unsaved = false; // changed since the page was loaded or the form was saved
    var changed = false; // changed since the last autosave
    var submitting = false;
    var fields = ["title", "slug", "dek", "body"];

    function onChange() {
      unsaved = true;
      changed = true;
    }
    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function showOthers(others) {
      if (!presence || !others) {
        return;
      }
      presence.textContent = "";
      others.forEach(function (other) {
        var line = document.createElement("p");
        var name = document.createElement("strong");
        name.textContent = other.name;
        line.appendChild(document.createTextNode("Being edited by "));
        line.appendChild(name);
        line.appendChild(document.createTextNode(" since " + other.since + "."));
        presence.appendChild(line);
      });
      presence.hidden = others.length === 0;
    }

    function send() {
      var data = new FormData();
      var token = form.elements.namedItem("csrfmiddlewaretoken");
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      var autosaving = changed;
      if (autosaving) {
        fields.forEach(function (name) {
          var field = form.elements.namedItem(name);
          if (field && typeof field.value === "string") {
            data.append(name, field.value);
          }
        });
        data.append("autosave", "1");
        changed = false;
      }
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            changed = changed || autosaving;
            say("Not autosaved: " + (result.answer.error || "the server refused it."));
            return;
          }
          if (result.answer.revision) {
            say(
              "Autosaved at " + result.answer.saved_at + " as revision " + result.answer.revision +
              " of the history; not yet saved to the article."
            );
          }
          showOthers(result.answer.others);
        })
        .catch(function () {
          changed = changed || autosaving;
          say("Not autosaved: the server could not be reached. Keep this page open and try saving.");
        });
    }

    window.setInterval(send, seconds * 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
