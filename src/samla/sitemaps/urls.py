from django.urls import path

from . import views

app_name = "sitemaps"
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="index"),
    path("sitemap-<section>-<int:number>.xml", views.sitemap_page, name="page"),
]
