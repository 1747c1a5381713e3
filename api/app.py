"""The FastAPI application: start-up (database, migrations, pool, job queue, in-process worker) and routers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio.to_thread
from fastapi import FastAPI

from api import console, docs_page, openapi_document, problems
from api.deps import Services
from api.request_body import BODY_SECONDS, MAX_BODY_BYTES, RequestBody
from api.request_log import RequestLog
from api.routes import (
    audit,
    auth,
    booking,
    courses,
    durations,
    evaluations,
    health,
    me,
    metrics,
    nurses,
    patients,
    plans,
    regions,
    replanning,
    rosters,
    schedules,
    services,
    users,
    visits,
    vocabulary,
)
from api.security_headers import SecurityHeaders
from api.text_gate import TextGate
from dispatch.jobs.cron import start_scheduler
from dispatch.jobs.queue import WorkerHealth, job_app, run_worker
from dispatch.platform.db.migrate import upgrade
from dispatch.platform.db.pool import open_pool
from dispatch.platform.db.server import database_url
from dispatch.platform.geocoding import Geocoder
from dispatch.platform.metrics import ServiceMetrics
from dispatch.platform.settings import Settings
from dispatch.records.visits import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

log = logging.getLogger(__name__)

DESCRIPTION = f"""Dispatch and route scheduling for at-home IV therapy.

Dispatchers keep nurses, patients and visits, ask for a roster (a solve job), review, adjust and publish
it. Nurses read their own itinerary and subscribe to a private calendar feed. Log in at `/v1/auth/token`
(OAuth2 password flow). Errors are RFC 9457 `application/problem+json` with the `field` at fault.

A request body may be at most {MAX_BODY_BYTES >> 20} MiB ({MAX_IMPORT_BYTES >> 20} MiB for a CSV import, at most
{MAX_IMPORT_ROWS} rows); a larger one is refused with 413. The whole body must arrive within {BODY_SECONDS:.0f} s,
or the request is refused with 408.
"""


# Worker threads of the request handlers: room for every request waiting for a connection and the ones holding one.
THREADS = 200


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service_metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A request's database connection is taken in a worker thread (api.deps.connection) and its handler runs in
        # another: with anyio's 40 threads all waiting for a connection, the requests holding the pool's connections
        # had no thread to go on with, and every one waited for the pool's timeout (50 callers at once: 503s after 5 s).
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        url = await asyncio.to_thread(database_url, settings)
        await asyncio.to_thread(upgrade, url)
        pool = await asyncio.to_thread(open_pool, url, settings.pool_size, settings.pool_timeout_s)
        service_metrics.watch(pool)
        jobs = job_app(url, settings.pool_timeout_s)
        await jobs.open_async()
        health = WorkerHealth("in-process") if settings.runs_embedded_worker else None
        app.state.services = Services(settings, pool, jobs, Geocoder.from_settings(settings), health)
        worker = None
        if health is not None:
            log.info("running an in-process solve worker")
            worker = asyncio.create_task(
                run_worker(
                    jobs,
                    pool,
                    health.name,
                    settings.worker_heartbeat_s,
                    settings.stalled_after_s,
                    install_signal_handlers=False,
                    health=health,
                )
            )
        scheduler = None
        if settings.runs_embedded_scheduler:
            log.info("running an in-process scheduler")
            scheduler = await asyncio.to_thread(start_scheduler, url, pool)
        try:
            yield
        finally:
            if scheduler is not None:
                await asyncio.to_thread(scheduler.shutdown)
            if worker is not None:
                worker.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await worker
            service_metrics.unwatch()
            await jobs.close_async()
            await asyncio.to_thread(pool.close)

    # /docs is served from the Swagger UI the console ships (api/docs_page.py), not FastAPI's CDN page.
    app = FastAPI(title="Nurse Dispatch", version="1", description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.metrics = service_metrics
    problems.install(app)
    docs_page.install(app)
    openapi_document.install(app)
    app.add_middleware(TextGate)  # checks the text of a body RequestBody has already bounded in size and time
    app.add_middleware(RequestBody)  # inside RequestLog, so a 408 or 413 is logged too
    app.add_middleware(RequestLog, latency=service_metrics.request_seconds)
    app.add_middleware(SecurityHeaders)
    for router in (
        auth.router,
        users.router,
        regions.router,
        nurses.router,
        patients.router,
        evaluations.router,
        services.router,
        visits.router,
        booking.router,
        courses.router,
        plans.router,
        rosters.router,
        replanning.router,
        schedules.router,
        me.router,
        durations.router,
        audit.router,
        vocabulary.router,
        health.router,
        metrics.router,
    ):
        app.include_router(router)
    console.install(app, settings)
    return app
