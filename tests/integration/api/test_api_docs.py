"""The API documentation works with no network: /docs (Swagger UI) and /redoc load every asset
they reference from the service itself."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("path", "needs"), [("/docs", "SwaggerUIBundle"), ("/redoc", "<redoc spec-url")]
)
def test_docs_pages_and_every_asset_they_reference_come_from_the_service(
    http: TestClient, path: str, needs: str
) -> None:
    page = http.get(path)
    assert page.status_code == 200
    assert needs in page.text
    referenced = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    referenced += re.findall(r"""(?:url|spec-url)\s*[:=]\s*["']([^"']+)["']""", page.text)
    assert referenced
    for url in referenced:
        assert not url.startswith(("http:", "https:", "//")), f"{path} loads {url} from outside"
        answer = http.get(url)
        assert answer.status_code == 200, url
        assert answer.content, url
    assert http.get("/openapi.json").json()["info"]["title"] == "Repairlink"
