"""Schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

Two things the OpenAPI document states but cannot make a generator produce:
- `cursor` is opaque: only a `nextCursor` the API returned is one, and any other string is
  refused with 400 by design. Positive cases leave it out; negative ones keep it.
- Slack signs its requests. The documented examples of /slack/* are signed as Slack would, with
  the stack's demo secret, so the commands behind the signature are reached too; every other
  case is refused with 401, as documented.
"""

import hashlib
import hmac
import os
import time
from urllib.parse import urlencode

import schemathesis

SLACK_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "local-demo-slack-signing-secret")


def _positive(case) -> bool:
    """A case meant to be valid in every part (a negative one keeps what makes it invalid)."""
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive:
        return False
    return not any(component.mode.is_negative for component in meta.components.values())


def _documented_example(case) -> bool:
    """A case built from the document's own examples (the only phase whose cases are never
    re-used as the base of a negative one, so signing them cannot make a negative case valid)."""
    meta = getattr(case, "meta", None)
    return meta is not None and str(meta.phase.name).lower().endswith("examples") and _positive(case)


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not _positive(case):
        return
    if isinstance(case.query, dict):
        case.query.pop("cursor", None)
    if case.operation.path.startswith("/slack/") and _documented_example(case) and isinstance(case.body, dict):
        if all(isinstance(v, str) for v in case.body.values()):
            # Sent as this exact string, so the signature covers the very bytes Slack would.
            body = urlencode(case.body)
            case.body = body
            stamp = str(int(time.time()))
            digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
            case.headers = dict(case.headers or {})
            case.headers["X-Slack-Request-Timestamp"] = stamp
            case.headers["X-Slack-Signature"] = "v0=" + digest.hexdigest()
