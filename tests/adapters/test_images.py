"""Uploaded photos lose the place they were taken and nothing else (competition.adapters.images)."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import ExifTags, Image, ImageChops

from competition.adapters import images
from tests.factories.teacher import PHOTO_JPG

XMP = b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude="33,57.2N"/></x:xmpmeta>'


def phone_photo(with_xmp: bool = True) -> bytes:
    """The real sample photo (a Huawei phone's, orientation 6) as the phone would have saved it
    with location on: GPS tags in EXIF and again in an XMP block."""
    with Image.open(PHOTO_JPG) as im:
        exif = im.getexif()
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (33.0, 57.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (116.0, 47.0, 30.0),
        }
        buf = io.BytesIO()
        im.save(buf, "JPEG", exif=exif, quality=90)
    data = buf.getvalue()
    if with_xmp:
        data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(XMP) + 2) + XMP + data[2:]
    return data


def scan(data: bytes) -> bytes:
    """The compressed image data: everything from the start-of-scan marker on."""
    return data[data.index(b"\xff\xda") :]


def test_location_goes_everything_else_stays():
    original = phone_photo()
    assert images.location_of(original)[ExifTags.GPS.GPSLatitudeRef] == "N"
    cleaned = images.without_location(original)
    assert cleaned is not None and images.location_of(cleaned) == {}
    assert XMP[:20] not in cleaned and b"GPSLatitude" not in cleaned
    assert scan(cleaned) == scan(original)  # not re-encoded: the same image bytes
    with Image.open(io.BytesIO(original)) as a, Image.open(io.BytesIO(cleaned)) as b:
        before, after = a.getexif(), b.getexif()
        assert after[ExifTags.Base.Orientation] == before[ExifTags.Base.Orientation] == 6
        assert after[ExifTags.Base.Make] == "HUAWEI" and after[ExifTags.Base.DateTime] == before[ExifTags.Base.DateTime]
        assert a.size == b.size and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None
    assert images.without_location(cleaned) is None  # nothing left to remove


def test_a_photo_without_location_is_left_alone():
    assert images.without_location(PHOTO_JPG.read_bytes()) is None


def test_xmp_alone_is_removed():
    with Image.open(PHOTO_JPG) as im:
        buf = io.BytesIO()
        im.save(buf, "JPEG")
    data = buf.getvalue()
    data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(XMP) + 2) + XMP + data[2:]
    cleaned = images.without_location(data)
    assert cleaned is not None and XMP[:20] not in cleaned and scan(cleaned) == scan(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"\xff\xd8\xff\xe1\x00",
        b"\xff\xd8\x00\x00\x00\x00",
        b"\xff\xd8\xff\xe1\xff\xff" + b"x" * 10,
        b"%PDF-1.4 not a jpeg",
    ],
)
def test_broken_bytes_are_refused_not_mangled(data):
    with pytest.raises(images.NotRewritable):
        images.without_location(data)


def test_a_large_photo_is_copied_in_chunks(tmp_path):
    import tracemalloc

    original = phone_photo()
    big = tmp_path / "big.jpg"
    scan_at = original.index(b"\xff\xda")
    # 40 MB of image data (never parsed: only copied)
    with big.open("wb") as fh:
        fh.write(original[:-2])
        for _ in range(40):
            fh.write(b"\x11" * (1024 * 1024))
        fh.write(original[-2:])
    out = tmp_path / "out.jpg"
    tracemalloc.start()
    with big.open("rb") as src, out.open("wb") as dst:
        assert images.copy_without_location(src, dst)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak
    cleaned = out.read_bytes()
    assert cleaned[cleaned.index(b"\xff\xda") :] == big.read_bytes()[scan_at:]
    assert b"GPSLatitude" not in cleaned[: cleaned.index(b"\xff\xda")]


def png_with_location() -> bytes:
    """The real sample diagram as a PNG with GPS in its eXIf chunk and XMP in an iTXt chunk."""
    from PIL import PngImagePlugin

    from tests.factories.teacher import DIAGRAM_PNG

    with Image.open(DIAGRAM_PNG) as im:
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = 6
        exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (33.0, 57.0, 12.5)}
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta exif:GPSLatitude='33,57.2N'/>")
        info.add_text("Comment", "实验装置示意图")
        buf = io.BytesIO()
        im.save(buf, "PNG", exif=exif, pnginfo=info)
    return buf.getvalue()


def test_png_loses_its_location_and_keeps_the_rest():
    original = png_with_location()
    assert images.location_of(original)
    cleaned = images.without_location(original)
    assert cleaned is not None and images.location_of(cleaned) == {}
    idat = original.index(b"IDAT") - 4
    assert cleaned[cleaned.index(b"IDAT") - 4 :] == original[idat:]  # image data untouched
    with Image.open(io.BytesIO(cleaned)) as im:
        assert im.getexif()[ExifTags.Base.Orientation] == 6 and im.info["Comment"] == "实验装置示意图"
        assert "XML:com.adobe.xmp" not in im.info
        im.load()  # every chunk's CRC checks out
    assert images.without_location(cleaned) is None


def test_a_png_without_location_is_left_alone():
    from tests.factories.teacher import DIAGRAM_PNG

    assert images.without_location(DIAGRAM_PNG.read_bytes()) is None
