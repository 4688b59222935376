// The admin console: every view has a URL (#/users, #/users/<id>, #/audit, with their filters
// and page), so Back, reload and shared links work. A view is rebuilt from the API each time
// it is opened, with empty forms; actions that cannot be undone ask first, and their outcome
// is announced beside the button that caused it.
import {
  $, ApiError, act, api, call, confirmAction, describe, el, feedback, inr, link, row, watchSession, when,
} from "/admin/lib.js";
import { clearPasskeys, showPasskeys, signInWithPasskey } from "/admin/passkeys.js";
import { clearPrefixes, showPrefixes } from "/admin/prefixes.js";

const IDLE_MS = 30 * 60 * 1000;
const WARN_MS = 25 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECTIONS = { signin: "signin-title", users: "users-title", detail: "detail-name", audit: "audit-title", passkeys: "passkeys-title", prefixes: "prefixes-title" };
const ACTIONS = { "user.status": "Status change", "user.role": "Role change", "kyc.review": "KYC review", "wallet.adjust": "Wallet adjustment", "loan.disburse": "Loan disbursed", "loan.repay": "Loan repayment recorded", "passkey.remove": "Passkey removed", "sms.prefix_mode": "SMS prefix mode" };
const state = { user: null, next: null, back: [], backKey: "" };

function say(text, isError) {
  $("message").textContent = text || "";
  $("message").className = isError ? "error" : "";
}

function show(section) {
  for (const id of Object.keys(SECTIONS)) $(id).hidden = id !== section;
  $("nav").hidden = section === "signin";
  window.scrollTo(0, 0);
  $(SECTIONS[section]).focus();
}

// ---- session: the operator's name survives a reload; idle sessions warn, then end.
const me = () => sessionStorage.getItem("admin-name");
const touch = () => { sessionStorage.setItem("admin-activity", String(Date.now())); $("idle-warning").hidden = true; };

function clearPage() {
  sessionStorage.clear();
  state.user = null;
  state.back = [];
  $("whoami").textContent = "";
  $("detail-name").textContent = "";
  for (const id of ["detail-user", "detail-kyc", "kyc-images", "kyc-duplicates", "detail-sessions", "detail-devices", "detail-passkeys"]) $(id).replaceChildren();
  for (const id of ["users-table", "transactions", "audit-table"]) $(id).tBodies[0].replaceChildren();
  for (const id of ["wallet-balance", "wallet-points", "detail-risk", "users-caption"]) $(id).textContent = "";
  for (const id of ["search-form", "kyc-review", "adjust-form", "loan-form", "repay-form", "audit-form"]) $(id).reset();
  for (const id of ["access-feedback", "kyc-feedback", "adjust-feedback", "loan-feedback", "repay-feedback"]) feedback(id, "");
  $("history-link").href = "#/audit";
  clearPasskeys();
  clearPrefixes();
}

function expired() {
  if (!me() && !$("signin").hidden) return;
  clearPage();
  show("signin");
  say("Your session has ended. Sign in again.", true);
}

watchSession(expired, touch);

setInterval(() => {
  if (!me()) return;
  const idle = Date.now() - Number(sessionStorage.getItem("admin-activity") || Date.now());
  if (idle >= IDLE_MS) return expired();
  if (idle >= WARN_MS) {
    $("idle-text").textContent = "Your session ends in " + Math.max(1, Math.ceil((IDLE_MS - idle) / 60000)) + " minutes without activity.";
    $("idle-warning").hidden = false;
  }
}, 5000);

$("stay").addEventListener("click", () => api("GET", "/v1/admin/users?limit=1").catch(() => {}));

// ---- sign-in: code to the phone, then code + password.
let signinPhone = "";
$("code-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  signinPhone = $("phone").value.trim();
  try {
    await api("POST", "/v1/auth/otp/request", { phone: signinPhone });
    $("signin-form").hidden = false;
    $("code").focus();
    say("Code sent.");
  } catch (e) { say(e.explain ? e.explain() : e.message, true); }
});

