"""No one where they don't belong (simulator.live.service), on SQLite and PostgreSQL.

A student cannot open the teacher's dashboard, read another student's answers or variant, or act in
another class, with a forged, replayed or guessed code, link or token; wrong secrets are counted in
the database and rate-limited; every text field is capped and validated with a message naming the
field, the value and what is allowed, and no message repeats a secret.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest
from live_support import backend_url, live_store  # noqa: F401  (fixtures)
from sqlalchemy import func, select, update

from simulator.live import service as sv
from simulator.live.errors import AccessDenied, InputError, RateLimited
from simulator.live.marking import ANSWER_MAX_CHARS
from simulator.live.storage import AuthFailure


def rid() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def two(live_store):  # noqa: F811
    a = sv.create_class(live_store, "Class A", live=["lawsuit"])
    b = sv.create_class(live_store, "Class B", live=["lawsuit"])
    ana = sv.join(live_store, a.code, "Ana")
    bo = sv.join(live_store, a.code, "Bo")
    zed = sv.join(live_store, b.code, "Zed")
    return live_store, a, b, ana, bo, zed


def failures(store, scope=None) -> int:
    q = select(func.count()).select_from(AuthFailure)
    if scope:
        q = q.where(AuthFailure.scope == scope)
    return store.read(lambda s: s.scalar(q))


@pytest.mark.parametrize("forged", ["student-token", "other-class-secret", "random", "short", "html", "huge", "empty"])
def test_the_teacher_dashboard_needs_this_class_s_own_secret(two, forged):
    store, a, b, ana, _, _ = two
    secret = {"student-token": ana.token, "other-class-secret": b.teacher_secret,
              "random": secrets.token_urlsafe(32), "short": "abc", "html": "<script>alert(1)</script>",
              "huge": "A" * 100_000, "empty": ""}[forged]
    for op in (sv.dashboard, sv.close_class, sv.delete_class):
        with pytest.raises(AccessDenied) as e:
            op(store, sv.Teacher(a.code, secret, source="laptop-1"))
        assert secret[:20] not in str(e.value) or not secret  # the message never repeats what was typed
    assert failures(store, f"teacher:{a.code}") == 3
    assert not sv.dashboard(store, sv.Teacher(a.code, a.teacher_secret)).closed  # nothing happened


def test_a_teacher_secret_opens_only_its_own_class(two):
    store, a, b, *_ = two
    with pytest.raises(AccessDenied):
        sv.dashboard(store, sv.Teacher(b.code, a.teacher_secret))
    with pytest.raises(AccessDenied):
        sv.set_exercise(store, sv.Teacher(b.code, a.teacher_secret), "lawsuit", revealed=True)
    assert sv.dashboard(store, sv.Teacher(b.code, b.teacher_secret)).code == b.code


def test_a_deleted_class_s_links_cannot_be_replayed(two):
    store, a, _, ana, _, _ = two
    teacher = sv.Teacher(a.code, a.teacher_secret)
    sv.delete_class(store, teacher)
    with pytest.raises(AccessDenied):
        sv.dashboard(store, teacher)
    with pytest.raises(AccessDenied):
        sv.submit(store, a.code, ana.token, "lawsuit", "1", rid())
    with pytest.raises(AccessDenied):
        sv.join(store, a.code, "Newcomer")


def test_wrong_teacher_secrets_are_rate_limited_per_class_and_source(two):
    store, a, b, *_ = two
    for _ in range(sv.TEACHER_FAILURES_MAX):
        with pytest.raises(AccessDenied):
            sv.dashboard(store, sv.Teacher(a.code, secrets.token_urlsafe(32), source="10.0.0.7"))
    assert failures(store, f"teacher:{a.code}") == sv.TEACHER_FAILURES_MAX  # kept in the database
    # Now even the right secret is refused from there (guessing learns nothing) ...
    with pytest.raises(RateLimited, match="wait 10 minutes"):
        sv.dashboard(store, sv.Teacher(a.code, a.teacher_secret, source="10.0.0.7"))
    # ... but not from elsewhere, nor for another class from there.
    assert sv.dashboard(store, sv.Teacher(a.code, a.teacher_secret, source="10.0.0.8")).code == a.code
    assert sv.dashboard(store, sv.Teacher(b.code, b.teacher_secret, source="10.0.0.7")).code == b.code
    # Once the window has passed, the right secret works again.
    store.write(lambda s: s.execute(update(AuthFailure).values(at=AuthFailure.at - sv.FAILURE_WINDOW
                                                               - timedelta(seconds=1))))
    assert sv.dashboard(store, sv.Teacher(a.code, a.teacher_secret, source="10.0.0.7")).code == a.code
    # and the old failures (with their addresses) go at the next one
    with pytest.raises(AccessDenied):
        sv.dashboard(store, sv.Teacher(a.code, "y" * 43, source="10.0.0.9"))
    assert failures(store) == 1


def test_a_student_sees_only_their_own_answers_and_variant(two):
    store, a, _, ana, bo, _ = two
    sv.submit(store, a.code, bo.token, "lawsuit", "123456", rid())
    mine = sv.student_view(store, a.code, ana.token)
    assert mine.nickname == "Ana" and mine.exercises[0].answers == 0 and mine.exercises[0].last_answer is None
    theirs = sv.student_view(store, a.code, bo.token)
    assert theirs.exercises[0].last_answer == "123456" and theirs.variant_overrides != mine.variant_overrides
    assert "123456" not in repr(mine) and "Bo" not in repr(mine)


@pytest.mark.parametrize("case", ["other-class-token", "teacher-secret-as-token", "forged-token", "malformed"])
def test_a_student_cannot_act_with_a_token_that_is_not_theirs_for_this_class(two, case):
    store, a, b, ana, _, zed = two
    token = {"other-class-token": zed.token, "teacher-secret-as-token": a.teacher_secret,
             "forged-token": secrets.token_urlsafe(16), "malformed": "'; DROP TABLE live_class; --"}[case]
    with pytest.raises(AccessDenied):
        sv.student_view(store, a.code, token)
    with pytest.raises(AccessDenied):
        sv.submit(store, a.code, token, "lawsuit", "1", rid())
    # and Zed's own token in Zed's own class still works: no collateral damage
    assert sv.student_view(store, b.code, zed.token).nickname == "Zed"
    assert failures(store, f"student:{a.code}") == 2


def test_a_teacher_cannot_remove_another_class_s_student(two):
    store, a, b, *_ = two
    zed_id = sv.dashboard(store, sv.Teacher(b.code, b.teacher_secret)).participants[0].id
    with pytest.raises(AccessDenied, match="no student"):
        sv.remove_participant(store, sv.Teacher(a.code, a.teacher_secret), zed_id)
    assert not sv.dashboard(store, sv.Teacher(b.code, b.teacher_secret)).participants[0].removed


def test_guessed_join_codes_are_refused_then_rate_limited(two):
    store, a, *_ = two
    guesses = set()
    while len(guesses) < sv.JOIN_FAILURES_MAX:
        g = "".join(secrets.choice(sv.CODE_ALPHABET) for _ in range(sv.CODE_LENGTH))
        if g != a.code:
            guesses.add(g)
    for g in guesses:
        with pytest.raises(AccessDenied, match="no live class has the code"):
            sv.join(store, g, "Mallory", source="192.168.1.66")
    with pytest.raises(RateLimited):
        sv.join(store, a.code, "Mallory", source="192.168.1.66")
    assert sv.join(store, a.code, "Mallory", source="192.168.1.67").nickname == "Mallory"


def test_guessed_rejoin_tokens_are_rate_limited(two):
    store, a, _, ana, _, _ = two
    for _ in range(sv.STUDENT_FAILURES_MAX):
        with pytest.raises(AccessDenied):
            sv.student_view(store, a.code, secrets.token_urlsafe(16), source="wifi")
    with pytest.raises(RateLimited):
        sv.student_view(store, a.code, ana.token, source="wifi")
    assert sv.student_view(store, a.code, ana.token, source="other").nickname == "Ana"


@pytest.mark.parametrize(
    ("call", "field", "value"),
    [
        (lambda st, a: sv.join(st, a.code, "N" * (sv.NICKNAME_MAX + 1)), "nickname", "N" * 24),
        (lambda st, a: sv.join(st, a.code, "<b>Ana</b>"), "nickname", "<b>Ana</b>"),
        (lambda st, a: sv.join(st, a.code, "Ana\x00"), "nickname", "Ana"),
        (lambda st, a: sv.join(st, a.code, "   "), "nickname", "   "),
        (lambda st, a: sv.join(st, a.code, "ana@example.com"), "nickname", "ana@example.com"),
        (lambda st, a: sv.join(st, "ABC", "Ana"), "join code", "ABC"),
        (lambda st, a: sv.join(st, "O0O0O0", "Ana"), "join code", "O0O0O0"),
        (lambda st, a: sv.create_class(st, "T" * (sv.TITLE_MAX + 1)), "title", "T" * 40),
        (lambda st, a: sv.create_class(st, "Class\nwith a newline\x07"), "title", "Class"),
        (lambda st, a: sv.choose_scenario(link="?" + "x" * sv.LINK_MAX), "shared link", "?xxx"),
    ],
    ids=["nickname-too-long", "nickname-html", "nickname-nul", "nickname-blank", "nickname-email", "code-short",
         "code-lookalikes", "title-too-long", "title-control", "link-too-long"],
)
def test_text_fields_are_capped_and_validated_with_a_clear_message(two, call, field, value):
    store, a, *_ = two
    with pytest.raises(InputError) as e:
        call(store, a)
    msg = str(e.value)
    assert msg.startswith(field + " must be"), msg        # the field and what is allowed ...
    assert value in msg and "got" in msg, msg            # ... and the value (shortened when long)
    assert len(msg) < 400


def test_answers_are_capped_and_validated(two):
    store, a, _, ana, _, _ = two
    with pytest.raises(InputError, match=rf"answer must be at most {ANSWER_MAX_CHARS} characters"):
        sv.submit(store, a.code, ana.token, "lawsuit", "1" * (ANSWER_MAX_CHARS + 1), rid())
    with pytest.raises(InputError, match="answer must be a number such as"):
        sv.submit(store, a.code, ana.token, "lawsuit", "<img src=x onerror=alert(1)>", rid())
    with pytest.raises(InputError, match="request id must be"):
        sv.submit(store, a.code, ana.token, "lawsuit", "1", "x")
    with pytest.raises(InputError, match="exercise must be one of"):
        sv.submit(store, a.code, ana.token, "../../etc/passwd", "1", rid())


def test_attempts_and_class_size_are_capped(two, monkeypatch):
    store, a, _, ana, _, _ = two
    monkeypatch.setattr(sv, "MAX_ATTEMPTS", 3)
    for i in range(3):
        sv.submit(store, a.code, ana.token, "lawsuit", str(i), rid())
    with pytest.raises(sv.ClassStateError, match="at most 3 answers"):
        sv.submit(store, a.code, ana.token, "lawsuit", "4", rid())
    monkeypatch.setattr(sv, "MAX_PARTICIPANTS", 2)
    with pytest.raises(sv.ClassStateError, match="full"):
        sv.join(store, a.code, "Chen")
