"""Cloud Function entrypoints, one small module each. See catalog.py for the list."""
