// Refreshes a bundle's progress in place while it is built, without reloading the page (and
// so without moving the reader's focus); the page's own link does the same without scripts.
// Once the bundle is ready, the ready part of the page (size, hash, download) replaces it.
"use strict";

const EVERY_MS = 2000;

async function refresh() {
  const live = document.querySelector("[data-bundle-live]");
  if (!live) {
    return;
  }
  try {
    const res = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
    if (!res.ok) {
      return;
    }
    const next = new DOMParser()
      .parseFromString(await res.text(), "text/html")
      .querySelector("[data-bundle-live]");
    if (next) {
      live.replaceChildren(...next.childNodes);
    }
  } finally {
    if (document.querySelector("[data-bundle-refresh]")) {
      window.setTimeout(refresh, EVERY_MS);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("[data-bundle-refresh]")) {
    window.setTimeout(refresh, EVERY_MS);
  }
});
