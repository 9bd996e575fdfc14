// Checks a local file against an exhibit without sending it anywhere: the browser hashes
// the file (SHA-256) and compares it with the exhibit's fingerprint shown on the page.
// Without Web Crypto (a page not served over https or from this machine), or for a file too
// large to hash in memory, the form is sent as usual and the server hashes the file as it
// arrives without keeping it.
"use strict";

const IN_BROWSER_LIMIT = 256 * 1024 * 1024;

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector('form[data-form="check"]');
  const shown = document.querySelector("[data-sha256]");
  const result = document.querySelector("[data-browser-check]");
  if (!form || !shown || !result || !window.crypto || !window.crypto.subtle) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    const file = form.querySelector('input[type="file"]').files[0];
    if (!file || file.size > IN_BROWSER_LIMIT) {
      return;
    }
    event.preventDefault();
    result.hidden = false;
    result.className = "flash";
    result.textContent = result.dataset.working;
    const digest = hex(await window.crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
    const matches = digest === shown.textContent.trim();
    result.className = matches ? "flash success" : "flash warning";
    result.dataset.check = matches ? "match" : "mismatch";
    result.textContent = `${matches ? result.dataset.match : result.dataset.mismatch} ${digest}`;
  });
});
