"""The one fake: a tiny HTTP server on loopback that answers Nominatim's /search like the public
service does (we cannot reach the internet in tests); geopy's real Nominatim client talks to it.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

# Addresses the stand-in geocoder knows; anything else is "no match".
KNOWN_ADDRESSES = {"1437 bannock st, denver, co 80202": (39.7392, -104.9903)}


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
