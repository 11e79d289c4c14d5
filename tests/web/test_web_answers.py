"""Answers a worker can trust (issue 8): the same occupation gives the same answer under any spelling,
and a typo gets “did you mean”, in the API and the calculator alike."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TYPO = {
    "region": "南通",
    "date": "2025-06-01",
    "certificate": {"type": "skill_level", "occupation": "焊攻", "level": 3},
}


def test_the_api_answers_a_typo_with_did_you_mean(client: Client) -> None:
    response = client.post(
        "/api/v1/quote", json.dumps(TYPO, ensure_ascii=False), content_type="application/json"
    )
    assert response.status_code == 200
    [reason] = [r for r in response.json()["reasons"] if r["code"] == "unknown_occupation"]
    assert reason["message"] == (
        "“焊攻”既不是有效的职业编码，也不是已载入文件中的职业（工种）或项目名称；"
        "您是不是要找：焊工 6-18-02-04、喷涂喷焊工 6-18-03-04、焊工（电焊工） 6-18-02-04？"
    )


def test_the_calculator_answers_a_typo_with_did_you_mean(client: Client) -> None:
    html = client.get(
        "/calculator/",
        {"type": "skill_level", "occupation": "焊攻", "level": "3", "region": "320600", "date": "2025-06-01"},
    ).content.decode()
    assert "您是不是要找：焊工 6-18-02-04、喷涂喷焊工 6-18-03-04、焊工（电焊工） 6-18-02-04？" in html


def test_the_calculator_prices_the_correct_name_of_a_misprinted_occupation(client: Client) -> None:
    html = client.get(
        "/calculator/",
        {
            "type": "skill_level",
            "occupation": "餐厅服务员",
            "level": "3",
            "region": "320600",
            "date": "2025-06-01",
        },
    ).content.decode()
    assert "1500.00" in html
    assert "目录jiangsu-2025将“餐厅服务员”印作“餐局服务员”（4-03-02-05）" in html
