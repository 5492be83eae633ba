// Porte-voix's own few lines of JavaScript; every page also works without them.
(function () {
  "use strict";

  // With htmx at hand, controls needed only without JavaScript (a filter's "Filter" button) hide.
  if (window.htmx) document.documentElement.classList.add("js");

  function showToast(message) {
    var toast = document.getElementById("toast");
    if (!toast) return;
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.hidden = true; }, 6000);
  }

  // A failed htmx request says so in words, instead of silently doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401) return; // answered with HX-Redirect to the sign-in page
    showToast(document.body.dataset.errorMessage);
  });
  document.addEventListener("htmx:sendError", function () {
    showToast(document.body.dataset.offlineMessage);
  });

  // After htmx swaps in a new step (the quiz card), move focus to its heading so
  // keyboard and screen-reader users hear the new question.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var heading = document.querySelector("#" + target.id + " [data-focus-after-swap]");
    if (heading) heading.focus();
  });

  // "Load more" controls (data-load-more) are replaced by the next page: focus goes to the
  // first new entry, so keyboard users go on reading where they were instead of the page top.
  var loadedAfter = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var control = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!control || !control.hasAttribute("data-load-more")) { loadedAfter = null; return; }
    var target = event.detail.target;
    loadedAfter = { parent: target.parentElement, previous: target.previousElementSibling };
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!loadedAfter) return;
    var first = loadedAfter.previous ? loadedAfter.previous.nextElementSibling : loadedAfter.parent.firstElementChild;
    loadedAfter = null;
    if (!first) return;
    if (!first.hasAttribute("tabindex")) first.setAttribute("tabindex", "-1");
    first.focus();
  });

  // Close the account menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  // Copy buttons (hidden without JavaScript, where the text can be selected by hand).
  function copyText(selector) {
    var source = document.querySelector(selector);
    if (!source || !navigator.clipboard) return Promise.reject();
    return navigator.clipboard.writeText(source.value || source.textContent);
  }
  function enableCopyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    enableCopyButtons(document);
    // A refused form: its error summary takes the focus, so the errors are heard first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });

  // The preview of a post follows its text as the person writes it.
  document.addEventListener("input", function (event) {
    var source = event.target;
    if (!source.id) return;
    document.querySelectorAll('[data-post-preview="#' + CSS.escape(source.id) + '"]').forEach(function (preview) {
      preview.textContent = source.value;
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    copyText(button.dataset.copy).then(function () {
      showToast(document.body.dataset.copiedMessage);
    }, function () {
      showToast(document.body.dataset.copyFailedMessage);
    });
  });

  // LinkedIn and Facebook take only the link: copy the person's text first, and say so.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-copy-first]")) return;
    var text = form.querySelector("textarea");
    if (!text || !text.value.trim() || !navigator.clipboard) return;
    navigator.clipboard.writeText(text.value).then(function () {
      showToast(document.body.dataset.pasteMessage);
    });
  });
})();
