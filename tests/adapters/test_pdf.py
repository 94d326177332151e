"""The PDF renderer embeds Chinese fonts and refuses to fetch from outside the app."""

import subprocess

import pytest

from competition.adapters.pdf import FetchRefused, make_url_fetcher, render_pdf


def test_chinese_text_renders_with_an_embedded_cjk_font(tmp_path):
    out = tmp_path / "t.pdf"
    render_pdf("<p style=\"font-family: 'Noto Serif CJK SC'\">淮北市青少年科技创新大赛 喆 堃</p>", target=str(out))
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and "yes" in fonts
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "淮北市青少年科技创新大赛" in text


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.com/a.css", "static:../config.py"]
)
def test_outside_urls_are_refused(url):
    with pytest.raises(FetchRefused):
        make_url_fetcher().fetch(url)


def test_a_page_with_a_remote_image_still_renders_without_it(tmp_path):
    pdf = render_pdf('<p>内容</p><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">')
    assert pdf.startswith(b"%PDF")
