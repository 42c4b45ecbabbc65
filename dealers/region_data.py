"""The seeded region tree (DOMAIN.md §2): mainland China's provinces with their main cities,
plus Hong Kong, Macau and Taiwan, and the four certification tiers (§4).

Used by the data migration ``0004_seed_regions_and_tiers`` and by the demo; loading is
idempotent and never changes regions that already exist (staff may have edited them).
"""

from decimal import Decimal

# (code suffix, English name, Chinese name, time zone or "", [(city suffix, en, zh), ...])
PROVINCES = [
    ("BJ", "Beijing", "北京", "", []),
    ("TJ", "Tianjin", "天津", "", []),
    ("HE", "Hebei", "河北", "", [("SJZ", "Shijiazhuang", "石家庄"), ("TS", "Tangshan", "唐山")]),
    ("SX", "Shanxi", "山西", "", [("TY", "Taiyuan", "太原")]),
    ("NM", "Inner Mongolia", "内蒙古", "", [("HH", "Hohhot", "呼和浩特")]),
    ("LN", "Liaoning", "辽宁", "", [("SY", "Shenyang", "沈阳"), ("DL", "Dalian", "大连")]),
    ("JL", "Jilin", "吉林", "", [("CC", "Changchun", "长春")]),
    ("HL", "Heilongjiang", "黑龙江", "", [("HEB", "Harbin", "哈尔滨")]),
    ("SH", "Shanghai", "上海", "", []),
    (
        "JS",
        "Jiangsu",
        "江苏",
        "",
        [("NJ", "Nanjing", "南京"), ("SZ", "Suzhou", "苏州"), ("WX", "Wuxi", "无锡")],
    ),
    (
        "ZJ",
        "Zhejiang",
        "浙江",
        "",
        [("HZ", "Hangzhou", "杭州"), ("NB", "Ningbo", "宁波"), ("WZ", "Wenzhou", "温州")],
    ),
    ("AH", "Anhui", "安徽", "", [("HF", "Hefei", "合肥")]),
    (
        "FJ",
        "Fujian",
        "福建",
        "",
        [("FZ", "Fuzhou", "福州"), ("XM", "Xiamen", "厦门"), ("QZ", "Quanzhou", "泉州")],
    ),
    ("JX", "Jiangxi", "江西", "", [("NC", "Nanchang", "南昌")]),
    (
        "SD",
        "Shandong",
        "山东",
        "",
        [("JN", "Jinan", "济南"), ("QD", "Qingdao", "青岛"), ("YT", "Yantai", "烟台")],
    ),
    ("HA", "Henan", "河南", "", [("ZZ", "Zhengzhou", "郑州"), ("LY", "Luoyang", "洛阳")]),
    ("HB", "Hubei", "湖北", "", [("WH", "Wuhan", "武汉")]),
    ("HN", "Hunan", "湖南", "", [("CS", "Changsha", "长沙")]),
    (
        "GD",
        "Guangdong",
        "广东",
        "",
        [
            ("GZ", "Guangzhou", "广州"),
            ("SZ", "Shenzhen", "深圳"),
            ("DG", "Dongguan", "东莞"),
            ("FS", "Foshan", "佛山"),
            ("ZH", "Zhuhai", "珠海"),
        ],
    ),
    ("GX", "Guangxi", "广西", "", [("NN", "Nanning", "南宁")]),
    ("HI", "Hainan", "海南", "", [("HK", "Haikou", "海口"), ("SY", "Sanya", "三亚")]),
    ("CQ", "Chongqing", "重庆", "", []),
    ("SC", "Sichuan", "四川", "", [("CD", "Chengdu", "成都")]),
    ("GZ", "Guizhou", "贵州", "", [("GY", "Guiyang", "贵阳")]),
    ("YN", "Yunnan", "云南", "", [("KM", "Kunming", "昆明")]),
    ("XZ", "Tibet", "西藏", "", [("LS", "Lhasa", "拉萨")]),
    ("SN", "Shaanxi", "陕西", "", [("XA", "Xi'an", "西安")]),
    ("GS", "Gansu", "甘肃", "", [("LZ", "Lanzhou", "兰州")]),
    ("QH", "Qinghai", "青海", "", [("XN", "Xining", "西宁")]),
    ("NX", "Ningxia", "宁夏", "", [("YC", "Yinchuan", "银川")]),
    ("XJ", "Xinjiang", "新疆", "", [("UR", "Urumqi", "乌鲁木齐")]),
    ("HK", "Hong Kong", "香港", "Asia/Hong_Kong", []),
    ("MO", "Macau", "澳门", "Asia/Macau", []),
    (
        "TW",
        "Taiwan",
        "台湾",
        "Asia/Taipei",
        [("TP", "Taipei", "台北"), ("KH", "Kaohsiung", "高雄")],
    ),
]

