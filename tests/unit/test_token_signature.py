"""The production verification path: signatures against Google's keys.

The Auth emulator cannot sign tokens, so this one path is checked with our own
RSA key standing in for Google's: only the download of Google's public
certificates is mocked (an edge that cannot run here).
"""

from __future__ import annotations

import datetime as dt
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from common.adapters.firebase_auth import FirebaseTokenVerifier
from common.services.ports import TokenRejected
from common.settings import Settings

PROJECT = "pantau-prod-test"


def _key_and_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
    now = dt.datetime.now(dt.timezone.utc)  # noqa: TID251 - google-auth checks the certificate against the real time
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM).decode()


GOOGLE_KEY, GOOGLE_CERT = _key_and_cert()
ATTACKER_KEY, _ = _key_and_cert()


def token(key=GOOGLE_KEY, kid="google-key-1", **overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "auth_time": now - 60,
        "user_id": "uid-1",
        "sub": "uid-1",
        "iat": now - 60,
        "exp": now + 3600,
        "role": "asn",
        "nip": "198507142010011003",
        "unit": "kel-belawan-1",
        **overrides,
    }
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})


class Account:
    """What Firebase Auth answers about the token's account (its revocation check reads it)."""

    disabled = False
    tokens_valid_after_timestamp = 0  # milliseconds


@pytest.fixture
def account():
    return Account()


@pytest.fixture
def verifier(monkeypatch, mocker, account):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    mocker.patch("google.oauth2.id_token._fetch_certs", return_value={"google-key-1": GOOGLE_CERT})
    # The revocation check reads the account from Google's Auth API, out of reach here.
    mocker.patch("firebase_admin._auth_client.Client.get_user", return_value=account)
    # The function's service-account credentials come from the metadata server, absent here.
    from google.auth.credentials import AnonymousCredentials

    mocker.patch("google.auth.default", return_value=(AnonymousCredentials(), PROJECT))
    import firebase_admin

    for app in list(firebase_admin._apps.values()):
        firebase_admin.delete_app(app)
    yield FirebaseTokenVerifier(Settings(project_id=PROJECT))
    for app in list(firebase_admin._apps.values()):
        firebase_admin.delete_app(app)


def test_a_token_signed_by_google_is_accepted(verifier):
    caller = verifier.verify(token())
    assert (caller.uid, caller.nip, caller.role) == ("uid-1", "198507142010011003", "asn")


def test_a_token_signed_by_anyone_else_is_refused(verifier):
    with pytest.raises(TokenRejected) as rejected:
        verifier.verify(token(key=ATTACKER_KEY))
    assert rejected.value.code == "token_invalid"


def test_claims_edited_after_signing_are_refused(verifier):
    header, payload, signature = token().split(".")
    forged_payload = token(role="admin").split(".")[1]
    with pytest.raises(TokenRejected):
        verifier.verify(f"{header}.{forged_payload}.{signature}")


def test_an_expired_token_is_refused_as_expired(verifier):
    with pytest.raises(TokenRejected) as rejected:
        verifier.verify(token(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600))
    assert rejected.value.code == "token_expired"


def test_a_token_for_another_project_is_refused(verifier):
    with pytest.raises(TokenRejected):
        verifier.verify(token(aud="another-project", iss="https://securetoken.google.com/another-project"))


def test_a_revoked_token_and_a_disabled_account_are_refused(verifier, account):
    account.tokens_valid_after_timestamp = int(time.time()) * 1000  # sessions revoked after the token was issued
    with pytest.raises(TokenRejected) as revoked:
        verifier.verify(token())
    assert revoked.value.code == "token_revoked"
    account.tokens_valid_after_timestamp = 0
    account.disabled = True
    with pytest.raises(TokenRejected) as disabled:
        verifier.verify(token())
    assert disabled.value.code == "account_disabled"


def test_an_unsigned_token_is_refused_in_production(verifier):
    unsigned = jwt.encode({"sub": "uid-1", "aud": PROJECT}, key=None, algorithm="none")
    with pytest.raises(TokenRejected):
        verifier.verify(unsigned)


# verify_with: who is asking is read beside the revocation check, never for a forged token,
# and never answered for a refused one.


def test_the_lookup_runs_beside_the_revocation_check_and_its_answer_is_returned(verifier):
    identity, found = verifier.verify_with(token(), lambda who: f"record of {who.nip}")
    assert (identity.uid, found) == ("uid-1", "record of 198507142010011003")


def test_a_forged_token_is_refused_before_anything_is_read(verifier):
    looked_up = []
    with pytest.raises(TokenRejected) as refused:
        verifier.verify_with(token(key=ATTACKER_KEY), looked_up.append)
    assert refused.value.code == "token_invalid"
    assert looked_up == []


def test_a_revoked_token_is_refused_whatever_the_lookup_found(verifier, account):
    account.tokens_valid_after_timestamp = int(time.time()) * 1000
    with pytest.raises(TokenRejected) as revoked:
        verifier.verify_with(token(), lambda who: "an employee record")
    assert revoked.value.code == "token_revoked"
    account.tokens_valid_after_timestamp, account.disabled = 0, True
    with pytest.raises(TokenRejected) as disabled:
        verifier.verify_with(token(), lambda who: 1 / 0)  # the check's answer wins over the lookup's failure
    assert disabled.value.code == "account_disabled"


def test_what_the_lookup_raises_reaches_the_caller_once_the_token_passed(verifier):
    def missing(who):
        raise LookupError(who.nip)

    with pytest.raises(LookupError, match="198507142010011003"):
        verifier.verify_with(token(), missing)
