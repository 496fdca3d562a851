"""Record model built from the DescribeOutgoingDestinationIP API reference.

Field names are the API's own. Decoding uses msgspec with ``strict=False`` so that the
API's string-typed numbers and booleans (``TotalBytes: "800"``, ``HasAcl: "true"``)
become ``int`` and ``bool``; anything that cannot be converted losslessly is rejected
with its JSON path. Unknown fields are ignored, because the API adds fields over time.
Missing optional fields take the defaults below: empty text, ``False``, ``0`` and empty
lists.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec

#: A non-negative count of bytes, sessions or assets.
Count = Annotated[int, msgspec.Meta(ge=0)]
#: A TCP or UDP port number.
PortNumber = Annotated[int, msgspec.Meta(ge=0, le=65535)]


class Tag(msgspec.Struct, frozen=True, gc=False):
    """Threat-intelligence tag attached to a destination."""

    TagId: str = ""
    TagName: str = ""
    TagDescribe: str = ""
    #: ``Trusted``, ``Suspicious`` or ``Malicious``.
    ClassId: str = ""
    #: 1 low, 2 medium, 3 high; 0 when the API left it out.
    RiskLevel: Count = 0


class ApplicationPort(msgspec.Struct, frozen=True, gc=False):
    """Destination port and the application identified on it."""

    Port: PortNumber = 0
    #: ``HTTP``, ``HTTPS``, ``SSH``, ``MySQL``, ``Unknown`` and so on.
    ApplicationName: str = ""
    #: Why the application could not be identified, such as ``tcp_not_establish``.
    UnknownReason: list[str] = []


class AddressGroup(msgspec.Struct, frozen=True, gc=False):
    """Address book that contains the destination."""

    AddressGroupUUID: str = ""
    AddressGroupName: str = ""


class Record(msgspec.Struct, frozen=True, gc=False):
    """One destination IP that the account's assets connected out to."""

    #: IPv4 or IPv6 address as text; exports may mask it (``10.0.XX.XX``).
    DstIP: str
    #: ``Uncovered`` or ``FullCoverage``; other values are kept as data.
    AclCoverage: str = ""
    #: ``Normal`` or ``Abnormal`` (some SDK docs show lower case).
    AclStatus: str = ""
    AclRecommendDetail: str = ""
    SecurityReason: str = ""
    CategoryName: str = ""
    LocationName: str = ""
    RuleName: str = ""
    RuleId: str = ""
    GroupName: str = ""
    HasAclRecommend: bool = False
    #: True when the destination was marked normal (whitelisted) by the user.
    IsMarkNormal: bool = False
    #: Sent as the string ``"true"`` or ``"false"``.
    HasAcl: bool = False
    #: Bytes in both directions; sent as a numeric string.
    TotalBytes: Count = 0
    InBytes: Count = 0
    OutBytes: Count = 0
    SessionCount: Count = 0
    AssetCount: Count = 0
    PrivateAssetCount: Count = 0
    #: ``Aliyun`` or ``NotAliyun`` in responses.
    CategoryId: str = ""
    #: ``Trusted``, ``Suspicious`` or ``Malicious``.
    CategoryClassId: str = ""
    #: ``pass``, ``alert`` or ``drop``: opaque codes, never translated.
    SecuritySuggest: str = ""
    TagList: list[Tag] = []
    #: At most the first 99 or 100 ports are listed by the API.
    ApplicationPortList: list[ApplicationPort] = []
    AddressGroupList: list[AddressGroup] = []


class FieldKind(str, enum.Enum):
    """Value type of a record field, as rules see it."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    STRING_LIST = "string_list"
    OBJECT_LIST = "object_list"


@dataclass(frozen=True)
class RecordField:
    """Name, kind and, for lists of objects, the fields of each item."""

    name: str
    kind: FieldKind
    item_fields: dict[str, RecordField] | None = None
    #: True for DstIP, the only field that ``in_cidr`` applies to.
    is_ip: bool = False


def _kind_of(annotation: Any) -> tuple[FieldKind, type | None]:
    info = msgspec.inspect.type_info(annotation)
    if isinstance(info, msgspec.inspect.StrType):
        return FieldKind.STRING, None
    if isinstance(info, msgspec.inspect.BoolType):
        return FieldKind.BOOLEAN, None
    if isinstance(info, msgspec.inspect.IntType):
        return FieldKind.INTEGER, None
    if isinstance(info, msgspec.inspect.ListType):
        item = info.item_type
        if isinstance(item, msgspec.inspect.StrType):
            return FieldKind.STRING_LIST, None
        if isinstance(item, msgspec.inspect.StructType):
            return FieldKind.OBJECT_LIST, item.cls
    raise TypeError(f"unsupported record field type: {annotation!r}")


def _fields_of(struct: type) -> dict[str, RecordField]:
    fields: dict[str, RecordField] = {}
    for field in msgspec.structs.fields(struct):
        kind, item_struct = _kind_of(field.type)
        item_fields = _fields_of(item_struct) if item_struct is not None else None
        fields[field.name] = RecordField(field.name, kind, item_fields, is_ip=field.name == "DstIP")
    return fields


_RECORD_FIELDS = _fields_of(Record)


def record_fields() -> dict[str, RecordField]:
    """Return the fields of :class:`Record` by name, with the item fields of each list."""
    return _RECORD_FIELDS


def record_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a record, generated from the model so the two never drift."""
    return msgspec.json.schema(Record)
