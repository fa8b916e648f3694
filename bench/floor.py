"""The floors for the load benchmark, as functions-framework handlers beside each other.

- The bare floor (``floor_report``, ``floor_survey``): validate the same body and do one
  Firestore write, nothing else (no authentication, no transaction, no idempotency, no outbox,
  no publish).
- The necessary floor (``necessary_report``, ``necessary_survey``): exactly what a correct,
  idempotent request needs and nothing more, written straight on the client libraries: verify
  the ID token with the revocation check (report only; the survey is public), one transaction
  that reads what the request depends on in one batched read (employee, account, SKP, existing
  report, idempotency record; the survey's unit and client key) and commits the change, its
  revision or key, and the outbox event in one commit, then publish the event. It reads the
  real employees, accounts, plans and units and writes floor_* collections, so it never
  touches what ours wrote. Five round
  trips for a report (Auth, BeginTransaction, BatchGet, Commit, Publish), four for a survey.

    python -m bench.floor --port 8999     (with FIRESTORE_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT set)
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from pathlib import Path

import functions_framework

_client = None


def _firestore():
    global _client
    if _client is None:
        from google.cloud import firestore

        _client = firestore.Client(project=os.environ["GOOGLE_CLOUD_PROJECT"])
    return _client


def _reply(status: int, body: dict):
    return json.dumps(body, default=str), status, {"Content-Type": "application/json"}  # Firestore times as text


@functions_framework.http
def floor_report(request):
    from functions.api_reports import SubmitReportBody

    try:
        body = SubmitReportBody.model_validate_json(request.get_data())
    except Exception as error:  # the floor only needs to refuse bad bodies, not explain them
        return _reply(422, {"error": str(error)[:200]})
    doc_id = uuid.uuid4().hex
    _firestore().collection("floor_reports").document(doc_id).set(body.model_dump(mode="json"))
    return _reply(201, {"id": doc_id})


@functions_framework.http
def floor_survey(request):
    from common.domain.survey import SurveySubmission

    try:
        body = SurveySubmission.model_validate_json(request.get_data())
    except Exception as error:
        return _reply(422, {"error": str(error)[:200]})
    doc_id = uuid.uuid4().hex
    _firestore().collection("floor_surveys").document(doc_id).set(body.model_dump(mode="json"))
    return _reply(201, {"receipt": doc_id})


_publisher = None


def _publish(topic: str, data: bytes) -> None:
    global _publisher
    if _publisher is None:
        from google.cloud import pubsub_v1

        _publisher = pubsub_v1.PublisherClient()
    # One Publish, waited for, as ours sends it: not the client's batching, which holds a message 10 ms for others.
    from google.pubsub_v1 import PublisherClient as Rpc
    from google.pubsub_v1 import PubsubMessage

    Rpc.publish(_publisher, topic=f"projects/{os.environ['GOOGLE_CLOUD_PROJECT']}/topics/{topic}", messages=[PubsubMessage(data=data)], timeout=10)


def _bearer_claims(request) -> dict | None:
    import firebase_admin
    from firebase_admin import auth

    try:
        app = firebase_admin.get_app()
    except ValueError:
        app = firebase_admin.initialize_app(options={"projectId": os.environ["GOOGLE_CLOUD_PROJECT"]})
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        return auth.verify_id_token(token.strip(), app=app, check_revoked=True) if scheme.lower() == "bearer" else None
    except (ValueError, auth.InvalidIdTokenError, auth.UserDisabledError, auth.UserNotFoundError):
        return None


@functions_framework.http
def necessary_report(request):
    import hashlib

    from google.cloud import firestore

    from functions.api_reports import SubmitReportBody

    claims = _bearer_claims(request)
    if claims is None or not isinstance(claims.get("nip"), str):
        return _reply(401, {"error": "unauthenticated"})
    try:
        body = SubmitReportBody.model_validate_json(request.get_data())
    except Exception as error:
        return _reply(422, {"error": str(error)[:200]})
    nip, db = claims["nip"], _firestore()
    key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
    record_id = hashlib.sha256(f"submit_report\n{claims['uid']}\n{key}".encode()).hexdigest()
    refs = [db.document(p) for p in (f"employees/{nip}", f"accounts/{nip}", f"skp_plans/{nip}_{body.period[:4]}",
                                     f"floor_reports/{nip}_{body.period}", f"floor_idempotency/{record_id}")]
    event_id = uuid.uuid4().hex

    @firestore.transactional
    def work(tx):
        found = {s.reference.path: s.to_dict() for s in db.get_all(refs, transaction=tx) if s.exists}
        employee, account, existing, record = (found.get(r.path) for r in (refs[0], refs[1], refs[3], refs[4]))
        if employee is None or account is None or account.get("uid") != claims["uid"]:
            return 403, None
        if record is not None:
            return 200, record["result"]
        revision = (existing or {}).get("revision", 0) + 1
        report = {**body.model_dump(mode="json"), "nip": nip, "revision": revision, "status": "submitted"}
        tx.set(refs[3], report)
        tx.set(refs[3].collection("revisions").document(str(revision)), report)
        tx.set(refs[4], {"result": {"id": refs[3].id, "revision": revision}})
        tx.set(db.document(f"floor_outbox/{event_id}"), {"type": "report.submitted", "report_id": refs[3].id, "pending": True})
        return 201, {"id": refs[3].id, "revision": revision}

    status, result = work(db.transaction())
    if status == 201:
        _publish("floor-report-submitted", event_id.encode())
    return _reply(status, {"result": result})


@functions_framework.http
def necessary_survey(request):
    import hashlib

    from google.cloud import firestore

    from common.domain.survey import SurveySubmission

    try:
        body = SurveySubmission.model_validate_json(request.get_data())
    except Exception as error:
        return _reply(422, {"error": str(error)[:200]})
    db = _firestore()
    key_id = hashlib.sha256(("survey-floor\n" + (body.client_key or uuid.uuid4().hex)).encode()).hexdigest()
    key_ref = db.document(f"floor_survey_keys/{key_id}")
    refs = [db.document(f"units/{body.unit_id}"), key_ref]
    receipt = uuid.uuid4().hex

    @firestore.transactional
    def work(tx):
        found = {s.reference.path: s.to_dict() for s in db.get_all(refs, transaction=tx) if s.exists}
        if refs[0].path not in found:
            return 404, None
        if key_ref.path in found:
            return 200, found[key_ref.path]["receipt"]
        tx.create(db.document(f"floor_surveys/{receipt}"), body.model_dump(mode="json"))
        tx.set(key_ref, {"receipt": receipt})
        tx.set(db.document(f"floor_outbox/{receipt}"), {"type": "survey.submitted", "unit_id": body.unit_id, "pending": True})
        return 201, receipt

    status, result = work(db.transaction())
    if status == 201:
        _publish("floor-survey-submitted", result.encode())
    return _reply(status, {"receipt": result})


def _performance_reads(nip: str, year: int) -> dict:
    """The e-performance read's documents: the employee and account, the SKP, the annual record,
    the twelve months' reports and results in one batched read, beside the year's trainings."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from common.adapters import beside as pool  # a thread pool like any other (and the round-trip count sees it)

    db = _firestore()
    periods = [f"{year}-{m:02d}" for m in range(1, 13)]
    refs = [db.document(p) for p in (f"employees/{nip}", f"accounts/{nip}", f"skp_plans/{nip}_{year}", f"annual_results/{nip}_{year}",
                                     *(f"reports/{nip}_{m}" for m in periods), *(f"results/{nip}_{m}" for m in periods))]
    query = db.collection("trainings").where(filter=FieldFilter("nip", "in", [nip])).where(filter=FieldFilter("year", "==", year))
    trainings = pool.beside(lambda: [d.to_dict() for d in query.stream()])
    documents = {s.reference.path: s.to_dict() for s in db.get_all(refs) if s.exists}
    return {"documents": documents, "trainings": trainings.result()}



