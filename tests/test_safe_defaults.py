"""Safe defaults for serving the app (README, "Serving a class").

``.streamlit/config.toml`` listens on loopback only unless told otherwise, caps uploads, keeps XSRF
and CORS protection on and sends no usage statistics; no front-end code renders raw HTML
(``unsafe_allow_html``), so nothing a user types or uploads can reach the page as markup.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_listens_on_loopback_only():
    assert config()["server"]["address"] == "127.0.0.1"


def test_upload_size_is_capped():
    cap = config()["server"]["maxUploadSize"]
    assert isinstance(cap, int) and 0 < cap <= 50  # [MB]; Streamlit's default is 200


def test_xsrf_and_cors_protection_stay_on():
    server = config()["server"]
    assert server["enableXsrfProtection"] is True
    assert server.get("enableCORS", True) is True  # Streamlit's default; never switched off here


def test_no_usage_statistics():
    assert config()["browser"]["gatherUsageStats"] is False


def test_no_raw_html_in_the_front_end():
    files = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
    assert len(files) > 3
    offenders = [f.relative_to(ROOT).as_posix() for f in files if "unsafe_allow_html" in f.read_text(encoding="utf-8")]
    assert offenders == [], f"unsafe_allow_html in {offenders}: render user text with st.text/st.markdown instead"
