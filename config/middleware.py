from django.conf import settings
from django.core.exceptions import BadRequest


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy, which Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RejectNulBytesMiddleware:
    """
    A NUL byte is never part of a name, an email, a slug or an id, and PostgreSQL refuses any
    string holding one (psycopg raises before the query is sent): a request carrying one in its
    path, its query string or its form fields is answered 400 here, before any view or query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path_info
            or _holds_nul(request.GET)
            or (request.method == "POST" and _holds_nul(request.POST))
        ):
            raise BadRequest("A NUL byte in the request.")
        return self.get_response(request)


def _holds_nul(querydict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())
