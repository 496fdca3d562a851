"""Credential lookup order, each file format, and the errors for missing or unsupported setups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.errors import SourceError
from checker.sources.cloudfirewall.credentials import Credentials, resolve_credentials

from .conftest import ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN


def write_cli_config(home: Path, profiles: list[dict[str, str]], current: str = "default") -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"current": current, "profiles": profiles}), encoding="utf-8")
    return path


def write_ini(home: Path, text: str, name: str = "credentials") -> Path:
    path = home / ".alibabacloud" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ak_profile(name: str, key_id: str = "cli-key") -> dict[str, str]:
    return {"name": name, "mode": "AK", "access_key_id": key_id, "access_key_secret": f"{key_id}-secret"}


def resolve(home: Path, profile: str | None = None, **environ: str) -> Credentials:
    return resolve_credentials(profile=profile, environ=environ, home=home)


def test_environment_comes_first(isolated_env: Path) -> None:
    write_cli_config(isolated_env, [ak_profile("default")])

    found = resolve(
        isolated_env,
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
        ALIBABA_CLOUD_SECURITY_TOKEN=SECURITY_TOKEN,
    )

    assert found == Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN, "environment")


def test_environment_needs_both_variables(isolated_env: Path) -> None:
    with pytest.raises(SourceError) as caught:
        resolve(isolated_env, ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID)

    assert str(caught.value) == (
        "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not; "
        "set both, or unset ALIBABA_CLOUD_ACCESS_KEY_ID to use a profile file"
    )
    assert caught.value.exit_code == 3


def test_cli_config_current_profile(isolated_env: Path) -> None:
    path = write_cli_config(isolated_env, [ak_profile("other", "other-key"), ak_profile("dev", "dev-key")], current="dev")

    found = resolve(isolated_env)

    assert found == Credentials("dev-key", "dev-key-secret", None, f"{path} profile dev")


def test_cli_config_sts_token_profile(isolated_env: Path) -> None:
    profile = {**ak_profile("default", "sts-key"), "mode": "StsToken", "sts_token": SECURITY_TOKEN}
    write_cli_config(isolated_env, [profile])

    assert resolve(isolated_env).security_token == SECURITY_TOKEN


def test_profile_option_beats_environment(isolated_env: Path) -> None:
    write_cli_config(isolated_env, [ak_profile("default"), ak_profile("prod", "prod-key")])

    found = resolve(isolated_env, "prod", ALIBABA_CLOUD_ACCESS_KEY_ID="env-key", ALIBABA_CLOUD_ACCESS_KEY_SECRET="env-secret")

    assert found.access_key_id == "prod-key"


def test_profile_variable_beats_current(isolated_env: Path) -> None:
    write_cli_config(isolated_env, [ak_profile("default"), ak_profile("audit", "audit-key")])

    assert resolve(isolated_env, ALIBABA_CLOUD_PROFILE="audit").access_key_id == "audit-key"


def test_ini_default_section(isolated_env: Path) -> None:
    path = write_ini(isolated_env, "[default]\ntype = access_key\naccess_key_id = ini-key\naccess_key_secret = ini-secret # note\n")

    found = resolve(isolated_env)

    assert found == Credentials("ini-key", "ini-secret", None, f"{path} [default]")


def test_ini_named_section_with_sts(isolated_env: Path) -> None:
    write_ini(
        isolated_env,
        "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n"
        f"[ops]\ntype = sts\naccess_key_id = ops-key\naccess_key_secret = ops-secret\nsecurity_token = {SECURITY_TOKEN}\n",
    )

    found = resolve(isolated_env, "ops")

    assert found.access_key_id == "ops-key"
    assert found.security_token == SECURITY_TOKEN


def test_ini_file_named_credentials_ini(isolated_env: Path) -> None:
    write_ini(isolated_env, "[default]\ntype = access_key\naccess_key_id = new-key\naccess_key_secret = s\n", name="credentials.ini")

    assert resolve(isolated_env).access_key_id == "new-key"


def test_ini_path_from_variable(isolated_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.ini"
    path.write_text("[default]\ntype = access_key\naccess_key_id = moved-key\naccess_key_secret = s\n", encoding="utf-8")

    assert resolve(isolated_env, ALIBABA_CLOUD_CREDENTIALS_FILE=str(path)).access_key_id == "moved-key"


def test_cli_config_before_ini(isolated_env: Path) -> None:
    write_cli_config(isolated_env, [ak_profile("default", "cli-key")])
    write_ini(isolated_env, "[default]\ntype = access_key\naccess_key_id = ini-key\naccess_key_secret = s\n")

    assert resolve(isolated_env).access_key_id == "cli-key"


def test_missing_everywhere_lists_places(isolated_env: Path) -> None:
    with pytest.raises(SourceError) as caught:
        resolve(isolated_env)

    assert str(caught.value) == (
        "no Alibaba Cloud credentials found; looked in:\n"
        "  environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (not set)\n"
        f"  {isolated_env}/.aliyun/config.json (not found)\n"
        f"  {isolated_env}/.alibabacloud/credentials (not found)\n"
        f"  {isolated_env}/.alibabacloud/credentials.ini (not found)\n"
        "Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or create an AK profile with "
        "'aliyun configure' (see docs/fetch.md)."
    )
    assert caught.value.exit_code == 3


def test_missing_profile_lists_places(isolated_env: Path) -> None:
    write_cli_config(isolated_env, [ak_profile("default")])
    write_ini(isolated_env, "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n")

    with pytest.raises(SourceError) as caught:
        resolve(isolated_env, "prod")

    assert str(caught.value).splitlines()[1:5] == [
        "  environment variables (skipped because --profile prod was given)",
        f"  {isolated_env}/.aliyun/config.json (no profile named 'prod')",
        f"  {isolated_env}/.alibabacloud/credentials (no section [prod])",
        f"  {isolated_env}/.alibabacloud/credentials.ini (not found)",
    ]


@pytest.mark.parametrize("mode", ["RamRoleArn", "EcsRamRole", "ChainableRamRoleArn", "OIDC", "CloudSSO"])
def test_cli_role_modes_unsupported(isolated_env: Path, mode: str) -> None:
    path = write_cli_config(isolated_env, [{"name": "default", "mode": mode, "ram_role_name": "reader"}])

    with pytest.raises(SourceError) as caught:
        resolve(isolated_env)

    assert str(caught.value) == (
        f"{path} profile default: mode {mode} is not supported; cfw-checker reads only AK and StsToken profiles, "
        "because other modes need a role exchange or instance metadata. "
        "Use an AK or StsToken profile, or set the environment variables."
    )


@pytest.mark.parametrize("kind", ["ecs_ram_role", "ram_role_arn", "oidc_role_arn", "rsa_key_pair"])
def test_ini_role_types_unsupported(isolated_env: Path, kind: str) -> None:
    path = write_ini(isolated_env, f"[default]\ntype = {kind}\nrole_name = reader\n")

    with pytest.raises(SourceError) as caught:
        resolve(isolated_env)

    assert str(caught.value) == (
        f"{path} [default]: type {kind} is not supported; cfw-checker reads only access_key and sts sections, "
        "because other types need a role exchange or instance metadata. "
        "Use an access_key section, or set the environment variables."
    )


def test_profile_missing_secret(isolated_env: Path) -> None:
    path = write_cli_config(isolated_env, [{"name": "default", "mode": "AK", "access_key_id": "k"}])

    with pytest.raises(SourceError) as caught:
        resolve(isolated_env)

    assert str(caught.value) == f"{path} profile default: access_key_secret is missing or empty; add it or pick another profile"


def test_invalid_cli_config_json(isolated_env: Path) -> None:
    path = isolated_env / ".aliyun" / "config.json"
    path.parent.mkdir()
    path.write_text('{"current": "default",\n  "profiles": [}', encoding="utf-8")

    with pytest.raises(SourceError) as caught:
        resolve(isolated_env)

    assert str(caught.value) == f"{path}:2:16: invalid JSON: Expecting value; fix or remove the file"


def test_repr_masks_secret_and_token() -> None:
    credentials = Credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN, "environment")

    text = repr(credentials) + str(credentials)

    assert ACCESS_KEY_SECRET not in text
    assert SECURITY_TOKEN not in text
    assert text.startswith(f"Credentials(access_key_id='{ACCESS_KEY_ID}', secret=***, token=set")
