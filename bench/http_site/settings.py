"""Settings of the HTTP bench's gunicorn: production's, plus a trivial view and a statement count.

Never used outside bench/http_load.py: production and the tests keep rut_portal.settings.
"""

from rut_portal.settings import *  # noqa: F403
from rut_portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.http_site.urls"
# First, so it counts every statement of the request, the middleware's own included.
MIDDLEWARE = ["bench.http_site.counting.StatementCountMiddleware", *MIDDLEWARE]
