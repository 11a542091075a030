"""A live class from start to end through simulator.live.service, on SQLite and PostgreSQL.

Per-student variants and their right answers come from the model; marking is within the stated
tolerance; the teacher's controls (live, reveal, lock, remove, close, scenario) do what they say;
the export has one row per student and exercise plus the scenario file; delete and expiry remove
everything.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from live_support import backend_url, live_store  # noqa: F401  (fixtures)
from sqlalchemy import func, select

from simulator.live import service as sv
from simulator.live.errors import AccessDenied, ClassStateError, InputError
from simulator.live.export import CSV_COLUMNS, export_class
from simulator.live.storage import Assignment, LiveClass, Participant, Submission, utcnow
from simulator.live.variants import FACTORS, VARIED, student_seed, variant_overrides
from simulator.params.scenario import make_scenario
from simulator.params.scenario_file import scenario_from_yaml
from simulator.present.classroom import EXERCISE_KEYS, exercises


def rid() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def klass(live_store):  # noqa: F811
    new = sv.create_class(live_store, "Media economics", live=["per_mb_follows_cost", "lawsuit"])
    return live_store, new, sv.Teacher(new.code, new.teacher_secret)


def test_new_class_has_a_short_code_and_a_secret_stored_only_as_a_hash(klass):
    store, new, _ = klass
    assert len(new.code) == sv.CODE_LENGTH and set(new.code) <= set(sv.CODE_ALPHABET)
    assert len(new.teacher_secret) >= 43  # 32 bytes, URL-safe base64: 256 bits
    row = store.read(lambda s: s.scalar(select(LiveClass)))
    assert row.teacher_hash != new.teacher_secret and len(row.teacher_hash) == 64
    assert new.teacher_secret not in repr(new)
    assert row.expires_at - row.created_at == sv.RETENTION


def test_each_student_gets_their_own_variant_and_right_answers_from_the_model(klass):
    store, new, teacher = klass
    joined = [sv.join(store, new.code, name) for name in ("Ana", "Bo", "Chen")]
    salt = store.read(lambda s: s.scalar(select(LiveClass.variant_salt)))
    d = sv.dashboard(store, teacher)
    variants = [p.variant for p in d.participants]
    assert len({json.dumps(v, sort_keys=True) for v in variants}) == 3          # neighbours differ
    base = make_scenario()
    for j, p in zip(joined, d.participants, strict=True):
        assert p.nickname == j.nickname
        assert p.variant == variant_overrides(base, student_seed(salt, j.nickname.casefold()))
        assert sorted(p.variant) == sorted(VARIED)
        for k in VARIED:  # every varied input moved by one of the factors, rounded to its step
            step = base.assumptions.parameters[k].step
            assert p.variant[k] != base[k]
            assert any(abs(p.variant[k] - base[k] * f) <= step / 2 + 1e-12 for f in FACTORS), (k, p.variant[k])
        # the right answers are the model's for the student's variant scenario
        mine = {e.key: e for e in exercises(base.with_overrides(p.variant))}
        assert p.expected["per_mb_follows_cost"] == str(mine["per_mb_follows_cost"].numeric.value)
        assert Decimal(p.expected["lawsuit"]) == Decimal(repr(mine["lawsuit"].numeric.value))
        assert p.expected["lawsuit"] != str(exercises(base)[-1].numeric.value)   # not the class's number
        # by hand: 11 million songs x factor x $150,000
        assert Decimal(p.expected["lawsuit"]) == Decimal(str(p.variant["rights.us_songs_jun_oct_2006"])) * 150_000
        # the question the student reads quotes their own songs, not the class's 11.00 million
        shown = {e.key: e for e in sv.student_view(store, new.code, j.token).exercises}["lawsuit"]
        assert (shown.question, shown.hints) == (mine["lawsuit"].question, mine["lawsuit"].hints)
        songs_m = p.variant["rights.us_songs_jun_oct_2006"] / 1e6
        assert f"{songs_m:.2f} million songs" in shown.question and "11.00 million" not in shown.question


def test_marking_is_within_the_stated_tolerance(klass):
    store, new, teacher = klass
    ana = sv.join(store, new.code, "Ana")
    right = sv.dashboard(store, teacher).participants[0].expected
    price = Decimal(right["per_mb_follows_cost"])     # to the cent; tolerance half a cent
    claim = Decimal(right["lawsuit"])                 # tolerance 1%
    cases = [("per_mb_follows_cost", f"${price}", True), ("per_mb_follows_cost", str(price + Decimal("0.004")), True),
             ("per_mb_follows_cost", str(price + Decimal("0.006")), False),
             ("lawsuit", f"{claim * Decimal('1.0099'):.0f}", True), ("lawsuit", f"{claim * Decimal('1.0101'):.0f}", False),
             ("lawsuit", f"{claim / Decimal('1e12'):.4f} trillion", True)]
    for key, answer, ok in cases:
        sv.submit(store, new.code, ana.token, key, answer, rid())
        got = store.read(lambda s: s.scalars(select(Submission).order_by(Submission.id.desc())).first())
        assert (got.answer_text, got.correct) == (answer, ok)


def test_students_see_only_live_exercises_and_marks_only_after_the_reveal(klass):
    store, new, teacher = klass
    ana = sv.join(store, new.code, "Ana")
    v = sv.student_view(store, new.code, ana.token)
    assert [e.key for e in v.exercises] == ["per_mb_follows_cost", "lawsuit"]
    assert v.exercises[0].tolerance_text == "within ±0.005 USD" and v.exercises[1].tolerance_text.startswith("within 1%")
    right = sv.dashboard(store, teacher).participants[0].expected["per_mb_follows_cost"]
    sv.submit(store, new.code, ana.token, "per_mb_follows_cost", right, rid())
    e = sv.student_view(store, new.code, ana.token).exercises[0]
    assert (e.answers, e.last_answer, e.correct, e.expected) == (1, right, None, None)   # no mark yet
    with pytest.raises(ClassStateError, match="not live"):
        sv.submit(store, new.code, ana.token, "clone", "1", rid())
    sv.set_exercise(store, teacher, "per_mb_follows_cost", revealed=True)
    e = sv.student_view(store, new.code, ana.token).exercises[0]
    assert (e.correct, e.expected, e.revealed) == (True, right, True)
    with pytest.raises(ClassStateError, match="revealed"):
        sv.submit(store, new.code, ana.token, "per_mb_follows_cost", "1", rid())
    sv.set_exercise(store, teacher, "clone", live=True)
    assert [e.key for e in sv.student_view(store, new.code, ana.token).exercises] == [
        "per_mb_follows_cost", "clone", "lawsuit"]


def test_dashboard_counts_answers_and_lists_common_wrong_ones(klass):
    store, new, teacher = klass
    people = [sv.join(store, new.code, n) for n in ("Ana", "Bo", "Chen", "Dee")]
    exp = {p.nickname: p.expected["lawsuit"] for p in sv.dashboard(store, teacher).participants}
    answers = {"Ana": Decimal(exp["Ana"]), "Bo": Decimal(exp["Bo"]) * 2, "Chen": Decimal(exp["Chen"]) * 2}
    for p in people:
        if p.nickname in answers:
            sv.submit(store, new.code, p.token, "lawsuit", str(answers[p.nickname]), rid())
    st = {e.key: e for e in sv.dashboard(store, teacher).exercises}["lawsuit"]
    assert (st.submitted, st.right) == (3, 1)
    assert sorted(st.ratios) == pytest.approx([1.0, 2.0, 2.0])
    assert st.common_wrong == [("×2", 2)]
    assert st.unit == "USD" and st.live and not st.revealed


def test_lock_remove_close(klass):
    store, new, teacher = klass
    ana = sv.join(store, new.code, "Ana")
    sv.set_joining_locked(store, teacher, True)
    with pytest.raises(ClassStateError, match="locked"):
        sv.join(store, new.code, "Bo")
    sv.submit(store, new.code, ana.token, "lawsuit", "1", rid())  # students already in keep working
    sv.set_joining_locked(store, teacher, False)
    bo = sv.join(store, new.code, "Bo")
    pid = next(p.id for p in sv.dashboard(store, teacher).participants if p.nickname == "Bo")
    sv.submit(store, new.code, bo.token, "lawsuit", "2", rid())
    sv.remove_participant(store, teacher, pid)
    with pytest.raises(AccessDenied, match="removed"):
        sv.student_view(store, new.code, bo.token)
    with pytest.raises(AccessDenied, match="removed"):
        sv.submit(store, new.code, bo.token, "lawsuit", "3", rid())
    d = sv.dashboard(store, teacher)
    assert {e.key: e.submitted for e in d.exercises}["lawsuit"] == 1  # Bo's answer left the charts
    assert [p.removed for p in d.participants] == [False, True]       # but is still listed
    sv.close_class(store, teacher)
    with pytest.raises(ClassStateError, match="closed"):
        sv.join(store, new.code, "Chen")
    with pytest.raises(ClassStateError, match="closed"):
        sv.submit(store, new.code, ana.token, "lawsuit", "4", rid())
    assert sv.student_view(store, new.code, ana.token).closed               # still readable
    assert sv.dashboard(store, teacher).closed


def test_the_polled_state_keys_change_exactly_when_a_page_would_show_something_else(klass):
    """The pages poll student_state / dashboard_state and redraw only when the key moved: every event
    that changes what a page shows moves its key, and nothing else does; the key polled equals the key
    the full read carries."""
    store, new, teacher = klass
    ana = sv.join(store, new.code, "Ana")

    def keys():
        s_key, d_key = sv.student_state(store, new.code, ana.token), sv.dashboard_state(store, teacher)
        assert s_key == sv.student_view(store, new.code, ana.token).state_key
        assert d_key == sv.dashboard(store, teacher).state_key
        return s_key, d_key

    seen = [keys()]
    assert keys() == seen[-1]                                          # reading changes nothing

    def moved(student: bool, dash: bool) -> None:
        now = keys()
        assert (now[0] != seen[-1][0], now[1] != seen[-1][1]) == (student, dash)
        seen.append(now)

    bo = sv.join(store, new.code, "Bo")
    moved(student=False, dash=True)                                    # a student joined
    sv.submit(store, new.code, bo.token, "lawsuit", "2", rid())
    moved(student=False, dash=True)                                    # someone else's answer
    sv.submit(store, new.code, ana.token, "lawsuit", "3", rid())
    moved(student=True, dash=True)                                     # her own answer (another tab)
    sv.set_exercise(store, teacher, "clone", live=True)
    moved(student=True, dash=True)
    sv.set_exercise(store, teacher, "lawsuit", revealed=True)
    moved(student=True, dash=True)
    sv.set_joining_locked(store, teacher, True)
    moved(student=False, dash=True)                                    # students do not see the lock
    pid = next(p.id for p in sv.dashboard(store, teacher).participants if p.nickname == "Bo")
    sv.remove_participant(store, teacher, pid)
    moved(student=False, dash=True)
    sv.close_class(store, teacher)
    moved(student=True, dash=True)
    with pytest.raises(AccessDenied, match="removed"):
        sv.student_state(store, new.code, bo.token)
    with pytest.raises(AccessDenied):
        sv.dashboard_state(store, sv.Teacher(new.code, "x" * 43))
    assert len(set(seen)) == len(seen)


def test_a_scenario_change_moves_both_keys(klass):
    store, new, teacher = klass
    ana = sv.join(store, new.code, "Ana")
    before = sv.student_state(store, new.code, ana.token), sv.dashboard_state(store, teacher)
    scenario, label, _ = sv.choose_scenario(preset="rate_2005")
    sv.change_scenario(store, teacher, scenario, label)
    after = sv.student_state(store, new.code, ana.token), sv.dashboard_state(store, teacher)
    assert before[0] != after[0] and before[1] != after[1]


def test_nicknames_are_unique_in_a_class_whatever_their_case(klass):
    store, new, _ = klass
    sv.join(store, new.code, "Ana")
    with pytest.raises(InputError, match="already taken"):
        sv.join(store, new.code, "  ANA ")


def test_scenario_from_a_shared_link_or_a_preset(klass):
    store, new, teacher = klass
    s, label, notices = sv.choose_scenario(link="http://127.0.0.1:8501/explore?preset=rate_2005"
                                                "&pricing.rate_usd_per_mb=0.025&nonsense=1")
    assert s.preset == "rate_2005" and s["pricing.rate_usd_per_mb"] == 0.025
    assert label == "shared link: preset rate_2005, 1 input(s) changed" and len(notices) == 1
    ana = sv.join(store, new.code, "Ana")
    before = sv.dashboard(store, teacher).participants[0].expected
    sv.change_scenario(store, teacher, s, label)
    d = sv.dashboard(store, teacher)
    assert d.scenario_label == label and scenario_from_yaml(d.scenario_yaml).values == s.values
    after = d.participants[0].expected
    assert after != before
    assert after["per_mb_follows_cost"] == str(exercises(s.with_overrides(d.participants[0].variant))[0].numeric.value)
    sv.submit(store, new.code, ana.token, "lawsuit", "1", rid())
    with pytest.raises(ClassStateError, match="cannot change once students have answered"):
        sv.change_scenario(store, teacher, make_scenario(preset="lossless"), "preset lossless")
    p, label, _ = sv.choose_scenario(preset="card_freeze")
    assert p.preset == "card_freeze" and label == "preset card_freeze"
    with pytest.raises(InputError, match="preset must be one of"):
        sv.choose_scenario(preset="nope")


def test_export_has_one_row_per_student_and_exercise_and_the_scenario_file(klass):
    store, new, teacher = klass
    ana, bo = sv.join(store, new.code, "Ana"), sv.join(store, new.code, "-Bo")  # a formula-looking name
    right = {p.nickname: p.expected for p in sv.dashboard(store, teacher).participants}
    sv.submit(store, new.code, ana.token, "lawsuit", "1", rid())
    sv.submit(store, new.code, ana.token, "lawsuit", right["Ana"]["lawsuit"], rid())
    sv.submit(store, new.code, bo.token, "per_mb_follows_cost", "0.01", rid())
    ex = export_class(store, teacher)
    rows = list(csv.DictReader(io.StringIO(ex.csv_text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 2 * len(EXERCISE_KEYS)
    by = {(r["student"], r["exercise"]): r for r in rows}
    a = by[("Ana", "lawsuit")]
    assert (a["last_answer"], a["correct"], a["attempts"], a["right_answer"]) == (
        right["Ana"]["lawsuit"], "True", "2", right["Ana"]["lawsuit"])
    assert by[("'-Bo", "per_mb_follows_cost")]["correct"] == "False"          # neutralised, not a formula
    assert by[("Ana", "clone")]["attempts"] == "0" and by[("Ana", "clone")]["live"] == "False"
    assert scenario_from_yaml(ex.scenario_yaml).values == make_scenario().values
    z = zipfile.ZipFile(io.BytesIO(ex.zip_bytes()))
    assert sorted(z.namelist()) == sorted([ex.csv_name, ex.scenario_name]) and new.code in ex.csv_name


def _rows(store) -> dict[str, int]:
    def count(s):
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (LiveClass, Participant, Assignment, Submission)}
    return store.read(count)


def test_delete_removes_everything_and_the_links_stop_working(klass):
    store, new, teacher = klass
    other = sv.create_class(store, "Other class")
    sv.join(store, other.code, "Zed")
    ana = sv.join(store, new.code, "Ana")
    sv.submit(store, new.code, ana.token, "lawsuit", "1", rid())
    assert _rows(store) == {"live_class": 2, "live_participant": 2, "live_assignment": 2 * len(EXERCISE_KEYS), "live_submission": 1}
    assert sv.delete_class(store, teacher) == new.code
    assert _rows(store) == {"live_class": 1, "live_participant": 1, "live_assignment": len(EXERCISE_KEYS), "live_submission": 0}
    with pytest.raises(AccessDenied):
        sv.dashboard(store, teacher)
    with pytest.raises(AccessDenied):
        sv.student_view(store, new.code, ana.token)
    assert [c.code for c in sv.list_classes(store)] == [other.code]


def test_classes_expire_after_the_retention_period(klass):
    store, new, _ = klass
    sv.join(store, new.code, "Ana")
    assert sv.purge_expired(store) == 0
    assert sv.purge_expired(store, now=utcnow() + sv.RETENTION + timedelta(minutes=1)) == 1
    assert _rows(store)["live_class"] == 0 and _rows(store)["live_participant"] == 0


def test_local_admin_lists_exports_and_deletes_without_the_secret(klass):
    store, new, _ = klass
    sv.join(store, new.code, "Ana")
    (summary,) = sv.list_classes(store)
    assert (summary.code, summary.title, summary.students, summary.submissions) == (new.code, "Media economics", 1, 0)
    assert len(list(csv.DictReader(io.StringIO(export_class(store, sv.LocalAdmin(new.code)).csv_text)))) == len(EXERCISE_KEYS)
    sv.delete_class(store, sv.LocalAdmin(new.code.lower()))
    assert sv.list_classes(store) == []
