// The admin console. Talks only to this origin's API: /v1/auth/otp/* for the code, then
// /v1/admin/* with the HttpOnly admin_session cookie. Every value from the API is written with
// textContent (never as HTML), and every write sends JSON, as the API requires of cookie calls.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { phone: "", cursor: null, cursors: [], user: null, auditCursor: null, me: null };

function say(text, isError) {
  $("message").textContent = text || "";
  $("message").className = isError ? "error" : "";
}

async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (method !== "GET") {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body || {});
  }
  const res = await fetch(path, init);
  const json = await res.json().catch(() => ({}));
  if (res.status === 401 && path.startsWith("/v1/admin/") && path !== "/v1/admin/login") {
    show("signin");
    throw new Error("Your session has ended. Sign in again.");
  }
  if (!json.success) {
    const e = json.error || {};
    throw new Error((e.message || "request failed") + (e.code ? " (" + e.code + ")" : ""));
  }
  return json.data;
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function row(cells, attrs) {
  const tr = el("tr", null, attrs);
  for (const c of cells) {
    const td = el("td");
    if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? "" : String(c);
    tr.appendChild(td);
  }
  return tr;
}

function list(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) {
    dl.appendChild(el("dt", k));
    dl.appendChild(el("dd", v === null || v === undefined ? "—" : v));
  }
}

function when(t) {
  return t ? new Date(t).toLocaleString() : "—";
}

function show(section) {
  for (const id of ["signin", "users", "detail", "audit"]) $(id).hidden = id !== section;
  $("nav").hidden = section === "signin";
}

function newKey() {
  $("adjust-key").value = crypto.randomUUID();
}

// Sign-in: code to the phone, then code + password.
$("code-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  state.phone = $("phone").value.trim();
  try {
    await api("POST", "/v1/auth/otp/request", { phone: state.phone });
    $("signin-form").hidden = false;
    $("code").focus();
    say("Code sent.");
  } catch (e) { say(e.message, true); }
});

$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const v = await api("POST", "/v1/auth/otp/verify", { phone: state.phone, code: $("code").value.trim() });
    const data = await api("POST", "/v1/admin/login", {
      phone: state.phone, password: $("password").value, verification_token: v.verification_token,
    });
    $("password").value = "";
    $("code").value = "";
    $("signin-form").hidden = true;
    state.me = data.user;
    $("whoami").textContent = data.user.name;
    say("Signed in.");
    await loadUsers(null);
  } catch (e) { say(e.message, true); }
});

$("signout").addEventListener("click", async () => {
  try { await api("POST", "/v1/admin/logout"); } catch (e) { /* signed out either way */ }
  state.me = null;
  show("signin");
  say("Signed out.");
});

// Users list.
async function loadUsers(cursor) {
  const q = new URLSearchParams({ limit: "20" });
  if ($("status-filter").value) q.set("status", $("status-filter").value);
  if (cursor) q.set("cursor", cursor);
  const page = await api("GET", "/v1/admin/users?" + q);
  const body = $("users-table").tBodies[0];
  body.replaceChildren();
  for (const u of page.items) {
    const tr = row([u.name, u.masked_phone, u.status, u.role, u.kyc_status, when(u.created_at)],
      { class: "link", "data-user-id": u.user_id, tabindex: "0" });
    tr.addEventListener("click", () => openUser(u.user_id).catch((e) => say(e.message, true)));
    body.appendChild(tr);
  }
  state.cursor = page.next_cursor;
  $("next-page").disabled = !page.next_cursor;
  show("users");
}

$("status-filter").addEventListener("change", () => loadUsers(null).catch((e) => say(e.message, true)));
$("first-page").addEventListener("click", () => loadUsers(null).catch((e) => say(e.message, true)));
$("next-page").addEventListener("click", () => loadUsers(state.cursor).catch((e) => say(e.message, true)));
$("nav-users").addEventListener("click", () => loadUsers(null).catch((e) => say(e.message, true)));
$("back").addEventListener("click", () => loadUsers(null).catch((e) => say(e.message, true)));

// One user.
async function openUser(userId) {
  const d = await api("GET", "/v1/admin/users/" + encodeURIComponent(userId));
  state.user = d;
  renderUser(d);
  newKey();
  show("detail");
}

