// Progressive enhancement for the reader site. Without this file every control still works as a link.
//
// "Change it": fetch the next set of recommended articles and swap it in place, instead of following the
// link to /articles/<slug>/recommended/?page=N. The server answers that URL with the block alone when the
// X-Fragment header asks for it; on any failure we simply follow the link.
//
// Embeds (articles/embeds.py): a video's card offers "Play the video here", which puts the provider's player
// in place of the button and its note. Until then nothing is loaded from the provider.
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

  // Only the player's own origin is framed (the CSP's frame-src names the three player hosts). Its
  // sandbox keeps it from navigating our page or submitting forms; popups stay allowed so "Watch on YouTube"
  // inside the player opens a tab. No autoplay: the Permissions-Policy header switches it off, so the
  // reader presses play in the player itself.
  function playHere(button) {
    const controls = button.closest("[data-embed-player]");
    if (!controls) {
      return;
    }
    const frame = document.createElement("iframe");
    frame.className = "embed-player";
    frame.src = controls.dataset.embedPlayer;
    frame.title = controls.dataset.embedTitle;
    frame.allow = "encrypted-media; fullscreen; picture-in-picture";
    // Our origin, never the page's address: YouTube's player will not play without a Referer (its error
    // 153), and a preview page, whose address carries a token, sends none of its own (no-referrer).
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox");
    controls.replaceWith(frame);
    frame.focus();
  }

  document.querySelectorAll(".embed-play[data-embed-player][hidden]").forEach(function (controls) {
    controls.hidden = false;
  });

  document.addEventListener("click", function (event) {
    const play = event.target.closest("button[data-embed-play]");
    if (play) {
      playHere(play);
      return;
    }
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
