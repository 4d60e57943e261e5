"""The permissions of each role, kept as data and applied after every migrate (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.models import ROLE_GROUPS, Role

_READ = [
    "registry.view_registrant",
    "registry.view_formversion",
    "registry.view_auditentry",
    "registry.view_seccionalassignment",
    "registry.view_seccional",
    "registry.view_registrantactivity",
    "registry.view_establishment",
    "registry.view_representative",
    "registry.view_partner",
    "registry.view_department",
    "registry.view_municipality",
    "registry.view_documenttype",
    "registry.view_economicactivity",
    "registry.view_responsibility",
    "registry.view_customsquality",
    "documents.view_storeddocument",
]
_OFFICIAL = [
    *_READ,
    "registry.formalize_registrant",
    "registry.update_registrant",
    "registry.suspend_registrant",
    "registry.reactivate_registrant",
    "procedures.process_case",
    "procedures.view_case",
    "procedures.view_casestep",
    "procedures.view_casedocument",
    "procedures.view_communication",
    "procedures.view_officialformat",
    # What the case page and the admin lists show next to a case.
    "procedures.view_requirementcheck",
    "procedures.view_verificationvisit",
    "procedures.view_pendingobligation",
    "procedures.view_petition",
    "procedures.view_referral",
    "mass_changes.view_masschange",
    "mass_changes.propose_masschange",
    # The videoatención agenda of the seccional (backoffice.views.agenda).
    "portal.view_appointment",
    # The everyday words of the CIIU search are the officials' to keep.
    "registry.view_activitykeyword",
    "registry.add_activitykeyword",
    "registry.change_activitykeyword",
    "registry.delete_activitykeyword",
]
_DIRECTOR = [
    *_OFFICIAL,
    "registry.cancel_registrant",
    # Who signs the seccional's letters (the admin lets a director change only their own).
    "registry.change_seccional",
    "procedures.approve_cancellation",
    "procedures.assign_case",
    "mass_changes.approve_masschange",
    # Directors and the central level audit who looked at personal data (scoped in the admin).
    "registry.view_dataaccesslog",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICIAL: _OFFICIAL,
    Role.DIRECTOR: _DIRECTOR,
    Role.CENTRAL: _DIRECTOR,
}


def ensure_role_groups(**kwargs: Any) -> None:
    """Create the role groups and give them exactly their permissions."""
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        query = Q(pk__in=[])
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))
