"""Cloud Storage: the evidence bucket and its V4 signed URLs (google-cloud-storage).

Signing needs a private key, which a Cloud Function does not have: in production the URL is
signed by IAM (``iam.serviceAccounts.signBlob``) as ``evidence_signer_email``, the function's
own service account, which holds roles/iam.serviceAccountTokenCreator on itself only. The
local stack has no IAM: it writes a throwaway key (``evidence_signing_key_file``) and signs
with that; the URL has the same form. With ``STORAGE_EMULATOR_HOST`` set, the client talks to
the emulator and URLs point at it.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from typing import Any

from common.services.ports import UploadTarget
from common.settings import Settings

_client: Any = None
_lock = threading.Lock()


def get_client(project_id: str) -> Any:
    """One client per process, created on first use (imported lazily: cold start)."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                import google.cloud.storage as storage

                _client = storage.Client(project=project_id)
    return _client


class GcsEvidenceStore:
    def __init__(self, settings: Settings, client: Any | None = None) -> None:
        if not settings.evidence_bucket:
            raise RuntimeError("invalid configuration: PANTAU_EVIDENCE_BUCKET is not set")
        self.settings = settings
        self.client = client or get_client(settings.project_id)
        self.bucket = self.client.bucket(settings.evidence_bucket)
        emulator = os.environ.get("STORAGE_EMULATOR_HOST", "").rstrip("/")
        self.endpoint = (emulator if emulator.startswith("http") else f"http://{emulator}") if emulator else "https://storage.googleapis.com"
        self._key_credentials: Any = None
        self._iam_credentials: Any = None

    # -- signing -----------------------------------------------------------------------------
    def _signing(self) -> dict[str, Any]:
        if self.settings.evidence_signing_key_file:
            if self._key_credentials is None:
                from google.oauth2 import service_account

                self._key_credentials = service_account.Credentials.from_service_account_file(self.settings.evidence_signing_key_file)
            return {"credentials": self._key_credentials}
        if not self.settings.evidence_signer_email:
            raise RuntimeError("invalid configuration: set PANTAU_EVIDENCE_SIGNER_EMAIL (IAM signBlob) to sign evidence URLs")
        import google.auth
        from google.auth.transport.requests import Request

        with _lock:
            if self._iam_credentials is None:
                self._iam_credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
            if not self._iam_credentials.valid:
                self._iam_credentials.refresh(Request())
            token = self._iam_credentials.token
        # With an access token and an e-mail, the library signs through the IAM Credentials API.
        return {"service_account_email": self.settings.evidence_signer_email, "access_token": token}

    def upload_target(self, object_name: str, content_type: str, max_size: int, expires_at: datetime) -> UploadTarget:
        headers = {
            "Content-Type": content_type,
            "x-goog-content-length-range": f"0,{max_size}",  # Cloud Storage refuses a larger body
            "x-goog-if-generation-match": "0",  # creates the object; never replaces a checked one
        }
        url = self.bucket.blob(object_name).generate_signed_url(
            version="v4", expiration=expires_at, method="PUT", content_type=content_type,
            headers={k: v for k, v in headers.items() if k != "Content-Type"}, api_access_endpoint=self.endpoint, **self._signing(),
        )
        return UploadTarget(url=url, method="PUT", headers=headers)

    def download_url(self, object_name: str, filename: str, content_type: str, expires_at: datetime) -> str:
        return self.bucket.blob(object_name).generate_signed_url(
            version="v4", expiration=expires_at, method="GET", api_access_endpoint=self.endpoint,
            response_disposition=f'attachment; filename="{filename}"', response_type=content_type, **self._signing(),
        )

    # -- objects -----------------------------------------------------------------------------
    def read(self, object_name: str, generation: int, limit: int) -> bytes | None:
        from google.api_core.exceptions import NotFound

        try:
            return self.bucket.blob(object_name, generation=generation).download_as_bytes(
                start=0, end=limit - 1, raw_download=True, checksum=None, timeout=60,
            )
        except NotFound:
            return None

    def replace(self, object_name: str, data: bytes, content_type: str, if_generation: int) -> int | None:
        from google.api_core.exceptions import NotFound, PreconditionFailed

        blob = self.bucket.blob(object_name)
        try:
            blob.upload_from_string(data, content_type=content_type, if_generation_match=if_generation, timeout=60)
        except (PreconditionFailed, NotFound):
            return None
        return int(blob.generation)

    def delete(self, object_name: str, generation: int | None = None) -> None:
        from google.api_core.exceptions import NotFound, PreconditionFailed

        try:
            self.bucket.delete_blob(object_name, if_generation_match=generation, timeout=30)
        except (NotFound, PreconditionFailed):
            pass  # gone already, or replaced by a newer upload that has its own check
