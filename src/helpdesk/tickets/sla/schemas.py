import re
from datetime import date
from itertools import pairwise
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from helpdesk.schemas import RequestModel
from helpdesk.tickets.models import MAX_SLA_MINUTES, Priority

Minutes = Annotated[StrictInt, Field(ge=0, le=MAX_SLA_MINUTES)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_HOLIDAYS = 1000
MAX_INTERVALS_PER_DAY = 24
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])|24:00")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SlaPolicyIn(RequestModel):
    first_response_minutes: Minutes
    resolution_minutes: Minutes
    business_hours: StrictBool


class SlaPolicyOut(BaseModel):
    priority: Priority
    first_response_minutes: int
    resolution_minutes: int
    business_hours: bool = Field(description="Count the targets in business hours only")


def _invalid(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("value_error", message, context)


def minute_of_day(text: object) -> int:
    """ "09:30" -> 570; "24:00" (a day's end) -> 1440."""
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise _invalid("times are written HH:MM, from 00:00 to 24:00")
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _day(name: str, intervals: object) -> list[tuple[int, int]]:
    """A day's intervals as minutes of the day, in order; each must end after it starts,
    and none may overlap the next."""
    day = WEEKDAY_NAMES[name]
    if not isinstance(intervals, list) or len(intervals) > MAX_INTERVALS_PER_DAY:
        raise _invalid(f"{day}: a list of at most {MAX_INTERVALS_PER_DAY} [start, end] pairs")
    parsed = []
    for interval in intervals:
        if not isinstance(interval, list) or len(interval) != 2:
            raise _invalid(f"{day}: each interval is a [start, end] pair")
        start, end = minute_of_day(interval[0]), minute_of_day(interval[1])
        if end <= start:
            raise _invalid(f"{day}: {interval[0]}-{interval[1]} ends before it starts")
        parsed.append((start, end))
    parsed.sort()
    for (_, end), (start, _) in pairwise(parsed):
        if start < end:
            raise _invalid(f"{day}: intervals overlap")
    return parsed


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def week_of(value: object) -> dict[str, list[list[str]]]:
    """The week as sent, checked and written back the one way: every day, intervals in
    order. A day left out has no hours."""
    if not isinstance(value, dict):
        raise _invalid("an object of days: mon, tue, ... sun")
    unknown = [key for key in value if key not in WEEKDAYS]
    if unknown:
        raise _invalid("unknown day {day}: days are mon, tue, ... sun", day=str(unknown[0])[:20])
    return {
        day: [[_hhmm(start), _hhmm(end)] for start, end in _day(day, value.get(day, []))]
        for day in WEEKDAYS
    }


class BusinessHoursIn(RequestModel):
    timezone: str = Field(description="An IANA time zone, e.g. Europe/Berlin")
    week: dict[Weekday, list[list[str]]] = Field(
        description='Each day\'s hours, e.g. {"mon": [["09:00", "17:00"]], ..., "sun": []}'
    )
    holidays: list[date] = Field(
        default_factory=list, description="Dates with no business hours: YYYY-MM-DD"
    )

    # Each field is checked whole, so an error names the field ("week"), and says where.
    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, value: object) -> str:
        if not isinstance(value, str) or not value or len(value) > 64:
            raise _invalid("an IANA time zone, e.g. Europe/Berlin")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _invalid("unknown time zone {zone}", zone=value[:64]) from None
        return value

    @field_validator("week", mode="before")
    @classmethod
    def _week(cls, value: object) -> dict[str, list[list[str]]]:
        return week_of(value)

    @field_validator("holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> list[date]:
        if not isinstance(value, list) or len(value) > MAX_HOLIDAYS:
            raise _invalid(f"a list of at most {MAX_HOLIDAYS} dates")
        dates = set()
        for item in value:
            try:
                if not isinstance(item, str) or not _DATE.fullmatch(item):
                    raise ValueError
                dates.add(date.fromisoformat(item))
            except ValueError:
                raise _invalid("dates are written YYYY-MM-DD, e.g. 2026-12-25") from None
        return sorted(dates)


class BusinessHoursOut(BaseModel):
    timezone: str
    week: dict[Weekday, list[list[str]]]
    holidays: list[date]
