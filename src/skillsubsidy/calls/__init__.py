"""The project call (揭榜领题, 002): a call as data, its forms (附件1–3), deadlines, scoring, notice and
the transition tables of a call and of an application. Everything a city may set differently is read
from its call file in `skillsubsidy/policy/calls/`; nothing here names Guangzhou."""
