"""company-admin, Python baseline: POST /companies (a signed-up user registers their company).

Written the way the boto3 originals were: clients at module level (created during the Lambda
init), one `handler(event, context)`. Same rules as the Rust handler: a caller who already has a
company gets 409, one with a role 403; the profile is validated field by field (422 naming the
field); company, first admin and a once-per-owner claim are written in one conditional
transaction, so a retry returns the first company (200) instead of a second one.
"""

import datetime
import json
import os
import uuid
import zoneinfo

import boto3
from botocore.exceptions import ClientError

dynamodb = boto3.resource("dynamodb")
cognito = boto3.client("cognito-idp")
companies = dynamodb.Table(os.environ["TABLE_COMPANIES"])
idempotency = dynamodb.Table(os.environ["TABLE_IDEMPOTENCY"])
EMPLOYEES = os.environ["TABLE_EMPLOYEES"]
USER_POOL_ID = os.environ["USER_POOL_ID"]

ROLE_GROUPS = {"applicants", "recruiters", "admins", "managers", "employees"}
WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
PROFILE_FIELDS = {"name", "timeZone", "workHours"}
HOURS_FIELDS = {"start", "end", "lateAfterMinutes", "workDays"}


class Problem(Exception):
    def __init__(self, status, title, detail, field=None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field


def invalid(field, detail):
    return Problem(422, "Invalid value", detail, field)


def respond(status, body, headers=None, content_type="application/json"):
    return {
        "statusCode": status,
        "headers": {"content-type": content_type, **(headers or {})},
        "body": json.dumps(body),
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
        "email": claims.get("email") or None,
        "roles": [g for g in groups if g in ROLE_GROUPS],
        "company_id": claims.get("custom:company_id") or None,
    }


def json_body(event):
    media = ""
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == "content-type":
            media = value.split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise Problem(415, "Unsupported media type", f"the body must be application/json, not `{media or '(none)'}`")
    if not (event.get("body") or "").strip():
        raise Problem(400, "Bad request", "a JSON body is required", "body")
    try:
        return json.loads(event["body"])
    except ValueError as e:
        raise Problem(400, "Bad request", f"the body is not valid JSON: {e}", "body")


def hh_mm(value, field, example):
    try:
        return datetime.datetime.strptime(value, "%H:%M").time()
    except (TypeError, ValueError):
        raise invalid(field, f"use 24-hour HH:MM, e.g. {example}")


def validated_profile(body):
    if not isinstance(body, dict):
        raise Problem(400, "Bad request", "the body must be a JSON object", "body")
    for key in body:
        if key not in PROFILE_FIELDS:
            raise Problem(400, "Bad request", f"unknown field `{key}`", key)
    for key in ("name", "timeZone"):
        if not isinstance(body.get(key), str):
            raise Problem(400, "Bad request", f"missing field `{key}`", key)
    name = body["name"].strip()
    if not 1 <= len(name) <= 120:
        raise invalid("name", "the name must have 1 to 120 characters")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
        raise invalid("name", "the name must not contain control characters")
    zone = body["timeZone"].strip()
    try:
        zoneinfo.ZoneInfo(zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise invalid("timeZone", f"`{zone}` is not an IANA time zone such as Asia/Kathmandu")
    hours = body.get("workHours") or {"start": "09:00", "end": "18:00", "lateAfterMinutes": 10}
    for key in hours:
        if key not in HOURS_FIELDS:
            raise Problem(400, "Bad request", f"unknown field `{key}`", "workHours." + key)
    start = hh_mm(hours.get("start"), "workHours.start", "09:00")
    end = hh_mm(hours.get("end"), "workHours.end", "18:00")
    if end <= start:
        raise invalid("workHours.end", "the work day must end after it starts")
    late = hours.get("lateAfterMinutes", 0)
    if not isinstance(late, int) or late < 0:
        raise Problem(400, "Bad request", "a whole number of minutes is expected", "workHours.lateAfterMinutes")
    if late > 240:
        raise invalid("workHours.lateAfterMinutes", "at most 240 minutes")
    days = hours.get("workDays", WEEK[:5])
    if not isinstance(days, list) or any(d not in WEEK for d in days):
        raise Problem(400, "Bad request", "days are Mon to Sun", "workHours.workDays")
    days = sorted(set(days), key=WEEK.index)
    if not days:
        raise invalid("workHours.workDays", "at least one work day is needed")
    return {
        "name": name,
        "timeZone": zone,
        "workHours": {"start": hours["start"], "end": hours["end"], "lateAfterMinutes": late, "workDays": days},
    }


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def company_view(item):
    return {
        "id": item["company_id"],
        "name": item["name"],
        "timeZone": item["time_zone"],
        "workHours": {k: (int(v) if k == "lateAfterMinutes" else v) for k, v in item["work_hours"].items()},
        "createdAt": item["created_at"].replace("+00:00", "Z"),
        "updatedAt": item["updated_at"].replace("+00:00", "Z"),
        "version": int(item["version"]),
    }


def put_once(table, item, key_attribute):
    return {
        "Put": {
            "TableName": table,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(#pk)",
            "ExpressionAttributeNames": {"#pk": key_attribute},
        }
    }


def register(claims, event):
    if claims["company_id"]:
        raise Problem(409, "Conflict", f"you already belong to company `{claims['company_id']}`")
    if claims["roles"]:
        raise Problem(403, "Forbidden", "only a signed-up user without a role may register a company")
    profile = validated_profile(json_body(event))
    at = now_rfc3339()
    company = {
        "company_id": str(uuid.uuid4()),
        "name": profile["name"],
        "time_zone": profile["timeZone"],
        "work_hours": profile["workHours"],
        "created_at": at,
        "updated_at": at,
        "version": 1,
    }
    admin = {
        "company_id": company["company_id"],
        "username": claims["username"],
        "sub": claims["sub"],
        "email": claims["email"] or "",
        "role": "admin",
        "status": "active",
        "created_at": at.replace("+00:00", "Z"),
        "version": 1,
    }
    claim_key = "company-registration#" + claims["sub"]
    created = True
    try:
        # The resource's client takes plain Python values, as the tables do.
        dynamodb.meta.client.transact_write_items(
            TransactItems=[
                put_once(idempotency.name, {"key": claim_key, "outcome": {"companyId": company["company_id"]}}, "key"),
                put_once(companies.name, company, "company_id"),
                put_once(EMPLOYEES, admin, "company_id"),
            ]
        )
    except ClientError as e:
        if e.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = [r.get("Code") for r in e.response.get("CancellationReasons", [])]
        print(json.dumps({"level": "WARN", "message": "registration cancelled", "reasons": reasons, "detail": str(e)}))
        # A retry (or a race) of the same owner: answer with the company registered first.
        record = idempotency.get_item(Key={"key": claim_key}, ConsistentRead=True).get("Item")
        if not record:
            raise Problem(409, "Conflict", "the company could not be registered; retry")
        first = companies.get_item(Key={"company_id": record["outcome"]["companyId"]}, ConsistentRead=True)
        company, created = first["Item"], False
    # After the store: a failure here leaves a retry that re-applies both calls (idempotent).
    cognito.admin_update_user_attributes(
        UserPoolId=USER_POOL_ID,
        Username=claims["username"],
        UserAttributes=[{"Name": "custom:company_id", "Value": company["company_id"]}],
    )
    cognito.admin_add_user_to_group(UserPoolId=USER_POOL_ID, Username=claims["username"], GroupName="admins")
    print(json.dumps({"level": "INFO", "message": "company registered", "company_id": company["company_id"], "created": created}))
    return respond(201 if created else 200, company_view(company), {"location": "/company"})


def handler(event, context):
    request_id = (event.get("requestContext") or {}).get("requestId")
    try:
        claims = claims_of(event)
        if event.get("resource") == "/companies":
            if event.get("httpMethod") != "POST":
                raise Problem(405, "Method not allowed", f"{event.get('httpMethod')} is not allowed here; use POST")
            return register(claims, event)
        raise Problem(404, "Not found", f"no route {event.get('httpMethod')} {event.get('resource')}")
    except Problem as p:
        return problem(p, request_id)
    except ClientError as e:
        print(json.dumps({"level": "ERROR", "message": str(e), "request_id": request_id}))
        return problem(Problem(500, "Internal error", "The request could not be completed; it has been logged."), request_id)
