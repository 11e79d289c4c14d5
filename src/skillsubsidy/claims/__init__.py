"""Claims (申领): matching before payment, the amount frozen at submission, payment files and bank
results. Framework-free; the web app `claims` stores and moves them (ADR 0020)."""
