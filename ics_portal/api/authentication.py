"""Token authentication that takes `Authorization: Bearer <key>` as well as DRF's `Token <key>`.

Clients generated from the OpenAPI schema, and most HTTP tools, send a bearer token; the
portal's tokens are DRF's, issued in the admin or by `manage.py drf_create_token`.
"""

from rest_framework.authentication import TokenAuthentication, get_authorization_header

BEARER = "Bearer"


class TokenOrBearerAuthentication(TokenAuthentication):
    """DRF's TokenAuthentication, with `Bearer` accepted for `Token`. A 401 still asks for `Token`."""

    def authenticate(self, request):
        # DRF makes an authenticator per request, so the keyword is this request's alone.
        given = get_authorization_header(request).split()[:1]
        if given and given[0].lower() == BEARER.lower().encode():
            self.keyword = BEARER
        return super().authenticate(request)
