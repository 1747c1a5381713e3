"""The API's own page: Swagger UI shipped with the app, working without the internet, trying reads only."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from playwright.sync_api import expect

from tests.api.browser import DESKTOP, needs_chromium, open_page


def test_the_docs_page_loads_nothing_from_another_server(base_url):
    page = httpx.get(f"{base_url}/docs")
    assert page.status_code == 200
    assert "/console/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text and "https://" not in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "https:" not in policy
    assert httpx.get(f"{base_url}/console/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert httpx.get(f"{base_url}/redoc").status_code == 404  # it would load ReDoc from a CDN


@needs_chromium()
def test_the_docs_page_draws_every_operation_offline_and_tries_reads_only(browser, request, base_url):
    with open_page(browser, request, DESKTOP) as page:
        hosts: set[str] = set()
        page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
        page.goto(f"{base_url}/docs")
        operations = page.locator(".opblock")
        expect(operations.first).to_be_visible()
        paths = httpx.get(f"{base_url}/openapi.json").json()["paths"]
        assert operations.count() == sum(len(methods) for methods in paths.values())
        page.locator(".opblock-get").first.locator(".opblock-summary").click()
        expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
        post = page.locator(".opblock-post").first
        post.locator(".opblock-summary").click()
        expect(post.locator(".opblock-body")).to_be_visible()
        assert post.get_by_role("button", name="Try it out").count() == 0
        assert hosts == {urlsplit(base_url).netloc}
