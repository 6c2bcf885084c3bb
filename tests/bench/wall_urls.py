"""URLs of the message-wall benchmark: django-contrib-comments beside the test project."""

from django.urls import include, path

from tests.urls import urlpatterns as test_urlpatterns

urlpatterns = [path("comments/", include("django_comments.urls")), *test_urlpatterns]
