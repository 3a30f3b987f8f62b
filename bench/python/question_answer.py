"""question-answer, Python baseline: POST /exams/current/submit (an applicant's final submit).

Written the way the boto3 originals were: the table resource at module level (created during the
Lambda init), one `handler(event, context)`. Same rules as the Rust handler: applicants only; the
optional last answers are checked against the frozen draw (questions of the exam, options in
range, no repeats, one pick on single choice) and merged; the attempt is graded on the server
through the frozen option order; the write is conditional on the version read and the attempt
still being in progress, re-read on a lost race; an attempt past its deadline and grace is
finalised on its saved answers first; a retried submit answers with the final state.
"""

import datetime
import decimal
import json
import os

import boto3
from botocore.exceptions import ClientError

dynamodb = boto3.resource("dynamodb")
attempts = dynamodb.Table(os.environ["TABLE_EXAMATTEMPTS"])

ATTEMPT_ID = "intern-exam"
WRITE_ATTEMPTS = 8
BODY_LIMIT = 16 * 1024


class Problem(Exception):
    def __init__(self, status, title, detail, field=None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field


def invalid(field, detail):
    return Problem(422, "Invalid value", detail, field)


def conflict(detail):
    return Problem(409, "Conflict", detail)


def plain(value):
    """DynamoDB numbers come back as Decimal; JSON wants int or float."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def respond(status, body, content_type="application/json"):
    return {"statusCode": status, "headers": {"content-type": content_type}, "body": json.dumps(body, default=plain)}


def problem(p, request_id):
    doc = {
        "type": "https://errors.genese.dev/" + p.title.lower().replace(" ", "-"),
        "title": p.title,
        "status": p.status,
        "detail": p.detail,
    }
    if p.field:
        doc["field"] = p.field
    if request_id:
        doc["instance"] = "urn:request:" + request_id
    return respond(p.status, doc, content_type="application/problem+json")


def parse_instant(text):
    return datetime.datetime.fromisoformat(text)


def instant(at):
    """Millisecond RFC 3339 in UTC: fixed width, so text order is time order (index keys)."""
    return at.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def last_answers(event):
    body = event.get("body") or ""
    if len(body.encode()) > BODY_LIMIT:
        raise Problem(413, "Payload too large", f"the body may have at most {BODY_LIMIT} bytes")
    if not body.strip():
        return None
    media = ""
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == "content-type":
            media = value.split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise Problem(415, "Unsupported media type", f"the body must be application/json, not `{media or '(none)'}`")
    try:
        parsed = json.loads(body)
    except ValueError as e:
        raise Problem(400, "Bad request", f"the body is not valid JSON: {e}", "body")
    if not isinstance(parsed, dict) or set(parsed) != {"answers"} or not isinstance(parsed["answers"], dict):
        raise Problem(400, "Bad request", "the body is {\"answers\": {\"<question id>\": [positions]}}", "body")
    for qid, picks in parsed["answers"].items():
        if not isinstance(picks, list) or any(not isinstance(p, int) or p < 0 for p in picks):
            raise Problem(400, "Bad request", "picks are option positions (0, 1, …)", "answers." + qid)
    return parsed["answers"]


def check_answers(attempt, answers):
    drawn = {q["questionId"]: q for q in attempt["questions"]}
    for qid, picks in answers.items():
        field = "answers." + qid
        shown = drawn.get(qid)
        if shown is None:
            raise invalid(field, "this question is not part of your exam")
        options = len(shown["optionOrder"])
        bad = next((p for p in picks if p >= options), None)
        if bad is not None:
            raise invalid(field, f"option {bad} does not exist; options are 0 to {options - 1}")
        if len(set(picks)) != len(picks):
            raise invalid(field, "an option is picked twice")
        if shown["content"]["kind"] == "single" and len(picks) > 1:
            raise invalid(field, "a single-choice question takes one option")


def points(question, picked, scoring):
    correct = {i for i, o in enumerate(question["options"]) if o["correct"]}
    full = float(question["points"])
    if picked == correct:
        return full
    if question["kind"] == "multiple" and scoring == "partial":
        right, wrong = len(picked & correct), len(picked - correct)
        return max(full * (right - wrong) / len(correct), 0.0)
    return 0.0


def grade(attempt):
    by_category = {}
    for q in attempt["questions"]:
        order = [int(i) for i in q["optionOrder"]]
        picked = {order[int(p)] for p in attempt["answers"].get(q["questionId"], []) if int(p) < len(order)}
        earned = points(q["content"], picked, attempt["scoring"])
        c = by_category.setdefault(q["category"], {"score": 0.0, "maxScore": 0, "questions": 0, "correct": 0})
        c["score"] += earned
        c["maxScore"] += int(q["content"]["points"])
        c["questions"] += 1
        c["correct"] += int(earned == float(q["content"]["points"]))
    for c in by_category.values():
        c["score"] = round(c["score"], 2)
    return {
        "score": round(sum(c["score"] for c in by_category.values()), 2),
        "maxScore": sum(c["maxScore"] for c in by_category.values()),
        "byCategory": dict(sorted(by_category.items())),
    }


def closes_at(attempt):
    return parse_instant(attempt["deadline"]) + datetime.timedelta(seconds=int(attempt["grace_seconds"]))


def ensure_open(attempt, now):
    if attempt.get("finalised_by") == "deadline":
        raise conflict(f"the exam ended at {instant(parse_instant(attempt['deadline']))}; it was submitted with your saved answers")
    if attempt["status"] == "submitted":
        raise conflict("the exam was already submitted; it is final")
    if now > closes_at(attempt):
        raise conflict(f"the exam ended at {instant(parse_instant(attempt['deadline']))}; answers are no longer accepted")


def finalise(attempt, by, at):
    attempt["grade"] = grade(attempt)
    attempt["status"] = "submitted"
    attempt["submitted_at"] = instant(at)
    attempt["finalised_by"] = by
    attempt["version"] = int(attempt["version"]) + 1
    attempt["status_sort"] = "%010d#%s" % (round(attempt["grade"]["score"] * 100), attempt["uid"])


def replace(attempt, expected_version):
    """Writes the attempt if it is still in progress at the version it was read at."""
    item = json.loads(json.dumps(attempt, default=plain), parse_float=decimal.Decimal)
    try:
        attempts.put_item(
            Item=item,
            ConditionExpression="#v = :v AND #s = :s",
            ExpressionAttributeNames={"#v": "version", "#s": "status"},
            ExpressionAttributeValues={":v": expected_version, ":s": "in_progress"},
        )
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise


def read(uid):
    return attempts.get_item(Key={"uid": uid, "attempt_id": ATTEMPT_ID}, ConsistentRead=True).get("Item")


def current(uid, now):
    """The attempt, finalised on its saved answers first if it is past its deadline and grace."""
    for _ in range(WRITE_ATTEMPTS):
        attempt = read(uid)
        if attempt is None or attempt["status"] != "in_progress" or now <= closes_at(attempt):
            return attempt
        version = int(attempt["version"])
        finalise(attempt, "deadline", parse_instant(attempt["deadline"]))
        if replace(attempt, version):
            return attempt
    raise Problem(429, "Too many requests", "the attempt is busy; retry")


def submit(attempt, answers, now):
    ensure_open(attempt, now)
    if answers is not None:
        check_answers(attempt, answers)
        for qid, picks in answers.items():
            if picks:
                attempt["answers"][qid] = sorted(picks)
            else:
                attempt["answers"].pop(qid, None)
        attempt["saved_at"] = instant(now)
        attempt["version"] = int(attempt["version"]) + 1
    finalise(attempt, "applicant", now)


def applicant_view(attempt, now):
    in_progress = attempt["status"] == "in_progress"
    left = (parse_instant(attempt["deadline"]) - now).total_seconds() if in_progress else 0
    return {
        "id": attempt["attempt_id"],
        "status": attempt["status"],
        "startedAt": attempt["started_at"],
        "deadline": attempt["deadline"],
        "secondsLeft": max(int(left), 0),
        "submittedAt": attempt.get("submitted_at"),
        "finalisedBy": attempt.get("finalised_by"),
        "questions": [
            {
                "id": q["questionId"],
                "category": q["category"],
                "text": q["content"]["text"],
                "kind": q["content"]["kind"],
                "points": q["content"]["points"],
                "options": [q["content"]["options"][int(i)]["text"] for i in q["optionOrder"]],
            }
            for q in attempt["questions"]
        ],
        "answers": dict(sorted(attempt["answers"].items())),
        "answered": len(attempt["answers"]),
        "total": len(attempt["questions"]),
    }


def submit_route(claims, event):
    answers = last_answers(event)
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        for _ in range(WRITE_ATTEMPTS):
            attempt = current(claims["sub"], now)
            if attempt is None:
                raise Problem(404, "Not found", "you have not started the exam; POST /exams starts it")
            version = int(attempt["version"])
            submit(attempt, answers, now)
            if replace(attempt, version):
                print(json.dumps({"level": "INFO", "message": "exam submitted", "uid": claims["sub"]}))
                return respond(200, applicant_view(attempt, now))
        raise conflict("the attempt is being changed by another request; retry")
    except Problem as refused:
        if refused.status != 409:
            raise
        # Racing or retried submits: the one that landed stands, and every caller sees it.
        landed = read(claims["sub"])
        if landed and landed["status"] == "submitted" and landed.get("finalised_by") == "applicant":
            return respond(200, applicant_view(landed, now))
        raise


def handler(event, context):
    request_id = (event.get("requestContext") or {}).get("requestId")
    try:
        claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")
        if not isinstance(claims, dict) or not claims.get("sub"):
            raise Problem(401, "Unauthorized", "a valid id token is required")
        groups = claims.get("cognito:groups") or ""
        if isinstance(groups, str):
            groups = groups.strip("[]").replace(",", " ").split()
        if event.get("resource") == "/exams/current/submit" and event.get("httpMethod") == "POST":
            if "applicants" not in groups:
                raise Problem(403, "Forbidden", "this needs one of the groups: applicants")
            return submit_route(claims, event)
        raise Problem(404, "Not found", f"no route {event.get('httpMethod')} {event.get('resource')}")
    except Problem as p:
        return problem(p, request_id)
    except ClientError as e:
        print(json.dumps({"level": "ERROR", "message": str(e), "request_id": request_id}))
        return problem(Problem(500, "Internal error", "The request could not be completed; it has been logged."), request_id)