$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const v = await api("POST", "/v1/auth/otp/verify", { phone: signinPhone, code: $("code").value.trim() });
    await signedIn(await api("POST", "/v1/admin/login", {
      phone: signinPhone, password: $("password").value, verification_token: v.verification_token,
    }));
  } catch (e) { say(e.explain ? e.explain() : e.message, true); }
});

$("passkey-signin").addEventListener("click", async () => {
  try {
    await signedIn(await signInWithPasskey());
  } catch (e) { say(e.explain ? e.explain() : "The passkey sign-in did not finish: " + e.message, true); }
});

async function signedIn(data) {
  $("code-form").reset();
  $("signin-form").reset();
  $("signin-form").hidden = true;
  sessionStorage.setItem("admin-name", data.user.name);
  touch();
  $("whoami").textContent = data.user.name;
  say("Signed in.");
  await route();
}

$("signout").addEventListener("click", async () => {
  try { await call("POST", "/v1/admin/logout"); } catch (e) { /* signed out either way */ }
  clearPage();
  history.replaceState(null, "", location.pathname);
  show("signin");
  say("Signed out.");
});

// ---- routing
function current() {
  const [path, query] = (location.hash.replace(/^#/, "") || "/users").split("?");
  return { path, params: new URLSearchParams(query || "") };
}

function go(path, params) {
  const q = params ? params.toString() : "";
  location.hash = "#" + path + (q ? "?" + q : "");
}

async function route() {
  if (!me()) { show("signin"); return; }
  $("whoami").textContent = me();
  const { path, params } = current();
  try {
    if (path === "/users") await showUsers(params);
    else if (path.startsWith("/users/")) await showUser(decodeURIComponent(path.slice("/users/".length)));
    else if (path === "/audit") await showAudit(params);
    else if (path === "/passkeys") { show("passkeys"); await showPasskeys(); }
    else if (path === "/prefixes") { show("prefixes"); await showPrefixes(params); }
    else go("/users");
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    say(e instanceof ApiError ? e.explain() : e.message, true);
  }
}

window.addEventListener("hashchange", () => { say(""); route(); });

/** Previous/Next over cursors: `back` holds the cursors of the pages before this one. */
function pager(kind, params, nextCursor, prevId, nextId) {
  const key = kind + "?" + [...params].filter(([k]) => k !== "cursor").join("&");
  if (state.backKey !== key) { state.backKey = key; state.back = []; }
  state.next = nextCursor;
  $(prevId).disabled = !params.get("cursor");
  $(nextId).disabled = !nextCursor;
}

function turn(path, forward) {
  const { params } = current();
  if (forward) {
    state.back.push(params.get("cursor") || "");
    params.set("cursor", state.next);
  } else {
    const previous = state.back.pop();
    if (previous) params.set("cursor", previous); else params.delete("cursor");
  }
  go(path, params);
}

// ---- users
async function showUsers(params) {
  const q = new URLSearchParams({ limit: "20" });
  for (const k of ["status", "kyc_status", "order", "phone", "user_id", "cursor"]) if (params.get(k)) q.set(k, params.get(k));
  $("status-filter").value = params.get("status") || "";
  $("kyc-filter").value = params.get("kyc_status") || "";
  $("search").value = params.get("phone") || params.get("user_id") || "";
  const page = await api("GET", "/v1/admin/users?" + q);
  const table = $("users-table");
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const u of page.items) {
    const tr = row(table, [link(u.name, "#/users/" + encodeURIComponent(u.user_id)), u.masked_phone, u.status, u.role,
      u.kyc_status, inr(u.balance), u.risk_band, when(u.created_at)],
    { class: "link", "data-user-id": u.user_id, tabindex: "0" });
    const open = () => go("/users/" + encodeURIComponent(u.user_id));
    tr.addEventListener("click", (ev) => { if (!ev.target.closest("a")) open(); });
    tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && ev.target === tr) open(); });
    body.appendChild(tr);
  }
  const queue = params.get("kyc_status") === "PENDING";
  const oldest = (params.get("order") || (queue ? "oldest" : "newest")) === "oldest";
  const by = params.get("kyc_status") ? "KYC submission" : "sign-up";
  $("users-caption").textContent = params.get("phone") || params.get("user_id") ? "Search result"
    : (queue ? "Review queue: " : "") + "by " + by + ", " + (oldest ? "oldest" : "newest") + " first";
  $("order-header").setAttribute("aria-sort", oldest ? "ascending" : "descending");
  $("order-toggle").textContent = (params.get("kyc_status") ? "Submitted" : "Joined") + (oldest ? " ▲" : " ▼");
  $("users-empty").hidden = page.items.length > 0;
  pager("users", params, page.next_cursor, "prev-page", "next-page");
  show("users");
}

