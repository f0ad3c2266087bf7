"""A connector folder's worth for the recording PMS, in tests only: its config, an inbound side
that links units and contractors, an outbound side that offers every capability but charges
(work orders, documents, purchase invoices, assignment, renumbering), and a profile declaring
when each is used. It proves the hub's outbound mechanism on steps no real connector here
takes yet; the SPEC rules named are those the declarations stand for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import orjson
from pydantic import BaseModel

from repairlink.connectors import ConnectorKind
from repairlink.pms.capabilities import Attachment, PmsWorkOrder, PurchaseInvoice
from repairlink.pms.connector import FetchedPage, TerminalFetchError, TransientFetchError
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.issue_facts import IssueFacts
from repairlink.pms.profile import (
    AttachDocuments,
    Entity,
    Profile,
    PurchaseInvoiceOnClose,
    RenumberOnFirstSync,
    SendIssues,
    StatusMap,
    UpdateOnlyWhileAssigned,
)
from repairlink.pms.streams import RawPage, Stream
from tests.integration.outbound.recording_pms import INTEGRATION_USER

PROFILE = Profile(
    "recorder",
    (
        Entity("T-1", "unit"),
        Entity("T-1", "contractor"),
        # PW-08: a work order as soon as an issue is reported, every later change after it
        SendIssues(
            "PW-08",
            once="created",
            description="Issues reach the test PMS as soon as they are reported.",
        ),
        # PX-06: new ones are assigned; awaiting_completion and forwarded_to_pm send nothing
        StatusMap(
            "PX-06",
            {
                "reported": "Assigned",
                "job_instructed": "Assigned",
                "awaiting_completion": None,
                "completed": "Complete",
                "closed": "Closed",
                "cancelled": "Cancelled",
                "forwarded_to_pm": None,
            },
        ),
        # PW-08: when complete, the photos and invoices are uploaded
        AttachDocuments(
            "PW-08", when="completed", issue_pdf=False, document_kinds=("completion", "invoice")
        ),
        PurchaseInvoiceOnClose("PM-06"),
        UpdateOnlyWhileAssigned("PX-04"),
        RenumberOnFirstSync("PX-07"),
    ),
)


class RecorderConfig(BaseModel):
    base_url: str
    integration_user: str = INTEGRATION_USER


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


class RecorderHttp:
    def __init__(self, config: RecorderConfig) -> None:
        self.config = config
        self.http = httpx.Client(base_url=config.base_url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise TransientFetchError(f"The test PMS is unreachable: {exc}") from exc
        if response.status_code >= 500:
            raise TransientFetchError("The test PMS failed", status=response.status_code)
        if response.status_code >= 400:
            raise TerminalFetchError("The test PMS refused it", status=response.status_code)
        return response.json()


class RecorderConnector(RecorderHttp):
    """The way in: properties and suppliers, whole, on one page each."""

    profile = PROFILE
    streams = (
        Stream("properties", "/properties", ("unit",), lambda item: [], dated=False),
        Stream("suppliers", "/suppliers", ("contractor",), lambda item: [], dated=False),
    )

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        records: list[Incoming | Malformed] = []
        for item in orjson.loads(page.body)["items"]:
            if stream == "properties":
                fields = {k: item[k] for k in ("line1", "town", "postcode")}
                records.append(Incoming("unit", item["id"], fields))
            else:
                fields = {"company": item["company"], "email": item["email"]}
                records.append(Incoming("contractor", item["id"], fields))
        return FetchedPage(records, None)

    def fetch(
        self, stream: str, *, since: datetime | None, until: datetime, cursor: str | None
    ) -> RawPage:
        return RawPage(self.http.get(f"/{stream}").content)


class RecorderOut(RecorderHttp):
    """The way out: WorkOrders, Documents, PurchaseInvoices, Assignment, Renumbering."""

    def create_work_order(self, facts: IssueFacts, status: str, *, key: str) -> PmsWorkOrder:
        body = {
            "marker": facts.marker,
            "property": facts.refs.property,
            "supplier": facts.refs.supplier,
            "title": facts.issue.title,
            "status": status,
            "assignedTo": self.config.integration_user,
        }
        created = self.call("POST", "/work-orders", key, json=body)
        return PmsWorkOrder(created["id"], created["number"])

    def update_work_order(
        self, facts: IssueFacts, work_order: str, status: str, *, notes: str | None, key: str
    ) -> None:
        body = {"status": status, "title": facts.issue.title, "notes": notes}
        self.call("PATCH", f"/work-orders/{work_order}", key, json=body)

    def find_work_order(self, facts: IssueFacts) -> PmsWorkOrder | None:
        found = self.call("GET", "/work-orders", params={"marker": facts.marker})["items"]
        return PmsWorkOrder(found[0]["id"], found[0]["number"]) if found else None

    def attach(self, work_order: str, document: Attachment, *, key: str) -> str:
        files = {"file": (document.name, document.content, document.content_type)}
        sent = self.call("POST", f"/work-orders/{work_order}/documents", key, files=files)
        return str(sent["id"])

    def post_purchase_invoice(
        self, facts: IssueFacts, invoice: PurchaseInvoice, *, key: str
    ) -> str:
        body = {
            "issueReference": invoice.issue_reference,
            "jobReference": invoice.job_reference,
            "net": _pounds(invoice.net),
            "gross": _pounds(invoice.gross),
        }
        return str(self.call("POST", "/purchase-invoices", key, json=body)["id"])

    def still_assigned(self, work_order: str) -> bool:
        order = self.call("GET", f"/work-orders/{work_order}")
        return bool(order["assignedTo"] == self.config.integration_user)

    def work_order_number(self, work_order: PmsWorkOrder) -> str:
        if work_order.number is not None:
            return work_order.number
        return str(self.call("GET", f"/work-orders/{work_order.id}")["number"])


KIND = ConnectorKind(
    "recorder", "Test PMS", RecorderConfig, RecorderConnector, PROFILE, RecorderOut
)
