// Passkeys (WebAuthn). A button marked data-passkey asks the server for the ceremony's
// options, lets the browser create or use a passkey, and posts its answer with the button's
// form, as hidden fields, so the server answers with a page as for any form. Without WebAuthn
// the buttons stay hidden and the rest of the form works as before.
"use strict";

function toBytes(b64url) {
  const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(b64 + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function toText(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const b of bytes) {
    text += String.fromCharCode(b);
  }
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// The options as the server sends them (base64url strings), as the browser wants them.
function creationOptions(o) {
  const pk = o.publicKey;
  pk.challenge = toBytes(pk.challenge);
  pk.user.id = toBytes(pk.user.id);
  (pk.excludeCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
  return { publicKey: pk };
}

function requestOptions(o) {
  const pk = o.publicKey;
  pk.challenge = toBytes(pk.challenge);
  (pk.allowCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
  return { publicKey: pk, mediation: o.mediation };
}

// The browser's answer as the server reads it.
function answer(credential) {
  const r = credential.response;
  const out = {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    extensions: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    response: { clientDataJSON: toText(r.clientDataJSON) },
  };
  if (r.attestationObject) {
    out.response.attestationObject = toText(r.attestationObject);
    if (r.getTransports) {
      out.response.transports = r.getTransports();
    }
  } else {
    out.response.authenticatorData = toText(r.authenticatorData);
    out.response.signature = toText(r.signature);
    out.response.userHandle = r.userHandle ? toText(r.userHandle) : null;
  }
  return out;
}

async function run(button) {
  const form = button.form;
  const kind = button.dataset.passkey;
  const error = form.querySelector("[data-passkey-error]");
  if (error) {
    error.hidden = true;
  }
  const name = form.elements.namedItem("passkey_name");
  if (kind === "register" && name && !name.value.trim()) {
    name.focus();
    form.reportValidity();
    return;
  }
  button.disabled = true;
  try {
    const body = new URLSearchParams({
      csrf_token: form.elements.csrf_token.value,
      purpose: kind,
    });
    const url = kind === "register" ? "/account/security/passkeys/options" : "/passkeys/options";
    const res = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    if (!res.ok) {
      throw new Error("options " + res.status);
    }
    const ceremony = await res.json();
    const credential = kind === "register"
      ? await navigator.credentials.create(creationOptions(ceremony.options))
      : await navigator.credentials.get(requestOptions(ceremony.options));
    form.elements.passkey_ceremony.value = ceremony.id;
    form.elements.passkey_credential.value = JSON.stringify(answer(credential));
    if (form.elements.factor_code) {
      form.elements.factor_code.value = "";
    }
    form.submit();
  } catch (e) {
    button.disabled = false;
    if (error) {
      error.hidden = false;
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }
  document.querySelectorAll("button[data-passkey]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => run(button));
  });
});
