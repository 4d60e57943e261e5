"""Officials in the admin: who they are, their role and seccional (read-only).

Officials are created with accounts.services.create_official, which also puts them in their
role's group; editing the profile here would leave the group behind, so the admin only reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import OfficialProfile


@admin.register(OfficialProfile)
class OfficialProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "full_name", "role", "seccional"]
    list_filter = ["role", "seccional"]
    list_select_related = ["user", "seccional"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering = ["user__username"]
    fields = readonly_fields = ("user", "full_name", "role", "seccional")

    @admin.display(description=_("nombre"), ordering="user__last_name")
    def full_name(self, obj: OfficialProfile) -> str:
        return obj.user.get_full_name()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
