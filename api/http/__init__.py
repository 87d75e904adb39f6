"""The HTTP door: the FastAPI application, its dependencies, errors, security, routers and views."""
