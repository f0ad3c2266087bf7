// The options page: Repairlink's address, the connection and its bridge token, the PMS, and
// "Sync all data" (a full 72-hour run now, PX-08).
const FIELDS = ["repairlinkUrl", "connectionId", "token", "pmsUrl", "pmsKey", "everyMinutes"];
const form = document.getElementById("settings");
const status = document.getElementById("status");

async function load() {
  const stored = await chrome.storage.local.get([...FIELDS, "lastSync"]);
  for (const name of FIELDS) if (stored[name] !== undefined) form.elements[name].value = stored[name];
  if (stored.lastSync) show(stored.lastSync);
}

function show(result) {
  status.textContent = result.ok
    ? `Synced: ${result.records} record(s) sent, ${result.commands} work order update(s) carried out.`
    : `Not synced: ${result.error}`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const values = Object.fromEntries(FIELDS.map((name) => [name, form.elements[name].value.trim()]));
  await chrome.storage.local.set(values);
  status.textContent = "Saved.";
});

document.getElementById("sync-all").addEventListener("click", async () => {
  status.textContent = "Syncing…";
  show(await chrome.runtime.sendMessage({type: "sync-all"}));
});

load();
