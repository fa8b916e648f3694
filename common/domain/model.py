"""The base of our pydantic models.

``defer_build``: pydantic builds a model's validator and serializer when its class is defined,
which made importing a module of models cost milliseconds, paid at every cold start for every
model a function imports, whichever its request uses. Deferred, each is built on first use.
That first use may come on two threads at once (a request and the look-up it runs beside the
revocation check): pydantic serializes rebuilds with a lock since 2.14 (pydantic#13438), which
requirements.in pins; tests/unit/test_deferred_models.py checks it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