$("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const v = $("search").value.trim();
  if (!v) return go("/users");
  go("/users", new URLSearchParams(UUID.test(v) ? { user_id: v } : { phone: v }));
});

function filtersChanged(changed) {
  const params = new URLSearchParams();
  if (changed === "status" && $("status-filter").value) params.set("status", $("status-filter").value);
  if (changed === "kyc" && $("kyc-filter").value) params.set("kyc_status", $("kyc-filter").value);
  go("/users", params);
}

$("status-filter").addEventListener("change", () => filtersChanged("status"));
$("kyc-filter").addEventListener("change", () => filtersChanged("kyc"));
$("order-toggle").addEventListener("click", () => {
  const { params } = current();
  const queue = params.get("kyc_status") === "PENDING";
  const oldest = (params.get("order") || (queue ? "oldest" : "newest")) === "oldest";
  params.delete("cursor");
  params.set("order", oldest ? "newest" : "oldest");
  go("/users", params);
});
$("prev-page").addEventListener("click", () => turn("/users", false));
$("next-page").addEventListener("click", () => turn("/users", true));

// ---- one user
function newKey() {
  $("adjust-key").value = crypto.randomUUID();
}

async function showUser(id) {
  // A fresh view: nothing typed for another user survives.
  for (const f of ["kyc-review", "adjust-form", "loan-form", "repay-form"]) $(f).reset();
  for (const f of ["access-feedback", "kyc-feedback", "adjust-feedback", "loan-feedback", "repay-feedback"]) feedback(f, "");
  $("repay-form").hidden = true;
  state.loanKey = crypto.randomUUID();
  newKey();
  await loadUser(id);
  show("detail");
}

async function loadUser(id) {
  const d = await api("GET", "/v1/admin/users/" + encodeURIComponent(id));
  state.user = d;
  renderUser(d);
}

const who = () => state.user.user.name + " (" + state.user.user.phone + ")";
const userPath = (rest) => "/v1/admin/users/" + encodeURIComponent(state.user.user.user_id) + rest;

