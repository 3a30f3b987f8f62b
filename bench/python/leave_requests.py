"""leave-requests, Python baseline: POST /leave-requests (an employee asks for leave).

Written the way the boto3 originals were: the table resources at module level (created during
the Lambda init), one `handler(event, context)`. Same rules as the Rust handler: staff of the
caller's company only, active on the roster; the draft is validated field by field against the
company's today (its time zone) and the past window; the cost in working days skips the
company's days off and holidays; overlapping one's own pending or approved leave is a 409. The
write is the same race-safe transaction: the request plus the employee's ledger at version + 1,
re-checked when another request of the same employee landed first. `Idempotency-Key` replays.
"""

import datetime
import decimal
import json
import os
import uuid
import zoneinfo

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

dynamodb = boto3.resource("dynamodb")
companies = dynamodb.Table(os.environ["TABLE_COMPANIES"])
employees = dynamodb.Table(os.environ["TABLE_EMPLOYEES"])
events = dynamodb.Table(os.environ["TABLE_EVENTS"])
leave_requests = dynamodb.Table(os.environ["TABLE_LEAVEREQUESTS"])
idempotency = dynamodb.Table(os.environ["TABLE_IDEMPOTENCY"])

PAST_WINDOW_DAYS = int(os.environ.get("LEAVE_PAST_WINDOW_DAYS", "30"))
if not 0 <= PAST_WINDOW_DAYS <= 365:
    raise RuntimeError("configuration: LEAVE_PAST_WINDOW_DAYS must be 0 to 365")
MAX_LEAVE_DAYS = 365
MAX_REASON_CHARS = 500
WRITE_ATTEMPTS = 8
RECENT = 16
STAFF = {"admins", "managers", "employees"}
LEAVE_TYPES = {"annual", "sick", "unpaid", "other"}
HALVES = {"morning", "afternoon"}
DRAFT_FIELDS = {"type", "startDate", "endDate", "startHalf", "endHalf", "reason"}
WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
REPLAY_FOR_SECONDS = 24 * 3600


