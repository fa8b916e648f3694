"""Local development tooling: the stack, the gateway, demo data. Not deployed."""