function renderUser(d) {
  const u = d.user;
  $("detail-name").textContent = u.name;
  $("history-link").href = "#/audit?user_id=" + encodeURIComponent(u.user_id);
  describe($("detail-user"), [
    ["User id", u.user_id], ["Phone", u.phone], ["Status", u.status], ["Role", u.role],
    ["Email", u.email], ["City", u.city], ["State", u.state], ["Date of birth", u.dob],
    ["Profile complete", u.is_profile_complete ? "yes" : "no"], ["Joined", when(u.created_at)],
  ]);
  const suspended = u.status === "SUSPENDED";
  $("toggle-status").textContent = suspended ? "Reactivate" : "Suspend";
  $("toggle-status").className = suspended ? "" : "danger";
  $("toggle-role").textContent = u.role === "admin" ? "Remove admin role" : "Make admin";
  renderKyc(d.kyc);
  $("wallet-balance").textContent = inr(d.wallet.balance);
  $("wallet-points").textContent = d.wallet.points;
  const table = $("transactions");
  table.tBodies[0].replaceChildren(...d.transactions.map((t) =>
    row(table, [when(t.created_at), inr(t.amount), t.points, inr(t.balance_after), t.reason])));
  renderLoans(d.loans);
  $("detail-risk").textContent = d.risk ? d.risk.score + " (" + d.risk.band + ")" : "not taken";
  $("detail-sessions").replaceChildren(...d.sessions.map((s) =>
    el("li", (s.platform || "unknown") + " since " + when(s.created_at) + ", last used " + when(s.last_used_at))));
  $("detail-devices").replaceChildren(...d.devices.map((x) =>
    el("li", x.platform + " " + (x.device_name || x.device_id) + (x.app_version ? " app " + x.app_version : ""))));
  $("detail-passkeys-count").textContent = d.passkeys.length ? d.passkeys.length + " of 10" : "none";
  $("detail-passkeys").replaceChildren(...d.passkeys.map((p) =>
    el("li", p.name + ", created " + when(p.created_at) + ", last used " + when(p.last_used_at) + (p.backed_up ? ", synced" : ""))));
}

function renderKyc(k) {
  describe($("detail-kyc"), [
    ["Status", k.status], ["Document", k.document_type], ["Number", k.masked_document_number],
    ["Submitted", when(k.submitted_at)], ["Reviewed", when(k.reviewed_at)], ["Rejection reason", k.rejection_reason],
  ]);
  $("kyc-images").replaceChildren(...Object.entries(k.images || {}).map(([purpose, url]) => {
    const figure = el("figure");
    const full = el("a", null, { href: url, target: "_blank", rel: "noopener noreferrer" });
    full.appendChild(el("img", null, { src: url, alt: "KYC " + purpose + " image", "data-purpose": purpose }));
    const caption = el("figcaption", purpose[0].toUpperCase() + purpose.slice(1) + " · ");
    caption.appendChild(el("a", "Full size", { href: url, target: "_blank", rel: "noopener noreferrer" }));
    figure.append(full, caption);
    return figure;
  }));
  const dups = k.duplicate_of || [];
  $("kyc-duplicates").replaceChildren();
  if (dups.length) {
    const p = el("p", "The same document is on " + dups.length + " other account(s): ");
    dups.forEach((id, i) => p.append(link(id, "#/users/" + encodeURIComponent(id)), i + 1 < dups.length ? ", " : ""));
    $("kyc-duplicates").appendChild(p);
  }
  $("kyc-review").hidden = k.status !== "PENDING";
}

$("toggle-status").addEventListener("click", () => act("access-feedback", async () => {
  const suspend = state.user.user.status !== "SUSPENDED";
  if (suspend && !await confirmAction("Suspend " + state.user.user.name + "?",
    who() + " is signed out everywhere and cannot sign in until reactivated.", "Suspend")) return "Nothing was changed.";
  await api("PATCH", userPath(""), { status: suspend ? "SUSPENDED" : "ACTIVE" });
  await loadUser(state.user.user.user_id);
  return suspend ? "Suspended; every session of the user ended." : "Reactivated.";
}));

$("toggle-role").addEventListener("click", () => act("access-feedback", async () => {
  const grant = state.user.user.role !== "admin";
  const question = grant ? "Make " + state.user.user.name + " an admin?" : "Remove the admin role from " + state.user.user.name + "?";
  const consequence = grant ? who() + " will be able to use this console." : who() + " will no longer be able to use this console.";
  if (!await confirmAction(question, consequence, grant ? "Make admin" : "Remove role")) return "Nothing was changed.";
  await api("PATCH", userPath(""), { role: grant ? "admin" : "user" });
  await loadUser(state.user.user.user_id);
  return grant ? "Admin role granted." : "Admin role removed.";
}));

