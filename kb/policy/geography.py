"""General geography, written once: provinces, their cities, the coast, and the regions national
plans name (京津冀及周边地区, 长三角, 汾渭平原…).

It decides whether a task scoped to a region binds a document's jurisdiction: a task for
京津冀及周边地区 does not bind 阜新市 (辽宁), one for 沿海 cities does not bind an inland city.
Everything here is public geography, never read from the documents in the index. Regions are
listed by the provinces they touch (a superset: a province partly inside counts as inside), so
a task is only ever judged out of scope when no part of the region is in the jurisdiction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Provincial-level divisions and their prefecture-level divisions, by the names people use.
CITIES = {
    "北京": "",
    "天津": "",
    "上海": "",
    "重庆": "",
    "河北": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
    "山西": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "内蒙古": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善",
    "辽宁": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛",
    "吉林": "长春 吉林 四平 辽源 通化 白山 松原 白城 延边",
    "黑龙江": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭",
    "江苏": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
    "浙江": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水",
    "安徽": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "福建": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "江西": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "山东": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "河南": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源",
    "湖北": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施",
    "湖南": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西",
    "广东": "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
    "广西": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "海南": "海口 三亚 三沙 儋州",
    "四川": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 "
    "阿坝 甘孜 凉山",
    "贵州": "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南",
    "云南": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆",
    "西藏": "拉萨 日喀则 昌都 林芝 山南 那曲 阿里",
    "陕西": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛",
    "甘肃": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南",
    "青海": "西宁 海东 海北 黄南 果洛 玉树 海西",
    "宁夏": "银川 石嘴山 吴忠 固原 中卫",
    "新疆": "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰",
    "台湾": "",
    "香港": "",
    "澳门": "",
}
PROVINCES = tuple(CITIES)
PROVINCE_OF_CITY = {city: p for p, cities in CITIES.items() for city in cities.split()}
# The provinces on the sea, and within the others' coastal provinces the cities on the coast.
COASTAL_PROVINCES = frozenset("辽宁 河北 天津 山东 江苏 上海 浙江 福建 广东 广西 海南 台湾 香港 澳门".split())
COASTAL_CITIES = frozenset(
    "丹东 大连 营口 盘锦 锦州 葫芦岛 秦皇岛 唐山 沧州 滨州 东营 潍坊 烟台 威海 青岛 日照 连云港 盐城 南通 "
    "嘉兴 杭州 绍兴 宁波 舟山 台州 温州 宁德 福州 莆田 泉州 厦门 漳州 潮州 汕头 揭阳 汕尾 惠州 深圳 东莞 "
    "广州 中山 珠海 江门 阳江 茂名 湛江 北海 钦州 防城港 海口 三亚 三沙 儋州".split()
)
COAST = "沿海地区"
# Regions national plans scope tasks to, by the provinces they touch. ``national_only``: the
# name means this region only in a national document (a province's 重点区域 are its own).
_JJJ = "北京 天津 河北 山西 山东 河南 内蒙古"
_YRD = "上海 江苏 浙江 安徽"
_FW = "山西 陕西 河南"
REGIONS = (
    ("京津冀及周边地区", r"京津冀", _JJJ, False),
    ("长三角地区", r"长三角|长江三角洲", _YRD, False),
    ("汾渭平原", r"汾渭平原", _FW, False),
    ("粤港澳大湾区", r"粤港澳|大湾区|珠三角|珠江三角洲", "广东 香港 澳门", False),
    ("成渝地区", r"成渝", "四川 重庆", False),
    (
        "长江流域",
        r"长江(?:经济带|流域|干流|沿线|中上游|中下游|上游|中游|下游)",
        "上海 江苏 浙江 安徽 江西 湖北 湖南 重庆 四川 贵州 云南 青海 西藏 甘肃 陕西 河南 广西",
        False,
    ),
    (
        "黄河流域",
        r"黄河(?:流域|干流|沿线|上游|中游|下游|中上游|中下游|三角洲)?",
        "青海 四川 甘肃 宁夏 内蒙古 山西 陕西 河南 山东",
        False,
    ),
    ("晋陕蒙新煤炭主产区", r"晋陕蒙新?", "山西 陕西 内蒙古 新疆", False),
    ("大气污染防治重点区域（京津冀及周边地区、长三角地区、汾渭平原）", r"重点区域", f"{_JJJ} {_YRD} {_FW}", True),
)
REGION_RES = tuple(
    (name, re.compile(pattern), frozenset(p.split()), national) for name, pattern, p, national in REGIONS
)
COASTAL_RE = re.compile(r"沿海|近岸海域|入海|海湾|海域|海洋|海岸|海水|渔港|海港|海上|滨海|岸线")
COAST_WINDOW = 24
# Inland waters: a task for rivers and lakes *and* bays binds an inland place for its rivers.
INLAND_RE = re.compile(r"(?<!入海)河流|湖库|湖泊|水库|地表水|陆域")
# A place named as a task's subject: a province (its suffix optional) or a prefecture-level city
# with its suffix (a bare 朝阳, 长治 or 中山 is as often a word: 朝阳产业, 长治久安).
_PROVINCE_NAMES = "|".join(sorted(PROVINCES, key=len, reverse=True))
_CITY_NAMES = "|".join(sorted(PROVINCE_OF_CITY, key=len, reverse=True))
NAMED_PLACE_RE = re.compile(rf"(?:(?P<city>{_CITY_NAMES})(?:市|地区|州|盟))|(?P<province>{_PROVINCE_NAMES})")
# A list of cities whose suffix the last one carries: 大连、本溪、丹东、盘锦、朝阳市.
CITY_LIST_RE = re.compile(rf"(?:(?:{_CITY_NAMES})、)+(?:{_CITY_NAMES})(?=市|地区)")
# Places heading a task, as its subject (stripped before looking for the task's verb).
PLACE_LIST_RE = re.compile(rf"^(?:(?:{_CITY_NAMES}|{_PROVINCE_NAMES})(?:省|市|地区)?[、和及]?)+")
# Any province or prefecture-level city by its bare name (where a task is, not what it is).
ANY_PLACE_RE = re.compile(rf"(?:{_CITY_NAMES}|{_PROVINCE_NAMES})(?:省|市|地区)?")
# A head that also names everyone else binds every place: 重点区域和其他PM2.5未达标城市.
EVERYONE_RE = re.compile(r"全国|各地|其他|其余|所有")


@dataclass(frozen=True)
class Place:
    """Where a document applies: its province (\"\" for the centre or when unknown) and city."""

    province: str = ""
    city: str = ""

    @property
    def name(self) -> str:
        return f"{self.city}市（{self.province}）" if self.city else self.province

    def holds_city(self, city: str) -> bool:
        """Whether a prefecture-level city is this place or lies in it (a province holds its cities)."""
        return city == self.city or (not self.city and PROVINCE_OF_CITY.get(city) == self.province)

    @property
    def coastal(self) -> bool | None:
        """On the sea (None: not known, e.g. a county)."""
        if self.city:
            return self.city in COASTAL_CITIES
        if self.province:
            return self.province in COASTAL_PROVINCES
        return None


def place_of(name: str) -> Place:
    """The province and city a jurisdiction's place names (辽宁省, 阜新市): Place() when unknown."""
    for city, province in PROVINCE_OF_CITY.items():
        if name.startswith(city) and not name.startswith(province + "省"):
            return Place(province, city)
    for province in PROVINCES:
        if name.startswith(province):
            return Place(province)
    return Place()


def out_of_scope(head: str, place: Place, national: bool, text: str = "") -> str:
    """Why a task whose head (subject) is ``head`` does not bind ``place``; "" when it may.

    The head names the region or place the task is for. A task is out of scope when every
    region or place its head names excludes ``place`` (a head naming 全国 or no place is in
    scope), or when it is for the coast and ``place`` is inland.

    Args:
        head: the words before the task's verb or target.
        place: the lower document's place; an unknown place is never out of scope.
        national: whether the task is a national document's (重点区域 means the air plan's regions only there).
        text: the whole task: one about the sea (入海排污口, 近岸海域) is for the coast wherever it names it.
    """
    if not place.province or EVERYONE_RE.search(head):
        return ""
    # (what the head names, whether ``place`` is in it)
    named = [
        (n, place.province in provs) for n, rx, provs, nat in REGION_RES if (national or not nat) and rx.search(head)
    ]
    cleaned = head
    for _n, rx, _p, _nat in REGION_RES:
        cleaned = rx.sub("", cleaned)
    for m in CITY_LIST_RE.finditer(cleaned):  # the bare names of a list count as cities too
        named += [(city + "市", place.holds_city(city)) for city in m.group(0).split("、")]
    for m in NAMED_PLACE_RE.finditer(CITY_LIST_RE.sub("", cleaned)):
        city, province = m.group("city"), m.group("province")
        named.append((m.group(0), place.holds_city(city) if city else province == place.province))
    if named and not any(inside for _n, inside in named):
        return f"适用于{'、'.join(dict.fromkeys(n for n, _ in named))}，不含{place.name}"
    opening = (text or head)[:COAST_WINDOW]  # the sea named first: the task is about it
    coastal = COASTAL_RE.search(head) or (COASTAL_RE.search(opening) and not INLAND_RE.search(text))
    if not named and coastal and place.coastal is False:
        return f"适用于{COAST}，{place.name}不沿海"
    return ""
