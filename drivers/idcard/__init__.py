"""Resident ID card reader (二代证阅读器) on its serial "SAM" frames."""
