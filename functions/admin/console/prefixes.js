// The SMS pumping defence in the console: the number prefixes that sent codes in the current
// window (sends, codes entered, conversion, state, pause and reason), sortable by sends, and a
// prefix's mode (AUTO, BLOCKED, ALLOWED), changed with a reason after a confirmation.
import { $, act, api, confirmAction, el, feedback, row, when } from "/admin/lib.js";

const view = { items: [], bySends: true };

const percent = (x) => (x * 100).toFixed(0) + "%";

function render() {
  const table = $("prefixes-table");
  const items = [...view.items].sort((a, b) => view.bySends ? b.sent - a.sent : a.prefix.localeCompare(b.prefix));
  $("prefixes-sort-header").setAttribute("aria-sort", view.bySends ? "descending" : "none");
  table.tBodies[0].replaceChildren(...items.map((p) => {
    const choose = el("button", "Change", { type: "button", "aria-label": "Change the mode of " + p.prefix });
    choose.addEventListener("click", () => pick(p));
    return row(table, [p.prefix, p.country, p.sent, p.verified, percent(p.conversion), p.state, p.mode,
      when(p.paused_until), p.reason, choose]);
  }));
  $("prefixes-empty").hidden = items.length > 0;
}

/** The current window's prefixes (the first 100), rebuilt from the API. */
export async function showPrefixes(params) {
  const q = new URLSearchParams({ limit: "100" });
  if (params.get("state")) q.set("state", params.get("state"));
  $("prefixes-state").value = params.get("state") || "";
  const page = await api("GET", "/v1/admin/sms/prefixes?" + q.toString());
  view.items = page.items;
  render();
}

function pick(p) {
  $("prefix-form").hidden = false;
  $("prefix-value").value = p.prefix;
  $("prefix-mode").value = p.mode;
  $("prefix-reason").focus();
}

$("prefixes-state").addEventListener("change", () => {
  const v = $("prefixes-state").value;
  location.hash = "#/prefixes" + (v ? "?state=" + v : "");
});

$("prefixes-sort").addEventListener("click", () => { view.bySends = !view.bySends; render(); });

$("prefix-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const prefix = $("prefix-value").value.trim();
  const mode = $("prefix-mode").value;
  const reason = $("prefix-reason").value.trim();
  const what = { BLOCKED: "No code will be sent to numbers of " + prefix + ".", ALLOWED: prefix + " will never pause for low conversion (its hourly cap still applies).", AUTO: prefix + " goes back to the conversion rule; a pause ends now." }[mode];
  if (!await confirmAction("Set " + prefix + " to " + mode, what + " Reason: " + reason, "Set " + mode)) return;
  await act("prefix-feedback", async () => {
    const { prefix_health: h } = await api("PUT", "/v1/admin/sms/prefixes/" + encodeURIComponent(prefix), { mode, reason });
    $("prefix-form").reset();
    $("prefix-form").hidden = true;
    view.items = view.items.filter((p) => p.prefix !== h.prefix).concat([h]);
    render();
    return h.prefix + " is " + h.mode + " (" + h.state + ").";
  });
});

/** Clears what the view showed (sign-out). */
export function clearPrefixes() {
  view.items = [];
  $("prefixes-table").tBodies[0].replaceChildren();
  $("prefix-form").reset();
  feedback("prefix-feedback", "");
}
