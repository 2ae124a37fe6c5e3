"""The site's URLs plus a stand-in for the joining screens' URL (``bookclub:join``), which another
branch provides: lets the plan page's tests see the Join button it shows once the URL exists."""

from django.http import HttpResponse
from django.urls import include, path

from website.urls import urlpatterns as site_urlpatterns

join_patterns = (
    [path("plans/<int:plan_id>/join/", lambda request, plan_id: HttpResponse(), name="join")],
    "bookclub",
)

urlpatterns = [path("club/", include(join_patterns)), *site_urlpatterns]
