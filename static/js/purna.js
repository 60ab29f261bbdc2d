// Progressive enhancement: a part of a form marked data-shown-when="field=value" shows
// only while that field has that value. Without JavaScript every part stays visible.
document.addEventListener("DOMContentLoaded", () => {
  for (const part of document.querySelectorAll("[data-shown-when]")) {
    const [name, value] = part.dataset.shownWhen.split("=");
    const field = part.form && part.form.elements[name];
    if (!field) continue;
    const update = () => { part.hidden = field.value !== value; };
    field.addEventListener("change", update);
    update();
  }
});
