from django.http import HttpResponse


def hello(request):
    """A view with our middleware and no database: the ceiling the benchmark measures against."""
    return HttpResponse("hello", content_type="text/plain")
