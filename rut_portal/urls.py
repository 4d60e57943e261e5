from django.urls import include, path

urlpatterns = [
    path("admin/", include("backoffice.urls")),
    path("api/v1/", include("api.urls")),
    path("documentos/", include("portal.verification.urls")),
    path("mi-rut/", include("portal.urls")),
    path("estadisticas/", include("open_data.urls")),
    path("", include("portal.public.urls")),
]
