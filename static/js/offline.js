// Forms that survive a weak signal. A form marked data-offline:
// - keeps a draft on this phone as it is typed, restored when the form opens again;
// - carries a submission key, so the server acts on it once however often it arrives;
// - sent without a connection, is kept on this phone ("not yet sent", counted in the
//   header) and sent by itself when the connection returns.
// The service worker (/sw.js) keeps the app's shell and the pages in use, so a roster and
// its forms open without a signal. Without JavaScript, forms are sent as usual.

const KEY_FIELD = "submission_key";
const SCRIPT_HEADER = "Purna-Outbox";
const LOCATION_HEADER = "Purna-Location";
const DRAFT_DAYS = 30;
const RETRY_SECONDS = 20;

const user = document.body && document.body.dataset.user;
const outboxName = `purna:outbox:${user}`;

function texts() {
  const element = document.getElementById("offline-texts");
  return element ? element.dataset : {};
}

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function read(name, fallback) {
  try {
    const value = localStorage.getItem(name);
    return value === null ? fallback : JSON.parse(value);
  } catch (error) {
    return fallback;
  }
}

function write(name, value) {
  try {
    if (value === null) localStorage.removeItem(name);
    else localStorage.setItem(name, JSON.stringify(value));
  } catch (error) {
    // A full or refused store: the form still goes the ordinary way.
  }
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    return "";
  }
}

function timeText(milliseconds) {
  return new Date(milliseconds).toLocaleString(document.documentElement.lang || undefined, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

// The forms of a page that keep drafts, each with its place among them.
function offlineForms(root = document) {
  return Array.from(root.querySelectorAll("form[data-offline]"));
}

function draftName(form) {
  return `purna:draft:${user}:${location.pathname}:${offlineForms().indexOf(form)}`;
}

function keyInput(form) {
  let input = form.querySelector(`input[name="${KEY_FIELD}"]`);
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = KEY_FIELD;
    form.append(input);
  }
  if (!input.value) input.value = newKey();
  return input;
}

function fieldsOf(form, submitter) {
  const data = submitter ? new FormData(form, submitter) : new FormData(form);
  const fields = [];
  for (const [name, value] of data) {
    if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields.push([name, value]);
  }
  return fields;
}

function namesOf(form) {
  const names = new Set();
  for (const element of form.elements) if (element.name) names.add(element.name);
  return Array.from(names);
}

function restore(form, fields, names) {
  const values = new Map(names.map((name) => [name, []]));
  for (const [name, value] of fields) {
    if (!values.has(name)) values.set(name, []);
    values.get(name).push(value);
  }
  const used = new Map();
  let changed = null;
  for (const element of form.elements) {
    const name = element.name;
    if (!name || name === "csrfmiddlewaretoken" || !values.has(name)) continue;
    const wanted = values.get(name);
    if (element.type === "file" || element.type === "submit" || element.type === "button") continue;
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = wanted.includes(element.value);
    } else if (element instanceof HTMLSelectElement && element.multiple) {
      for (const option of element.options) option.selected = wanted.includes(option.value);
    } else {
      const position = used.get(name) || 0;
      if (position < wanted.length) element.value = wanted[position];
      used.set(name, position + 1);
    }
    if (!changed && !element.closest(".region-chain")) changed = element;
  }
  // Parts shown only for some answers follow the restored answers.
  if (changed) changed.dispatchEvent(new Event("change", { bubbles: true }));
}

function notice(text, kind = "info", action = null) {
  const main = document.getElementById("main");
  if (!main) return null;
  const box = document.createElement("div");
  box.className = `alert alert-${kind} offline-notice`;
  box.setAttribute("role", "status");
  const paragraph = document.createElement("p");
  paragraph.textContent = text;
  box.append(paragraph);
  if (action) box.append(action);
  main.prepend(box);
  return box;
}

function link(text, href) {
  const anchor = document.createElement("a");
  anchor.className = "button";
  anchor.href = href;
  anchor.textContent = text;
  return anchor;
}

// Drafts ---------------------------------------------------------------------------

