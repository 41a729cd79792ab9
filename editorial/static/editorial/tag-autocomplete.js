// Suggest existing tags while an editor types in a comma-separated tag field (progressive enhancement).
(function () {
  "use strict";
  function enhance(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = new URL(input.dataset.suggestUrl, window.location.href);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(",");
        var fragment = parts.pop().trim();
        if (fragment.length < 1) { list.replaceChildren(); return; }
        var prefix = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        url.searchParams.set("q", fragment);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (name) {
              var option = document.createElement("option");
              option.value = prefix.concat([name]).join(", ");
              return option;
            }));
          })
          .catch(function () { list.replaceChildren(); });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.tag-autocomplete[data-suggest-url]").forEach(enhance);
  });
})();
