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

function enhance(root) {
  for (const part of root.querySelectorAll("[data-shown-when]")) showWhen(part);
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

document.addEventListener("DOMContentLoaded", () => enhance(document));
// Content swapped in by htmx gets the same behaviours.
document.addEventListener("htmx:load", (event) => enhance(event.target));
