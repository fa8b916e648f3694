"""The local stack's event consumers, taken out of a measurement.

On the stack every consumer (notify_events, survey_events, deliver_notifications, ...) runs in
the one gateway process, on the same two cores as the function being measured and as the
emulators; in production each runs on its own instances. Left attached, a request's consumers
would slow its own next requests, and the floors measured after it, by work the request does
not do. Their push subscriptions are deleted, found by push endpoint (their names have changed
before, and a name filter that matched nothing let them run through a measurement); the pull
subscriptions (the outbox relay's receipts) stay.
"""

from __future__ import annotations


def detach(project: str, endpoints: frozenset[str] | None = None) -> list[str]:
    """Delete the push subscriptions to ``endpoints`` (function ids or names; all of them when
    None) and return their names. Refuses to return empty: a measurement must not believe the
    consumers were out when none was found."""
    from google.cloud import pubsub_v1

    subscriber = pubsub_v1.SubscriberClient()
    detached = []
    for subscription in subscriber.list_subscriptions(request={"project": f"projects/{project}"}):
        endpoint = subscription.push_config.push_endpoint.rstrip("/").rsplit("/", 1)[-1]
        if endpoint and (endpoints is None or endpoint in endpoints):
            subscriber.delete_subscription(subscription=subscription.name)
            detached.append(subscription.name.rsplit("/", 1)[1])
    if not detached:
        raise SystemExit("found no consumer's push subscription to detach: the measurement would include them")
    return detached
