"""Training and evaluation institutions: who they are, whether they may train, and how they enter
and leave the catalog (001 · 二（二）4–5; 002 · 一; 002 · 附件4 · 8①)."""
