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

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from backoffice.sessions import mark_sign_in

        # The moment an official's absolute session limit counts from.
        user_logged_in.connect(mark_sign_in, dispatch_uid="staff_session_sign_in")
