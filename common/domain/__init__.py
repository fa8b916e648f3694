"""The pure domain: pydantic models and functions, no I/O. Terms as in DOMAIN.md."""
