"""The floor for the load benchmark: bare functions-framework handlers that validate the same
bodies as report submission and survey intake and do one Firestore write each, nothing else
(no authentication, no transaction, no idempotency, no outbox, no publish).

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
    return json.dumps(body), status, {"Content-Type": "application/json"}


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


def main() -> None:
    from werkzeug.serving import make_server

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    source = str(Path(__file__).resolve())
    apps = {name: functions_framework.create_app(target=name, source=source, signature_type="http") for name in ("floor_report", "floor_survey")}

    def dispatch(environ, start_response):
        name = "floor_report" if environ.get("PATH_INFO", "").startswith("/report") else "floor_survey"
        return apps[name](environ, start_response)

    make_server("127.0.0.1", args.port, dispatch, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
