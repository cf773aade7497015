"""Signatures drawn on the shared PC: checked, then kept as PNG inside the encrypted file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.validators import check_name
from wuyedesk.i18n import tr
from wuyedesk.store.models import Signature

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A cropped stroke is a few kilobytes; anything near this is not a signature.
MAX_PNG_BYTES = 512 * 1024


def store_signature(
    session: Session,
    png: bytes | None,
    *,
    signer_name: str,
    signer_staff_id: int | None,
    purpose: str,
    at: datetime,
    field: str = "signature",
) -> Signature:
    """Check a drawn signature and add it to the session; refuse a missing or broken one."""
    if not png:
        raise ValidationError(field, tr("请签名"))
    if not png.startswith(PNG_MAGIC) or len(png) > MAX_PNG_BYTES:
        raise ValidationError(field, tr("签名图像无效，请清除后重新签名"))
    name = check_name(signer_name, field)
    signature = Signature(
        png=png, signer_name=name, signer_staff_id=signer_staff_id, purpose=purpose, signed_at=at
    )
    session.add(signature)
    session.flush()
    return signature
