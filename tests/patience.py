"""What a well-behaved client does with a 503: wait as Retry-After says, and ask again.

The emulators serve the whole suite at once; a heavy read (a year's SKM is some seventy counts)
can time out there and answer 503, which by our contract means "nothing was done, try again".
Only a 503 is retried, a few times: any other answer, and a 503 that persists, reach the test.
"""

from __future__ import annotations

import time
from typing import Callable

import requests

TRIES = 4
LONGEST_WAIT = 5.0


def patiently(call: Callable[[], requests.Response], tries: int = TRIES) -> requests.Response:
    answer = call()
    for _ in range(tries - 1):
        if answer.status_code != 503:
            break
        time.sleep(min(LONGEST_WAIT, float(answer.headers.get("Retry-After", "1"))))
        answer = call()
    return answer
