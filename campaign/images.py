"""
Images uploaded by staff (campaign heroes, update pictures): validated on upload, then resized
with Pillow into a few web sizes so that a phone never downloads a 6 MB camera original.

Renditions are stored next to the original and described in a small JSON dict on the model:
{"source": <original name>, "width": w, "height": h, "jpeg": {"480": name, …}, "webp": {…}}.
"""

import io
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

RENDITION_WIDTHS = (480, 960, 1600)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
JPEG_QUALITY = 82
WEBP_QUALITY = 80


def max_upload_bytes() -> int:
    return settings.IMAGE_UPLOAD_MAX_BYTES


def max_upload_pixels() -> int:
    return settings.IMAGE_UPLOAD_MAX_PIXELS


def validate_image_upload(file) -> None:
    """
    Refuse an upload that is too big, not a picture Pillow can read, in a format browsers can't
    show, or so many pixels that resizing it would exhaust the server (a decompression bomb).
    Messages tell staff what to do instead.
    """
    if not file:
        return
    if getattr(file, "_committed", False) is True:
        return  # the image already saved on the model: it was checked when it was uploaded
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            _(
                "This image is %(size)s; the limit is %(limit)s. "
                "Export it smaller (2,000 pixels wide is plenty) and upload it again."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())},
            code="image_too_large",
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF picture."),
            code="image_invalid",
        ) from error
    finally:
        file.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s images can't be shown on the web. Upload a JPEG, PNG, WebP or GIF picture.")
            % {"format": image_format or _("This kind of")},
            code="image_format",
        )
    if width * height > max_upload_pixels():
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels, too large to process. "
                "Resize it to at most 6,000 pixels on its longest side and upload it again."
            )
            % {"width": width, "height": height},
            code="image_too_many_pixels",
        )


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent pictures on white rather than black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def image_without_metadata(file, *, max_width: int | None = None) -> ContentFile:
    """
    The upload re-encoded from its pixels alone, turned upright: no EXIF (a phone photo's GPS
    position, camera, time), XMP or comments survive. For pictures the public sends (fundraisers'
    photos), whose original is kept and could otherwise be fetched with its location.
    Call after validate_image_upload. With `max_width`, a wider picture is scaled down to it.
    """
    file.seek(0)
    with Image.open(file) as opened:
        opened.load()
        image = _flatten(ImageOps.exif_transpose(opened))
    if max_width and image.width > max_width:
        image = image.resize((max_width, max(1, round(image.height * max_width / image.width))), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    stem = posixpath.splitext(posixpath.basename(getattr(file, "name", "") or "photo"))[0] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg")


def renditions_build(*, source_name: str, storage=None) -> dict:
    """Write the web sizes of an image already in storage; return the renditions dict."""
    storage = storage or default_storage
    with storage.open(source_name, "rb") as handle, Image.open(handle) as opened:
        opened.load()
        # Phones store the camera's rotation in EXIF; apply it, since the renditions drop EXIF.
        image = _flatten(ImageOps.exif_transpose(opened))
    width, height = image.size
    stem = posixpath.splitext(posixpath.basename(source_name))[0]
    folder = posixpath.join(posixpath.dirname(source_name), "renditions")
    targets = sorted({min(target, width) for target in RENDITION_WIDTHS})
    result: dict = {"source": source_name, "width": width, "height": height, "jpeg": {}, "webp": {}}
    for target in targets:
        resized = image if target == width else image.resize((target, round(height * target / width)), Image.LANCZOS)
        for kind, options in (
            ("jpeg", {"format": "JPEG", "quality": JPEG_QUALITY, "optimize": True, "progressive": True}),
            ("webp", {"format": "WEBP", "quality": WEBP_QUALITY, "method": 4}),
        ):
            buffer = io.BytesIO()
            resized.save(buffer, **options)
            name = storage.save(posixpath.join(folder, f"{stem}-{target}.{kind}"), ContentFile(buffer.getvalue()))
            result[kind][str(target)] = name
    return result


def renditions_delete(renditions: dict, *, storage=None) -> None:
    """Remove the files of renditions that are being replaced (the original is Django's to keep)."""
    storage = storage or default_storage
    for kind in ("jpeg", "webp"):
        for name in (renditions or {}).get(kind, {}).values():
            storage.delete(name)


@dataclass(frozen=True)
class Picture:
    """What a template needs for a responsive <picture>: URLs, srcsets and intrinsic size."""

    src: str
    jpeg_srcset: str
    webp_srcset: str
    width: int
    height: int
    largest: str

    @classmethod
    def from_renditions(cls, renditions: dict, *, storage=None) -> "Picture | None":
        storage = storage or default_storage
        jpeg = (renditions or {}).get("jpeg") or {}
        if not jpeg:
            return None
        widths = sorted(jpeg, key=int)

        def srcset(kind: str) -> str:
            names = renditions.get(kind) or {}
            return ", ".join(f"{storage.url(names[w])} {w}w" for w in widths if w in names)

        width, height = int(renditions["width"]), int(renditions["height"])
        display_width = int(widths[-1])
        middle = widths[len(widths) // 2]
        return cls(
            src=storage.url(jpeg[middle]),
            jpeg_srcset=srcset("jpeg"),
            webp_srcset=srcset("webp"),
            width=display_width,
            height=round(height * display_width / width),
            largest=storage.url(jpeg[widths[-1]]),
        )
