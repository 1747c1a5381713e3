"""Settings from the environment (documented in README.md, "Configuration")."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the service reads from its environment; nothing else is configuration."""

    model_config = SettingsConfigDict(env_prefix="NURSE_DISPATCH_", frozen=True, extra="ignore")

    # DATABASE_URL is the conventional name, so it has no prefix; unset means the embedded server.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    home: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("nurse-dispatch")))
    # Signs access tokens. Unset: a random key kept in HOME/secret.key (fine for one machine; set it
    # explicitly when several replicas must accept each other's tokens).
    secret_key: str | None = None
    # An access token's lifetime; a token older than this is refused whatever its `exp` says.
    token_minutes: float = Field(default=60, gt=0)
    # A session (refresh tokens, dispatch/records/sessions.py) ends this long after the password was typed:
    # a shift and some. Within it the page gets new access tokens without asking her again.
    session_hours: float = Field(default=14, gt=0)
    # How often the nurse's page asks whether her day changed (a published roster): a short poll.
    nurse_poll_s: float = Field(default=10, gt=0)
    # Failed logins: this many for one account (known or not) within login_window_s lock that account,
    # and this many from one client address lock that address, for login_lockout_s. The address is the
    # connection's peer, or X-Forwarded-For from a proxy uvicorn trusts (FORWARDED_ALLOW_IPS).
    login_failures_per_account: int = Field(default=5, ge=1)
    login_failures_per_address: int = Field(default=50, ge=1)
    login_window_s: int = Field(default=900, ge=1)
    login_lockout_s: int = Field(default=900, ge=1)
    pool_size: int = Field(default=10, ge=1)
    # How long a request waits for a database connection before it is answered 503 (busy, or the database down).
    pool_timeout_s: float = Field(default=5.0, gt=0)
    # geopy geocoder class name (e.g. "Nominatim", "Photon"); "none" turns geocoding off.
    geocoder: str = "Nominatim"
    geocoder_domain: str | None = None
    geocoder_scheme: str = "https"
    geocoder_user_agent: str = "nurse-dispatch"
    # Run a procrastinate worker inside `serve`; default: only on the embedded database.
    embedded_worker: bool | None = None
    # Run the APScheduler of timed solves inside `serve`; default: only on the embedded database
    # (production runs `nurse-dispatch scheduler`; any number of replicas, one fires each schedule).
    embedded_scheduler: bool | None = None
    # Workers send a heartbeat this often; a worker silent for stalled_after_s is taken for dead and
    # its solve is queued again.
    worker_heartbeat_s: float = Field(default=5.0, gt=0)
    stalled_after_s: float = Field(default=30.0, gt=0)
    solve_time_limit_s: float = Field(default=30.0, gt=0)
    # A re-plan of a day under way when the request gives no limit: short, because the dispatcher is
    # waiting and re-plans converge fast (docs/BENCHMARKS.md: the same figures at 5 s as at 30 s).
    replan_time_limit_s: float = Field(default=5.0, gt=0)
    # How long a held offer keeps its nurse's time for the caller (dispatch/booking/); then it stops reserving.
    booking_hold_minutes: float = Field(default=5, gt=0)
    # Patients' own requests on the public page: at most this many an hour from one address to one region.
    booking_requests_per_hour: int = Field(default=5, ge=1)
    # The address users reach the service at (for calendar-feed links). Unset: the address the server
    # listens on (fine on one machine; behind a proxy or a domain name, set it). Never the Host header.
    public_url: str | None = None
    # Map tiles behind the console's routes (a {z}/{x}/{y} URL template); empty: no tiles, routes on a blank map.
    # The OpenStreetMap servers' usage policy suits light use only: point this at your own tile server or provider.
    tiles_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tiles_attribution: str = "© OpenStreetMap contributors"
    # Road datasets (`nurse-dispatch roads build`), one folder per dataset, named by a region's roads_dataset.
    roads_dir: Path | None = None
    # An osrm-routed server to ask instead of loading datasets in process ("{dataset}" is replaced by the region's).
    roads_url: str | None = None

    @property
    def uses_embedded_database(self) -> bool:
        return not self.database_url

    @property
    def runs_embedded_worker(self) -> bool:
        return self.uses_embedded_database if self.embedded_worker is None else self.embedded_worker

    @property
    def runs_embedded_scheduler(self) -> bool:
        return self.uses_embedded_database if self.embedded_scheduler is None else self.embedded_scheduler

    @cached_property
    def signing_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.home / "secret.key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()
