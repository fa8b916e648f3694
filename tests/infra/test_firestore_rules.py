"""firestore.rules refuses every client SDK request; only the backend reads and writes.

The local stack loads firestore.rules into the Firestore emulator. A signed-in person's
Firebase ID token, sent to Firestore's REST API the way a client SDK would, is refused;
the backend's own client (service credentials in production, "owner" on the emulator)
is not subject to the rules.
"""

from __future__ import annotations

import requests

PASSWORD = "Rahasia-Aturan-2026"


def _document_url(stack, path: str) -> str:
    return f"http://{stack.firestore}/v1/projects/{stack.project}/databases/(default)/documents/{path}"


def test_clients_are_refused_and_the_backend_is_not(stack, unique):
    from common.adapters.firestore import get_client
    from tools.client import sign_up

    nip = f"1990010120200110{unique[:2]}"
    token = sign_up(stack.auth, f"aturan.{unique}@uji.example", PASSWORD)  # any signed-in person

    backend = get_client(stack.project)
    backend.collection("employees").document(f"rules-{unique}").set({"nip": nip, "name": "Uji Aturan"})
    assert backend.collection("employees").document(f"rules-{unique}").get().to_dict()["name"] == "Uji Aturan"

    signed_in = {"Authorization": f"Bearer {token}"}
    read = requests.get(_document_url(stack, f"employees/rules-{unique}"), headers=signed_in, timeout=10)
    assert read.status_code == 403, read.text
    assert read.json()["error"]["status"] == "PERMISSION_DENIED"

    write = requests.patch(
        _document_url(stack, f"employees/rules-{unique}"),
        headers=signed_in,
        json={"fields": {"name": {"stringValue": "Diubah"}}},
        timeout=10,
    )
    assert write.status_code == 403, write.text
    listing = requests.get(_document_url(stack, "employees"), headers=signed_in, timeout=10)
    assert listing.status_code == 403, listing.text
    anonymous = requests.get(_document_url(stack, f"employees/rules-{unique}"), timeout=10)
    assert anonymous.status_code == 403, anonymous.text

    # The refused write changed nothing.
    assert backend.collection("employees").document(f"rules-{unique}").get().to_dict()["name"] == "Uji Aturan"
