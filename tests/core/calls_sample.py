"""A complete, valid 附件1 for the Guangzhou 2023 call, as a plain mapping the tests edit."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from skillsubsidy.calls.call import Call, load_call
from skillsubsidy.calls.forms import ApplicationForm, CatalogLookup, catalog_lookup, read_application
from skillsubsidy.catalog.dataset import load_dataset

USCC = "91440106MA5D00001H"

_FORM: dict[str, Any] = {
    "unit": {
        "name": "广州市天河区粤厨职业培训学校",
        "uscc": USCC,
        "main_fields": "中式烹调、家政服务",
        "years_established": 12,
        "registered_capital_fen": 500_000_000,  # 500万元
        "kind": "hr_approved",
        "legal_representative": {
            "name": "陈明",
            "title": "校长",
            "mobile": "13800138000",
            "email": "chen@example.cn",
        },
        "contact": {"name": "李华", "title": "教务主任", "mobile": "13912345678", "email": "li@example.cn"},
        "address": "广州市天河区天河路1号",
        "website": "https://yuechu.example.cn",
        "has_own_platform": True,
        "own_platform_url": "https://learn.yuechu.example.cn",
        "violations": False,
        "staff": {"total": 40, "teaching": 30, "academic_affairs": 6, "other": 4},
        "introduction": "2011年经人社部门批复设立，年培训规模2000人次。",
        "finances": [
            {"year": 2020, "income_fen": 300_000_000, "tax_fen": 9_000_000},
            {"year": 2021, "income_fen": 320_000_000, "tax_fen": 9_600_000},
            {"year": 2022, "income_fen": 350_000_000, "tax_fen": 10_500_000},
        ],
    },
    "projects": [
        {
            "type": "major_programmes",
            "name": "“粤菜师傅”中式烹调培训项目",
            "districts": ["天河区", "440112"],
            "occupations": [
                {
                    "name": "中式烹调师",
                    "introduction": "从事中式菜肴烹调的人员。",
                    "classes": 4,
                    "trainees": 120,
                    "certificates": ["skill_level"],
                    "proposed_standard_fen": 80000,
                    "teachers": {
                        "total": 8,
                        "titled": 3,
                        "certified": 8,
                        "masters": 1,
                        "assessors": 2,
                        "other": 0,
                    },
                    "premises": "天河路1号实训楼，600平方米，自有，60个工位。",
                    "equipment": [
                        {"name": "燃气炒炉", "brand": "华厨", "quantity": 30, "ownership": "自有"},
                        {"name": "蒸柜", "brand": "粤丰", "quantity": 6, "ownership": "自有"},
                    ],
                    "strengths": "连续五年承担粤菜师傅工程培训。",
                },
                {
                    "name": "预制菜加工员",
                    "introduction": "目录外的新兴工种，市场急需。",
                    "classes": 2,
                    "trainees": 60,
                    "certificates": ["training_qualification"],
                    "proposed_standard_fen": 60000,
                    "teachers": {
                        "total": 3,
                        "titled": 1,
                        "certified": 2,
                        "masters": 0,
                        "assessors": 0,
                        "other": 1,
                    },
                    "premises": "同上。",
                    "equipment": [],
                    "strengths": "与本地预制菜企业合作。",
                },
            ],
            "plan": {
                "trainees_per_year": 180,
                "classes": 6,
                "class_size": 30,
                "hours": 120,
                "content": "刀工、火候、粤菜制作",
                "schedule": "2023年9月至12月",
            },
            "delivery": "mixed",
            "online_percent": 20,
            "materials": "《中式烹调师》国家基本职业培训包教材及题库",
            "standard_kind": "national",
            "standard": "中式烹调师国家职业技能标准（2018年版）",
            "assessment": "理论机考与实操考核",
            "platform": "自有线上学习平台",
            "need_analysis": "本区餐饮企业厨师缺口较大。",
            "employment_plan": "训后三个月内推荐就业并电话回访。",
            "budget": {"trainees": 180, "standard_fen": 73333, "total_fen": 13_199_940},
        }
    ],
}


def sample() -> dict[str, Any]:
    return copy.deepcopy(_FORM)


def call() -> Call:
    return load_call("guangzhou-2023")


def lookup() -> CatalogLookup:
    return catalog_lookup(load_dataset().effective("440100", date(2023, 7, 30)))


def read(data: dict[str, Any]) -> ApplicationForm:
    return read_application(data, call=call(), catalog=lookup())
