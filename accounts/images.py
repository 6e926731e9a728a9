"""Checks and re-encodes uploaded images (avatars, client icons) with Pillow."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SIDE = 512
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
Image.MAX_IMAGE_PIXELS = 40_000_000


def image_normalize(*, upload, name: str) -> ContentFile:
    """Return the upload re-encoded as PNG, at most 512 px a side; ValidationError if it is not a real image."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The image is larger than 2 MB."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a PNG, JPEG, WebP or GIF image."), code="bad_format")
            if probe.width * probe.height > Image.MAX_IMAGE_PIXELS:  # Pillow only warns below twice the limit
                raise ValidationError(
                    _("The image has too many pixels: at most 40 megapixels."), code="too_many_pixels"
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.seek(0)
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            image = image.convert("RGBA")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a valid PNG, JPEG, WebP or GIF image."), code="invalid_image"
        ) from None
    return ContentFile(out.getvalue(), name=f"{name}.png")
