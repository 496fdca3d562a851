"""AccessKey credentials from the environment, the aliyun CLI profile file or the INI file.

Only static credentials are supported: an AccessKey pair, optionally with an STS token.
Modes that need a role exchange with STS or the instance metadata service are rejected by
name, and this module never opens a network connection.
"""

from __future__ import annotations

import configparser
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import SourceError

logger = logging.getLogger(__name__)

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"
#: Overrides the INI file path, as in the official credentials library.
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"

_CLI_MODES = {"AK": False, "StsToken": True}
_INI_TYPES = {"access_key": False, "sts": True}


@dataclass(frozen=True)
class Credentials:
    """An AccessKey pair, an optional STS token, and where they were found."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    #: Human-readable origin, such as ``environment`` or ``~/.aliyun/config.json profile dev``.
    source: str = ""

    def __repr__(self) -> str:
        token = "set" if self.security_token else "none"
        return f"Credentials(access_key_id={self.access_key_id!r}, secret=***, token={token}, source={self.source!r})"


def resolve_credentials(
    *,
    profile: str | None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Credentials:
    """Find credentials in the documented order and raise :class:`SourceError` when none apply.

    Order: the environment variables, then ``~/.aliyun/config.json``, then the INI file
    ``~/.alibabacloud/credentials`` (or ``credentials.ini``). An explicit ``profile`` skips the
    environment variables, because the user named the profile to use.
    """
    env = os.environ if environ is None else environ
    home_dir = Path.home() if home is None else home
    looked: list[str] = []

    if profile is None:
        from_env = _from_environment(env, looked)
        if from_env is not None:
            return from_env
    else:
        looked.append(f"environment variables (skipped because --profile {profile} was given)")

    name = profile or env.get(ENV_PROFILE) or None
    from_cli = _from_cli_config(home_dir / ".aliyun" / "config.json", name, looked)
    if from_cli is not None:
        return from_cli

    for path in _ini_paths(env, home_dir):
        from_ini = _from_ini(path, name or "default", looked)
        if from_ini is not None:
            return from_ini

    places = "\n".join(f"  {place}" for place in looked)
    raise SourceError(
        "no Alibaba Cloud credentials found; looked in:\n"
        f"{places}\n"
        f"Set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}, or create an AK profile with "
        "'aliyun configure' (see docs/fetch.md)."
    )


def _from_environment(env: Mapping[str, str], looked: list[str]) -> Credentials | None:
    key_id = env.get(ENV_ACCESS_KEY_ID, "")
    secret = env.get(ENV_ACCESS_KEY_SECRET, "")
    if key_id and secret:
        logger.debug("using credentials from the environment (AccessKey id %s)", key_id)
        return Credentials(key_id, secret, env.get(ENV_SECURITY_TOKEN) or None, "environment")
    if key_id or secret:
        present, absent = (ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET) if key_id else (ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_ID)
        raise SourceError(f"{present} is set but {absent} is not; set both, or unset {present} to use a profile file")
    looked.append(f"environment variables {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} (not set)")
    return None


def _from_cli_config(path: Path, name: str | None, looked: list[str]) -> Credentials | None:
    if not path.is_file():
        looked.append(f"{path} (not found)")
        return None
    config = _read_cli_config(path)
    chosen = name or config.get("current") or ""
    if not chosen:
        looked.append(f"{path} (no --profile, no {ENV_PROFILE} and no 'current' profile)")
        return None
    entry = _find_cli_profile(config, chosen, path)
    if entry is None:
        looked.append(f"{path} (no profile named {chosen!r})")
        return None

    place = f"{path} profile {chosen}"
    mode = str(entry.get("mode", ""))
    if mode not in _CLI_MODES:
        raise SourceError(
            f"{place}: mode {mode or '(missing)'} is not supported; cfw-checker reads only AK and StsToken "
            "profiles, because other modes need a role exchange or instance metadata. "
            "Use an AK or StsToken profile, or set the environment variables."
        )
    token = _required(entry, "sts_token", place) if _CLI_MODES[mode] else None
    key_id = _required(entry, "access_key_id", place)
    secret = _required(entry, "access_key_secret", place)
    logger.debug("using credentials from %s (mode %s, AccessKey id %s)", place, mode, key_id)
    return Credentials(key_id, secret, token, place)


def _read_cli_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the aliyun CLI profile file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}; fix or remove the file") from exc
    if not isinstance(config, dict):
        raise SourceError(f"{path}: expected a JSON object with 'current' and 'profiles'")
    return config


def _find_cli_profile(config: dict[str, Any], name: str, path: Path) -> dict[str, Any] | None:
    profiles = config.get("profiles", [])
    if not isinstance(profiles, list):
        raise SourceError(f"{path}: 'profiles' must be a list of profile objects")
    for index, entry in enumerate(profiles):
        if not isinstance(entry, dict):
            raise SourceError(f"{path}: profiles[{index}] must be an object")
        if entry.get("name") == name:
            return entry
    return None


def _ini_paths(env: Mapping[str, str], home: Path) -> list[Path]:
    override = env.get(ENV_CREDENTIALS_FILE)
    if override:
        return [Path(override)]
    folder = home / ".alibabacloud"
    # alibabacloud-credentials 1.0.x reads credentials.ini; older releases read credentials.
    return [folder / "credentials", folder / "credentials.ini"]


def _from_ini(path: Path, section: str, looked: list[str]) -> Credentials | None:
    if not path.is_file():
        looked.append(f"{path} (not found)")
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise SourceError(f"{path}: cannot read the credentials file: {exc}") from exc
    if not parser.has_section(section):
        looked.append(f"{path} (no section [{section}])")
        return None

    place = f"{path} [{section}]"
    values = {key: _strip_comment(value) for key, value in parser.items(section)}
    kind = values.get("type", "")
    if kind not in _INI_TYPES:
        raise SourceError(
            f"{place}: type {kind or '(missing)'} is not supported; cfw-checker reads only access_key and sts "
            "sections, because other types need a role exchange or instance metadata. "
            "Use an access_key section, or set the environment variables."
        )
    token = _required(values, "security_token", place) if _INI_TYPES[kind] else None
    key_id = _required(values, "access_key_id", place)
    secret = _required(values, "access_key_secret", place)
    logger.debug("using credentials from %s (type %s, AccessKey id %s)", place, kind, key_id)
    return Credentials(key_id, secret, token, place)


def _strip_comment(value: str) -> str:
    # The official library drops everything after '#' on a value line; do the same.
    return value.split("#", 1)[0].strip()


def _required(values: Mapping[str, Any], key: str, place: str) -> str:
    value = values.get(key)
    if not isinstance(value, str) or not value:
        raise SourceError(f"{place}: {key} is missing or empty; add it or pick another profile")
    return value
