"""The signed-in desk member's own settings over the API: GET and PATCH /api/v1/me/."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import DeskProfile
from claims.services.profiles import chosen_language, interface_language, set_interface_language
from claims.services.roles import roles_of


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="editor, reviewer, admin")
    language = serializers.ChoiceField(
        choices=DeskProfile.Language.choices,
        allow_blank=True,
        help_text="The chosen interface language; '' follows the browser (language cookie, then Accept-Language).",
    )
    interface_language = serializers.CharField(
        read_only=True, help_text="The language the desk speaks to this person in now (mail and notices too)."
    )


def _me(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "roles": sorted(role.value for role in roles_of(user)),
        "language": chosen_language(user),
        "interface_language": interface_language(user),
    }


class MeView(APIView):
    """Who am I, and in which language the desk speaks to me."""

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_me(request.user)).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "language" in serializer.validated_data:
            try:
                set_interface_language(user=request.user, language=serializer.validated_data["language"])  # type: ignore[arg-type]
            except DjangoValidationError as error:
                raise ValidationError(error.message_dict) from error
        return Response(MeSerializer(_me(request.user)).data)
