"""Requests functions-framework's router refuses still get our JSON error shape, and the hook that
makes it so touches only the app being built (CI once failed 81 tests: an app built earlier in
the same process had served, and every later Api tried to register on it)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter: a function module imports once per process, so only there does building
# its app run the registration this test is about.
SCRIPT = """
import json, functions_framework
from common.api.http import Api
app = functions_framework.create_app(target="api_me", source="main.py", signature_type="http")
refused = app.test_client().get("/api/me/x%0Ay", headers={"Accept-Language": "en"})
import functions.api_me as module
Api(module.api.name, module.api.routes)  # after the app served: must leave it alone
again = app.test_client().get("/api/me/x%0Ay")
print(json.dumps({"status": refused.status_code, "type": refused.mimetype, "body": refused.get_json(), "again": again.status_code}))
"""


def test_a_path_the_router_refuses_is_our_json_404_and_later_apis_leave_the_served_app_alone():
    env = {**os.environ, "GOOGLE_CLOUD_PROJECT": "demo-unit"}  # a function refuses to start unconfigured
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert (seen["status"], seen["type"], seen["again"]) == (404, "application/json", 404)
    error = seen["body"]["error"]
    assert error["code"] == "not_found" and error["request_id"] and error["message"] != "", seen
