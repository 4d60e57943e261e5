"""The citizen fixtures of the portal tests, shared here."""

from tests.portal.conftest import account, make_account, sign_up

__all__ = ["account", "make_account", "sign_up"]
