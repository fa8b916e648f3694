"""Shared code of the Pantau Kinerja Belawan backend: domain, services, adapters, API plumbing."""
