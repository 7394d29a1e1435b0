// The article page as an annotation surface: sentence selection, keyboard shortcuts,
// text selection → claim span or artifact flag. Vanilla JS; htmx does the requests.
(function () {
  "use strict";

  const article = document.getElementById("article");
  if (!article) return;
  const help = document.getElementById("help");
  const menu = document.getElementById("selection-menu");
  const picker = document.getElementById("flag-picker");
  let sentences = [];
  let byPk = new Map();
  // htmx copies an old element's style attribute onto its replacement while settling;
  // under the CSP (no inline styles) that is a violation, and the browser gives some
  // inputs an empty style attribute. Nothing here animates styles: settle the rest.
  if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];
  // The text is redrawn in place after flag decisions (blocks swapped out of band): the
  // sentence list is read again from the page then.
  function readSentences() {
    sentences = Array.from(article.querySelectorAll(".sentence"));
    byPk = new Map(sentences.map((el) => [el.dataset.pk, el]));
  }
  readSentences();

  // --- Offsets: browsers count UTF-16 code units, Python counts code points. ----------
  // The ONE place that converts: the sentence's data-start (code points, from the server)
  // plus the number of code points of the sentence's text before (node, offset).
  function codePointOffset(sentenceEl, node, offset) {
    const range = document.createRange();
    range.setStart(sentenceEl, 0);
    range.setEnd(node, offset);
    return Number(sentenceEl.dataset.start) + Array.from(range.toString()).length;
  }

  function sentenceOf(node) {
    const el = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    return el ? el.closest(".sentence") : null;
  }

  // The current text selection inside the article as code-point offsets, or null.
  // A boundary outside every sentence snaps to the nearest sentence edge.
  function selectionOffsets() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer)) return null;
    const first = sentenceOf(range.startContainer) || nextSentenceAfter(range, true);
    const last = sentenceOf(range.endContainer) || nextSentenceAfter(range, false);
    if (!first || !last) return null;
    const start = sentenceOf(range.startContainer)
      ? codePointOffset(first, range.startContainer, range.startOffset)
      : Number(first.dataset.start);
    const end = sentenceOf(range.endContainer)
      ? codePointOffset(last, range.endContainer, range.endOffset)
      : Number(last.dataset.end);
    if (end <= start) return null;
    return { start, end, first, last, text: range.toString() };
  }

  function nextSentenceAfter(range, forward) {
    const inRange = sentences.filter((el) => range.intersectsNode(el));
    return forward ? inRange[0] : inRange[inRange.length - 1];
  }

  // --- Selection of a sentence and the side panel. --------------------------------
  function selected() {
    return article.querySelector(".sentence.selected");
  }

  function panelUrl(pk) {
    return article.dataset.panelUrl.replace(/\/0\/panel\/$/, "/" + pk + "/panel/");
  }

  function select(el, focus) {
    if (!el) return;
    const current = selected();
    if (current) {
      current.classList.remove("selected");
      current.setAttribute("tabindex", "-1");
    }
    el.classList.add("selected");
    el.setAttribute("tabindex", "0");
    if (focus !== false) el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", behavior: "smooth" });
    const url = new URL(window.location.href);
    url.searchParams.set("s", el.dataset.pk);
    url.hash = "";
    history.replaceState(null, "", url);
    const panel = document.getElementById("panel");
    if (panel && panel.dataset.sentence === el.dataset.pk) return;
    if (window.htmx) {
      window.htmx.ajax("GET", panelUrl(el.dataset.pk), { target: "#panel", swap: "outerHTML" });
    } else {
      window.location.assign(url);
    }
  }

  // A long article is shown in parts: the page of another sentence, with it selected.
  function openSentence(pk) {
    const url = new URL(window.location.href);
    url.searchParams.delete("part");
    url.searchParams.set("s", pk);
    url.hash = "s-" + pk;
    window.location.assign(url);
  }

  // j / k: the next / previous sentence that counts, skipping those wholly inside a
  // confirmed artifact (class in-artifact: not fact-checked, not in the progress).
  function move(step) {
    const current = selected();
    let index = current ? sentences.indexOf(current) : step > 0 ? -1 : sentences.length;
    do index += step;
    while (index >= 0 && index < sentences.length && sentences[index].classList.contains("in-artifact"));
    const beyond = step > 0 ? article.dataset.nextSentence : article.dataset.previousSentence;
    if ((index < 0 || index >= sentences.length) && beyond) {
      openSentence(beyond);
      return;
    }
    const next = sentences[index];
    if (next && next !== current) select(next);
  }

  // The selected sentence after its block was redrawn: marked again, without scrolling.
  function markSelected() {
    if (selected()) return;
    const panel = document.getElementById("panel");
    const el = panel && byPk.get(panel.dataset.sentence);
    if (!el) return;
    el.classList.add("selected");
    el.setAttribute("tabindex", "0");
  }

  // Keep the article in step with the panel after every htmx swap: status colour, claims.
  document.body.addEventListener("htmx:afterSwap", () => {
    readSentences();
    markSelected();
    const panel = document.getElementById("panel");
    if (!panel) return;
    const el = byPk.get(panel.dataset.sentence);
    if (!el) return;
    el.className = el.className.replace(/\bst-[a-z_]+/, "st-" + panel.dataset.status);
    el.classList.toggle("has-claim", Number(panel.dataset.claims) > 0);
    if (!el.classList.contains("selected")) select(el, false);
    if (pendingClaim && panel.dataset.sentence === pendingClaim.first.dataset.pk) {
      const offsets = pendingClaim;
      pendingClaim = null;
      claimSpan(offsets);
      focusForm("claim-form");
    }
  });
  // A flag decision redrew blocks of the text (out of band): read the sentences again.
  document.body.addEventListener("htmx:oobAfterSwap", () => {
    readSentences();
    markSelected();
  });
  // After a decision the answered button is gone: keep the keyboard on that flag.
  let decidedFlag = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const item = event.detail.elt.closest && event.detail.elt.closest(".flag-item");
    decidedFlag = item ? item.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    const item = decidedFlag && document.getElementById(decidedFlag);
    decidedFlag = null;
    if (!item || (document.activeElement && document.activeElement !== document.body)) return;
    (item.querySelector("button") || item).focus({ preventScroll: true });
  });
  // Dismissed flags are drawn in the text only on demand: the same page with ?dismissed=.
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-toggle-dismissed]");
    if (!toggle) return;
    event.preventDefault();
    const url = new URL(window.location.href);
    if (toggle.dataset.toggleDismissed === "show") url.searchParams.set("dismissed", "show");
    else url.searchParams.delete("dismissed");
    window.location.assign(url);
  });

  article.addEventListener("click", (event) => {
    if (!window.getSelection().isCollapsed) return;
    const el = event.target.closest(".sentence");
    if (el) select(el);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("#panel [data-select]");
    if (!link || !byPk.has(link.dataset.select)) return;
    event.preventDefault();
    select(byPk.get(link.dataset.select));
  });

  // --- Text selection → one choice: claim it, or flag it as an artifact. ------------
  // Selecting text opens a small menu under it (#selection-menu): "Claim" (c) for those
  // who may add claims, "Flag as artifact…" (f) for editors, with no kind chosen in
  // advance, and Cancel (Esc). The choice acts on the sentence the text was selected in,
  // never on the one open before; the menu closes once used.
  let menuOffsets = null;
  let pendingClaim = null;

  function claimSpan(offsets) {
    const form = document.getElementById("claim-form");
    const el = selected();
    if (!form || !el) return;
    const inside = offsets && offsets.first === el && offsets.last === el;
    form.querySelector("[name=claim-start]").value = inside ? offsets.start : "";
    form.querySelector("[name=claim-end]").value = inside ? offsets.end : "";
    const label = form.querySelector("[data-claim-span]");
    if (label) label.textContent = inside ? "“" + offsets.text.trim() + "”" : "the whole sentence";
  }

  function closeMenu() {
    if (!menu) return;
    menu.hidden = true;
    menuOffsets = null;
    if (picker) picker.hidden = true;
    const error = menu.querySelector("[data-selection-error]");
    if (error) error.textContent = "";
  }

  function openMenu(offsets) {
    if (!menu) return;
    menuOffsets = offsets;
    const quote = offsets.text.replace(/\s+/g, " ").trim();
    menu.querySelector("[data-selection-quote]").textContent =
      "“" + (quote.length > 80 ? quote.slice(0, 79) + "…" : quote) + "”";
    const claim = menu.querySelector("[data-selection-claim]");
    const note = menu.querySelector("[data-selection-note]");
    const oneSentence = offsets.first === offsets.last;
    if (claim) claim.disabled = !oneSentence;
    if (note) note.hidden = oneSentence || !claim;
    if (picker) {
      picker.hidden = true;
      picker.querySelector("[name=start]").value = offsets.start;
      picker.querySelector("[name=end]").value = offsets.end;
      picker.querySelector("[name=kind]").value = "";
    }
    const error = menu.querySelector("[data-selection-error]");
    if (error) error.textContent = "";
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    menu.style.top = window.scrollY + rect.bottom + 6 + "px";
    menu.style.left = window.scrollX + Math.max(rect.left, 8) + "px";
    menu.hidden = false;
  }

  // Claim the selected text (or, with nothing selected, the open sentence as a whole).
  function claimSelection() {
    const offsets = menuOffsets || selectionOffsets();
    if (offsets && offsets.first !== offsets.last) return; // a claim lies in one sentence
    closeMenu();
    if (offsets && offsets.first !== selected()) {
      // Open the sentence the text is in first; the claim form is filled once it is shown.
      pendingClaim = offsets;
      select(offsets.first, false);
      return;
    }
    claimSpan(offsets);
    focusForm("claim-form");
  }

  function flagSelection() {
    if (!picker || !menuOffsets) return;
    picker.hidden = false;
    picker.querySelector("[name=kind]").focus();
  }

  function updateMenu() {
    const offsets = selectionOffsets();
    if (offsets) openMenu(offsets);
    else if (menu && !menu.contains(document.activeElement)) closeMenu();
  }
  article.addEventListener("mouseup", () => window.setTimeout(updateMenu));
  article.addEventListener("keyup", (event) => {
    if (event.shiftKey) updateMenu();
  });
  if (menu) {
    const claim = menu.querySelector("[data-selection-claim]");
    if (claim) claim.addEventListener("click", claimSelection);
    const flag = menu.querySelector("[data-selection-flag]");
    if (flag) flag.addEventListener("click", flagSelection);
    menu.querySelector("[data-selection-cancel]").addEventListener("click", closeMenu);
    // Keep the text selected while the menu is used with the mouse.
    menu.addEventListener("mousedown", (event) => {
      if (!event.target.closest("select, input")) event.preventDefault();
    });
    // A click anywhere else leaves the selection: the menu goes with it.
    document.addEventListener("mousedown", (event) => {
      if (!menu.hidden && !menu.contains(event.target) && !article.contains(event.target)) {
        closeMenu();
      }
    });
  }
  if (picker) {
    picker.addEventListener("htmx:afterRequest", (event) => {
      // A refused flag (422) is swapped in too, under the menu: keep the menu open then.
      if (event.detail.xhr.status >= 300) return;
      closeMenu();
      window.getSelection().removeAllRanges();
    });
  }

  // --- Help overlay. --------------------------------------------------------------
  let helpReturn = null;
  // A native <dialog> opened with showModal(): the page behind is inert, so focus stays in.
  function openHelp() {
    helpReturn = document.activeElement;
    help.showModal();
    help.querySelector("[data-help-close]").focus();
  }
  function closeHelp() {
    if (help.open) help.close();
  }
  help.addEventListener("close", () => {
    if (helpReturn) helpReturn.focus();
  });
  document.querySelectorAll("[data-help-open]").forEach((b) => b.addEventListener("click", openHelp));
  help.querySelector("[data-help-close]").addEventListener("click", closeHelp);
  help.addEventListener("click", (event) => {
    if (event.target === help) closeHelp();
  });

  // --- Keyboard. --------------------------------------------------------------------
  function click(selector) {
    const el = document.querySelector(selector);
    if (el) el.click();
    return Boolean(el);
  }
  function focusForm(id) {
    const form = document.getElementById(id);
    if (!form) return;
    form.scrollIntoView({ block: "nearest" });
    const field = form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (help.open) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeHelp();
      }
      return;
    }
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") {
        target.blur();
        if (menu && menu.contains(target)) closeMenu();
      }
      return;
    }
    const key = event.key;
    // The arrows move between sentences only while focus is in the text; anywhere else
    // they scroll the page as usual.
    const inText = article.contains(document.activeElement);
    let handled = true;
    if (key === "j" || (key === "ArrowDown" && inText)) move(1);
    else if (key === "k" || (key === "ArrowUp" && inText)) move(-1);
    else if (/^[1-9]$/.test(key)) handled = click('#panel [data-key="' + key + '"]');
    else if (key === "c") claimSelection();
    else if (key === "f" && menu && !menu.hidden && picker) flagSelection();
    else if (key === "Escape" && menu && !menu.hidden) closeMenu();
    else if (key === "e") focusForm("evidence-form");
    else if (key === "a") handled = click("#panel [data-assign-me]");
    else if (key === "u") handled = click("#panel [data-undo]");
    else if (key === "?") openHelp();
    else handled = false;
    if (handled) event.preventDefault();
  });

  const initial = selected();
  if (initial) initial.setAttribute("tabindex", "0");
  // A link to #s-<pk> (the queue, the dashboard): open that sentence, in its part if it
  // is not in this one.
  const linked = /^#s-(\d+)$/.exec(window.location.hash);
  const asked = new URL(window.location.href).searchParams.get("s");
  if (linked && !byPk.has(linked[1]) && asked !== linked[1]) openSentence(linked[1]);
  else if (linked && byPk.has(linked[1]) && byPk.get(linked[1]) !== initial) {
    select(byPk.get(linked[1]), false);
  }

  // Exposed for the browser tests of the offset conversion.
  window.annotate = { codePointOffset, selectionOffsets, select };
})();
