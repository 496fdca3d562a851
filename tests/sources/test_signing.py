"""ACS3-HMAC-SHA256 signing against the published vector and the official SDK's signer."""

from __future__ import annotations

import string
from types import SimpleNamespace

from alibabacloud_tea_openapi.utils import Utils
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources.cloudfirewall.signing import EMPTY_BODY_SHA256, authorization, canonical_query, percent_encode

VECTOR_HEADERS = {
    "host": "ecs.cn-shanghai.aliyuncs.com",
    "x-acs-action": "RunInstances",
    "x-acs-version": "2014-05-26",
    "x-acs-date": "2023-10-26T10:22:32Z",
    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
    "x-acs-content-sha256": EMPTY_BODY_SHA256,
}
VECTOR_QUERY = {"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"}


def test_published_vector_signature() -> None:
    header = authorization(
        method="POST",
        query=canonical_query(VECTOR_QUERY),
        headers=VECTOR_HEADERS,
        payload_sha256=EMPTY_BODY_SHA256,
        access_key_id="YourAccessKeyId",
        access_key_secret="YourAccessKeySecret",
    )

    assert header == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
        "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    )


def test_empty_body_hash() -> None:
    assert EMPTY_BODY_SHA256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_percent_encoding_of_reserved_characters() -> None:
    assert percent_encode("a b+c*d~e/f=g%h") == "a%20b%2Bc%2Ad~e%2Ff%3Dg%25h"
    assert percent_encode("中") == "%E4%B8%AD"
    assert percent_encode("-_.~AZaz09") == "-_.~AZaz09"


def test_canonical_query_sorts_and_encodes_names() -> None:
    assert canonical_query({"b": "2", "a b": "1", "A": "x y"}) == "A=x%20y&a%20b=1&b=2"


# The SDK leaves parameter names unencoded because every real name is plain ASCII. So names
# come from the unreserved characters, where both encodings agree. Values take anything.
_NAMES = st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=12)
_VALUES = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" +*~/=%&?#中文阿里云")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=24,
)
_SECRETS = st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(parameters=st.dictionaries(_NAMES, _VALUES, max_size=8), secret=_SECRETS, nonce=st.uuids())
def test_signature_matches_official_signer(parameters: dict[str, str], secret: str, nonce: object) -> None:
    headers = {**VECTOR_HEADERS, "x-acs-signature-nonce": str(nonce), "x-acs-security-token": "token value"}
    ours = authorization(
        method="POST",
        query=canonical_query(parameters),
        headers=headers,
        payload_sha256=EMPTY_BODY_SHA256,
        access_key_id="LTAI5tKeyId",
        access_key_secret=secret,
    )

    request = SimpleNamespace(pathname="/", method="POST", query=dict(parameters), headers=dict(headers))
    official = Utils.get_authorization(request, "ACS3-HMAC-SHA256", EMPTY_BODY_SHA256, "LTAI5tKeyId", secret)
    assert ours == official
