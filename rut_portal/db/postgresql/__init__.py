"""Django's PostgreSQL backend with a health check of a kept connection that needs no round trip
(see base.py); the ENGINE of DATABASES when DATABASE_URL names PostgreSQL."""
