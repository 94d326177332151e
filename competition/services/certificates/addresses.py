"""Where a certificate is checked: the verification address its QR code encodes and the one printed
under it. `base_url` is the site's public address (PUBLIC_BASE_URL), given by the edge."""

from __future__ import annotations

from ...models import Certificate


def lookup_address(base_url: str | None) -> str:
    """Where a certificate can be checked by its number (printed under the QR code for scans and
    photocopies, where the code may not read): the public address without its scheme."""
    base = str(base_url or "").rstrip("/")
    return f"{base.split('://', 1)[-1]}/verify"


def verify_url(code: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def unreachable_base_url(base: str | None) -> str | None:
    """``base`` (PUBLIC_BASE_URL) if phones outside the office could not open it (localhost, a
    loopback, private or link-local address, or no http(s) scheme), so the QR codes would lead
    nowhere; else None. Printing always encodes the current setting, so fixing it needs no re-issue."""
    import ipaddress
    from urllib.parse import urlsplit

    base = str(base or "")
    parts = urlsplit(base)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or host == "localhost" or host.endswith(".localhost"):
        return base
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None if "." in host else base  # a bare machine name is only known inside the office
    return base if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified else None


def qr_data_uri(url: str) -> str:
    import segno

    uri: str = segno.make(url, error="m").svg_data_uri(scale=1, border=0, dark="#1f1a17")
    return uri


def set_qr(cert: Certificate, base_url: str | None) -> None:
    """Make the QR code once per issued revision (printing reuses it). Without the public address
    nothing is stored and printing makes the code (qr_of), as it does whenever the address changed."""
    if base_url is None:
        cert.qr_url = cert.qr_svg = None
        return
    cert.qr_url = verify_url(cert.verification_code, base_url)
    cert.qr_svg = qr_data_uri(cert.qr_url)


def qr_of(cert: Certificate, base_url: str) -> str:
    """The stored QR code if it still encodes the current verification URL, else a fresh one."""
    url = verify_url(cert.verification_code, base_url)
    return cert.qr_svg if cert.qr_svg and cert.qr_url == url else qr_data_uri(url)
