"""Readers for official attachments → catalog tables, and the anomalies found on the way."""