class Problem(Exception):
    def __init__(self, status, title, detail, field=None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field


def invalid(field, detail):
    return Problem(422, "Invalid value", detail, field)


def bad_request(field, detail):
    return Problem(400, "Bad request", detail, field)


def plain(value):
    """DynamoDB numbers come back as Decimal; JSON wants int or float."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def respond(status, body, headers=None, content_type="application/json"):
    return {
        "statusCode": status,
        "headers": {"content-type": content_type, **(headers or {})},
        "body": json.dumps(body, default=plain),
    }


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


def header(event, name):
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return value
    return None


def claims_of(event):
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")
    if not isinstance(claims, dict) or not claims.get("sub"):
        raise Problem(401, "Unauthorized", "a valid id token is required")
    groups = claims.get("cognito:groups") or ""
    if isinstance(groups, str):
        groups = groups.strip("[]").replace(",", " ").split()
    return {
        "sub": claims["sub"],
        "username": claims.get("cognito:username") or claims["sub"],
        "groups": set(groups),
        "company_id": claims.get("custom:company_id") or None,
    }


def json_body(event):
    media = (header(event, "content-type") or "").split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise Problem(415, "Unsupported media type", f"the body must be application/json, not `{media or '(none)'}`")
    if not (event.get("body") or "").strip():
        raise bad_request("body", "a JSON body is required")
    try:
        return json.loads(event["body"])
    except ValueError as e:
        raise bad_request("body", f"the body is not valid JSON: {e}")


def iso_date(body, field):
    try:
        return datetime.date.fromisoformat(body[field])
    except KeyError:
        raise bad_request(field, f"missing field `{field}`")
    except (TypeError, ValueError):
        raise bad_request(field, "use an ISO date such as 2026-03-09")


def validated_draft(body, today):
    """The create body checked against the company's `today`, reason trimmed, and a one-day
    leave's half (if any) in startHalf."""
    if not isinstance(body, dict):
        raise bad_request("body", "the body must be a JSON object")
    for key in body:
        if key not in DRAFT_FIELDS:
            raise bad_request(key, f"unknown field `{key}`")
    if body.get("type") not in LEAVE_TYPES:
        raise bad_request("type", "the type is annual, sick, unpaid or other")
    start, end = iso_date(body, "startDate"), iso_date(body, "endDate")
    start_half, end_half = body.get("startHalf"), body.get("endHalf")
    for field, half in (("startHalf", start_half), ("endHalf", end_half)):
        if half is not None and half not in HALVES:
            raise bad_request(field, "a half is morning or afternoon")
    if not isinstance(body.get("reason"), str):
        raise bad_request("reason", "missing field `reason`")
    for field, day in (("startDate", start), ("endDate", end)):
        if not 1970 <= day.year <= 9999:
            raise invalid(field, "the year must be 1970 to 9999")
    if end < start:
        raise invalid("endDate", "the leave must end on or after its start date")
    if (end - start).days + 1 > MAX_LEAVE_DAYS:
        raise invalid("endDate", f"one request covers at most {MAX_LEAVE_DAYS} days; split longer leave")
    earliest = today - datetime.timedelta(days=PAST_WINDOW_DAYS)
    if start < earliest:
        raise invalid(
            "startDate",
            f"leave may start at most {PAST_WINDOW_DAYS} days in the past (on or after {earliest.isoformat()})",
        )
    if start == end:
        if start_half and end_half and start_half != end_half:
            raise invalid("endHalf", "a one-day leave is the whole day or one half of it; give startHalf only")
        start_half, end_half = start_half or end_half, None
    else:
        if start_half == "morning":
            raise invalid("startHalf", "a leave over several days starts with a whole day or in the afternoon")
        if end_half == "afternoon":
            raise invalid("endHalf", "a leave over several days ends with a whole day or in the morning")
    reason = body["reason"].strip()
    if not 1 <= len(reason) <= MAX_REASON_CHARS:
        raise invalid("reason", f"the reason must have 1 to {MAX_REASON_CHARS} characters")
    if any((ord(c) < 32 or 127 <= ord(c) < 160) and c != "\n" for c in reason):
        raise invalid("reason", "the reason must not contain control characters other than line breaks")
    return {
        "type": body["type"],
        "start": start,
        "end": end,
        "start_half": start_half,
        "end_half": end_half,
        "reason": reason,
    }


def holidays_between(company_id, start, end):
    """The company's holidays from start to end, both included (`$` sorts right after `#`)."""
    found, kwargs = set(), {}
    while True:
        page = events.query(
            KeyConditionExpression=Key("company_id").eq(company_id)
            & Key("date_id").between(start.isoformat(), end.isoformat() + "$"),
            **kwargs,
        )
        found.update(datetime.date.fromisoformat(e["date"]) for e in page["Items"] if e.get("holiday"))
        if "LastEvaluatedKey" not in page:
            return found
        kwargs = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def working_days(draft, work_days, holidays):
    total, day = 0.0, draft["start"]
    while day <= draft["end"]:
        if WEEK[day.weekday()] in work_days and day not in holidays:
            half = (day == draft["start"] and draft["start_half"]) or (day == draft["end"] and draft["end_half"])
            total += 0.5 if half else 1.0
        day += datetime.timedelta(days=1)
    return total


def slots(leave):
    """Half-day slots a leave covers, first and last included (day * 2, + 1 for the afternoon)."""
    start = datetime.date.fromisoformat(leave["start_date"]).toordinal() * 2
    end = datetime.date.fromisoformat(leave["end_date"]).toordinal() * 2
    first = start + (leave.get("start_half") == "afternoon")
    if leave["start_date"] == leave["end_date"] and leave.get("start_half"):
        last = end + (leave["start_half"] == "afternoon")
    elif leave.get("end_half") == "morning":
        last = end
    else:
        last = end + 1
    return first, last


def clashes(existing, wanted):
    if existing["status"] not in ("pending", "approved"):
        return False
    (a0, a1), (b0, b1) = slots(existing), slots(wanted)
    return a0 <= b1 and b0 <= a1


def first_clash(wanted, recent):
    earliest = datetime.date.fromisoformat(wanted["start_date"]) - datetime.timedelta(days=MAX_LEAVE_DAYS - 1)
    seen, kwargs = set(), {}
    while True:
        page = leave_requests.query(
            IndexName="employee",
            KeyConditionExpression=Key("employee_key").eq(wanted["employee_key"])
            & Key("start_date").between(earliest.isoformat(), wanted["end_date"]),
            **kwargs,
        )
        for other in page["Items"]:
            if clashes(other, wanted):
                return other
            seen.add(other["leave_id"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    # Recent requests the index may not show yet, read strongly by key.
    for leave_id in recent:
        if leave_id in seen:
            continue
        other = leave_requests.get_item(Key={"leave_id": leave_id}, ConsistentRead=True).get("Item")
        if other and other["employee_key"] == wanted["employee_key"] and clashes(other, wanted):
            return other
    return None


def store(wanted):
    ledger_id = "ledger#" + wanted["employee_key"]
    for _ in range(WRITE_ATTEMPTS):
        ledger = leave_requests.get_item(Key={"leave_id": ledger_id}, ConsistentRead=True).get("Item")
        version = int(ledger["version"]) if ledger else None
        recent = list(ledger.get("recent", [])) if ledger else []
        clash = first_clash(wanted, recent)
        if clash:
            raise Problem(
                409,
                "Conflict",
                f"the leave overlaps your {clash['status']} request {clash['leave_id']} "
                f"from {clash['start_date']} to {clash['end_date']}",
                "startDate",
            )
        ledger_put = {
            "TableName": leave_requests.name,
            "Item": {"leave_id": ledger_id, "version": (version or 0) + 1, "recent": ([wanted["leave_id"]] + recent)[:RECENT]},
        }
        if version is None:
            ledger_put["ConditionExpression"] = "attribute_not_exists(leave_id)"
        else:
            ledger_put["ConditionExpression"] = "version = :v"
            ledger_put["ExpressionAttributeValues"] = {":v": version}
        try:
            # The resource's client takes plain Python values, as the tables do.
            dynamodb.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": leave_requests.name,
                            "Item": wanted,
                            "ConditionExpression": "attribute_not_exists(leave_id)",
                        }
                    },
                    {"Put": ledger_put},
                ]
            )
            return
        except ClientError as e:
            # Another request of this employee landed since the ledger was read: check again.
            if e.response["Error"]["Code"] != "TransactionCanceledException":
                raise
    raise Problem(409, "Conflict", "your leave requests are being changed by another request; retry")


