"""The address of the client behind the trusted reverse proxies: one answer for sign-in lock-out and rate limits.

`settings.NUM_PROXIES` (environment: DJANGO_NUM_PROXIES) says how many reverse proxies
sit in front of the portal. Each of them appends the address it saw to X-Forwarded-For,
so the last NUM_PROXIES entries of that header were written by proxies we trust, and
everything to their left was written by the client, who may have made it up:

* NUM_PROXIES = 0: the portal faces the clients itself. The client is REMOTE_ADDR and
  X-Forwarded-For is ignored, whatever it says.
* NUM_PROXIES = N > 0: the client is the Nth address from the right of X-Forwarded-For,
  the one the outermost trusted proxy saw. Whatever a client puts on the left changes
  nothing: only the last N entries are read at all, so not even an unclosed quote in the
  client's part can swallow the proxies' part. A request without N valid addresses there
  did not come through every proxy, so its client is the peer we can see: REMOTE_ADDR.

python-ipware parses the addresses (ports, brackets, IPv4-mapped IPv6) and, with
`proxy_count` = N - 1 over those N entries, takes the first of them. django-axes calls
this function (AXES_CLIENT_IP_CALLABLE) and so do the API's throttles (`get_ident`).
"""

from functools import lru_cache

from django.conf import settings
from python_ipware import IpWare


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "NUM_PROXIES", 0) or 0), 0)


@lru_cache(maxsize=8)
def _resolver(proxies: int) -> IpWare:
    if proxies:
        return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)
    return IpWare(precedence=("REMOTE_ADDR",))


def client_address(request) -> str:
    """The client's IP address as text; works for a Django HttpRequest and a DRF Request alike."""
    meta = request.META
    remote_addr = meta.get("REMOTE_ADDR") or ""
    proxies = trusted_proxy_count()
    if proxies:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR") or ""
        written_by_proxies = forwarded.split(",")[-proxies:]
        if len(written_by_proxies) < proxies:
            return remote_addr
        meta = {"HTTP_X_FORWARDED_FOR": ",".join(written_by_proxies)}
    address, _trusted_route = _resolver(proxies).get_client_ip(meta, strict=True)
    return str(address) if address is not None else remote_addr
