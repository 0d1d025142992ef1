"""OpenAPI generation: every operation also documents the error answers it can give (400, 401/403, 404, 429), and
the cached lists their 304, so clients and schemathesis see each status code the API really sends.

Added after drf-spectacular built the operation (``get_operation``, its documented extension point), with the
public ``resolve_serializer`` and ``map_renderers``: an answer the view documents itself (``extend_schema``) is
kept as it is."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        from claims.api.serializers import ErrorSerializer

        error = self.resolve_serializer(ErrorSerializer, "response").ref
        errors = {
            "400": (
                build_basic_type(OpenApiTypes.OBJECT),
                "Invalid input, filter or body: each field name maps to its message(s).",
            ),
            "404": (error, "No such object, or no such page."),
            "429": (error, "Too many requests: wait and retry."),
        }
        if self.view.get_authenticators():
            errors["401"] = (error, "Not signed in: send a token.")
            errors["403"] = (error, "Signed in without the needed role.")
        media_types = self.map_renderers("media_type")
        responses = operation["responses"]
        if getattr(self.view, "answers_not_modified", False) and getattr(self.view, "action", None) == "list":
            # Cached list pages (claims/api/list_cache.py) carry an ETag and answer a matching If-None-Match.
            responses.setdefault(
                "304",
                {"description": "Not modified: the page is still the one whose ETag was sent in If-None-Match."},
            )
            if "200" in responses:
                responses["200"].setdefault("headers", {})["ETag"] = {
                    "schema": {"type": "string"},
                    "description": "The page's version, for If-None-Match (absent when the page was not cached).",
                }
        for code, (schema, description) in errors.items():
            if code not in responses:
                responses[code] = {
                    "content": {media_type: {"schema": schema} for media_type in media_types},
                    "description": description,
                }
        return operation


#: What every text in a request body satisfies: the API's JSON parser refuses a NUL character anywhere in a body
#: (PostgreSQL cannot store one), with a 400.
NO_NUL = "^[^\\x00]*$"
#: A text with something in it besides spaces (the services strip what they are given), and no NUL.
NOT_BLANK = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"
#: An http(s) address Django's URLValidator takes (the article's ``url`` goes through it): an ASCII host of
#: dot-separated labels and a top-level domain, an optional port and path. The API takes more (IDNs, IP
#: addresses); a client that keeps to this is never refused for the address's shape.
HTTP_URL = (
    "^[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?\\.){1,4}[A-Za-z]{2,20}"
    "(:[1-9][0-9]{0,3})?([/?#][!-~]*)?$"
)
#: A tag name the API can make a tag of: at least one letter or digit (its address, the slug, keeps only those).
#: Stated with explicit ranges (Latin, Arabic letters and digits), which read the same in ECMA 262 and Python
#: regular expressions, where \\w does not; the API also takes other scripts' letters.
TAG_NAME = (
    "^[^\\x00]*[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0620-\u064a\u0660-\u0669\u0671-\u06d3"
    "\u06f0-\u06f9][^\\x00]*$"
)
#: An ISO 8601 date-time whose UTC offset the database takes (real offsets stay within ±14 hours).
DATE_TIME_OFFSET = "(Z|z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$"


def _text(schema: dict) -> bool:
    return schema.get("type") == "string" and not {"pattern", "enum", "format", "$ref"} & schema.keys()


def _close(schema: object) -> None:
    """Walk a request schema: no properties beyond the documented ones (``additionalProperties: false``), no
    NUL in any text, and something besides spaces in a text that may not be blank, in place."""
    if not isinstance(schema, dict):
        return
    if _text(schema):  # a required text (minLength) is stripped first, as DRF's CharField does
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    if schema.get("type") == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    for child in schema.get("properties", {}).values():
        _close(child)
    for key in ("items", "additionalProperties"):
        _close(schema.get(key))
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key, []):
            _close(child)


def _claim_kinds(patched: bool) -> list[dict]:
    """One variant per claim kind: ``details`` holds that kind's fields only. A new claim without a ``kind`` is
    'other'; a PATCH that sends ``details`` names the ``kind`` they are for."""
    from claims.api.serializers import details_variants
    from claims.models import Claim

    variants = []
    if patched:
        variants.append({"title": "no details", "not": {"required": ["details"]}})
    for kind, details in details_variants().items():
        variant = {"title": f"a {kind} claim", "properties": {"kind": {"enum": [kind]}, "details": details}}
        if patched or kind != Claim.Kind.OTHER:
            variant["required"] = ["kind"]
        variants.append(variant)
    return variants


#: A claim request's ``details``: an object whose shape the request's ``kind`` decides (the component's anyOf).
DETAILS = {
    "type": "object",
    "description": "The structured fields of the claim's kind (see the variants by kind); unknown fields are "
    "refused with a 400 naming them.",
}


def _evidence_correction() -> dict:
    from claims import limits

    return {
        "type": "string",
        "maxLength": limits.COMMENT_MAX_CHARS,
        "pattern": NO_NUL,
        "writeOnly": True,
        "description": "Required (not blank) when the claim is published: the public correction note saying what "
        "changed and why. Only a reviewer may correct a published claim.",
    }


def _claimed_on() -> dict:
    from claims.api.serializers import PARTIAL_DATE

    return {"pattern": f"^({PARTIAL_DATE})?$"}


def _estimate() -> dict:
    """A decimal estimate as the API takes it: not negative, 18 digits before the point at most, 2 after."""
    return {
        "type": "string",
        "format": "decimal",
        "pattern": "^([0-9]{1,18}(\\.[0-9]{0,2})?|\\.[0-9]{1,2})$",
        "nullable": True,
    }


def _request_rules() -> dict[str, dict]:
    """Per request component: what the API requires beyond each field's own type, as OpenAPI 3.0 states it.

    Keys of each rule: ``properties`` (merged into the component's), ``required``, ``anyOf``/``oneOf`` (the
    cross-field rules) and ``description``."""
    estimate = {name: _estimate() for name in ("estimate_value", "estimate_lower", "estimate_upper")}
    evidence = {
        "properties": {**estimate, "correction": _evidence_correction()},
        "description": "One evidence per (claim, source) pair: a second one is refused with a 400 on `source`. "
        "The lower bound of an estimate is not above its upper bound. On a published claim every change needs a "
        "`correction`.",
    }
    url = {
        "oneOf": [
            {"type": "string", "format": "uri", "pattern": HTTP_URL, "maxLength": 2000},
            {"type": "string", "maxLength": 0},
        ]
    }
    rules: dict[str, dict] = {
        "ArticleRequest": {
            "properties": {"url": url},
            "anyOf": [
                {"title": "with its text", "required": ["text"], "properties": {"text": {"pattern": NOT_BLANK}}},
                {"title": "by its url (fetched)", "required": ["url"], "properties": {"url": {"minLength": 1}}},
            ],
        },
        "IntakeRequest": {
            "properties": {
                "url": url,
                # anyOf: an empty text also passes as an "email" to a validator that does not check formats.
                "contact_email": {
                    "anyOf": [
                        {"type": "string", "format": "email", "maxLength": 254},
                        {"type": "string", "maxLength": 0},
                    ]
                },
            },
            "anyOf": [
                {"title": "a claim in words", "required": ["text"], "properties": {"text": {"pattern": NOT_BLANK}}},
                {"title": "a page by its url", "required": ["url"], "properties": {"url": {"minLength": 1}}},
            ],
        },
        "PatchedArticleRequest": {
            "properties": {
                "url": url,
                "text": {
                    "pattern": NOT_BLANK,
                    "description": "A new text adds a revision; it cannot be blank (a text cannot be removed).",
                },
            },
        },
        "SourceRequest": {
            "anyOf": [
                {"title": "online", "required": ["url"], "properties": {"url": {"minLength": 1}}},
                {
                    "title": "offline, by its title",
                    "required": ["title"],
                    "properties": {"title": {"pattern": NOT_BLANK}},
                },
                {"title": "offline, by a note", "required": ["note"], "properties": {"note": {"pattern": NOT_BLANK}}},
            ],
        },
        "SelectorRequest": {
            "oneOf": [
                {
                    "title": "by the quoted text",
                    "required": ["exact"],
                    "properties": {"exact": {"pattern": NOT_BLANK}},
                    "not": {"anyOf": [{"required": ["start"]}, {"required": ["end"]}]},
                },
                {
                    "title": "by position",
                    "required": ["start", "end"],
                    "not": {"anyOf": [{"required": ["exact"]}, {"required": ["prefix"]}, {"required": ["suffix"]}]},
                },
            ],
            "description": "The quoted text (exact, with optional prefix/suffix) or the start and end positions, "
            "in the article's current revision: the quote must occur in it, and start < end within its length.",
        },
        "ClaimRequest": {
            "properties": {"statement": {"pattern": NOT_BLANK}, "details": DETAILS, "claimed_on": _claimed_on()},
            "anyOf": _claim_kinds(patched=False),
            "description": "`article` names an article whose text is in (not still being fetched).",
        },
        "PatchedClaimRequest": {
            "properties": {
                "statement": {"pattern": NOT_BLANK},
                "details": DETAILS,
                "claimed_on": _claimed_on(),
                "correction": _evidence_correction(),
            },
            "required": ["version"],
            "anyOf": _claim_kinds(patched=True),
        },
        # Accepting a proposal: with no details, the proposal's own; edited details come with the kind they are of.
        "ProposalAcceptRequest": {
            "properties": {"statement": {"pattern": NOT_BLANK}, "details": DETAILS},
            "anyOf": _claim_kinds(patched=True),
        },
        "EvidenceRequest": evidence,
        "PatchedEvidenceRequest": evidence,
        "CommentRequest": _comment(),
        "BulkRequest": _bulk(),
        # A tag is made from its name as a claim's or an article's tags are (find_or_create_tag): the same rule.
        "TagRequest": {"properties": {"name": {"pattern": TAG_NAME}}},
    }
    for name in ("ArticleRequest", "PatchedArticleRequest", "ClaimRequest", "PatchedClaimRequest"):
        rules[name]["properties"]["tags"] = _tags()
    return rules


def _tags() -> dict:
    return {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": TAG_NAME}}


def _comment() -> dict:
    """Where a new comment goes: on a claim, on words of an article (with a selector), or a reply (``parent``)."""
    integer = {"type": "integer"}
    return {
        "oneOf": [
            {
                "title": "on a claim",
                "required": ["claim"],
                "properties": {"claim": integer},
                "not": {"anyOf": [{"required": ["article"]}, {"required": ["parent"]}, {"required": ["selector"]}]},
            },
            {
                "title": "on words of an article",
                "required": ["article", "selector"],
                "properties": {"article": integer, "selector": {"type": "object"}},
                "not": {"anyOf": [{"required": ["claim"]}, {"required": ["parent"]}]},
            },
            {
                "title": "a reply",
                "required": ["parent"],
                "properties": {"parent": integer},
                "not": {"anyOf": [{"required": ["claim"]}, {"required": ["article"]}, {"required": ["selector"]}]},
            },
        ],
        "description": "A comment on a claim (`claim`), on words of an article (`article` and `selector`: the "
        "article's text must be in, and the quote must occur in it), or a reply to a comment (`parent`).",
    }


def _bulk() -> dict:
    """Which claims (``ids`` or ``filter``, exactly one) and the fields each ``action`` needs."""
    return {
        "properties": {"tags": _tags()},
        "allOf": [
            {
                "oneOf": [
                    {"title": "by ids", "required": ["ids"], "not": {"required": ["filter"]}},
                    {"title": "by filter", "required": ["filter"], "not": {"required": ["ids"]}},
                ]
            },
            {
                "oneOf": [
                    {
                        "title": "assign",
                        "properties": {"action": {"enum": ["assign"]}},
                        "anyOf": [{"required": ["assignee"]}, {"required": ["reviewer"]}, {"required": ["due"]}],
                    },
                    {
                        "title": "tag or untag",
                        "required": ["tags"],
                        "properties": {"action": {"enum": ["tag", "untag"]}, "tags": {"minItems": 1}},
                    },
                    {
                        "title": "status",
                        "required": ["to"],
                        "properties": {"action": {"enum": ["status"]}, "to": {"type": "string"}},
                    },
                ]
            },
        ],
        "description": "The claims by `ids` or by `filter` (one of the two), and what the action needs: `assign` "
        "an assignee, a reviewer or a due date; `tag`/`untag` at least one tag; `status` the target `to`. The "
        "whole request is refused (400 `detail`) when no claim matches, when more than BULK_MAX_CLAIMS match, or "
        "when none of an untag's tags exists; a username that names no desk member is refused on its field.",
    }


def _merge(target: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def state_the_rules(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): make the request schemas say what the
    API accepts, so that a client generated from them is not refused for a body it built by the schema.

    Per request component, the rules of ``_request_rules``; every request body closed to undocumented fields and
    NUL characters; date-time filters limited to real UTC offsets. What depends on stored data (one evidence per
    pair, a quote that occurs in the article, the moves a claim's status allows) is in the descriptions."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, rule in _request_rules().items():
        component = schemas.get(name)
        if component is None:
            continue
        rule = dict(rule)
        for property_name, extra in rule.pop("properties", {}).items():
            current = component["properties"].get(property_name)
            if current is None or "oneOf" in extra or "type" in extra:
                component["properties"][property_name] = {**extra, **_keep_docs(current)}
            else:
                _merge(current, extra)
        if "required" in rule:
            component["required"] = sorted({*component.get("required", []), *rule.pop("required")})
        if "description" in rule:
            component["description"] = " ".join(filter(None, [component.get("description"), rule.pop("description")]))
        component.update(rule)
    for name, component in schemas.items():
        if name.endswith("Request"):
            _close(component)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            _require_body(operation, schemas)
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("format") == "date-time":
                    schema["pattern"] = DATE_TIME_OFFSET
    return result


def _require_body(operation: dict, schemas: dict) -> None:
    """A body whose schema requires something (a field, or one of the cross-field forms) is itself required."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        component = schemas.get(ref.rsplit("/", 1)[-1], {})
        if component.get("required") or component.get("anyOf") or component.get("oneOf"):
            operation["requestBody"]["required"] = True


def _keep_docs(schema: dict | None) -> dict:
    return {key: schema[key] for key in ("description", "title") if schema and key in schema}
