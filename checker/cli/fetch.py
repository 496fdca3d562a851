"""``cfw-checker fetch`` and the fetch half of ``scan --fetch``: options, checks, summary."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import SourceError
from checker.i18n import _, ngettext
from checker.sources.cloudfirewall.endpoint import SITES, resolve_endpoint
from checker.sources.cloudfirewall.timewindow import parse_time_window

if TYPE_CHECKING:
    from checker.sources.cloudfirewall.fetcher import FetchOutcome, FetchSettings

logger = logging.getLogger(__name__)

DEFAULT_OUTPUT = Path("reports/snapshot.json")
CATEGORIES = ("All", "RiskDomain", "RiskIP", "AliYun", "NotAliYun")
#: The rate limit that Cloud Firewall documents per API and account.
DOCUMENTED_QPS = 10.0
#: Option name and API parameter of each free-form filter.
_TEXT_FILTERS = (("tag_id", "TagIdNew"), ("application", "ApplicationName"))
_IP_FILTERS = (("dst_ip", "DstIP"), ("public_ip", "PublicIP"), ("private_ip", "PrivateIP"))


def add_fetch_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup, *, include_lang: bool) -> None:
    """Add the fetch options to ``parser``, or to an argument group of it.

    ``include_lang`` is true for ``fetch`` and false inside ``scan``. Scan has its own
    ``--lang``, which also sets the API's language, and its own ``--allow-partial``, and it
    chooses the snapshot path itself. So ``--lang``, ``--allow-partial`` and ``--output``
    come only with ``include_lang``.
    """
    window = _group(parser, _("time window (UNIX seconds, or ISO 8601 with a UTC offset)"))
    window.add_argument("--start", help=_("start of the traffic window, such as 1733300000 or 2024-12-04T10:00:00+08:00"))
    window.add_argument("--end", help=_("end of the traffic window (default: now)"))
    window.add_argument("--since", help=_("window that ends now, such as 90m, 24h or 7d; replaces --start and --end"))

    api = _group(parser, _("API endpoint and credentials"))
    api.add_argument("--site", choices=sorted(SITES), help=_("account site: china (default, cloudfw.aliyuncs.com) or international"))
    api.add_argument("--endpoint", help=_("explicit endpoint URL, scheme, host and port only, such as https://cloudfw.aliyuncs.com"))
    api.add_argument("--profile", help=_("profile in ~/.aliyun/config.json or ~/.alibabacloud/credentials; skips the environment variables"))
    if include_lang:
        api.add_argument("--lang", choices=("zh", "en"), default="zh", help=_("language of names and reasons in the records (default: zh)"))

    filters = _group(parser, _("API filters"))
    filters.add_argument("--category", choices=CATEGORIES, help=_("destination category (API CategoryId)"))
    # scan uses --tag to select rules, so there the filter is only --tag-id.
    tag_flags = ("--tag-id", "--tag") if include_lang else ("--tag-id",)
    filters.add_argument(*tag_flags, dest="tag_id", help=_("threat intelligence tag id, such as RiskIP or Miner (API TagIdNew)"))
    filters.add_argument("--port", type=_port, help=_("destination port (API Port)"))
    filters.add_argument("--dst-ip", type=_ip, help=_("destination IP address (API DstIP)"))
    filters.add_argument("--public-ip", type=_ip, help=_("public IP of the source asset (API PublicIP)"))
    filters.add_argument("--private-ip", type=_ip, help=_("private IP of the source asset (API PrivateIP)"))
    filters.add_argument("--application", help=_("application, such as HTTPS or SSH (API ApplicationName)"))
    filters.add_argument("--sort", choices=("SessionCount", "TotalBytes"), default="SessionCount", help=_("sort key of the pages (default: SessionCount)"))
    filters.add_argument("--order", choices=("asc", "desc"), default="desc", help=_("sort order of the pages (default: desc)"))

    limits = _group(parser, _("rate, retries and output"))
    limits.add_argument("--max-qps", type=_positive_float, default=8.0, help=_("requests per second (default: 8; the API allows 10 per account)"))
    limits.add_argument("--timeout", type=_positive_float, default=10.0, help=_("seconds to wait for a connection or a read (default: 10)"))
    limits.add_argument("--max-retries", type=_retry_count, default=5, help=_("retries per page on throttling, 5xx and network errors (default: 5)"))
    limits.add_argument("--max-pages", type=_page_cap, default=10_000, help=_("maximum pages to fetch, 10 records each (default: 10000)"))
    if include_lang:
        limits.add_argument("--allow-partial", action="store_true", help=_("write a snapshot marked partial instead of failing when records are missing"))
        limits.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=_("snapshot file to write (default: %(path)s)") % {"path": DEFAULT_OUTPUT})


def _group(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, title: str
) -> argparse.ArgumentParser | argparse._ArgumentGroup:
    # Groups inside groups are deprecated since Python 3.11, so a group takes the options directly.
    return parser.add_argument_group(title) if isinstance(parser, argparse.ArgumentParser) else parser


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``cfw-checker fetch``: fetch, write ``args.output``, print a summary on stderr."""
    fetch_snapshot(args, Path(getattr(args, "output", None) or DEFAULT_OUTPUT))
    return 0


