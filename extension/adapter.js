// The adapter for one PMS: how to read its lists and write its work orders. This one speaks
// the platform simulator's API (docs/simulators.md); an adapter for a real PMS would read the
// pages the agent is logged in to. Every function returns plain objects in the PMS's shapes.
/* exported PmsAdapter */
class PmsAdapter {
  constructor(baseUrl, apiKey) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.headers = {"x-api-key": apiKey, "Content-Type": "application/json"};
  }

  async call(method, path, body) {
    const response = await fetch(this.baseUrl + path, {
      method, headers: this.headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const error = new Error(`The PMS answered ${response.status}: ${await response.text()}`);
      error.retryable = response.status === 429 || response.status >= 500;
      throw error;
    }
    return response.json();
  }

  // Every page of a list changed since `since` (ISO-8601).
  async *pages(path, since, size) {
    let offset = 0;
    for (;;) {
      const query = new URLSearchParams({updatedSince: since, offset: String(offset), limit: String(size)});
      const page = await this.call("GET", `${path}?${query}`);
      yield page.items;
      offset += page.items.length;
      if (!page.items.length || offset >= page.total) return;
    }
  }

  async createWorkOrder(body) {
    const property = await this.call("GET", `/properties/${body.property_id}`);
    const wanted = body.require_property_assigned_to;
    if (wanted != null && String(property.assignedUserId) !== String(wanted)) {
      return {ok: true, skipped: "the property is not assigned to the integration user"};
    }
    const made = await this.call("POST", "/work-orders", {
      propertyId: Number(body.property_id), summary: body.summary.slice(0, 200),
      description: body.description || "", status: body.status, assigneeId: Number(body.assignee_id),
    });
    return {ok: true, work_order_id: String(made.id), number: made.number, assignee_id: String(made.assigneeId)};
  }

  async updateWorkOrder(body) {
    const path = `/work-orders/${body.work_order_id}`;
    if (body.only_if_assigned_to != null) {
      const current = await this.call("GET", path);
      if (String(current.assigneeId) !== String(body.only_if_assigned_to)) {
        return {ok: true, assigned: false};
      }
    }
    await this.call("PATCH", path, {status: body.status});
    return {ok: true, assigned: true};
  }
}
