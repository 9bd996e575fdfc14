// Long forms survive the idle timeout. On a signed-in person's pages this script
// - warns, a couple of minutes before the session would end for want of activity, and offers
//   to stay signed in, which asks the server to extend the session;
// - keeps the complaint form as a draft while it is typed (a few seconds after the last
//   change, and when the warning appears), saying so quietly;
// - once the session has ended, opens the page to come back to (the draft, once there is
//   one), which sends a signed-out person to sign in and then back there. A page holding text
//   typed and not saved is not left: it says so instead.
// The page says how long the session has; every answer from the server says it again. Tabs
// share the latest end they know (localStorage), so activity in one tab calms the others.
// Without scripts none of this happens, and every form works as before.
"use strict";

const WARN_MS = 2 * 60 * 1000;
const AUTOSAVE_AFTER_MS = 3000;
// The server ends a session just after its last second: come back a moment after that.
const MARGIN_MS = 2000;
const KEPT_SHOWN_MS = 5000;
const SHARED = "ipdesk-session-ends-at";

// Times in milliseconds of this browser's clock.
let endsAt = 0;
let limitAt = Infinity;
let lead = WARN_MS;
// What the warning region shows ("warning", "final", "kept", "ended"), and for which end.
let showing = null;
let shownFor = 0;
let returnFocus = null;
let keptTimer = null;
let ticking = null;
let ended = false;
// Text typed into another form of the page, which no draft keeps.
let typedElsewhere = false;
// The complaint form's autosave, on its page.
let draft = null;

function sharedEnd() {
  try {
    return Number(window.localStorage.getItem(SHARED)) || 0;
  } catch {
    return 0;
  }
}

function share(at) {
  try {
    if (at > sharedEnd()) {
      window.localStorage.setItem(SHARED, String(at));
    }
  } catch {
    // No storage allowed: this tab keeps its own count.
  }
}

// The session has `seconds` left, as the server just said.
function learn(seconds) {
  endsAt = Math.max(endsAt, Date.now() + seconds * 1000);
  share(endsAt);
}

function sessionEnd() {
  return Math.max(endsAt, sharedEnd());
}

function clock(at) {
  const lang = document.documentElement.lang || undefined;
  // In the office's time, zone named, as every time on the page is shown.
  const timeZone = document.body.dataset.officeZone || undefined;
  return new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone, timeZoneName: "short" }).format(
    new Date(at),
  );
}

async function post(url, body) {
  try {
    // A signed-out request is answered with a redirect to sign in, which is not followed.
    return await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json" },
    });
  } catch {
    return null;
  }
}

function signedOut(res) {
  return res !== null && res.type === "opaqueredirect";
}

