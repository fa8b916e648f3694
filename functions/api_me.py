"""HTTP: the signed-in ASN's own e-performance view."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.clock import WIB
from common.domain.model import Model
from common.domain.performance import PerformanceView
from common.services import inbox
from common.services.paging import CursorParam
from common.services.performance import my_performance
from common.services.trainings import TrainingList, my_trainings


class PerformanceQuery(Model):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100, description="defaults to the current year (WIB)")


class InboxQuery(Model):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: CursorParam = None


class ReadAll(Model):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] | None = Field(default=None, max_length=200, description="omit to mark everything read")


def notifications(call: Call) -> inbox.InboxPage:
    return inbox.inbox(call.deps.uow, call.caller, call.query.limit, call.query.cursor)


def read_one(call: Call) -> inbox.ReadResult:
    return inbox.mark_read(call.deps.uow, call.caller, [call.path["notification_id"]], call.deps.now(), one=True)


def read_many(call: Call) -> inbox.ReadResult:
    return inbox.mark_read(call.deps.uow, call.caller, call.body.ids, call.deps.now())


def get_preferences(call: Call) -> inbox.PreferencesView:
    return inbox.preferences(call.deps.uow, call.caller)


def put_preferences(call: Call) -> inbox.PreferencesView:
    return inbox.set_preferences(call.deps.uow, call.caller, call.body)


def add_device(call: Call) -> Reply:
    return Reply(inbox.register_device(call.deps.uow, call.caller, call.body, call.deps.now()), 201)


def remove_device(call: Call) -> Reply:
    inbox.unregister_device(call.deps.uow, call.caller, call.path["device_id"])
    return Reply(None, 204)


def trainings(call: Call) -> TrainingList:
    year = call.query.year or call.deps.now().astimezone(WIB).year
    return my_trainings(call.deps.uow, call.caller, year, call.deps.settings.finding_rule)


def performance(call: Call) -> PerformanceView:
    now = call.deps.now()
    year = call.query.year or now.astimezone(WIB).year
    from common.api.messages import with_reasons

    view = my_performance(call.deps.uow, call.deps.settings, call.caller, year, now)
    return view.model_copy(update={"months": [with_reasons(m, call.lang) for m in view.months]})


api = Api(
    "api_me",
    [
        Route(
            "GET", "/api/me/performance", performance, "My e-performance view", operation_id="getMyPerformance", etag=True,
            query=PerformanceQuery, response=PerformanceView, errors=(401, 403, 422), tags=("me",),
            description="SKP indicators with capaian per month and to date, each month's report state, "
            "the feedback received, the predikat and its reasons once the monthly scoring has run, and the JP "
            "of training this year.",
        ),
        Route(
            "GET", "/api/me/notifications", notifications, "My notifications",
            operation_id="listMyNotifications", etag=True, query=InboxQuery, response=inbox.InboxPage,
            errors=(401, 403, 422), tags=("me",), description="Newest first, a page at a time, with the unread count.",
        ),
        Route(
            "POST", "/api/me/notifications/{notification_id}/read", read_one, "Mark a notification read",
            operation_id="markNotificationRead",
            response=inbox.ReadResult, errors=(401, 403, 404), tags=("me",),
        ),
        Route(
            "POST", "/api/me/notifications/read", read_many, "Mark notifications read",
            operation_id="markNotificationsRead", body=ReadAll, response=inbox.ReadResult,
            errors=(400, 401, 403, 413, 415, 422), tags=("me",), description="The given ids, or every unread one.",
        ),
        Route(
            "GET", "/api/me/preferences", get_preferences, "My notification preferences",
            operation_id="getMyPreferences", response=inbox.PreferencesView,
            errors=(401, 403), tags=("me",),
            description="Language, opted-out channels, and per kind whether push and e-mail come at once or in a daily "
            "digest, with my role's defaults. E-mails link here (List-Unsubscribe).",
        ),
        Route(
            "PUT", "/api/me/preferences", put_preferences, "Set my notification preferences",
            operation_id="setMyPreferences", body=inbox.Preferences,
            response=inbox.PreferencesView, errors=(400, 401, 403, 413, 415, 422), tags=("me",),
            description="Language, the channels (push, email) to opt out of, and per kind immediate or daily (modes; "
            "empty follows the role's default). Mandatory notifications still arrive; the inbox cannot be turned off; "
            "investigations always come at once.",
        ),
        Route(
            "POST", "/api/me/devices", add_device, "Register this app install for push",
            operation_id="registerDevice", body=inbox.DeviceRegistration,
            response=inbox.Device, status=201, errors=(400, 401, 403, 413, 415, 422), tags=("me",),
            description="Registering the same token again updates it. Tokens FCM reports as invalid are removed.",
        ),
        Route(
            "DELETE", "/api/me/devices/{device_id}", remove_device, "Stop push to an app install", operation_id="unregisterDevice",
            status=204, errors=(401, 403, 404), tags=("me",),
        ),
        Route(
            "GET", "/api/me/trainings", trainings, "My training records",
            operation_id="listMyTrainings", query=PerformanceQuery, response=TrainingList,
            errors=(401, 403, 422), tags=("me",),
            description="The year's trainings and their JP against what applies to my status: a PNS is entitled to at least 20 JP "
            "(PP 11/2017); a PPPK's development is at most 24 JP (PP 49/2018 art. 40), with no minimum.",
        ),
    ],
)


@functions_framework.http
def api_me(request):
    return api.handle(request)
