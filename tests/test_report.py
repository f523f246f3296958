"""``segdsl report``: one self-contained HTML file, opened in headless Chromium.

The browser test needs the Debian package ``chromium`` (``apt-get install chromium``); without
it the test is skipped locally and fails under CI=true. The screenshot is decoded with the
small PNG reader below (zlib only) and checked for the colours each chart is drawn in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from segdsl.insights import charts
from segdsl.schema import Schema
from tests.conftest import IN_CI
from tests.test_sizes import AS_OF, make_small_db, segdsl, write_project

WIDTH, HEIGHT = 1280, 2000


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, example_schema: Schema) -> Path:
    folder = write_project(tmp_path_factory.mktemp("report") / "project")
    make_small_db(folder / "small.duckdb", example_schema)
    return folder


@pytest.fixture(scope="module")
def report(project: Path) -> Path:
    run = segdsl("report", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "--out", "report.html",
                 cwd=project)
    assert run.returncode == 0, run.stderr
    assert "wrote report.html" in run.stdout
    return project / "report.html"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.seen: dict[str, int] = {}
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1
        self.attributes += attrs
        if tag not in ("meta", "br", "link", "img", "input", "hr"):
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1
        self.attributes += attrs

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else 'nothing'}>")
            return
        self.open.pop()


def test_report_is_one_self_contained_file(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)  # nothing to fetch: no CDN, no fonts, no xmlns URL
    parser = _Tags()
    parser.feed(html)
    assert parser.problems == [] and parser.open == []
    assert "script" not in parser.seen and "link" not in parser.seen and "img" not in parser.seen
    assert not [name for name, _ in parser.attributes if name in ("src", "href") and _ and not _.startswith("#")]
    assert parser.seen["svg"] >= 10
    assert parser.seen["style"] == 1


def test_report_has_normal_permissions(report: Path) -> None:
    """Written through a temporary file, but readable like any file the user writes (umask)."""
    from segdsl.insights.files import current_umask

    assert report.stat().st_mode & 0o777 == 0o666 & ~current_umask()


def test_atomic_writes_respect_the_umask_and_keep_a_replaced_files_mode(tmp_path: Path) -> None:
    import os

    from segdsl.insights.files import atomic_write_text

    previous = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.html", "x")
        assert (tmp_path / "new.html").stat().st_mode & 0o777 == 0o640
        private = tmp_path / "private.json"
        private.write_text("old")
        private.chmod(0o600)
        atomic_write_text(private, "new")
        assert private.stat().st_mode & 0o777 == 0o600 and private.read_text() == "new"
    finally:
        os.umask(previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.html", "private.json"]


def test_report_content(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    for name in ("uk_ie", "women", "subscribed", "big_buyers", "nobody"):
        assert f'id="seg-{name}"' in html
    assert "10 customers" in html
    assert "5 · 50.0%" in html  # women: size and share
    assert '<p class="desc">Women</p>' in html  # the description from the segment file
    assert "This segment has no members" in html  # nobody
    assert "SELECT" in html and "FROM &quot;customers&quot;" in html  # compiled SQL, escaped
    assert "Largest exact intersections" in html and "Overlap" in html
    assert "score 1.00" in html  # gender sets the women apart completely
    english = _english_available()
    if english:
        assert '<p class="english">' in html


def _english_available() -> bool:
    try:
        from segdsl.describe import describe_segment  # noqa: F401
    except ImportError:
        return False
    return True


def test_every_chart_is_well_formed_svg(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 10
    for svg in svgs:
        ET.fromstring(svg)  # raises on any unescaped text


def test_chart_text_is_escaped() -> None:
    svg = charts.paired_bars([charts.Pair("x'; <drop> & \"table\"", 0.5, 0.25)])
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("text")]
    assert any("<drop>" in t for t in texts)
    assert "<drop>" not in svg


def test_json_output_and_missing_folder(project: Path, tmp_path: Path) -> None:
    run = segdsl("report", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "-o",
                 str(tmp_path / "r.html"), "--segment", "women", "--format", "json", cwd=project)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["segments"] == 1 and data["total"] == 10 and data["bytes"] > 1000
    bad = segdsl("report", "segments.seg", "--db", "small.duckdb", "--out", str(tmp_path / "no" / "r.html"),
                 cwd=project)
    assert bad.returncode == 2 and "does not exist" in bad.stderr


def test_a_failed_report_leaves_no_file(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    run = segdsl("report", "segments.seg", "--db", "missing.duckdb", "--out", str(out), cwd=project)
    assert run.returncode == 1 and "does not exist" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


# ---- the browser ---------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def _screenshot(html: Path, png: Path, profile: Path) -> None:
    browser = _chromium()
    if browser is None:
        message = "headless Chromium is needed for this test: apt-get install chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png}",
               f"--window-size={WIDTH},{HEIGHT}", html.resolve().as_uri()]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert png.exists(), f"chromium wrote no screenshot (exit {run.returncode}): {run.stderr[-2000:]}"


def read_png(path: Path) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, rows of pixel bytes) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    position, chunks = 8, []
    width = height = depth = colour = interlace = 0
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    # bytewise addition of whole rows as big integers (no carry between bytes)
    low7, high = int.from_bytes(b"\x7f" * stride, "big"), int.from_bytes(b"\x80" * stride, "big")

    def add(a: int, b: int) -> int:
        return ((a & low7) + (b & low7)) ^ ((a ^ b) & high)

    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind == 0:  # None
            row = bytes(line)
        elif kind == 1:  # Sub: a running sum along the row, in log2(width) doubling steps
            value, shift = int.from_bytes(line, "big"), channels
            while shift < stride:
                value = add(value, value >> (8 * shift))
                shift *= 2
            row = value.to_bytes(stride, "big")
        elif kind == 2:  # Up
            row = add(int.from_bytes(line, "big"), int.from_bytes(previous, "big")).to_bytes(stride, "big")
        else:
            current = bytearray(line)
            for i in range(stride):
                left = current[i - channels] if i >= channels else 0
                up = previous[i]
                if kind == 3:  # Average
                    current[i] = (current[i] + ((left + up) >> 1)) & 255
                    continue
                corner = previous[i - channels] if i >= channels else 0  # Paeth
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                current[i] = (current[i] + best) & 255
            row = bytes(current)
        rows.append(row)
        previous = row
    return width, height, channels, rows


def pixels_of(rows: list[bytes], channels: int, colour: str) -> list[tuple[int, int]]:
    """(x, y) of every pixel of exactly this colour."""
    target = bytes.fromhex(colour.lstrip("#"))
    found = []
    for y, row in enumerate(rows):
        at = row.find(target)
        while at != -1:
            if at % channels == 0:
                found.append((at // channels, y))
            at = row.find(target, at + 1)
    return found


def test_report_renders_its_charts_in_chromium(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _screenshot(report, png, tmp_path / "chromium-profile")
    width, height, channels, rows = read_png(png)
    assert (width, height) == (WIDTH, HEIGHT)
    sizes = pixels_of(rows, channels, charts.SIZE)
    heat = pixels_of(rows, channels, charts.HEAT_HIGH)
    inside = pixels_of(rows, channels, charts.INSIDE)
    outside = pixels_of(rows, channels, charts.OUTSIDE)
    # the size bars (green) fill the left card, the heat map's diagonal (Jaccard 1, full violet)
    # the right one; members (orange) and everyone else (blue) are drawn in the profile charts
    assert len(sizes) > 500 and max(x for x, _ in sizes) < width / 2
    assert len(heat) > 300 and min(x for x, _ in heat) > width / 2
    top_of_profiles = max(y for _, y in sizes)
    assert len([p for p in inside if p[1] > top_of_profiles]) > 500
    assert len([p for p in outside if p[1] > top_of_profiles]) > 300
    # the intersections' bars are orange too, between the cards and the profiles
    assert any(y < top_of_profiles + 600 for _, y in inside)


def test_png_reader_on_a_known_image(tmp_path: Path) -> None:
    """Every filter type, checked against an image whose pixels are known."""
    width, height = 5, 5
    pixels = [bytes((x * 40 + y, y * 50, (x * y * 7) % 256)) for y in range(height) for x in range(width)]
    rows = [b"".join(pixels[y * width:(y + 1) * width]) for y in range(height)]

    def encode(kind: int, row: bytes, previous: bytes) -> bytes:
        out = bytearray()
        for i, value in enumerate(row):
            left = row[i - 3] if i >= 3 else 0
            up = previous[i]
            corner = previous[i - 3] if i >= 3 else 0
            if kind == 0:
                predicted = 0
            elif kind == 1:
                predicted = left
            elif kind == 2:
                predicted = up
            elif kind == 3:
                predicted = (left + up) >> 1
            else:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                predicted = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
            out.append((value - predicted) & 255)
        return bytes((kind,)) + bytes(out)

    raw = b"".join(encode(y % 5, rows[y], rows[y - 1] if y else bytes(15)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    (tmp_path / "t.png").write_bytes(png)
    assert read_png(tmp_path / "t.png") == (width, height, 3, rows)
