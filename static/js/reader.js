// Progressive enhancement for the reader site. Without this file every control still works as a link.
//
// "Change it": fetch the next set of recommended articles and swap it in place, instead of following the
// link to /articles/<slug>/recommended/?page=N. The server answers that URL with the block alone when the
// X-Fragment header asks for it; on any failure we simply follow the link.
(function () {
  "use strict";

  async function changeRecommendations(link) {
    const block = link.closest("#recommended");
    const list = block && block.querySelector(".recommended-list");
    if (!list) {
      return false;
    }
    list.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(link.href, {
        headers: { "X-Fragment": "recommended" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const freshList = doc.querySelector("#recommended .recommended-list");
      const freshLink = doc.querySelector("#recommended [data-change-it]");
      if (!freshList) {
        throw new Error("no recommendations in the answer");
      }
      list.replaceChildren(...Array.from(freshList.childNodes, (node) => document.importNode(node, true)));
      list.dataset.set = freshList.dataset.set || "";
      if (freshLink) {
        link.setAttribute("href", freshLink.getAttribute("href"));
      }
      return true;
    } catch (error) {
      return false;
    } finally {
      list.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-change-it]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    changeRecommendations(link).then(function (swapped) {
      if (!swapped) {
        window.location.assign(link.href);
      }
    });
  });
})();
