// The sentence panel on a small screen: a bottom sheet (Bootstrap's offcanvas-lg, which is
// an ordinary column from the lg breakpoint up). A tap on a sentence, or anything htmx
// swaps into the panel, opens it; the page stays scrollable and keyboard focus stays where
// it was (no backdrop, no focus trap), so j/k and the status keys keep working.
(function () {
  "use strict";

  const sheet = document.getElementById("sentence-sheet");
  if (!sheet || !window.bootstrap) return;
  const narrow = window.matchMedia("(max-width: 991.98px)");
  const offcanvas = window.bootstrap.Offcanvas.getOrCreateInstance(sheet);

  function open() {
    if (narrow.matches && !sheet.classList.contains("show")) offcanvas.show();
  }

  // Bootstrap marks every offcanvas aria-modal; this one leaves the page usable behind it.
  // Once it is up, the selected sentence is scrolled above it (scroll-padding in the CSS).
  sheet.addEventListener("shown.bs.offcanvas", () => {
    sheet.removeAttribute("aria-modal");
    const current = document.querySelector("#article .sentence.selected");
    if (current) current.scrollIntoView({ block: "nearest" });
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (sheet.contains(event.detail.target)) open();
  });
  const article = document.getElementById("article");
  if (article) {
    article.addEventListener("click", (event) => {
      if (event.target.closest(".sentence") && window.getSelection().isCollapsed) open();
    });
  }
})();
