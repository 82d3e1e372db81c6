"""RealDID: anonymous at the front desk, real name at the back end."""

__version__ = "0.1.0"
