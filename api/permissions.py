"""Who may call what: an entity's token, and the scope its agreement grants for the view."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from agreements.models import ApiToken, Scope


class IsAgreementEntity(BasePermission):
    message = gettext_lazy("Se requiere el token de una entidad con convenio.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiToken)


class HasScope(BasePermission):
    """The view's `required_scope` must be in the entity's agreement."""

    def has_permission(self, request: Request, view: Any) -> bool:
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        entity = request.auth.entity
        if entity.has_scope(scope):
            return True
        self.message = _("El convenio de %(entity)s no incluye «%(scope)s».") % {
            "entity": entity.name,
            "scope": Scope(scope).label,
        }
        return False