async function review(decision) {
  const reason = $("kyc-reason").value.trim();
  if (decision === "REJECTED" && !await confirmAction("Reject the KYC of " + state.user.user.name + "?",
    reason ? "They will see this reason: “" + reason + "”." : "No reason will be shown to them.", "Reject")) return "Nothing was changed.";
  await api("POST", userPath("/kyc/review"), reason ? { decision, reason } : { decision });
  await loadUser(state.user.user.user_id);
  return decision === "VERIFIED" ? "KYC verified." : "KYC rejected.";
}

$("kyc-verify").addEventListener("click", () => act("kyc-feedback", () => review("VERIFIED")));
$("kyc-reject").addEventListener("click", () => act("kyc-feedback", () => review("REJECTED")));

$("adjust-new-key").addEventListener("click", () => { newKey(); feedback("adjust-feedback", "A new key: the next Apply is a new adjustment."); });
$("adjust-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  act("adjust-feedback", async () => {
    const rupees = $("adjust-amount").value.trim();
    if (!/^-?\d+(\.\d{1,2})?$/.test(rupees)) throw new Error("Enter the amount in rupees, with at most two decimals.");
    const amount = Math.round(Number(rupees) * 100);
    if (amount < 0 && !await confirmAction("Debit " + inr(-amount) + " from " + state.user.user.name + "?",
      inr(-amount) + " leaves the wallet of " + who() + ". Reason: “" + $("adjust-reason").value + "”.", "Debit")) return "Nothing was changed.";
    const res = await call("POST", userPath("/wallet/adjust"), {
      amount, points: Number($("adjust-points").value || 0), reason: $("adjust-reason").value, idempotency_key: $("adjust-key").value,
    });
    await loadUser(state.user.user.user_id);
    if (res.headers.get("Idempotent-Replayed") === "true") {
      return "Already applied with this key; nothing changed. Balance " + inr(res.data.wallet.balance) + ".";
    }
    return "Applied: balance " + inr(res.data.wallet.balance) + ". Sending again with this key changes nothing; press New key for another adjustment.";
  });
});

// ---- loans: disbursal and recorded repayments, each with a key kept until it succeeds, so a
// double click or a retry applies once.
const paise = (id) => {
  const rupees = $(id).value.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(rupees) || Number(rupees) <= 0) throw new Error("Enter amounts in rupees, above zero, with at most two decimals.");
  return Math.round(Number(rupees) * 100);
};

function renderLoans(loans) {
  const table = $("loans");
  table.tBodies[0].replaceChildren(...loans.map((l) => {
    const active = l.status === "ACTIVE";
    const button = el("button", "Record", { type: "button", "data-loan": l.loan_id });
    button.disabled = !active;
    button.addEventListener("click", () => chooseLoan(l));
    return row(table, [when(l.disbursed_at), inr(l.amount_disbursed), inr(l.payback_amount),
      inr(l.installment_amount) + " / " + l.installment_period.toLowerCase(), inr(l.repaid_amount),
      inr(l.outstanding), active ? "Active" : "Closed " + when(l.closed_at), button], { "data-loan": l.loan_id });
  }));
}

function chooseLoan(l) {
  state.loan = l;
  state.repayKey = crypto.randomUUID();
  $("repay-form").reset();
  $("repay-loan").textContent = "Loan of " + inr(l.amount_disbursed) + " disbursed " + when(l.disbursed_at) + ": " + inr(l.outstanding) + " outstanding.";
  $("repay-form").hidden = false;
  feedback("repay-feedback", "");
}

