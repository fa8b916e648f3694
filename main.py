"""Cloud Functions entry module: every function is deployed from this file.

Each deployed function names its entry point (``api_reports``, ...). The
attribute is resolved lazily (PEP 562), so a function instance imports only
its own module and pays only for its own dependencies at cold start.
"""

from importlib import import_module

from functions.catalog import BY_NAME


def __getattr__(name: str):
    function = BY_NAME.get(name)
    if function is None:
        raise AttributeError(name)
    return getattr(import_module(function.module), name)


def __dir__():
    return sorted(BY_NAME)
