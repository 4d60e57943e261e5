"""The officials' admin site: Django's, with the list of apps built only where a page shows it.

``AdminSite.each_context`` builds that list on every admin page for the navigation sidebar: a
permission check, two ``reverse()`` and the translated, sorted names of every registered model
(about 2 ms of a 30 ms inbox). The sidebar is off here (the header carries the officials'
links: backoffice/admin/registry.py), so the list is now built when a template first reads it:
the index and app pages still show it as before.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


class RutAdminSite(AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        build = super().get_app_list
        return cast(list[Any], SimpleLazyObject(lambda: build(request, app_label)))


class RutAdminConfig(AdminConfig):
    """django.contrib.admin, whose default site (``admin.site``) is the one above."""

    default_site = "backoffice.site.RutAdminSite"
