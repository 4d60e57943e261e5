from django.urls import include, path

urlpatterns = [
    path("admin/", include("backoffice.urls")),
    path("api/v1/", include("agreements.urls")),
    path("documentos/", include("documents.urls")),
    path("mi-rut/", include("portal.urls")),
    path("", include("registry.urls")),
]
