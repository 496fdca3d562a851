"""Waivers: accepted findings of named rules on named destinations, each until it expires."""

from checker.waivers.apply import WaiverOutcome, apply_waivers
from checker.waivers.loader import WaiverFile, load_waivers, waivers_schema
from checker.waivers.model import Waiver

__all__ = ["Waiver", "WaiverFile", "WaiverOutcome", "apply_waivers", "load_waivers", "waivers_schema"]
