"""The back office's URLs: the admin site under /admin/ (namespace "admin", as Django's)."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver

app_name = "admin"
urlpatterns: list[URLPattern | URLResolver] = admin.site.get_urls()
