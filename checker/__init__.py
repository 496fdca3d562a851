"""cfw-checker: policy-as-code checks for Alibaba Cloud Firewall outbound destinations."""

__version__ = "0.1.0"
