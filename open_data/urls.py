from django.urls import path

from open_data import views

app_name = "open_data"
urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("datos.csv", views.download_csv, name="csv"),
    path("datos.json", views.download_json, name="json"),
]
