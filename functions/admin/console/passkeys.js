// Passkeys in the console: signing in with one (no phone, no code: a passkey with user
// verification is both factors), and the signed-in admin's own passkeys (create, list,
// remove). The WebAuthn JSON forms travel as the API gives and takes them; binary fields are
// base64url, converted here for navigator.credentials.
import { $, ApiError, act, api, confirmAction, el, feedback, row, when } from "/admin/lib.js";

const toBytes = (b64url) => Uint8Array.from(atob(b64url.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const toB64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function creationOptions(o) {
  return {
    ...o,
    challenge: toBytes(o.challenge),
    user: { ...o.user, id: toBytes(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
}

function requestOptions(o) {
  return {
    ...o,
    challenge: toBytes(o.challenge),
    allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
}

function registrationJson(cred) {
  const r = cred.response;
  return {
    id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON), attestationObject: toB64url(r.attestationObject),
      transports: r.getTransports ? r.getTransports() : [],
    },
    clientExtensionResults: cred.getClientExtensionResults(),
  };
}

function assertionJson(cred) {
  const r = cred.response;
  return {
    id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON), authenticatorData: toB64url(r.authenticatorData),
      signature: toB64url(r.signature), userHandle: r.userHandle ? toB64url(r.userHandle) : null,
    },
    clientExtensionResults: cred.getClientExtensionResults(),
  };
}

/** Signs in with a passkey; resolves to the signed-in admin (`{user}`). */
export async function signInWithPasskey() {
  const started = await api("POST", "/v1/admin/passkeys/login/options", {});
  const cred = await navigator.credentials.get({ publicKey: requestOptions(started.options) });
  return api("POST", "/v1/admin/login", { ceremony_id: started.ceremony_id, credential: assertionJson(cred) });
}

/** The signed-in admin's passkeys, rebuilt from the API. */
export async function showPasskeys() {
  const { items } = await api("GET", "/v1/admin/passkeys");
  const body = $("passkeys-table").tBodies[0];
  body.replaceChildren();
  for (const p of items) {
    const remove = el("button", "Remove", { type: "button", class: "danger", "aria-label": "Remove passkey " + p.name });
    remove.addEventListener("click", () => removePasskey(p));
    body.appendChild(row($("passkeys-table"), [p.name, when(p.created_at), when(p.last_used_at), p.backed_up ? "Yes" : "No", remove]));
  }
  $("passkeys-empty").hidden = items.length > 0;
}

async function removePasskey(p) {
  const sure = await confirmAction("Remove passkey", "Remove the passkey “" + p.name + "”? It can no longer sign you in. The removal is recorded in the audit trail.", "Remove");
  if (!sure) return;
  await act("passkey-feedback", async () => {
    await api("DELETE", "/v1/admin/passkeys/" + encodeURIComponent(p.passkey_id), {});
    await showPasskeys();
    return "Passkey “" + p.name + "” removed.";
  });
}

$("passkey-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  act("passkey-feedback", async () => {
    const started = await api("POST", "/v1/admin/passkeys/register/options", {});
    const cred = await navigator.credentials.create({ publicKey: creationOptions(started.options) });
    const name = $("passkey-name").value.trim();
    const body = { ceremony_id: started.ceremony_id, credential: registrationJson(cred) };
    if (name) body.name = name;
    const { passkey } = await api("POST", "/v1/admin/passkeys", body);
    $("passkey-form").reset();
    await showPasskeys();
    return "Passkey “" + passkey.name + "” created. It signs you in without a code.";
  });
});

/** Clears what the passkeys view showed (sign-out). */
export function clearPasskeys() {
  $("passkeys-table").tBodies[0].replaceChildren();
  $("passkey-form").reset();
  feedback("passkey-feedback", "");
}

export { ApiError };