# code, name, rank, min certified users, min trailing sales, min score, priority, beta, contact
TIERS = [
    ("registered", "Registered", 0, 0, Decimal("0.00"), Decimal("0.00"), False, False, False),
    ("junior", "Junior", 1, 1, Decimal("500000.00"), Decimal("0.00"), False, False, False),
    ("senior", "Senior", 2, 3, Decimal("2000000.00"), Decimal("70.00"), False, True, False),
    ("expert", "Expert", 3, 5, Decimal("5000000.00"), Decimal("85.00"), True, True, True),
]

#: the tiers' names in Chinese (DOMAIN.md §4: 初级, 高级, 专家级), Simplified and Traditional
TIER_NAMES_ZH = {
    "registered": ("注册", "註冊"),
    "junior": ("初级", "初級"),
    "senior": ("高级", "高級"),
    "expert": ("专家级", "專家級"),
}


def region_rows():
    """(code, name, name_zh, kind, parent code, time zone) in parent-first order."""
    yield ("CN", "China", "中国", "country", None, "Asia/Shanghai")
    for code, name, name_zh, tz, cities in PROVINCES:
        province = f"CN-{code}"
        yield (province, name, name_zh, "province", "CN", tz)
        for city, city_name, city_zh in cities:
            yield (f"{province}-{city}", city_name, city_zh, "city", province, "")


def load_regions(Region) -> int:
    """Create the regions that do not exist yet (``Region`` may be a migration's historical
    model). Returns how many were created."""
    existing = {r.code: r for r in Region.objects.all()}
    created = 0
    for code, name, name_zh, kind, parent_code, tz in region_rows():
        if code in existing:
            continue
        existing[code] = Region.objects.create(
            code=code,
            name=name,
            name_zh=name_zh,
            kind=kind,
            parent=existing[parent_code] if parent_code else None,
            time_zone=tz,
        )
        created += 1
    return created


def load_tiers(Tier) -> int:
    created = 0
    # an early migration's Tier has no Chinese names yet (0007 adds them and fills them in)
    has_zh = any(f.name == "name_zh_hans" for f in Tier._meta.get_fields())
    for code, name, rank, users, sales, score, priority, beta, contact in TIERS:
        zh = (
            {"name_zh_hans": TIER_NAMES_ZH[code][0], "name_zh_hant": TIER_NAMES_ZH[code][1]}
            if has_zh
            else {}
        )
        _obj, was_created = Tier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "min_certified_users": users,
                "min_trailing_sales": sales,
                "min_score": score,
                "priority_support": priority,
                "early_access": beta,
                "named_contact": contact,
                **zh,
            },
        )
        created += was_created
    return created


def name_tiers_in_chinese(Tier) -> int:
    """Give the seeded tiers that have no Chinese names theirs (``Tier`` may be a
    migration's historical model). Returns how many rows changed."""
    changed = 0
    for code, (hans, hant) in TIER_NAMES_ZH.items():
        changed += Tier.objects.filter(code=code, name_zh_hans="").update(
            name_zh_hans=hans, name_zh_hant=hant
        )
    return changed
