"""The typed model of one DescribeOutgoingDestinationIP destination record."""

from checker.records.model import (
    AddressGroup,
    ApplicationPort,
    FieldKind,
    Record,
    RecordField,
    Tag,
    record_fields,
    record_json_schema,
)

__all__ = [
    "AddressGroup",
    "ApplicationPort",
    "FieldKind",
    "Record",
    "RecordField",
    "Tag",
    "record_fields",
    "record_json_schema",
]
