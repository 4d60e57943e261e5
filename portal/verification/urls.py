from django.urls import URLPattern, URLResolver, path

from portal.verification import views

# The namespace the templates and links have always used: "documents:...".
app_name = "documents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("verificar/", views.verify_form, name="verify_form"),
    path("verificar/<str:code>/", views.verify, name="verify"),
    path("<str:code>/pdf/", views.download, name="download"),
]
