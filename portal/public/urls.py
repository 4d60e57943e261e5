from django.urls import path

from portal.public import views

# The namespace the templates and links have always used: "registry:...".
app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("consulta-rut/", views.rut_lookup, name="rut_lookup"),
    path("favicon.ico", views.favicon, name="favicon"),
]
