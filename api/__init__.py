"""The HTTP API (FastAPI, under /v1): thin routers over dispatch/."""
