"""Use cases. Each takes its adapters as arguments and returns domain results."""
