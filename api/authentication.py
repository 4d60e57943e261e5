"""Token authentication for agreement entities: `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from agreements.models import ApiToken
from agreements.selectors import token_for_key
from agreements.services import touch_token

KEYWORD = b"bearer"


class AgreementTokenAuthentication(BaseAuthentication):
    """The request acts as the entity's service user; `request.auth` is the ApiToken."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Cabecera Authorization inválida: use «Bearer <token>»."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise AuthenticationFailed(_("El token solo tiene caracteres ASCII.")) from None
        token = token_for_key(raw)
        if token is None:
            raise AuthenticationFailed(_("Token inválido, revocado o vencido."))
        entity = token.entity
        if not entity.is_active or not entity.user.is_active:
            raise AuthenticationFailed(_("El convenio de la entidad no está activo."))
        touch_token(token)
        return entity.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class AgreementTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.AgreementTokenAuthentication"
    name = "agreementToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token de la entidad con convenio, emitido por la DIAN.",
        }
