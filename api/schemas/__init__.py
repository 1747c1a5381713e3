"""Request and response bodies, one module per router (the OpenAPI document is generated from these)."""
