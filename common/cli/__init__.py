"""The admin command line: ``python -m common.cli --help``."""