function saveDraft(form) {
  write(draftName(form), { fields: fieldsOf(form), names: namesOf(form), savedAt: Date.now() });
}

const pendingSaves = new WeakMap();

function clearDraft(form) {
  clearTimeout(pendingSaves.get(form));
  write(draftName(form), null);
}

function scheduleDraft(form) {
  clearTimeout(pendingSaves.get(form));
  pendingSaves.set(
    form,
    setTimeout(() => saveDraft(form), 300),
  );
}

function restoreDraft(form) {
  const draft = read(draftName(form), null);
  if (!draft) return;
  if (Date.now() - draft.savedAt > DRAFT_DAYS * 86400000) {
    clearDraft(form);
    return;
  }
  restore(form, draft.fields, draft.names || []);
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "button";
  discard.textContent = texts().discard || "Discard";
  const box = notice((texts().draftRestored || "{time}").replace("{time}", timeText(draft.savedAt)), "info", discard);
  discard.addEventListener("click", () => {
    clearDraft(form);
    location.reload();
  });
  if (box) box.classList.add("draft-notice");
}

// The outbox: forms sent without a connection -----------------------------------------

function outbox() {
  return read(outboxName, []);
}

function setOutbox(items) {
  write(outboxName, items.length ? items : null);
  showOutbox();
}

function keepOnPhone(form, item) {
  setOutbox([...outbox().filter((kept) => kept.key !== item.key), item]);
  clearDraft(form);
  form.reset();
  keyInput(form).value = newKey();
  const back = document.querySelector(".breadcrumb a");
  for (const old of document.querySelectorAll(".offline-notice")) old.remove();
  notice(texts().saved || "", "warning", back ? link(back.textContent, back.href) : null);
  window.scrollTo(0, 0);
}

// A signal too weak to answer within this time counts as none: the form is kept and
// sent again later under the same key, so a copy that did arrive is not saved twice.
const WAIT_SECONDS = 25;

function send(item) {
  const body = new URLSearchParams();
  for (const [name, value] of item.fields) body.append(name, value);
  const options = {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { [SCRIPT_HEADER]: "1", "X-CSRFToken": csrfToken() },
  };
  if (window.AbortSignal && AbortSignal.timeout) options.signal = AbortSignal.timeout(WAIT_SECONDS * 1000);
  return fetch(item.action, options);
}

function accepted(response) {
  return response.status === 204 && response.headers.has(LOCATION_HEADER);
}

function refused(response) {
  // Logged out, or the session's token changed: the forms wait for the next login.
  return response.status === 403 || new URL(response.url).pathname.startsWith("/accounts/");
}

let flushing = false;

async function flushOnce() {
  let items = outbox().filter((item) => !item.toCorrect);
  for (const item of items) {
    let response;
    try {
      response = await send(item);
    } catch (error) {
      return; // Still no signal.
    }
    if (accepted(response)) {
      setOutbox(outbox().filter((kept) => kept.key !== item.key));
      notice((texts().sent || "{title}").replace("{title}", item.title), "success");
    } else if (refused(response)) {
      document.querySelector("[data-outbox-login]")?.removeAttribute("hidden");
      return;
    } else if (response.status >= 500) {
      return;
    } else {
      // The server sent the form back to be corrected: it waits for its person.
      setOutbox(outbox().map((kept) => (kept.key === item.key ? { ...kept, toCorrect: true } : kept)));
    }
  }
  items = null;
}

async function flush() {
  if (flushing || !user || !navigator.onLine || !outbox().some((item) => !item.toCorrect)) return;
  flushing = true;
  try {
    // One tab at a time sends; the submission key covers the rest.
    if (navigator.locks) await navigator.locks.request("purna-outbox", flushOnce);
    else await flushOnce();
  } finally {
    flushing = false;
  }
}

