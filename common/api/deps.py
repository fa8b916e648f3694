"""The adapters an HTTP entrypoint uses, built once per process and only when first needed."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any, Callable

from common.domain.clock import utcnow
from common.settings import Settings, get_settings


class Deps:
    """Production wiring. Tests pass their own object with the same attributes."""

    def __init__(self, settings: Settings | None = None, now: Callable[[], datetime] | None = None) -> None:
        self._settings = settings
        self._now = now

    def now(self) -> datetime:
        """The process's one clock (tests may pass their own)."""
        if self._now is not None:
            return self._now()
        _ = self.settings  # loading the settings installs the clock they configure
        return utcnow()

    @cached_property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    @cached_property
    def uow(self) -> Any:
        from common.adapters.firestore import FirestoreUnitOfWork, get_client

        # Publishes what a transaction emitted once it commits; Pub/Sub's client is made on first publish.
        return FirestoreUnitOfWork(get_client(self.settings.project_id), publisher=lambda: self.publisher, now=self.now)

    @cached_property
    def publisher(self) -> Any:
        from common.adapters.pubsub import PubSubPublisher

        return PubSubPublisher(self.settings)

    @cached_property
    def verifier(self) -> Any:
        from common.adapters.firebase_auth import FirebaseTokenVerifier

        return FirebaseTokenVerifier(self.settings)

    @cached_property
    def accounts(self) -> Any:
        from common.adapters.firebase_auth import FirebaseAccounts

        return FirebaseAccounts(self.settings)

    @cached_property
    def storage(self) -> Any:
        from common.adapters.storage import GcsEvidenceStore

        return GcsEvidenceStore(self.settings)
