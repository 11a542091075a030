"""The hostile-input corpus (``tests/hostile/cases.py``) through every layer that reads it.

1. The loader: the documented error type (a ``ValueError`` subclass) with a one-line message that
   contains the case's fragments (naming the field, row, column, key or value).
2. The command line: every case that has a command-line path, in this process through
   ``simulator.cli.main`` (exit 2, one line on stderr, no traceback, nothing on stdout, the working
   folder unchanged), and a representative subset (``subprocess=True``) through a real
   ``python -m simulator`` process, run a few at a time.
3. The app (AppTest, no browser): catalogue and scenario-file uploads and links; an error or a
   notice, no exception, and the last valid state kept (metrics unchanged).

No test asserts a time; nothing touches the network.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from apptest_pages import open_page
from hostile.cases import CASES, EXTENSIONS, FILES, RATE, SAMPLES, Case, of_kind

from simulator.cli import main
from simulator.io.csv_tracks import load_catalogue_csv
from simulator.io.itunes import load_itunes_library
from simulator.io.load import load_catalogue
from simulator.model.catalogue import CatalogueError
from simulator.output.bundle import bundle_zip_bytes
from simulator.output.export import export_file_name
from simulator.params.assumptions import AssumptionsError, load_assumptions
from simulator.params.scenario import make_scenario
from simulator.params.scenario_file import ScenarioFileError, read_scenario_bytes, read_scenario_file
from simulator.present.inputs import overrides_from_query

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
A = load_assumptions()
CATALOGUE_KINDS = ("catalogue_csv", "itunes_xml", "playlist", "audio_zip")
FILE_KINDS = ("assumptions", "scenario", *CATALOGUE_KINDS)
ERRORS = {"assumptions": AssumptionsError, "scenario": ScenarioFileError,
          **dict.fromkeys(CATALOGUE_KINDS, CatalogueError)}
#: The fewest cases of each kind the corpus must hold (issue 6, section 1).
MINIMUM = {"assumptions+scenario": 15, "catalogue_csv": 15, "itunes_xml": 8, "url": 10, "cli+output_path": 12}


def ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def check_message(case: Case, message: str) -> None:
    assert "\n" not in message.rstrip("\n"), f"{case.id}: message is not one line: {message!r}"
    assert "Traceback" not in message
    for fragment in case.expect:
        assert fragment in message, f"{case.id}: {fragment!r} not in {message!r}"


def listing(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` with a digest of its content (folders as "dir")."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def scenario_for(case: Case):
    return make_scenario(A, overrides=dict(case.sets))


# ============================================================================ the corpus itself


def test_the_corpus_has_the_variety_asked_for():
    n = Counter(c.kind for c in CASES)
    counts = {k: sum(n[part] for part in k.split("+")) for k in MINIMUM}
    assert all(counts[k] >= MINIMUM[k] for k in MINIMUM), counts
    assert len(CASES) >= 60
    assert all(c.expect and all(c.expect) for c in CASES), "every case names what it expects"


def test_every_committed_file_is_a_case_and_the_corpus_is_small():
    used = {f"{c.id}.{EXTENSIONS[c.kind]}"
            for c in CASES if c.input is None} | {s.file for s in SAMPLES}
    on_disk = {p.name for p in FILES.iterdir()}
    assert used <= on_disk, f"cases without their file: {sorted(used - on_disk)}"
    assert on_disk - used == {"good_catalogue.csv"}, f"files no case uses: {sorted(on_disk - used - {'good_catalogue.csv'})}"
    assert sum(p.stat().st_size for p in FILES.iterdir()) < 200_000


# ============================================================================ 1. loaders


@pytest.mark.parametrize("case", of_kind("assumptions"), ids=ids(of_kind("assumptions")))
def test_assumptions_loader(case, tmp_path):
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(case.path(tmp_path))
    check_message(case, str(info.value))


@pytest.mark.parametrize("case", of_kind("scenario"), ids=ids(of_kind("scenario")))
def test_scenario_loader(case, tmp_path):
    with pytest.raises(ScenarioFileError) as info:
        read_scenario_file(case.path(tmp_path), A)
    check_message(case, str(info.value))
    if not case.is_special_path:
        with pytest.raises(ScenarioFileError) as info:
            read_scenario_bytes(case.data(), A, source=f"{case.id}.yaml")
        check_message(case, str(info.value))
        assert str(info.value).startswith(f"{case.id}.yaml: ")


CATALOGUES = of_kind(*CATALOGUE_KINDS)


@pytest.mark.parametrize("case", CATALOGUES, ids=ids(CATALOGUES))
def test_catalogue_loaders(case, tmp_path):
    s = scenario_for(case)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(case.path(tmp_path), scenario=s)
    check_message(case, str(info.value))
    if case.is_special_path:
        return
    data = case.data()
    own = {"catalogue_csv": load_catalogue_csv, "itunes_xml": load_itunes_library}.get(case.kind, load_catalogue)
    for loader in (load_catalogue, own):
        with pytest.raises(CatalogueError) as info:
            loader(data, scenario=s)
        check_message(case, str(info.value))
    # Skipping bad rows either loads what is good or still says what is wrong: never another error.
    try:
        load_catalogue(data, scenario=s, skip_bad_rows=True)
    except CatalogueError as e:
        assert "\n" not in str(e)


@pytest.mark.parametrize("case", of_kind("url"), ids=ids(of_kind("url")))
def test_link_parameters(case):
    q = overrides_from_query(A, case.input)
    (name,) = case.input
    assert name not in q.overrides and q.preset is None, "a bad link value must be left out"
    assert len(q.notices) == 1, q.notices
    check_message(case, q.notices[0])
    assert "ignored" in q.notices[0]


NAMES = [c for c in of_kind("output_path") if isinstance(c.input, str)]


@pytest.mark.parametrize("case", NAMES, ids=ids(NAMES))
def test_output_file_names_are_refused(case, tmp_path, monkeypatch):
    with pytest.raises(ValueError) as info:
        export_file_name(case.input, "csv")
    check_message(case, str(info.value))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a bundle would be staged
    with pytest.raises(ValueError) as info:
        bundle_zip_bytes(make_scenario(A), formats=("csv",), name=case.input)
    check_message(case, str(info.value))
    assert not list(tmp_path.iterdir()), "nothing is written for a refused name"


# ============================================================================ 2. the command line


def cli_args(case: Case, tmp: Path) -> list[str]:
    """The command line of a case; its input file is written into ``tmp`` first."""
    sets = [a for k, v in case.sets.items() for a in ("--set", f"{k}={v}")]
    if case.kind == "assumptions":
        return ["market", "--assumptions", str(case.path(tmp))]
    if case.kind == "scenario":
        return ["export", "--scenario", str(case.path(tmp)), "--out", str(tmp / "bundle"), "--format", "csv"]
    if case.kind in CATALOGUE_KINDS:
        return ["catalogue", str(case.path(tmp)), *sets]
    for rel, content in case.setup.items():
        p = tmp / rel
        p.mkdir(parents=True) if content is None else p.write_text(content, encoding="utf-8")
    return [a.format(tmp=tmp) for a in case.input]


CLI_CASES = [c for c in CASES if c.kind in FILE_KINDS or c.kind == "cli" or
             (c.kind == "output_path" and not isinstance(c.input, str))]


def check_cli(case: Case, code: int, out: str, err: str) -> None:
    assert code == 2, f"{case.id}: exit {code}; stderr {err!r}"
    assert out == "", f"{case.id}: printed {out!r}"
    assert err.endswith("\n") and err.count("\n") == 1, f"{case.id}: stderr is not one line: {err!r}"
    assert err.startswith("allofmp3-sim") and ": error: " in err, err
    check_message(case, err)


@pytest.mark.parametrize("case", CLI_CASES, ids=ids(CLI_CASES))
def test_command_line_in_process(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = cli_args(case, tmp_path)
    before = listing(tmp_path)
    try:
        code = main(args)
    except SystemExit as e:  # a usage error from argparse
        code = e.code
    out, err = capsys.readouterr()
    check_cli(case, code, out, err)
    assert listing(tmp_path) == before, f"{case.id}: the working folder changed (partial output?)"


SUBPROCESS = [c for c in CLI_CASES if c.subprocess]


def _python_m(case: Case, tmp: Path) -> tuple[Case, subprocess.CompletedProcess, dict, dict]:
    work = tmp / case.id
    work.mkdir()
    args = cli_args(case, work)
    before = listing(work)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-m", "simulator", *args], cwd=work, env=env, capture_output=True,
                       text=True, timeout=600)
    return case, r, before, listing(work)


def test_command_line_in_real_processes(tmp_path):
    """A representative subset through ``python -m simulator`` (a few processes at a time)."""
    assert len(SUBPROCESS) >= 12 and {c.kind for c in SUBPROCESS} >= {*FILE_KINDS, "cli", "output_path"}
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda c: _python_m(c, tmp_path), SUBPROCESS))
    for case, r, before, after in results:
        check_cli(case, r.returncode, r.stdout, r.stderr)
        assert after == before, f"{case.id}: the working folder changed (partial output?)"


def test_a_valid_export_after_the_refusals_still_writes(tmp_path, capsys):
    """The refusals are not a blanket no: the same command with a fresh --out writes the bundle."""
    code = main(["export", "--preset", "card_freeze", "--out", str(tmp_path / "fresh"), "--format", "csv"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "fresh" / "scenario.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["fresh"], "no staging folder is left behind"


# ============================================================================ 3. the app (AppTest)


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=120)


def run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def _albums(at) -> int:
    return len(at.selectbox(key="catalogue_album").options)


def test_app_catalogue_uploads_keep_the_last_valid_catalogue():
    at = run(_app())
    run(open_page(at, "catalogue"))
    at.radio(key="catalogue_source").set_value("Upload a file")
    run(at)
    good = (FILES / "good_catalogue.csv").read_bytes()
    at.file_uploader(key="catalogue_file").set_value(("good_catalogue.csv", good, "text/csv"))
    run(at)
    assert not errors(at)
    loaded, albums = metrics(at), _albums(at)
    assert albums == 2 and loaded
    cases = [c for c in CATALOGUES if c.app and not c.is_special_path]
    assert len(cases) >= 40
    failures = []
    for case in cases:
        name = f"{case.id}.{EXTENSIONS[case.kind]}"
        mime = {"catalogue_csv": "text/csv", "itunes_xml": "text/xml", "playlist": "audio/x-mpegurl",
                "audio_zip": "application/zip"}[case.kind]
        at.file_uploader(key="catalogue_file").set_value((name, case.data(), mime))
        run(at)
        errs = errors(at)
        try:
            assert len(errs) == 1 and errs[0].startswith(f"{name}: "), errs
            check_message(case, errs[0])
            assert any("last catalogue that loaded: good_catalogue.csv" in c.value for c in at.caption)
            assert metrics(at) == loaded and _albums(at) == albums, "the last valid catalogue was not kept"
        except AssertionError as e:
            failures.append(f"{case.id}: {e}")
    assert not failures, "\n".join(failures)


def test_app_scenario_uploads_keep_the_current_scenario():
    at = run(_app())
    at.session_state["group_export"] = True  # the "Scenario file and handouts" panel, opened
    run(at)
    at.selectbox(key="preset").set_value("card_freeze")
    run(at)
    at.slider(key=RATE).set_value(0.025)
    run(at)
    before, inputs = metrics(at), dict(at.session_state["_inputs"])
    assert before and inputs[RATE] == 0.025
    cases = [c for c in of_kind("scenario") if c.app and not c.is_special_path]
    assert len(cases) >= 15
    failures = []
    for case in cases:
        name = f"{case.id}.yaml"
        at.file_uploader(key="scenario_upload").set_value((name, case.data(), "application/x-yaml"))
        run(at)
        errs = errors(at)
        try:
            assert len(errs) == 1 and errs[0].startswith(f"{name}: ") and "unchanged" in errs[0], errs
            check_message(case, errs[0])
            assert at.session_state["preset"] == "card_freeze"
            assert dict(at.session_state["_inputs"]) == inputs
            assert metrics(at) == before, "the scenario changed after a refused upload"
        except AssertionError as e:
            failures.append(f"{case.id}: {e}")
    assert not failures, "\n".join(failures)


#: A valid value opened together with the bad ones: it must be applied, the others left out.
_GOOD = ("payments.recovered_share", "0.5")


def _batches(cases: list[Case]) -> list[list[Case]]:
    """Cases grouped so that no two in a group set the same parameter (one link per group)."""
    groups: list[list[Case]] = []
    for case in cases:
        for g in groups:
            if not {k for c in g for k in c.input} & set(case.input):
                g.append(case)
                break
        else:
            groups.append([case])
    return groups


def test_app_links_with_bad_values_give_notices_and_keep_the_valid_state():
    reference = _app()
    reference.query_params[_GOOD[0]] = _GOOD[1]
    run(reference)
    want = metrics(reference)
    assert want and not reference.warning
    failures = []
    for batch in _batches(of_kind("url")):
        at = _app()
        for case in batch:
            for k, v in case.input.items():
                at.query_params[k] = v
        at.query_params[_GOOD[0]] = _GOOD[1]
        run(at)
        notes = "\n\n".join(w.value for w in at.warning)
        for case in batch:
            try:
                (name,) = case.input
                (line,) = [n for n in notes.split("\n\n") if n.startswith(f"Link parameter {name}=")]
                check_message(case, line)
            except (AssertionError, ValueError) as e:
                failures.append(f"{case.id}: {e!r} in {notes[:500]!r}")
        if metrics(at) != want:
            failures.append(f"{[c.id for c in batch]}: metrics {metrics(at)} != {want}")
        if at.session_state["_inputs"][_GOOD[0]] != float(_GOOD[1]) or at.session_state["preset"] != "reported_2006":
            failures.append(f"{[c.id for c in batch]}: the valid part of the link was not applied")
    assert not failures, "\n".join(failures)


# ============================================================================ not over-strict


def test_benign_variants_of_valid_files_still_load(tmp_path):
    """BOMs, CRLF line ends and formula-looking titles are not hostile: they load (titles stay data)."""
    from simulator.params.assumptions import default_assumptions_path
    from simulator.params.scenario_file import scenario_to_yaml

    text = default_assumptions_path().read_text(encoding="utf-8")
    p = tmp_path / "a.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_assumptions(p).parameters[RATE].value == 0.03
    s = make_scenario(A, preset="rate_2005", overrides={"demand.potential_buyers": 4e6})
    data = b"\xef\xbb\xbf" + scenario_to_yaml(s).replace("\n", "\r\n").encode("utf-8")
    assert read_scenario_bytes(data, A).values == s.values
    csv = "\ufeffname,seconds\r\n=HYPERLINK(\"http://evil\"),240\r\n".encode()
    c = load_catalogue(csv, scenario=make_scenario())
    assert c.tracks["track"].tolist() == ['=HYPERLINK("http://evil")']
    assert load_catalogue(csv.decode("utf-8-sig").encode("utf-16"), scenario=make_scenario()).tracks["duration_ms"].tolist() == [240_000]