def view(leave):
    return {
        "id": leave["leave_id"],
        "employee": leave["employee"],
        "manager": leave["manager"],
        "type": leave["leave_type"],
        "startDate": leave["start_date"],
        "endDate": leave["end_date"],
        "startHalf": leave["start_half"],
        "endHalf": leave["end_half"],
        "reason": leave["reason"],
        "days": float(leave["days"]),
        "status": leave["status"],
        "decidedBy": leave["decided_by"],
        "decidedAt": leave["decided_at"],
        "createdAt": leave["created_at"],
    }


def create(claims, tenant, event):
    key = header(event, "idempotency-key")
    if key is not None:
        key = key.strip()
        if not 1 <= len(key) <= 128 or not all(33 <= ord(c) <= 126 for c in key):
            raise bad_request("Idempotency-Key", "use 1 to 128 visible ASCII characters")
        key = f"leave-request#{tenant}/{claims['username']}/{key}"
        first = idempotency.get_item(Key={"key": key}, ConsistentRead=True).get("Item")
        if first:
            outcome = first["outcome"]
            return respond(int(outcome["status"]), outcome["body"], {"idempotent-replay": "true"})
    body = json_body(event)
    username = claims["username"].lower()
    me = employees.get_item(Key={"company_id": tenant, "username": username}, ConsistentRead=True).get("Item")
    if not me:
        raise Problem(404, "Not found", f"no employee `{claims['username']}` in your company")
    if me["status"] == "invited":
        raise Problem(403, "Forbidden", "your invitation is not complete; set your password first")
    if me["status"] != "active":
        raise Problem(403, "Forbidden", "you are no longer on the roster")
    company = companies.get_item(Key={"company_id": tenant}, ConsistentRead=True).get("Item")
    if not company:
        raise Problem(404, "Not found", "the company does not exist")
    now = datetime.datetime.now(datetime.timezone.utc)
    today = now.astimezone(zoneinfo.ZoneInfo(company["time_zone"])).date()
    draft = validated_draft(body, today)
    holidays = holidays_between(tenant, draft["start"], draft["end"])
    days = working_days(draft, company["work_hours"]["workDays"], holidays)
    if days <= 0:
        raise invalid("startDate", "the leave covers no working day: only days off and holidays")
    manager = me.get("manager")
    created_at = now.replace(microsecond=now.microsecond // 1000 * 1000).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    wanted = {
        "leave_id": str(uuid.uuid4()),
        "company_id": tenant,
        "employee": me["username"],
        "manager": manager,
        "leave_type": draft["type"],
        "start_date": draft["start"].isoformat(),
        "end_date": draft["end"].isoformat(),
        "start_half": draft["start_half"],
        "end_half": draft["end_half"],
        "reason": draft["reason"],
        "days": decimal.Decimal(str(days)),
        "status": "pending",
        "decided_by": None,
        "decided_at": None,
        "created_at": created_at,
        "version": 1,
        "employee_key": f"{tenant}#{me['username']}",
        "manager_key": f"{tenant}#{manager or 'no manager'}",
    }
    store(wanted)
    print(json.dumps({"level": "INFO", "message": "leave requested", "leave_id": wanted["leave_id"], "days": days}))
    body = view(wanted)
    if key is not None:
        try:
            idempotency.put_item(
                Item={
                    "key": key,
                    "outcome": {"status": 201, "body": json.loads(json.dumps(body), parse_float=decimal.Decimal)},
                    "expires_at": int(now.timestamp()) + REPLAY_FOR_SECONDS,
                },
                ConditionExpression="attribute_not_exists(#k)",
                ExpressionAttributeNames={"#k": "key"},
            )
        except ClientError:
            pass  # a retry racing this one stored it first; either answer is the same leave
    return respond(201, body)


def handler(event, context):
    request_id = (event.get("requestContext") or {}).get("requestId")
    try:
        claims = claims_of(event)
        if event.get("resource") == "/leave-requests" and event.get("httpMethod") == "POST":
            if not claims["groups"] & STAFF:
                raise Problem(403, "Forbidden", "this needs one of the groups: admins, managers, employees")
            if not claims["company_id"]:
                raise Problem(403, "Forbidden", "you belong to no company")
            return create(claims, claims["company_id"], event)
        raise Problem(404, "Not found", f"no route {event.get('httpMethod')} {event.get('resource')}")
    except Problem as p:
        return problem(p, request_id)
    except ClientError as e:
        print(json.dumps({"level": "ERROR", "message": str(e), "request_id": request_id}))
        return problem(Problem(500, "Internal error", "The request could not be completed; it has been logged."), request_id)