def fetch_snapshot(args: argparse.Namespace, output: Path) -> Path:
    """Fetch the records the options select, write the snapshot to ``output`` and return it.

    A Ctrl-C becomes :class:`SourceError` (exit 3); the snapshot is then neither written
    nor left half-written.
    """
    # Imported here: every scan builds this parser, and the HTTP client is only needed to fetch.
    from checker.sources.cloudfirewall.credentials import resolve_credentials
    from checker.sources.cloudfirewall.fetcher import fetch
    from checker.sources.cloudfirewall.snapshot import write_snapshot

    settings = settings_from_args(args)
    credentials = resolve_credentials(profile=args.profile)
    quiet = _is_quiet(args)
    stderr = getattr(args, "stderr", None) or sys.stderr
    try:
        outcome = fetch(settings, credentials, stderr=stderr, quiet=quiet)
        write_snapshot(output, outcome.snapshot)
    except KeyboardInterrupt as exc:
        raise SourceError(_("interrupted; nothing was written")) from exc
    if not quiet:
        print(summary_line(outcome, output), file=stderr)
    return output


def settings_from_args(args: argparse.Namespace, *, now: float | None = None) -> FetchSettings:
    """Check the option values together and return the fetch settings; raises :class:`InputError`."""
    window = parse_time_window(start=args.start, end=args.end, since=args.since, now=time.time() if now is None else now)
    endpoint = resolve_endpoint(site=args.site, endpoint=args.endpoint)
    if args.max_qps > DOCUMENTED_QPS:
        logger.warning(_("--max-qps %s is above the documented limit of 10 requests per second; expect throttling"), args.max_qps)
    lang = getattr(args, "lang", None)
    from checker.sources.cloudfirewall.fetcher import FetchSettings

    return FetchSettings(
        endpoint=endpoint,
        window=window,
        filters=_filters(args),
        lang=lang if lang in ("zh", "en") else "zh",
        sort=args.sort,
        order=args.order,
        max_qps=args.max_qps,
        timeout=args.timeout,
        max_retries=args.max_retries,
        max_pages=args.max_pages,
        allow_partial=args.allow_partial,
    )


def summary_line(outcome: FetchOutcome, output: Path) -> str:
    """Return the one-line summary printed after a fetch."""
    source = outcome.snapshot["source"]
    records = len(outcome.snapshot["DstIPList"])
    stats = outcome.stats
    counts = _("%(records)s from %(pages)s (%(requests)s, %(retries)s, %(throttled)d throttled) in %(seconds).1f s") % {
        "records": ngettext("%(count)d record", "%(count)d records", records) % {"count": records},
        "pages": ngettext("%(count)d page", "%(count)d pages", source["pages"]) % {"count": source["pages"]},
        "requests": ngettext("%(count)d request", "%(count)d requests", stats.requests) % {"count": stats.requests},
        "retries": ngettext("%(count)d retry", "%(count)d retries", stats.retries) % {"count": stats.retries},
        "throttled": stats.throttled,
        "seconds": outcome.seconds,
    }
    if source["complete"]:
        return _("fetched %(counts)s; wrote %(path)s") % {"counts": counts, "path": output}
    return _("fetched %(counts)s; %(missing)d missing; wrote partial snapshot %(path)s") % {
        "counts": counts, "missing": source["missing"], "path": output
    }


def _filters(args: argparse.Namespace) -> dict[str, str]:
    filters: dict[str, str] = {}
    if args.category is not None:
        filters["CategoryId"] = args.category
    if args.port is not None:
        filters["Port"] = str(args.port)
    for option, parameter in (*_TEXT_FILTERS, *_IP_FILTERS):
        value = getattr(args, option)
        if value is not None and value.strip():
            filters[parameter] = value.strip()
    return filters


def _is_quiet(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "quiet", False)) or getattr(args, "verbosity", 0) < 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a port number; give 1 to 65535") % {"value": repr(text)}) from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(_("%(port)d is out of range; give a port from 1 to 65535") % {"port": port})
    return port


def _ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not an IPv4 or IPv6 address, such as 203.0.113.7") % {"value": repr(text)}
        ) from None


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a number") % {"value": repr(text)}) from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(_("%(value)s must be a positive number") % {"value": text})
    return value


def _retry_count(text: str) -> int:
    return _bounded_int(text, 0, 20)


def _page_cap(text: str) -> int:
    return _bounded_int(text, 1, 1_000_000)


def _bounded_int(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)s is not a whole number") % {"value": repr(text)}) from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(_("%(value)d is out of range; give %(low)d to %(high)d") % {"value": value, "low": low, "high": high})
    return value
