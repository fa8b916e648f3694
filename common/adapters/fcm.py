"""Push to the app through Firebase Cloud Messaging (firebase-admin).

The payload carries only a title and a pointer into the app: the body and any
personal data stay in the inbox, behind sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.settings import Settings


@dataclass
class PushOutcome:
    sent: int
    invalid_tokens: list[str]  # FCM says these no longer exist: remove them
    errors: list[str]  # other failures, worth retrying


class FcmSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return self.settings.push_enabled

    def send(self, tokens: list[str], title: str, link: str, notification_id: str) -> PushOutcome:
        """``tokens`` are Firebase installation ids (``fid:...``) or legacy registration tokens."""
        from firebase_admin import exceptions, messaging

        from .firebase_auth import _app

        def address(value: str) -> dict[str, str]:
            # The app registers its Firebase installation id; older installs send a registration token.
            return {"fid": value[4:]} if value.startswith("fid:") else {"token": value}

        messages = [
            messaging.Message(
                notification=messaging.Notification(title=title),
                data={"link": link, "notification_id": notification_id},
                android=messaging.AndroidConfig(collapse_key=notification_id[:64], priority="normal"),
                **address(token),
            )
            for token in tokens
        ]
        response = messaging.send_each(messages, app=_app(self.settings))
        invalid, errors = [], []
        for token, result in zip(tokens, response.responses):
            if result.success:
                continue
            error = result.exception
            if isinstance(error, (messaging.UnregisteredError, messaging.SenderIdMismatchError)) or (
                isinstance(error, exceptions.InvalidArgumentError) and "token" in str(error).lower()
            ):
                invalid.append(token)
            else:
                errors.append(f"{type(error).__name__}: {error}")
        return PushOutcome(sent=response.success_count, invalid_tokens=invalid, errors=errors)