function showOutbox() {
  const box = document.querySelector("[data-outbox]");
  if (!box) return;
  const items = outbox();
  box.hidden = items.length === 0;
  box.querySelector("[data-outbox-count]").textContent = String(items.length);
  const list = box.querySelector("[data-outbox-list]");
  list.replaceChildren();
  for (const item of items) {
    const entry = document.createElement("li");
    const what = document.createElement("a");
    what.href = item.page;
    what.textContent = item.title;
    const when = document.createElement("span");
    when.className = "muted";
    when.textContent = ` · ${timeText(item.savedAt)}`;
    entry.append(what, when);
    if (item.toCorrect) {
      const state = document.createElement("strong");
      state.textContent = ` · ${texts().toCorrect || ""}`;
      entry.append(state);
    }
    list.append(entry);
  }
}

// A form sent back to be corrected opens with what was kept.
function restoreToCorrect(form) {
  const item = outbox().find((kept) => kept.toCorrect && kept.action === form.action);
  if (!item) return;
  restore(form, item.fields, namesOf(form));
  setOutbox(outbox().filter((kept) => kept.key !== item.key));
  saveDraft(form);
  notice(texts().correct || "", "warning");
}

// Sending ---------------------------------------------------------------------------

function sendNatively(form, submitter) {
  if (submitter && submitter.name) {
    const value = document.createElement("input");
    value.type = "hidden";
    value.name = submitter.name;
    value.value = submitter.value;
    form.append(value);
  }
  HTMLFormElement.prototype.submit.call(form);
}

function setBusy(form, busy) {
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
    button.disabled = busy;
    if (busy) button.setAttribute("aria-busy", "true");
    else button.removeAttribute("aria-busy");
  }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline") || !user) return;
  event.preventDefault();
  keyInput(form);
  const item = {
    key: keyInput(form).value,
    action: form.action,
    fields: fieldsOf(form, event.submitter),
    title: document.title.replace(/ · Purna$/, ""),
    page: location.pathname + location.search,
    savedAt: Date.now(),
  };
  if (!navigator.onLine) {
    keepOnPhone(form, item);
    return;
  }
  setBusy(form, true);
  let response;
  try {
    response = await send(item);
  } catch (error) {
    setBusy(form, false);
    keepOnPhone(form, item);
    return;
  }
  if (accepted(response)) {
    clearDraft(form);
    location.assign(response.headers.get(LOCATION_HEADER));
    return;
  }
  // Errors to correct, or a refusal: the browser sends the form itself and shows the
  // server's answer. The server kept no key for a form it did not accept.
  sendNatively(form, event.submitter);
});

document.addEventListener("input", (event) => {
  const form = event.target instanceof Element && event.target.closest("form[data-offline]");
  if (form && user) scheduleDraft(form);
});
document.addEventListener("change", (event) => {
  const form = event.target instanceof Element && event.target.closest("form[data-offline]");
  if (form && user) scheduleDraft(form);
});

// Logging out leaves no page of this person on the phone. Forms not yet sent stay, to be
// sent at the next login.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-logout")) return;
  if (window.caches) caches.delete("purna-pages");
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: "forget" });
  }
});

function keepRosterPages() {
  const addresses = Array.from(document.querySelectorAll("[data-offline-keep] a[href]"), (a) => a.href);
  if (!addresses.length || !navigator.onLine) return;
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.active) registration.active.postMessage({ type: "keep", addresses });
  });
}

function start() {
  if (!user) return;
  if (document.body.dataset.keptOnPhone) {
    for (const old of document.querySelectorAll(".messages")) old.remove();
    notice(texts().keptPage || "", "warning");
  }
  for (const form of offlineForms()) {
    keyInput(form);
    if (form.querySelector(".field-error, .error")) {
      // The server sent it back with errors: what it shows is what was sent.
      saveDraft(form);
    } else {
      restoreDraft(form);
      restoreToCorrect(form);
    }
  }
  showOutbox();
  document.querySelector("[data-outbox-send]")?.addEventListener("click", () => flush());
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(keepRosterPages)
      .catch(() => {});
  }
  flush();
  setInterval(flush, RETRY_SECONDS * 1000);
}

window.addEventListener("online", () => flush());
document.addEventListener("DOMContentLoaded", start);
