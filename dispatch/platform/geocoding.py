"""Addresses to points with geopy (the provider is a setting); every answer is cached in the database."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from geopy import geocoders
from geopy.exc import GeopyError

from dispatch.errors import InvalidField
from dispatch.platform.db import Db
from dispatch.platform.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Geocoder:
    """A geopy geocoder and the name we cache its answers under."""

    provider: str
    service: object | None  # a geopy geocoder, or None when geocoding is turned off

    @classmethod
    def from_settings(cls, settings: Settings) -> Geocoder:
        if settings.geocoder.lower() == "none":
            return cls("none", None)
        try:
            service_class = geocoders.get_geocoder_for_service(settings.geocoder.lower())
        except GeopyError as error:
            raise ValueError(f"NURSE_DISPATCH_GEOCODER: {error}") from None
        options = {"user_agent": settings.geocoder_user_agent, "scheme": settings.geocoder_scheme, "timeout": 5}
        if settings.geocoder_domain:
            options["domain"] = settings.geocoder_domain
        return cls(settings.geocoder, service_class(**options))

    def locate(self, conn: Db, address: str, field: str = "address") -> tuple[float, float]:
        """(lat, lon) of `address`, from the cache or the provider; InvalidField if it cannot be found."""
        query = " ".join(address.split()).lower()
        cached = conn.execute("SELECT lat, lon FROM geocode_cache WHERE query = %s", [query]).fetchone()
        if cached:
            return cached["lat"], cached["lon"]
        if self.service is None:
            raise InvalidField("give location {lat, lon}: geocoding is turned off (NURSE_DISPATCH_GEOCODER=none)", field)
        try:
            found = self.service.geocode(address, exactly_one=True)  # type: ignore[attr-defined]
        except GeopyError as error:
            # The address is not logged: it is patient data.
            log.warning("geocoder %s failed: %s", self.provider, type(error).__name__)
            raise InvalidField(
                f"the address could not be geocoded right now ({type(error).__name__}); try again or give location {{lat, lon}}",
                field,
            ) from None
        if found is None:
            raise InvalidField("the address could not be geocoded: no match; check it or give location {lat, lon}", field)
        conn.execute(
            "INSERT INTO geocode_cache (query, lat, lon, provider) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [query, found.latitude, found.longitude, self.provider],
        )
        return found.latitude, found.longitude
