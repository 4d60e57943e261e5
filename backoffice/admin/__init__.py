"""The officials' admin, one module per domain app; importing this package registers them.

Django's admin autodiscovery imports ``backoffice.admin``; the domain apps have no admin.py.
"""

from backoffice.admin import (  # noqa: F401  (imported for their admin.register side effect)
    accounts,
    agenda,
    agreements,
    deadlines,
    documents,
    mass_changes,
    notices,
    procedures,
    registry,
)
