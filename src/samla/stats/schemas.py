"""Shapes of the statistics in the REST API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class MonthUsageOut(BaseModel):
    month: str  # YYYY-MM
    downloads: int
    hits: int


class FileUsageOut(BaseModel):
    id: int
    file_name: str
    downloads: int


class RecordUsageOut(BaseModel):
    """COUNTER R5 metrics of one record: hits are Total_Item_Investigations, downloads
    Total_Item_Requests."""

    record: str
    total_item_investigations: int
    unique_item_investigations: int
    total_item_requests: int
    unique_item_requests: int
    months: list[MonthUsageOut]
    files: list[FileUsageOut]


class TopRecordOut(BaseModel):
    record: str
    title: str
    url: str
    downloads: int
    hits: int


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"