$("repay-cancel").addEventListener("click", () => { $("repay-form").hidden = true; });
$("repay-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  act("repay-feedback", async () => {
    const amount = paise("repay-amount");
    const l = state.loan;
    if (!await confirmAction("Record " + inr(amount) + " repaid by " + state.user.user.name + "?",
      "Received outside the app; the loan's outstanding " + inr(l.outstanding) + " goes down by it. The wallet is not touched.", "Record")) return "Nothing was changed.";
    const note = $("repay-note").value.trim();
    const res = await call("POST", userPath("/loans/" + encodeURIComponent(l.loan_id) + "/repayments"),
      note ? { amount, note, idempotency_key: state.repayKey } : { amount, idempotency_key: state.repayKey });
    const loan = res.data.loan;
    $("repay-form").hidden = true;
    await loadUser(state.user.user.user_id);
    if (res.headers.get("Idempotent-Replayed") === "true") return "Already recorded; nothing changed.";
    return loan.status === "CLOSED" ? "Recorded: the loan is repaid in full and closed." : "Recorded: " + inr(loan.outstanding) + " outstanding.";
  });
});

$("loan-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  act("loan-feedback", async () => {
    const body = {
      amount_disbursed: paise("loan-amount"), payback_amount: paise("loan-payback"), installment_amount: paise("loan-installment"),
      installment_period: $("loan-period").value, purpose: $("loan-purpose").value, loan_type: $("loan-type").value,
      idempotency_key: state.loanKey,
    };
    if (!await confirmAction("Disburse " + inr(body.amount_disbursed) + " to " + state.user.user.name + "?",
      who() + " repays " + inr(body.payback_amount) + " in installments of " + inr(body.installment_amount) + " every " + $("loan-period").selectedOptions[0].textContent.toLowerCase() + ".", "Disburse")) return "Nothing was changed.";
    const res = await call("POST", userPath("/loans"), body);
    await loadUser(state.user.user.user_id);
    if (res.headers.get("Idempotent-Replayed") === "true") return "Already disbursed with this key; nothing changed.";
    state.loanKey = crypto.randomUUID();
    $("loan-form").reset();
    return "Disbursed: " + inr(res.data.loan.payback_amount) + " to repay.";
  });
});

// ---- audit trail
function shown(key, v) {
  if (v === undefined || v === null) return "—";
  if (["balance", "amount", "balance_after"].includes(key) && typeof v === "number") return inr(v);
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}

function diff(before, after) {
  const list = el("ul", null, { class: "diff" });
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  for (const k of keys) {
    const [b, a] = [shown(k, (before || {})[k]), shown(k, (after || {})[k])];
    if (b === a) continue;
    const li = el("li");
    li.append(el("code", k), ": ");
    if (before && k in before) li.append(el("del", b), " → ");
    li.append(el("ins", a));
    list.appendChild(li);
  }
  return list;
}

const person = (name, id) => link(name || id, "#/users/" + encodeURIComponent(id));

async function showAudit(params) {
  const fields = { user_id: "audit-user", action: "audit-action", from: "audit-from", to: "audit-to" };
  const q = new URLSearchParams({ limit: "20" });
  for (const [k, id] of Object.entries(fields)) {
    $(id).value = params.get(k) || "";
    if (params.get(k)) q.set(k, params.get(k));
  }
  if (params.get("cursor")) q.set("cursor", params.get("cursor"));
  const page = await api("GET", "/v1/admin/audit?" + q);
  const table = $("audit-table");
  table.tBodies[0].replaceChildren(...page.items.map((a) => row(table, [when(a.at), person(a.admin_name, a.admin_id),
    ACTIONS[a.action] || a.action, person(a.target_name, a.target_user_id), diff(a.before, a.after)], { "data-action": a.action })));
  $("audit-empty").hidden = page.items.length > 0;
  pager("audit", params, page.next_cursor, "audit-prev", "audit-next");
  show("audit");
}

$("audit-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const params = new URLSearchParams();
  for (const [k, id] of [["user_id", "audit-user"], ["action", "audit-action"], ["from", "audit-from"], ["to", "audit-to"]]) {
    if ($(id).value.trim()) params.set(k, $(id).value.trim());
  }
  go("/audit", params);
});
$("audit-prev").addEventListener("click", () => turn("/audit", false));
$("audit-next").addEventListener("click", () => turn("/audit", true));

// Start: the view in the URL when a session is live, else the sign-in form.
route();
