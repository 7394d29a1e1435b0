// The article page as an annotation surface: sentence selection, keyboard shortcuts,
// text selection → claim span or artifact flag. Vanilla JS; htmx does the requests.
(function () {
  "use strict";

  const article = document.getElementById("article");
  if (!article) return;
  const help = document.getElementById("help");
  const picker = document.getElementById("flag-picker");
  const sentences = Array.from(article.querySelectorAll(".sentence"));
  const byPk = new Map(sentences.map((el) => [el.dataset.pk, el]));

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

  function move(step) {
    const current = selected();
    const index = current ? sentences.indexOf(current) : -1;
    const beyond = step > 0 ? article.dataset.nextSentence : article.dataset.previousSentence;
    if ((index + step < 0 || index + step >= sentences.length) && beyond) {
      openSentence(beyond);
      return;
    }
    const next = sentences[Math.min(sentences.length - 1, Math.max(0, index + step))];
    if (next && next !== current) select(next);
  }

  // Keep the article in step with the panel after every htmx swap: status colour, claims.
  document.body.addEventListener("htmx:afterSwap", () => {
    const panel = document.getElementById("panel");
    if (!panel) return;
    const el = byPk.get(panel.dataset.sentence);
    if (!el) return;
    el.className = el.className.replace(/\bst-[a-z_]+/, "st-" + panel.dataset.status);
    el.classList.toggle("has-claim", Number(panel.dataset.claims) > 0);
    if (!el.classList.contains("selected")) select(el, false);
  });
  // The flags panel changed flags: redraw the marks by reloading (selection kept in ?s=).
  document.body.addEventListener("flags-changed", () => window.location.reload());

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

  // --- Text selection: claim span (prefilled in the claim form) or artifact flag. ----
  function claimSpan(offsets) {
    const form = document.getElementById("claim-form");
    const el = selected();
    if (!form || !el) return;
    const inside =
      offsets &&
      offsets.first === el &&
      offsets.last === el;
    form.querySelector("[name=claim-start]").value = inside ? offsets.start : "";
    form.querySelector("[name=claim-end]").value = inside ? offsets.end : "";
    const label = form.querySelector("[data-claim-span]");
    if (label) label.textContent = inside ? "“" + offsets.text.trim() + "”" : "the whole sentence";
  }

  article.addEventListener("mouseup", () => {
    const offsets = selectionOffsets();
    if (offsets && offsets.first === selected() && offsets.last === selected()) claimSpan(offsets);
    if (!picker) return;
    if (!offsets) {
      picker.hidden = true;
      return;
    }
    picker.querySelector("[name=start]").value = offsets.start;
    picker.querySelector("[name=end]").value = offsets.end;
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    picker.style.top = window.scrollY + rect.bottom + 6 + "px";
    picker.style.left = window.scrollX + rect.left + "px";
    picker.hidden = false;
  });
  if (picker) {
    picker.querySelector("[data-flag-cancel]").addEventListener("click", () => {
      picker.hidden = true;
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
      if (event.key === "Escape") target.blur();
      return;
    }
    const key = event.key;
    let handled = true;
    if (key === "j" || key === "ArrowDown") move(1);
    else if (key === "k" || key === "ArrowUp") move(-1);
    else if (/^[1-9]$/.test(key)) handled = click('#panel [data-key="' + key + '"]');
    else if (key === "c") {
      claimSpan(selectionOffsets());
      focusForm("claim-form");
    } else if (key === "e") focusForm("evidence-form");
    else if (key === "a") handled = click("#panel [data-assign-me]");
    else if (key === "u") handled = click("#panel [data-undo]");
    else if (key === "?") openHelp();
    else if (key === "Escape" && picker) picker.hidden = true;
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
