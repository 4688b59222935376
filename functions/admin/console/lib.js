// The console's plumbing: calls to this origin's API (JSON, the HttpOnly admin_session
// cookie), DOM building with textContent only (never HTML from the API), formats for money
// and times, the confirmation dialog and the feedback beside each action.

export const $ = (id) => document.getElementById(id);

/** An API failure: the contract's code, message, details and HTTP status. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || "The request failed.");
    this.status = status;
    this.code = error.code || "";
    this.details = error.details || {};
  }

  /** What to tell the operator, with how long to wait when the API said so. */
  explain() {
    const wait = this.details.retry_after;
    const after = wait ? " Try again in " + duration(wait) + "." : "";
    return this.message.replace(/\.?$/, ".") + after + (this.code ? " (" + this.code + ")" : "");
  }
}

function duration(seconds) {
  if (seconds < 120) return seconds + " seconds";
  return Math.ceil(seconds / 60) + " minutes";
}

const session = { onExpired: () => {}, onActivity: () => {} };

/** Calls to run when the admin session ends (401) and after every answered admin call. */
export function watchSession(onExpired, onActivity) {
  session.onExpired = onExpired;
  session.onActivity = onActivity;
}

/** Calls the API; resolves to `{data, headers}` or rejects with an ApiError. */
export async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (method !== "GET" && body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const json = await res.json().catch(() => ({}));
  const admin = path.startsWith("/v1/admin/") && path !== "/v1/admin/login";
  if (admin && res.status === 401) {
    session.onExpired();
  } else if (admin) {
    session.onActivity();
  }
  if (!json.success) throw new ApiError(res.status, json.error || {});
  return { data: json.data, headers: res.headers };
}

export const api = async (method, path, body) => (await call(method, path, body)).data;

export function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

export function link(text, href) {
  return el("a", text, { href });
}

/** A table row; each cell is a node or text, labelled for the stacked layout on phones. */
export function row(table, cells, attrs) {
  const labels = [...table.tHead.rows[0].cells].map((th) => th.textContent.trim());
  const tr = el("tr", null, attrs);
  cells.forEach((c, i) => {
    const td = el("td", null, { "data-label": labels[i] || "" });
    if (c instanceof Node) td.appendChild(c);
    else td.textContent = c === null || c === undefined ? "—" : String(c);
    tr.appendChild(td);
  });
  return tr;
}

export function describe(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) {
    dl.appendChild(el("dt", k));
    const dd = el("dd");
    if (v instanceof Node) dd.appendChild(v);
    else dd.textContent = v === null || v === undefined || v === "" ? "—" : String(v);
    dl.appendChild(dd);
  }
}

const rupees = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", minimumFractionDigits: 2 });

/** Paise as rupees with paise, e.g. ₹1,234.50. */
export function inr(paise) {
  return paise === null || paise === undefined ? "—" : rupees.format(paise / 100);
}

/** A time in the operator's zone, with the zone named. */
export function when(t) {
  if (!t) return "—";
  return new Date(t).toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
}

/** Asks before an action; resolves true when confirmed. */
export function confirmAction(title, text, okLabel) {
  const dialog = $("confirm");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = okLabel;
  return new Promise((resolve) => {
    const done = (answer) => {
      $("confirm-ok").onclick = null;
      $("confirm-cancel").onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    $("confirm-ok").onclick = () => done(true);
    $("confirm-cancel").onclick = () => done(false);
    dialog.onclose = () => done(false);
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}

/** Shows `text` in the live region beside an action (an error in red). */
export function feedback(id, text, isError) {
  const node = $(id);
  node.textContent = text || "";
  node.classList.toggle("error", Boolean(isError));
}

/** Runs `action`, reporting success or the API's error beside it. */
export async function act(feedbackId, action) {
  feedback(feedbackId, "");
  try {
    const text = await action();
    feedback(feedbackId, text || "");
  } catch (e) {
    feedback(feedbackId, e instanceof ApiError ? e.explain() : e.message, true);
  }
}
