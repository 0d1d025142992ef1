"""OpenAPI generation: every operation also documents the error answers it can give (400, 401/403, 404, 429),
so clients and schemathesis see each status code the API really sends."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        from claims.api.serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        errors = {
            "400": OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Invalid input, filter or body: each field name maps to its message(s).",
            ),
            "404": OpenApiResponse(ErrorSerializer, description="No such object, or no such page."),
            "429": OpenApiResponse(ErrorSerializer, description="Too many requests: wait and retry."),
        }
        if self.view.get_authenticators():
            errors["401"] = OpenApiResponse(ErrorSerializer, description="Not signed in: send a token.")
            errors["403"] = OpenApiResponse(ErrorSerializer, description="Signed in without the needed role.")
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
