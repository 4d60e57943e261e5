from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The officials' interface: the admin's ModelAdmins, the case views and their forms.

    It sits above the domain apps (registry, procedures, deadlines, documents, accounts,
    agreements) and only calls their services and selectors; none of them imports it
    (tests/test_architecture.py).
    """

    name = "backoffice"
    verbose_name = _("Back office")
