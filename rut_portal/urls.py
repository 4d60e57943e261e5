from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("agreements.urls")),
    path("documentos/", include("documents.urls")),
    path("mi-rut/", include("portal.urls")),
    path("estadisticas/", include("open_data.urls")),
    path("", include("registry.urls")),
]
