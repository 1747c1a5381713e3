"""The one fake: a tiny HTTP server on loopback that answers Nominatim's /search like the public
service does (we cannot reach the internet in tests); geopy's real Nominatim client talks to it.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

# Addresses the stand-in geocoder knows; anything else is "no match".
KNOWN_ADDRESSES = {
    "1437 bannock st, denver, co 80202": (39.7392, -104.9903),
    # Homes of the front desk's test region (tests/api/console/test_front_desk.py): nurses' and patients'.
    "2000 w 32nd ave, denver, co 80211": (39.7619, -105.0126),
    "1500 s pearl st, denver, co 80210": (39.6891, -104.9805),
    "4100 e mexico ave, denver, co 80222": (39.6857, -104.9405),
    "300 e colfax ave, denver, co 80203": (39.7401, -104.9830),
    "2400 e 17th ave, denver, co 80206": (39.7433, -104.9597),
    "1200 n federal blvd, denver, co 80204": (39.7350, -105.0252),
    "3300 e 1st ave, denver, co 80206": (39.7178, -104.9487),
    "700 s broadway, denver, co 80209": (39.7036, -104.9876),
    # …and of its records' tests (tests/api/records/test_desk_records.py).
    "900 e 11th ave, denver, co 80218": (39.7334, -104.9774),
    # Asked only by tests/api/records/test_inputs.py, which counts the geocoder's hits: no other test may ask it first.
    "2500 blake st, denver, co 80205": (39.7597, -104.9871),
}


class FakeNominatim(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        FakeNominatim.hits.append(query)
        point = KNOWN_ADDRESSES.get(" ".join(query.split()).lower())
        body = json.dumps(
            [] if point is None else [{"lat": str(point[0]), "lon": str(point[1]), "display_name": query, "place_id": 1}]
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass
