// The service worker: a periodic sync (every few minutes, by an alarm) and "Sync all data"
// from the options page, both the same full 72-hour run (PX-01, PX-08).
importScripts("adapter.js", "bridge.js");
/* global syncAll */
const ALARM = "repairlink-periodic-sync";
const DEFAULTS = {repairlinkUrl: "", connectionId: "", token: "", pmsUrl: "", pmsKey: "", everyMinutes: 5};

async function settings() {
  return {...DEFAULTS, ...(await chrome.storage.local.get(Object.keys(DEFAULTS)))};
}

async function syncNow() {
  const current = await settings();
  if (!current.repairlinkUrl || !current.token || !current.pmsUrl) {
    return {ok: false, error: "Set the Repairlink address, the bridge token and the PMS first"};
  }
  try {
    const result = await syncAll(current);
    await chrome.storage.local.set({lastSync: {ok: true, ...result}});
    return {ok: true, ...result};
  } catch (error) {
    const failed = {ok: false, error: String(error.message || error), at: new Date().toISOString()};
    await chrome.storage.local.set({lastSync: failed});
    return failed;
  }
}

async function schedule() {
  const {everyMinutes} = await settings();
  await chrome.alarms.clear(ALARM);
  chrome.alarms.create(ALARM, {periodInMinutes: Math.max(1, Number(everyMinutes) || 5)});
}

chrome.runtime.onInstalled.addListener(schedule);
chrome.runtime.onStartup.addListener(schedule);
chrome.storage.onChanged.addListener((changes) => { if (changes.everyMinutes) schedule(); });
chrome.alarms.onAlarm.addListener((alarm) => { if (alarm.name === ALARM) syncNow(); });
chrome.runtime.onMessage.addListener((message, _sender, reply) => {
  if (message && message.type === "sync-all") {
    syncNow().then(reply);
    return true; // the reply comes later
  }
  return false;
});
// for tests and the console: the service worker's own entry point
self.repairlinkSyncNow = syncNow;
