"""Transfer schedules: cron parsing, the policy's endpoints, what is due on a fixed clock, the
scheduled run on a real sender archive, and the Celery beat entries firing on the same cron."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from earchive.core.archive import Archive
from earchive.jobs.celery_app import create_celery, transfer_beat
from earchive.services.transfer.schedule import last_runs, run_scheduled
from earchive.services.transfer.signoff import sign_off
from preservation.events import EventLog
from tests.earchive.units import PASSPHRASE
from transfer import PolicyError, TransferLedger, TransferPolicy
from transfer.endpoints import due_endpoints, parse_endpoints
from transfer.schedule import CronSchedule

SH = ZoneInfo("Asia/Shanghai")


def test_cron_fields() -> None:
    c = CronSchedule.parse("*/15 2,14 * * 1-5")
    assert c.minutes == {0, 15, 30, 45} and c.hours == {2, 14}
    assert c.days == set(range(1, 32)) and c.months == set(range(1, 13))
    assert c.weekdays == {1, 2, 3, 4, 5}
    assert CronSchedule.parse("0 0 * * 7").weekdays == {0}  # 7 is Sunday too
    assert CronSchedule.parse("5/20 * 1-10/3 * *").minutes == {5, 25, 45}
    assert CronSchedule.parse("5/20 * 1-10/3 * *").days == {1, 4, 7, 10}


@pytest.mark.parametrize(
    "expression",
    [
        "* * * *",  # four fields
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 13 *",
        "* * * * 8",
        "5-1 * * * *",
        "*/0 * * * *",
        "a * * * *",
        "0 0 1 * MON",  # names are not supported
        "0 0 1 * 1",  # day of month and day of week together: refused, not guessed
    ],
)
def test_bad_cron_is_refused(expression: str) -> None:
    with pytest.raises(PolicyError):
        CronSchedule.parse(expression)


def test_previous_firing_on_a_fixed_clock() -> None:
    mondays = CronSchedule.parse("30 2 * * 1")
    monday = datetime(2026, 11, 23, 3, 0, tzinfo=SH)  # a Monday
    assert mondays.previous(monday) == datetime(2026, 11, 23, 2, 30, tzinfo=SH)
    assert mondays.previous(monday.replace(hour=2, minute=30)) == monday.replace(hour=2, minute=30)
    assert mondays.previous(monday.replace(hour=2, minute=29)) == datetime(
        2026, 11, 16, 2, 30, tzinfo=SH
    )
    assert mondays.matches(datetime(2026, 11, 30, 2, 30, 59, tzinfo=SH))
    assert not mondays.matches(datetime(2026, 12, 1, 2, 30, tzinfo=SH))
    monthly = CronSchedule.parse("0 2 1 * *")
    assert monthly.previous(monday) == datetime(2026, 11, 1, 2, 0, tzinfo=SH)
    leap = CronSchedule.parse("0 0 29 2 *")
    assert leap.previous(monday) == datetime(2024, 2, 29, 0, 0, tzinfo=SH)


def _endpoint(**over: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "name": "city",
        "target": "https://bureau.example.invalid/",
        "schedule": "0 2 * * 1",
        "select": {"retention": ["Y", "D30"]},
    }
    raw.update(over)
    return raw


@pytest.mark.parametrize(
    "over",
    [
        {"name": "City Archives"},
        {"target": "ftp://bureau/"},
        {"target": "relative/dir"},
        {"target": "https://user:secret@bureau.example/"},
        {"target": "s3://key:secret@bucket/p"},
        {"form": "paper"},
        {"schedule": "every monday"},
        {"select": {"fonds": "S001"}},
        {"enabled": "yes"},
    ],
)
def test_bad_endpoint_is_refused(over: dict[str, object]) -> None:
    with pytest.raises(PolicyError):
        parse_endpoints([_endpoint(**over)])


def test_endpoints_select_and_shipped_policy() -> None:
    (e,) = parse_endpoints([_endpoint(select={"fonds": ["S001"], "retention": ["Y"]})])
    assert e.selects("S001", "WS", "Y") and not e.selects("S001", "WS", "D10")
    assert not e.selects("G002", "WS", "Y")
    with pytest.raises(PolicyError):
        parse_endpoints([_endpoint(), _endpoint()])  # names are unique
    shipped = TransferPolicy.load()
    assert shipped.endpoints and not any(x.enabled for x in shipped.endpoints)
    assert shipped.schedule_timezone == "Asia/Shanghai"


def test_due_endpoints_on_a_fixed_clock() -> None:
    weekly, daily, off = parse_endpoints(
        [
            _endpoint(name="weekly"),
            _endpoint(name="daily", schedule="0 3 * * *"),
            _endpoint(name="off", schedule="* * * * *", enabled=False),
        ]
    )
    now = datetime(2026, 11, 23, 2, 0, tzinfo=SH)  # Monday 02:00
    due = due_endpoints([weekly, daily, off], now, {})
    assert [(e.name, at) for e, at in due] == [
        ("weekly", now),
        ("daily", datetime(2026, 11, 22, 3, 0, tzinfo=SH)),
    ]
    ran = {"weekly": now, "daily": datetime(2026, 11, 22, 3, 0, tzinfo=SH)}
    assert due_endpoints([weekly, daily], now.replace(minute=59), ran) == []
    later = datetime(2026, 11, 23, 3, 0, tzinfo=SH)
    assert [e.name for e, _ in due_endpoints([weekly, daily], later, ran)] == ["daily"]


def test_scheduled_run_on_the_sender(sender: Archive, tmp_path: Path) -> None:
    policy = dataclasses.replace(
        TransferPolicy.load(),
        endpoints=parse_endpoints(
            [
                _endpoint(name="city", target=str(tmp_path / "exchange"), form="offline"),
                _endpoint(name="nobody", target=str(tmp_path / "x"), select={"fonds": ["NONE"]}),
            ]
        ),
    )
    monday = datetime(2030, 1, 7, 2, 0, tzinfo=SH)  # 2022 cases are overdue by then
    runs = {r.endpoint: r for r in run_scheduled(sender, now=monday, policy=policy)}
    assert runs["nobody"].status == "nothing_due"
    waiting = runs["city"]  # review items nobody confirmed yet: nothing leaves
    assert waiting.status == "signoff_needed" and waiting.archives >= 1, waiting
    assert "earchive transfer signoff --batch" in waiting.error
    assert not (tmp_path / "exchange").exists()
    assert last_runs(sender) == {"city": monday, "nobody": monday}
    assert run_scheduled(sender, now=monday.replace(minute=30), policy=policy) == []  # done
    sign_off(sender, "王档案员", "扫描与签章已人工核验", batch_id=waiting.batch_id)

    next_week = datetime(2030, 1, 14, 2, 5, tzinfo=SH)
    (city,) = run_scheduled(sender, now=next_week, policy=policy, only="city")
    assert city.status == "sent" and city.archives == waiting.archives, city
    delivered = tmp_path / "exchange" / city.batch_id
    assert (delivered / "manifest.txt").is_file()
    assert "载体类型：离线" in (delivered / "说明文件.TXT").read_text(encoding="utf-8")
    form = (delivered / "其他/登记表.xml").read_text(encoding="utf-8")
    assert "离线" in form and "王档案员" in form  # the 审核人 signed the review items off
    sent = {r.batch_id: r for r in TransferLedger(sender.writer).batches()}[city.batch_id]
    assert sent.status == "delivered" and sent.items == city.archives
    week_after = datetime(2030, 1, 21, 2, 5, tzinfo=SH)
    again = run_scheduled(sender, now=week_after, policy=policy, only="city")
    assert [(r.endpoint, r.status) for r in again] == [("city", "nothing_due")]  # in flight
    outcomes = [
        (e.object, e.outcome)
        for e in EventLog(sender.writer).iter_events(object_prefix="endpoint:")
        if e.action == "transfer_schedule"
    ]
    assert outcomes == [
        ("endpoint:city", "signoff_needed"),
        ("endpoint:nobody", "nothing_due"),
        ("endpoint:city", "sent"),
        ("endpoint:city", "nothing_due"),
    ]


def test_beat_fires_the_same_cron(sender: Archive) -> None:
    policy = dataclasses.replace(
        TransferPolicy.load(),
        endpoints=parse_endpoints(
            [_endpoint(schedule="*/20 2-4 * 3,9 1-5"), _endpoint(name="off", enabled=False)]
        ),
    )
    beat = transfer_beat(sender.settings, policy)
    assert list(beat) == ["transfer-city"]
    entry = beat["transfer-city"]
    assert entry["task"] == "earchive.transfer_scheduled"
    assert entry["kwargs"] == {"endpoint": "city"}
    cron, ours = entry["schedule"], policy.endpoints[0].schedule
    assert cron.minute == ours.minutes and cron.hour == ours.hours
    assert cron.day_of_month == ours.days and cron.month_of_year == ours.months
    assert cron.day_of_week == ours.weekdays
    app = create_celery(sender.settings)
    assert app.conf.timezone == "Asia/Shanghai"
    assert "fixity-audit" in app.conf.beat_schedule


def test_cli_scheduled_with_the_shipped_policy(sender: Archive) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    env["EARCHIVE_HOME"] = str(sender.home)
    env["EARCHIVE_KEY_PASSPHRASE"] = PASSPHRASE
    ran = subprocess.run(
        [sys.executable, "-m", "earchive", "transfer", "run", "--scheduled", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == ""  # the shipped endpoint is disabled: nothing runs
    bad = subprocess.run(
        [sys.executable, "-m", "earchive", "transfer", "run", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 2 and "--to" in bad.stderr
