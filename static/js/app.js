// Porte-voix's own few lines of JavaScript; every page also works without them.
(function () {
  "use strict";

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
})();
