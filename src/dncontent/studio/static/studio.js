// The studio page: saves each changed field (one request at a time), shows a refused value at its field, and
// keeps the form and the preview current by swapping in only the parts whose data-key changed.
(() => {
  const token = document.querySelector('meta[name="studio-token"]').content;
  const $ = id => document.getElementById(id);
  let focus = {file: "", path: "", locale: ""};  // the field the preview follows
  let previewLocale = $("side-content")?.dataset.locale || "";
  let queue = Promise.resolve();
  const enqueue = job => (queue = queue.then(job, job));

  const digests = () => JSON.parse($("form").dataset.digests || "{}");
  function announce(text) { $("save-state").textContent = text; }

  async function post(url, body) {
    const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "X-Studio-Token": token},
                                       body: JSON.stringify(body)});
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = {message: `${response.status} ${response.statusText}`}; }
    answer.status = response.status;
    return answer;
  }

  // -- problems at their fields ---------------------------------------------------------------------------
  function clearProblem(input) {
    input.removeAttribute("aria-invalid");
    const slot = $(input.id + "-error");
    if (slot) { slot.hidden = true; slot.textContent = ""; }
  }

  function showProblems(answer, fallbackInput) {
    const loose = [];
    for (const problem of answer.problems || []) {
      const input = [...document.querySelectorAll("#form [data-field]")].find(
        el => el.dataset.file === problem.file && el.dataset.field === problem.field);
      const target = input || (fallbackInput && problem.file === fallbackInput.dataset.file ? fallbackInput : null);
      if (target && $(target.id + "-error")) {
        target.setAttribute("aria-invalid", "true");
        const slot = $(target.id + "-error");
        slot.hidden = false;
        slot.textContent = "";
        const message = document.createElement("strong");
        message.textContent = problem.message;
        slot.append(message);
        if (problem.hint) slot.append(` Hint: ${problem.hint}.`);
        slot.append(` (${problem.where})`);
      } else {
        loose.push(problem);
      }
    }
    const box = $("form-errors");
    box.textContent = "";
    if (loose.length || (!answer.problems?.length && answer.message)) {
      const heading = document.createElement("p");
      heading.textContent = answer.message || "Not saved.";
      box.append(heading);
      const list = document.createElement("ul");
      for (const problem of loose) {
        const item = document.createElement("li");
        item.textContent = `${problem.where}: ${problem.field ? problem.field + ": " : ""}${problem.message}` +
                           (problem.hint ? ` (hint: ${problem.hint})` : "");
        list.append(item);
      }
      if (loose.length) box.append(list);
      box.hidden = false;
    } else {
      box.hidden = true;
    }
  }

  // -- saving ---------------------------------------------------------------------------------------------
  async function saveField(input) {
    // a one-line field shown wrapped keeps its text on one line, as a text box would on paste
    if (input.dataset.singleLine !== undefined && /\n/.test(input.value)) input.value = input.value.replace(/\s*\n\s*/g, " ");
    const value = input.value;
    const answer = await post("/studio/edit", {op: "set", file: input.dataset.file, path: JSON.parse(input.dataset.path),
                                               value, digests: digests()});
    const label = `${input.dataset.label}${input.dataset.locale ? " (" + input.dataset.locale + ")" : ""}`;
    if (answer.status === 200) {
      clearProblem(input);
      $("form-errors").hidden = true;
      input.defaultValue = value;
      if (input.tagName === "TEXTAREA") input.textContent = value;
      setDigests(answer.digests);
      announce(answer.saved ? `Saved ${label} in ${answer.files.join(", ")}.` : `${label}: no change to save.`);
      await Promise.all([refreshForm(), refreshSide()]);
    } else {
      showProblems(answer, input);
      announce(`Not saved: ${label}. ${answer.problems?.[0]?.message || answer.message || ""}`);
      if (answer.status === 409) await refreshForm(true);
    }
  }

  function setDigests(update) {
    if (!update) return;
    $("form").dataset.digests = JSON.stringify({...digests(), ...update});
  }

  async function structural(button) {
    const op = button.dataset.op;
    let body;
    if (op === "add") {
      const form = button.closest(".add-form");
      const values = {};
      for (const cell of form.querySelectorAll(".cell[data-file]")) {
        const fields = [...cell.querySelectorAll("[data-name]")];
        if (fields.length === 1 && fields[0].dataset.name === "value") values[cell.dataset.file] = fields[0].value;
        else values[cell.dataset.file] = Object.fromEntries(fields.map(f => [f.dataset.name, f.value]));
      }
      body = {op, file: form.dataset.file, path: JSON.parse(form.dataset.path), values};
    } else {
      if (op === "remove" && !(await confirmRemove(button.dataset.heading))) return;
      body = {op, file: button.dataset.file, path: JSON.parse(button.dataset.path), to: Number(button.dataset.to)};
    }
    body.digests = digests();
    const answer = await post("/studio/edit", body);
    if (answer.status !== 200) {
      if (op === "add") {
        const slot = button.closest(".add-form").querySelector(".error");
        slot.hidden = false;
        slot.textContent = [answer.message, ...(answer.problems || []).map(p => `${p.where}: ${p.field}: ${p.message}` +
                            (p.hint ? ` (hint: ${p.hint})` : ""))].join(" · ");
        announce(`Not added: ${answer.message}`);
      } else {
        showProblems(answer);
        announce(`Not done: ${answer.message}`);
      }
      return;
    }
    const path = body.path;
    announce({add: `Added ${answer.id || "the item"} in ${answer.files.join(", ")}.`, remove: `Removed ${button.dataset.heading}.`,
              move: `Moved to position ${body.to + 1}.`}[op]);
    const listId = button.closest("section.list")?.id;
    await refreshForm(true);
    // Keep the keyboard where the editor was: on the moved item's same button, or the list after a change.
    if (op === "move") {
      const moved = JSON.stringify(path.slice(0, -1).concat([body.to]));
      const buttons = [...document.querySelectorAll(`#form [data-op="move"]`)].filter(
        b => b.dataset.file === body.file && JSON.stringify(JSON.parse(b.dataset.path)) === moved && !b.disabled);
      // the same direction as before when it can still go that way, else the other one
      const down = body.to > path.at(-1);
      (buttons.find(b => (Number(b.dataset.to) > body.to) === down) || buttons[0])?.focus();
    } else if (op === "add") {
      const list = $(listId);
      const inputs = list?.querySelectorAll(".entry:last-child [data-path]");
      inputs?.[0]?.focus();
    } else {
      $(listId + "-title")?.setAttribute("tabindex", "-1");
      $(listId + "-title")?.focus();
    }
    await refreshSide();
  }

  function confirmRemove(heading) {
    const dialog = $("confirm-dialog");
    $("confirm-text").textContent = `“${heading}” is removed from every locale's file. The files keep everything else as it is.`;
    return new Promise(resolve => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), {once: true});
      dialog.showModal();
    });
  }

  // -- keeping current --------------------------------------------------------------------------------------
  function swapKeyed(fresh, root) {
    for (const part of fresh.querySelectorAll("[data-key]")) {
      const old = document.getElementById(part.id);
      if (!old || old.dataset.key === part.dataset.key || !root.contains(old)) continue;
      const active = document.activeElement;
      const keep = active && old.contains(active) ? {id: active.id, start: active.selectionStart, end: active.selectionEnd} : null;
      for (const input of old.querySelectorAll("input, textarea, select")) {
        const twin = input.id && part.querySelector("#" + CSS.escape(input.id));
        if (twin && "defaultValue" in input && input.value !== input.defaultValue) twin.value = input.value;  // typing in progress
        if (twin && input.getAttribute("aria-invalid")) {
          twin.setAttribute("aria-invalid", "true");
          const slot = $(input.id + "-error"), freshSlot = part.querySelector("#" + CSS.escape(input.id + "-error"));
          if (slot && freshSlot) { freshSlot.hidden = slot.hidden; freshSlot.innerHTML = slot.innerHTML; }
        }
      }
      const open = old.matches("details") ? old.open : null;
      old.replaceWith(document.adoptNode(part));
      if (open !== null) part.open = open;
      if (keep) {
        const target = $(keep.id);
        if (target) {
          target.focus();
          try { target.setSelectionRange(keep.start, keep.end); } catch (error) {}
        }
      }
    }
  }

  async function refreshForm(whole = false) {
    const form = $("form");
    const response = await fetch(`/studio/form?file=${encodeURIComponent(form.dataset.kind)}&beside=${encodeURIComponent(form.dataset.beside)}`,
                                 {cache: "no-store"});
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("form");
    if (!fresh) return;
    if (whole) {
      const errors = $("form-errors");
      form.replaceWith(document.adoptNode(fresh));
      if (!errors.hidden) $("form-errors").replaceWith(errors);
    } else {
      swapKeyed(fresh, form);
      form.dataset.digests = fresh.dataset.digests;
    }
  }

  let sideBusy = false, sideAgain = false;
  async function refreshSide() {
    if (sideBusy) { sideAgain = true; return; }
    sideBusy = true;
    try {
      do {
        sideAgain = false;
        // The field's file as its locale and kind: the server refuses encoded slashes in any URL.
        const [fieldLocale, fieldFile] = focus.file.includes("/") ? focus.file.split("/") : ["", focus.file];
        const query = new URLSearchParams({locale: previewLocale, field_locale: fieldLocale,
                                           field_kind: fieldFile.replace(/\.yaml$/, ""), path: focus.path});
        const response = await fetch(`/studio/side?${query}`, {cache: "no-store"});
        if (!response.ok) break;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("side-content");
        const side = $("side-content");
        if (!fresh || !side) break;
        const brochure = $("brochure-block");
        const freshBrochure = fresh.querySelector("#brochure-block");
        // While the brochure prints again, keep showing the last one, marked as updating.
        if (brochure && freshBrochure && freshBrochure.dataset.state === "rendering" && brochure.querySelector("img")) {
          freshBrochure.replaceWith(brochure.cloneNode(true));
          fresh.querySelector("#brochure-block").classList.add("updating");
          fresh.querySelector("#brochure-block").dataset.key = "updating-" + brochure.dataset.key;
        }
        if (fresh.dataset.locale !== side.dataset.locale || !$("page-block")) {
          side.replaceWith(document.adoptNode(fresh));
        } else {
          const frame = document.querySelector("#page-block iframe");
          const freshFrame = fresh.querySelector("#page-block iframe");
          swapKeyed(fresh, side);
          const state = fresh.querySelector("#preview-state");
          if (state) $("preview-state").replaceWith(document.adoptNode(state));
          const now = document.querySelector("#page-block iframe");
          if (now && freshFrame && now === frame && now.dataset.needle !== freshFrame.dataset.needle) {
            now.dataset.needle = freshFrame.dataset.needle;
            showInPage(now);
          }
        }
      } while (sideAgain);
    } catch (error) {
      announce("The studio's server cannot be reached; is `dncontent studio` still running?");
    } finally {
      sideBusy = false;
    }
  }

  // The page preview scrolls to the field being edited and outlines it.
  function showInPage(frame) {
    let doc;
    try { doc = frame.contentDocument; } catch (error) { return; }
    if (!doc || !doc.body) return;
    doc.querySelectorAll("[data-studio-here]").forEach(el => el.removeAttribute("data-studio-here"));
    const wanted = (frame.dataset.needle || "").replace(/\{[^{}]*\}/g, " ").split(/\s+/).filter(Boolean).slice(0, 8).join(" ");
    if (!wanted) return;
    if (!doc.getElementById("studio-here-style")) {
      const style = doc.createElement("style");
      style.id = "studio-here-style";
      style.textContent = "[data-studio-here]{outline:3px solid #a15c00;outline-offset:3px;background:#fff4d6}";
      doc.head.append(style);
    }
    const norm = text => text.replace(/\s+/g, " ").trim();
    let best = null;
    for (const el of doc.body.querySelectorAll("h1,h2,h3,h4,p,li,a,dt,dd,figcaption,td,span,strong")) {
      if (norm(el.textContent).includes(wanted) && (!best || el.textContent.length < best.textContent.length)) best = el;
    }
    if (best) {
      best.setAttribute("data-studio-here", "");
      best.scrollIntoView({block: "center"});
    }
  }

  // -- events -----------------------------------------------------------------------------------------------
  document.addEventListener("change", event => {
    const input = event.target;
    if (!input.matches("#form [data-path][data-file]")) return;
    enqueue(() => saveField(input));
  });
  // Enter in a one-line field shown wrapped saves it, as in a text box, rather than starting a new line
  document.addEventListener("keydown", event => {
    const input = event.target;
    if (event.key !== "Enter" || event.shiftKey || !input.matches("#form textarea[data-single-line]")) return;
    event.preventDefault();
    // the browser's own commit: a change event if the text changed since the field was focused, and only then
    input.blur();
    input.focus();
  });
  document.addEventListener("focusin", event => {
    const input = event.target;
    if (!input.matches("#form [data-path][data-file]")) return;
    const changed = focus.file !== input.dataset.file || focus.path !== input.dataset.path;
    focus = {file: input.dataset.file, path: input.dataset.path, locale: input.dataset.locale};
    if (input.dataset.locale && input.dataset.locale !== previewLocale) { previewLocale = input.dataset.locale; refreshSide(); }
    else if (changed) refreshSide();
  });
  document.addEventListener("click", event => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.op) enqueue(() => structural(button));
    else if (button.dataset.previewLocale) { previewLocale = button.dataset.previewLocale; refreshSide(); }
    else if (button.dataset.signoff) openSignoff(button);
  });
  document.addEventListener("load", event => {
    if (event.target.matches?.("#page-block iframe")) showInPage(event.target);
  }, true);

  // -- sign-off: a deliberate, confirmed action -------------------------------------------------------------
  function openSignoff(button) {
    $("signoff-locale").value = button.dataset.signoff;
    $("signoff-what").textContent = `the ${button.dataset.language}`;
    $("signoff-error").hidden = true;
    $("signoff-confirm").checked = false;
    $("signoff-dialog").showModal();
  }
  $("signoff-cancel").addEventListener("click", () => $("signoff-dialog").close());
  $("signoff-form").addEventListener("submit", event => {
    event.preventDefault();
    const error = $("signoff-error");
    if (!$("signoff-by").value.trim() || !$("signoff-confirm").checked) {
      error.hidden = false;
      error.textContent = "Give the reviewer's name and confirm the review to record a sign-off.";
      $(!$("signoff-by").value.trim() ? "signoff-by" : "signoff-confirm").focus();
      return;
    }
    enqueue(async () => {
      const answer = await post("/studio/signoff", {locale: $("signoff-locale").value, by: $("signoff-by").value,
                                                    confirm: $("signoff-confirm").checked});
      if (answer.status !== 200) {
        error.hidden = false;
        error.textContent = [answer.message, ...(answer.problems || []).map(p => `${p.where}: ${p.message}`)].join(" · ");
        return;
      }
      $("signoff-dialog").close();
      announce(answer.message);
      await Promise.all([refreshForm(true), refreshSide()]);
    });
  });

  const events = new EventSource("/events");
  events.addEventListener("update", event => {
    const update = JSON.parse(event.data);
    if (!update.rebuilding) { refreshSide(); refreshForm(); }
  });
})();