@functions_framework.http
def floor_performance(request):
    """The bare e-performance read: the same documents for the NIP asked, no token."""
    year = int(request.args.get("year", "2000"))
    return _reply(200, _performance_reads(request.args.get("nip", ""), year))


@functions_framework.http
def necessary_performance(request):
    """The token with the revocation check, then the same reads, as the signed-in ASN's."""
    claims = _bearer_claims(request)
    if claims is None or not isinstance(claims.get("nip"), str):
        return _reply(401, {"error": "unauthenticated"})
    return _reply(200, _performance_reads(claims["nip"], int(request.args.get("year", "2000"))))


ROUTES = {"/report": "floor_report", "/survey": "floor_survey", "/necessary/report": "necessary_report", "/necessary/survey": "necessary_survey",
          "/performance": "floor_performance", "/necessary/performance": "necessary_performance"}


def main() -> None:
    from werkzeug.serving import make_server

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, help="serve with functions-framework's gunicorn, one thread per worker (as production)")
    args = parser.parse_args()
    source = str(Path(__file__).resolve())
    apps = {name: functions_framework.create_app(target=name, source=source, signature_type="http") for name in ROUTES.values()}

    def dispatch(environ, start_response):
        return apps[ROUTES.get(environ.get("PATH_INFO", ""), "floor_survey")](environ, start_response)

    if args.workers:
        from functions_framework._http.gunicorn import GunicornApplication

        GunicornApplication(dispatch, "127.0.0.1", args.port, False, workers=args.workers, threads=1).run()
    else:
        make_server("127.0.0.1", args.port, dispatch, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
