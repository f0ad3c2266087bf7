// One sync with Repairlink's bridge (docs/bridge.md): open a run over the last 72 hours, push
// every list's pages into it, finish it; then carry out the commands waiting for the PMS and
// acknowledge each.
/* global PmsAdapter */
/* exported syncAll */
const LISTS = [["properties", "/properties"], ["residents", "/residents"], ["work_orders", "/work-orders"]];
const PAGE_SIZE = 200;

async function repairlink(settings, method, path, body) {
  const url = `${settings.repairlinkUrl.replace(/\/$/, "")}/api/v1/bridge/connections/${settings.connectionId}${path}`;
  const response = await fetch(url, {
    method,
    headers: {"Authorization": `Bearer ${settings.token}`, "Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Repairlink answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function pushAll(settings, adapter, hours) {
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600 * 1000);
  const window = {from: from.toISOString(), to: to.toISOString()};
  const run = await repairlink(settings, "POST", "/runs", {window});
  let records = 0;
  for (const [stream, path] of LISTS) {
    for await (const items of adapter.pages(path, window.from, PAGE_SIZE)) {
      if (!items.length) break;
      await repairlink(settings, "POST", `/runs/${run.run_id}/pages/${stream}`, {items});
      records += items.length;
    }
  }
  await repairlink(settings, "POST", `/runs/${run.run_id}/finish`);
  return records;
}

async function apply(settings, adapter, command) {
  try {
    if (command.op === "sync_all") return {ok: true, records: await pushAll(settings, adapter, command.body.hours)};
    if (command.op === "create_work_order") return await adapter.createWorkOrder(command.body);
    if (command.op === "update_work_order") return await adapter.updateWorkOrder(command.body);
    return {ok: false, error: `unknown command ${command.op}`, retryable: false};
  } catch (error) {
    return {ok: false, error: String(error.message || error), retryable: error.retryable !== false};
  }
}

async function runCommands(settings, adapter) {
  let done = 0;
  for (let round = 0; round < 50; round++) {
    const {items} = await repairlink(settings, "POST", "/poll");
    if (!items.length) break;
    for (let command of items) {
      while (command) {
        const answer = await apply(settings, adapter, command);
        const {ok, records, ...sent} = answer;
        const result = await repairlink(settings, "POST", `/commands/${command.id}/ack`, {ok, ...sent});
        done += 1;
        command = result.next;
      }
    }
  }
  return done;
}

async function syncAll(settings) {
  const adapter = new PmsAdapter(settings.pmsUrl, settings.pmsKey);
  const info = await repairlink(settings, "GET", "");
  const records = await pushAll(settings, adapter, info.hours);
  const commands = await runCommands(settings, adapter);
  return {records, commands, at: new Date().toISOString()};
}
