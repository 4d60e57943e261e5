from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("consulta-rut/", views.rut_lookup, name="rut_lookup"),
    path("favicon.ico", views.favicon, name="favicon"),
]
