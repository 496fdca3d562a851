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
from checker.i18n import _

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
        looked.append(_("environment variables (skipped because --profile %(profile)s was given)") % {"profile": profile})

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
        _(
            "no Alibaba Cloud credentials found; looked in:\n"
            "%(places)s\n"
            "Set %(id_variable)s and %(secret_variable)s, or create an AK profile with "
            "'aliyun configure' (see docs/fetch.md)."
        ) % {"places": places, "id_variable": ENV_ACCESS_KEY_ID, "secret_variable": ENV_ACCESS_KEY_SECRET}
    )


def _from_environment(env: Mapping[str, str], looked: list[str]) -> Credentials | None:
    key_id = env.get(ENV_ACCESS_KEY_ID, "")
    secret = env.get(ENV_ACCESS_KEY_SECRET, "")
    if key_id and secret:
        logger.debug(_("using credentials from the environment (AccessKey id %s)"), key_id)
        return Credentials(key_id, secret, env.get(ENV_SECURITY_TOKEN) or None, "environment")
    if key_id or secret:
        present, absent = (ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET) if key_id else (ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_ID)
        raise SourceError(
            _("%(present)s is set but %(absent)s is not; set both, or unset %(present)s to use a profile file")
            % {"present": present, "absent": absent}
        )
    looked.append(
        _("environment variables %(id_variable)s and %(secret_variable)s (not set)")
        % {"id_variable": ENV_ACCESS_KEY_ID, "secret_variable": ENV_ACCESS_KEY_SECRET}
    )
    return None


def _from_cli_config(path: Path, name: str | None, looked: list[str]) -> Credentials | None:
    if not path.is_file():
        looked.append(_("%(path)s (not found)") % {"path": path})
        return None
    config = _read_cli_config(path)
    chosen = name or config.get("current") or ""
    if not chosen:
        looked.append(_("%(path)s (no --profile, no %(variable)s and no 'current' profile)") % {"path": path, "variable": ENV_PROFILE})
        return None
    entry = _find_cli_profile(config, chosen, path)
    if entry is None:
        looked.append(_("%(path)s (no profile named %(name)s)") % {"path": path, "name": repr(chosen)})
        return None

    place = f"{path} profile {chosen}"
    mode = str(entry.get("mode", ""))
    if mode not in _CLI_MODES:
        raise SourceError(
            _(
                "%(place)s: mode %(mode)s is not supported; cfw-checker reads only AK and StsToken "
                "profiles, because other modes need a role exchange or instance metadata. "
                "Use an AK or StsToken profile, or set the environment variables."
            ) % {"place": place, "mode": mode or _("(missing)")}
        )
    token = _required(entry, "sts_token", place) if _CLI_MODES[mode] else None
    key_id = _required(entry, "access_key_id", place)
    secret = _required(entry, "access_key_secret", place)
    logger.debug(_("using credentials from %s (mode %s, AccessKey id %s)"), place, mode, key_id)
    return Credentials(key_id, secret, token, place)


def _read_cli_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(_("%(path)s: cannot read the aliyun CLI profile file: %(reason)s") % {"path": path, "reason": exc}) from exc
    except json.JSONDecodeError as exc:
        raise SourceError(
            _("%(path)s:%(line)d:%(column)d: invalid JSON: %(reason)s; fix or remove the file")
            % {"path": path, "line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        ) from exc
    if not isinstance(config, dict):
        raise SourceError(_("%(path)s: expected a JSON object with 'current' and 'profiles'") % {"path": path})
    return config


def _find_cli_profile(config: dict[str, Any], name: str, path: Path) -> dict[str, Any] | None:
    profiles = config.get("profiles", [])
    if not isinstance(profiles, list):
        raise SourceError(_("%(path)s: 'profiles' must be a list of profile objects") % {"path": path})
    for index, entry in enumerate(profiles):
        if not isinstance(entry, dict):
            raise SourceError(_("%(path)s: profiles[%(index)d] must be an object") % {"path": path, "index": index})
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
        looked.append(_("%(path)s (not found)") % {"path": path})
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise SourceError(_("%(path)s: cannot read the credentials file: %(reason)s") % {"path": path, "reason": exc}) from exc
    if not parser.has_section(section):
        looked.append(_("%(path)s (no section [%(section)s])") % {"path": path, "section": section})
        return None

    place = f"{path} [{section}]"
    values = {key: _strip_comment(value) for key, value in parser.items(section)}
    kind = values.get("type", "")
    if kind not in _INI_TYPES:
        raise SourceError(
            _(
                "%(place)s: type %(type)s is not supported; cfw-checker reads only access_key and sts "
                "sections, because other types need a role exchange or instance metadata. "
                "Use an access_key section, or set the environment variables."
            ) % {"place": place, "type": kind or _("(missing)")}
        )
    token = _required(values, "security_token", place) if _INI_TYPES[kind] else None
    key_id = _required(values, "access_key_id", place)
    secret = _required(values, "access_key_secret", place)
    logger.debug(_("using credentials from %s (type %s, AccessKey id %s)"), place, kind, key_id)
    return Credentials(key_id, secret, token, place)


def _strip_comment(value: str) -> str:
    # The official library drops everything after '#' on a value line; do the same.
    return value.split("#", 1)[0].strip()


def _required(values: Mapping[str, Any], key: str, place: str) -> str:
    value = values.get(key)
    if not isinstance(value, str) or not value:
        raise SourceError(_("%(place)s: %(key)s is missing or empty; add it or pick another profile") % {"place": place, "key": key})
    return value
