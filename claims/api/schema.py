"""OpenAPI generation: every operation also documents the error answers it can give (400, 401/403, 404, 429),
so clients and schemathesis see each status code the API really sends.

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
        for code, (schema, description) in errors.items():
            if code not in responses:
                responses[code] = {
                    "content": {media_type: {"schema": schema} for media_type in media_types},
                    "description": description,
                }
        return operation
