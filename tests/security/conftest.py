"""The citizen-account fixtures of tests/portal, for the security tests that need accounts."""

from tests.portal.conftest import account, make_account, sign_up  # noqa: F401
