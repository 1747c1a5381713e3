"""What the console ships: the map library from the npm lock file, and pages that load nothing from elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

CONSOLE = Path(__file__).resolve().parents[3] / "api" / "console"
STATIC = CONSOLE / "static"
OUR_FILES = sorted(p for p in STATIC.glob("*") if p.suffix in (".html", ".js", ".css"))


def test_the_shipped_leaflet_is_the_version_in_the_lock_file():
    locked = json.loads((CONSOLE / "package-lock.json").read_text())["packages"]["node_modules/leaflet"]["version"]
    assert f"Leaflet {locked}" in (STATIC / "vendor" / "leaflet" / "leaflet.js").read_text()[:300]


def test_our_pages_and_scripts_name_no_other_server():
    assert len(OUR_FILES) >= 8
    for path in OUR_FILES:
        assert not re.search(r"""["'(]\s*(https?:)?//""", path.read_text()), f"{path.name} refers to another server"


def test_everything_the_pages_refer_to_is_served_with_the_security_policy(base_url):
    for page in ("index.html", "nurse.html"):
        html = (STATIC / page).read_text()
        references = re.findall(r'(?:src|href)="([^"#:]+)"', html)
        assert references, page
        for reference in [page, *references]:
            answer = httpx.get(f"{base_url}/console/{reference}")
            assert answer.status_code == 200, reference
            assert "script-src 'self'" in answer.headers["content-security-policy"]
    modules = {m for path in OUR_FILES for m in re.findall(r'from "\./([\w.]+)"', path.read_text())}
    assert modules <= {p.name for p in OUR_FILES}, modules


def test_the_site_root_leads_to_the_console(base_url):
    answer = httpx.get(f"{base_url}/", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/console/"
    assert httpx.get(f"{base_url}/console/config.json").json()["tiles_url"] == ""  # as the tests' server is set


def test_the_shipped_swagger_ui_is_the_version_in_the_lock_file():
    locked = json.loads((CONSOLE / "package-lock.json").read_text())["packages"]["node_modules/swagger-ui-dist"]["version"]
    assert f'PACKAGE_VERSION:"{locked}"' in (STATIC / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").read_text()
    assert (STATIC / "vendor" / "swagger-ui" / "LICENSE").is_file()


def test_times_are_typed_as_24_hour_clocks_on_every_page():
    """The browser's own time input shows 12-hour times in a US locale: every page uses a 24-hour HH:MM field."""
    for path in OUR_FILES:
        text = path.read_text()
        assert 'type="time"' not in text and 'type: "time"' not in text, f"{path.name} has a browser time input"
    pages = [p for p in OUR_FILES if p.suffix == ".html"]
    clocks = [field for p in pages for field in re.findall(r"<input[^>]*class=\"clock\"[^>]*>", p.read_text())]
    assert len(clocks) >= 12
    assert all('pattern="([01][0-9]|2[0-3]):[0-5][0-9]"' in field for field in clocks)
