// Progressive enhancement. The Content-Security-Policy forbids inline script and
// handler attributes, so a template names a behaviour with a data attribute and this
// file wires it up. Without JavaScript every page still works.

// A part of a form marked data-shown-when="field=value" shows only while that field
// has that value. Without JavaScript every part stays visible.
function showWhen(part) {
  const [name, value] = part.dataset.shownWhen.split("=");
  const field = part.form && part.form.elements[name];
  if (field) part.hidden = field.value !== value;
}

// A fold marked data-open-wide (the filters of a list) opens by itself on a wide
// screen, where it takes no room from the list; on a phone it stays as the page says.
const WIDE = window.matchMedia("(min-width: 48rem)");

function enhance(root) {
  for (const part of root.querySelectorAll("[data-shown-when]")) showWhen(part);
  if (WIDE.matches) for (const fold of root.querySelectorAll("details[data-open-wide]")) fold.open = true;
}

document.addEventListener("change", (event) => {
  const field = event.target;
  if (!(field instanceof Element) || !field.form) return;
  // A menu marked data-submit-on-change sends its form at once (the language menu,
  // whose button only shows without JavaScript).
  if (field.matches("[data-submit-on-change]")) {
    field.form.submit();
    return;
  }
  for (const part of field.form.querySelectorAll("[data-shown-when]")) showWhen(part);
});

// A read-only field marked data-select-on-click selects its whole text for copying.
document.addEventListener("click", (event) => {
  const field = event.target instanceof Element && event.target.closest("[data-select-on-click]");
  if (field) field.select();
});

// A select marked data-keep-choice that htmx replaces (the services of the agency
// picked) keeps the option chosen in the old one, when the new one offers it too.
const keptChoices = new Map();
document.addEventListener("htmx:beforeSwap", (event) => {
  for (const select of event.detail.target.querySelectorAll("select[data-keep-choice]")) {
    if (select.id && select.value) keptChoices.set(select.id, select.value);
  }
});
document.addEventListener("htmx:load", (event) => {
  for (const [id, value] of keptChoices) {
    const select = document.getElementById(id);
    if (select && event.target.contains(select)) {
      if ([...select.options].some((option) => option.value === value)) select.value = value;
      keptChoices.delete(id);
    }
  }
});

document.addEventListener("DOMContentLoaded", () => enhance(document));
// Content swapped in by htmx gets the same behaviours.
document.addEventListener("htmx:load", (event) => enhance(event.target));

// An error summary (data-error-summary) takes the focus when the page opens, so a
// screen reader reads it and a phone shows it; each of its links moves the focus to
// its field and brings the field's label into view.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  (field.closest(".field, fieldset, li") || field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});

// A button or link marked data-busy="label" says at once that work is under way: it
// shows the label, is marked aria-busy and takes no second click. One that is also
// marked data-download fetches its file here and saves it, then returns to its resting
// state; if the server answers with a page instead (a job started in the background,
// or an error), the browser goes to that page. Without JavaScript they are plain links
// and buttons.
// (In a scope of its own: other scripts of the page declare names of their own.)
(() => {
  function markBusy(control, busy) {
    if (busy) {
      if (control.getAttribute("aria-busy") === "true") return false;
      control.dataset.restLabel = control.textContent;
      control.textContent = control.dataset.busy;
      control.setAttribute("aria-busy", "true");
      if (control instanceof HTMLButtonElement) control.disabled = true;
      else control.setAttribute("aria-disabled", "true");
    } else if (control.getAttribute("aria-busy") === "true") {
      control.textContent = control.dataset.restLabel;
      control.removeAttribute("aria-busy");
      if (control instanceof HTMLButtonElement) control.disabled = false;
      else control.removeAttribute("aria-disabled");
    }
    return true;
  }

  function filenameOf(response) {
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // `fallback` does without the fetch what the control does without JavaScript.
  async function download(control, url, options, fallback) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", ...options });
    } catch {
      markBusy(control, false);
      fallback();
      return;
    }
    const disposition = response.headers.get("Content-Disposition") || "";
    if (response.ok && disposition.startsWith("attachment")) {
      const href = URL.createObjectURL(await response.blob());
      const save = document.createElement("a");
      save.href = href;
      save.download = filenameOf(response);
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60000);
      markBusy(control, false);
    } else if (response.ok && response.redirected) {
      window.location.assign(response.url);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a[data-busy]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (link.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    markBusy(link, true);
    if ("download" in link.dataset) {
      event.preventDefault();
      download(link, link.href, {}, () => window.location.assign(link.href));
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    if (!(button instanceof HTMLButtonElement) || !button.matches("[data-busy]") || event.defaultPrevented) return;
    if (button.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    if ("download" in button.dataset) {
      event.preventDefault();
      // The button's own name and value go too (the report with names, say).
      const body = new FormData(form, button);
      markBusy(button, true);
      download(button, form.action, { method: form.method.toUpperCase(), body }, () => {
        if (button.name) {
          const value = document.createElement("input");
          value.type = "hidden";
          value.name = button.name;
          value.value = button.value;
          form.append(value);
        }
        form.submit();
      });
    } else {
      // Disabled only after the browser has taken the form's values, the button's among them.
      setTimeout(() => markBusy(button, true), 0);
    }
  });

  // Back to a page kept in the browser's memory: nothing is under way any more.
  window.addEventListener("pageshow", () => {
    for (const control of document.querySelectorAll("[data-busy][aria-busy='true']")) markBusy(control, false);
  });
})();
