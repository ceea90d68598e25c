"""Home is a setting (issue 35): one upload of a district's document moves nobody's home; an admin
sets the deployment's home (audited); each user may keep their own; 对标对表 and 台账 open on the
home's own plan."""

from __future__ import annotations

import pytest

from kb import service
from kb.office.accounts import User
from kb.office.audit import entries
from kb.office.saved import Homes
from kb.search.searcher import Searcher
from kb.store import folder

DISTRICT = (
    "细河区人民政府关于细河区农村人居环境整治实施方案的批复\n"
    "细政发〔2026〕3号\n"
    "细河区人民政府\n"
    "2026年3月1日\n"
    "一、重点任务\n"
    "2026年底前，细河区完成城市黑臭水体排查，建立问题清单，完成农村生活垃圾收运处置体系建设。\n"
)
QUERY = "城市黑臭水体什么时候消除"


def test_an_uploaded_district_document_moves_nothing(ledger_index):
    from ingest.uploads import add_uploads

    before_ix = folder.load(ledger_index)
    before = Searcher(before_ix)
    assert before.home == "阜新市"
    first = before.search(QUERY, top=3)[0].clause.clause_id
    report, refused = add_uploads(ledger_index, [("细河区批复.txt", DISTRICT.encode())], user="guanli")
    assert report and report.added and not refused
    ix = folder.load(ledger_index)
    from kb.policy.scope import ScopeResolver, doc_jurisdiction

    district = next(d for d in ix.docs.values() if "细河区" in d.title)
    assert doc_jurisdiction(district).place == "细河区"  # the most local document now
    assert ScopeResolver(ix.docs.values()).default_home() == "细河区"  # what "the most local" would pick
    after = Searcher(ix)
    assert after.home == "阜新市" and service.default_home(ix) == "阜新市"
    res = after.run(QUERY, top=3)
    assert res.hits[0].clause.clause_id == first and res.scope.home == "阜新市"
    assert service.home_plan(ix, service.default_home(ix)) == "city_plan.txt"  # 对标对表 and 台账 open on it


def test_an_admin_sets_the_home_and_a_user_keeps_their_own(ledger_index):
    admin, viewer = User("guanli", "admin"), User("chakan", "viewer")
    with pytest.raises(Exception, match="only an admin"):
        service.set_deployment_home(ledger_index, "辽宁省", viewer)
    service.set_deployment_home(ledger_index, "辽宁省", admin)
    assert service.home_for(ledger_index, "chakan") == "辽宁省"
    assert any(e["action"] == "home_set" and e["home"] == "辽宁省" for e in entries(ledger_index))
    Homes(ledger_index).set_own("chakan", "阜新市")
    assert service.home_for(ledger_index, "chakan") == "阜新市"  # their own, kept with their saved work
    assert service.home_for(ledger_index, "wang") == "辽宁省"
    ix = folder.load(ledger_index)
    assert service.home_plan(ix, "辽宁省") == "province_plan.txt"


def test_the_env_overrides_the_setting(ledger_index, monkeypatch):
    service.set_deployment_home(ledger_index, "辽宁省", User("guanli", "admin"))
    monkeypatch.setenv("KB_HOME", "阜新市")
    assert service.home_for(ledger_index) == "阜新市"