async function json(res) {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

// Where to come back after signing in again: the draft, or this page if it can be opened
// again.
function comeBackTo() {
  const back = (draft && draft.path()) || document.body.dataset.returnTo || "";
  return back.startsWith("/") && !back.startsWith("//") ? back : null;
}

function region() {
  return document.querySelector("[data-session-warning]");
}

function show(which, at) {
  const place = region();
  const texts = document.querySelector("template[data-session-texts]");
  const text = texts && texts.content.querySelector(`[data-when="${which}"]`);
  if (!place || !text) {
    return;
  }
  window.clearTimeout(keptTimer);
  const box = text.cloneNode(true);
  for (const p of box.querySelectorAll("[data-template]")) {
    p.textContent = p.dataset.template.replace("{time}", clock(at));
  }
  const extend = box.querySelector("form[data-session-extend]");
  if (extend) {
    extend.addEventListener("submit", stay);
  }
  const signIn = box.querySelector("a[data-sign-in]");
  const back = comeBackTo();
  if (signIn && back) {
    signIn.href = `/login?next=${encodeURIComponent(back)}`;
  }
  place.replaceChildren(box);
  showing = which;
  shownFor = at;
}

function calm() {
  window.clearTimeout(keptTimer);
  const place = region();
  if (place) {
    place.replaceChildren();
  }
  showing = null;
}

// "Stay signed in": the server records the session as active now.
async function stay(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const res = await post(form.action, new URLSearchParams(new FormData(form)));
  if (signedOut(res)) {
    finish();
    return;
  }
  const answer = res && res.ok ? await json(res) : null;
  if (!answer) {
    return;
  }
  learn(answer.session_left_secs);
  const hadFocus = region().contains(document.activeElement);
  if (sessionEnd() - Date.now() <= lead) {
    // The absolute limit is near: nothing extends it.
    show("final", sessionEnd());
  } else {
    show("kept", 0);
    keptTimer = window.setTimeout(calm, KEPT_SHOWN_MS);
  }
  if (hadFocus && returnFocus && returnFocus !== document.body && document.contains(returnFocus)) {
    returnFocus.focus();
  }
}

function tick() {
  if (ended) {
    return;
  }
  const at = sessionEnd();
  const now = Date.now();
  if (now >= at + MARGIN_MS) {
    finish();
    return;
  }
  const warned = showing === "warning" || showing === "final";
  if (at - now > lead) {
    // Extended meanwhile: by a save, or in another tab.
    if (warned) {
      calm();
    }
    return;
  }
  if (!warned || Math.abs(at - shownFor) > 1000) {
    if (!warned) {
      returnFocus = document.activeElement;
    }
    show(limitAt - at < 2000 ? "final" : "warning", at);
    if (draft) {
      draft.saveNow();
    }
  }
}

// The session has ended (or the server said so): come back through signing in, unless that
// would lose what was typed.
function finish() {
  if (ended) {
    return;
  }
  ended = true;
  window.clearInterval(ticking);
  if (typedElsewhere || (draft && draft.unsaved())) {
    show("ended", 0);
    return;
  }
  window.location.assign(comeBackTo() || "/login");
}

// Saves the complaint form as its draft a few seconds after the last change. The form
// carries its draft key from the start, so the first save makes the draft and the next ones
// update it.
function autosave(form, status) {
  let path = form.dataset.draft || null;
  let dirty = false;
  let stopped = false;
  let timer = null;
  let running = null;

  function say(answer) {
    status.replaceChildren(status.dataset.saved.replace("{time}", clock(Date.now())));
    if (answer.not_kept.length > 0) {
      status.append(" ", status.dataset.notKept);
      for (const field of answer.not_kept) {
        const link = document.createElement("a");
        link.href = `#${field.field}`;
        link.textContent = field.message;
        status.append(" ", link);
      }
    }
  }

  async function send() {
    dirty = false;
    const res = await post(form.dataset.autosave, new URLSearchParams(new FormData(form)));
    if (signedOut(res)) {
      dirty = true;
      finish();
      return false;
    }
    const answer = res && res.ok ? await json(res) : null;
    if (!answer) {
      dirty = true;
      // Filed meanwhile, in another tab: nothing more to save.
      stopped = res !== null && res.status === 409;
      status.textContent = status.dataset.failed;
      return false;
    }
    form.elements.draft_key.value = answer.draft_key;
    path = answer.draft;
    if (window.location.pathname !== path) {
      // Reloading, going back, or switching the language now comes back to the draft.
      window.history.replaceState(null, "", path);
      const next = document.querySelector("form.language input[name=next]");
      if (next) {
        next.value = path;
      }
    }
    learn(answer.session_left_secs);
    say(answer);
    return true;
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(saveNow, AUTOSAVE_AFTER_MS);
  }

  function saveNow() {
    window.clearTimeout(timer);
    if (stopped || !dirty || running) {
      return;
    }
    running = send().then((saved) => {
      running = null;
      // Typed while it was saved: that goes with the next save.
      if (saved && dirty) {
        schedule();
      }
    });
  }

  form.addEventListener("input", () => {
    dirty = true;
    schedule();
  });
  // The form's own buttons take over.
  form.addEventListener("submit", () => {
    stopped = true;
    window.clearTimeout(timer);
  });

  return {
    saveNow,
    path: () => path,
    unsaved: () => dirty || running !== null,
  };
}

document.addEventListener("DOMContentLoaded", () => {
  const data = document.body.dataset;
  const idle = Number(data.idleTimeoutSecs);
  const left = Number(data.sessionLeftSecs);
  const limit = Number(data.sessionLimitSecs);
  if (!(idle > 0) || Number.isNaN(left) || Number.isNaN(limit)) {
    return;
  }
  lead = Math.min(WARN_MS, (idle * 1000) / 2);
  limitAt = Date.now() + limit * 1000;
  learn(left);

  const form = document.querySelector("form[data-autosave]");
  const status = form && form.querySelector("[data-autosave-status]");
  if (form && status) {
    draft = autosave(form, status);
  }
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (field.form && field.form.method === "post" && !field.form.hasAttribute("data-autosave")) {
      typedElsewhere = true;
    }
  });

  ticking = window.setInterval(tick, 1000);
  document.addEventListener("visibilitychange", tick);
  window.addEventListener("storage", (event) => {
    if (event.key === SHARED) {
      tick();
    }
  });
});