function renderUser(d) {
  const u = d.user;
  $("detail-name").textContent = u.name;
  list($("detail-user"), [
    ["User id", u.user_id], ["Phone", u.phone], ["Status", u.status], ["Role", u.role],
    ["Email", u.email], ["City", u.city], ["State", u.state], ["Date of birth", u.dob],
    ["Profile complete", u.is_profile_complete ? "yes" : "no"], ["Joined", when(u.created_at)],
  ]);
  const suspended = u.status === "SUSPENDED";
  $("toggle-status").textContent = suspended ? "Reactivate" : "Suspend";
  $("toggle-status").className = suspended ? "" : "danger";
  $("toggle-role").textContent = u.role === "admin" ? "Remove admin role" : "Make admin";

  const k = d.kyc;
  list($("detail-kyc"), [
    ["Status", k.status], ["Document", k.document_type], ["Number", k.masked_document_number],
    ["Submitted", when(k.submitted_at)], ["Reviewed", when(k.reviewed_at)], ["Rejection reason", k.rejection_reason],
  ]);
  const images = $("kyc-images");
  images.replaceChildren();
  for (const [purpose, url] of Object.entries(k.images || {})) {
    images.appendChild(el("img", null, { src: url, alt: "KYC " + purpose, "data-purpose": purpose }));
  }
  $("kyc-duplicates").textContent = (k.duplicate_of || []).length
    ? "Same document on: " + k.duplicate_of.join(", ") : "";
  $("kyc-review").hidden = k.status !== "PENDING";

  $("wallet-balance").textContent = d.wallet.balance;
  $("wallet-points").textContent = d.wallet.points;
  const tx = $("transactions").tBodies[0];
  tx.replaceChildren();
  for (const t of d.transactions) tx.appendChild(row([when(t.created_at), t.amount, t.points, t.balance_after, t.reason]));

  $("detail-risk").textContent = d.risk ? d.risk.score + " (" + d.risk.band + ")" : "not taken";
  $("detail-sessions").replaceChildren(...d.sessions.map((s) =>
    el("li", (s.platform || "unknown") + " since " + when(s.created_at) + ", last used " + when(s.last_used_at))));
  $("detail-devices").replaceChildren(...d.devices.map((x) =>
    el("li", x.platform + " " + (x.device_name || x.device_id) + (x.app_version ? " app " + x.app_version : ""))));
}

async function change(body, done) {
  try {
    await api("PATCH", "/v1/admin/users/" + encodeURIComponent(state.user.user.user_id), body);
    await openUser(state.user.user.user_id);
    say(done);
  } catch (e) { say(e.message, true); }
}

$("toggle-status").addEventListener("click", () => {
  const suspend = state.user.user.status !== "SUSPENDED";
  change({ status: suspend ? "SUSPENDED" : "ACTIVE" }, suspend ? "Suspended; every session of the user ended." : "Reactivated.");
});

$("toggle-role").addEventListener("click", () => {
  const grant = state.user.user.role !== "admin";
  change({ role: grant ? "admin" : "user" }, grant ? "Admin role granted." : "Admin role removed.");
});

async function review(decision) {
  try {
    const reason = $("kyc-reason").value.trim();
    const body = reason ? { decision, reason } : { decision };
    await api("POST", "/v1/admin/users/" + encodeURIComponent(state.user.user.user_id) + "/kyc/review", body);
    await openUser(state.user.user.user_id);
    say("KYC " + decision.toLowerCase() + ".");
  } catch (e) { say(e.message, true); }
}

$("kyc-verify").addEventListener("click", () => review("VERIFIED"));
$("kyc-reject").addEventListener("click", () => review("REJECTED"));

$("adjust-new-key").addEventListener("click", newKey);
$("adjust-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const uid = state.user.user.user_id;
  const key = $("adjust-key").value;
  try {
    const data = await api("POST", "/v1/admin/users/" + encodeURIComponent(uid) + "/wallet/adjust", {
      amount: Number($("adjust-amount").value),
      points: Number($("adjust-points").value || 0),
      reason: $("adjust-reason").value,
      idempotency_key: key,
    });
    await openUser(uid);
    $("adjust-key").value = key;
    say("Applied: balance " + data.wallet.balance + ". Sending again with this key changes nothing; press New key for another adjustment.");
  } catch (e) { say(e.message, true); }
});

// Audit trail.
async function loadAudit(cursor) {
  const q = new URLSearchParams({ limit: "50" });
  const uid = $("audit-user").value.trim();
  if (uid) q.set("user_id", uid);
  if (cursor) q.set("cursor", cursor);
  const page = await api("GET", "/v1/admin/audit?" + q);
  const body = $("audit-table").tBodies[0];
  if (!cursor) body.replaceChildren();
  for (const a of page.items) {
    body.appendChild(row([when(a.at), a.admin_id, a.action, a.target_user_id,
      el("code", JSON.stringify(a.before)), el("code", JSON.stringify(a.after))], { "data-action": a.action }));
  }
  state.auditCursor = page.next_cursor;
  $("audit-next").disabled = !page.next_cursor;
  show("audit");
}

$("nav-audit").addEventListener("click", () => loadAudit(null).catch((e) => say(e.message, true)));
$("audit-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadAudit(null).catch((e) => say(e.message, true)); });
$("audit-next").addEventListener("click", () => loadAudit(state.auditCursor).catch((e) => say(e.message, true)));

// Start: the users list when a session is live, else the sign-in form.
loadUsers(null).catch(() => { show("signin"); });
