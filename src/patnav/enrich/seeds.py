"""A small, curated list of Chinese and English names of the same organisation.

Transliteration alone is no evidence that 华为技术有限公司 and HUAWEI TECHNOLOGIES CO., LTD.
are one applicant, and many stores hold no parallel names to learn it from. These pairs
are the organisations a Chinese analyst meets first — the largest Chinese and foreign
filers in China, the Hubei applicants of the demo corpus — each with the English
spellings patent databases use (full names, and Derwent/Lens short forms where their keys
differ). Each pair links the two keys during entity resolution; an entity known only by
its English name then shows its Chinese one. Add pairs here, or merge entities with
``patnav entities merge``.
"""

from __future__ import annotations

BILINGUAL_SEEDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("华为技术有限公司", ("HUAWEI TECHNOLOGIES CO., LTD.",)),
    ("华为终端有限公司", ("HUAWEI DEVICE CO., LTD.",)),
    ("中兴通讯股份有限公司", ("ZTE CORPORATION",)),
    ("深圳市大疆创新科技有限公司", ("SZ DJI TECHNOLOGY CO., LTD.",)),
    ("京东方科技集团股份有限公司", ("BOE TECHNOLOGY GROUP CO., LTD.",)),
    ("小米科技有限责任公司", ("XIAOMI INC.",)),
    ("北京小米移动软件有限公司", ("BEIJING XIAOMI MOBILE SOFTWARE CO., LTD.",)),
    ("联想(北京)有限公司", ("LENOVO (BEIJING) CO., LTD.",)),
    ("腾讯科技(深圳)有限公司", ("TENCENT TECHNOLOGY (SHENZHEN) COMPANY LIMITED",)),
    ("阿里巴巴集团控股有限公司", ("ALIBABA GROUP HOLDING LIMITED",)),
    (
        "百度在线网络技术(北京)有限公司",
        ("BAIDU ONLINE NETWORK TECHNOLOGY (BEIJING) CO., LTD.",),
    ),
    ("珠海格力电器股份有限公司", ("GREE ELECTRIC APPLIANCES, INC. OF ZHUHAI",)),
    ("美的集团股份有限公司", ("MIDEA GROUP CO., LTD.",)),
    ("TCL科技集团股份有限公司", ("TCL TECHNOLOGY GROUP CORPORATION",)),
    (
        "宁德时代新能源科技股份有限公司",
        ("CONTEMPORARY AMPEREX TECHNOLOGY CO., LIMITED",),
    ),
    ("比亚迪股份有限公司", ("BYD COMPANY LIMITED",)),
    ("中国石油化工股份有限公司", ("CHINA PETROLEUM & CHEMICAL CORPORATION",)),
    ("国家电网有限公司", ("STATE GRID CORPORATION OF CHINA",)),
    (
        "武汉华星光电技术有限公司",
        ("WUHAN CHINA STAR OPTOELECTRONICS TECHNOLOGY CO., LTD.",),
    ),
    (
        "华中科技大学",
        (
            "HUAZHONG UNIVERSITY OF SCIENCE AND TECHNOLOGY",
            "UNIV HUAZHONG SCIENCE & TECH",
        ),
    ),
    (
        "华中农业大学",
        ("HUAZHONG AGRICULTURAL UNIVERSITY", "UNIV HUAZHONG AGRICULTURAL"),
    ),
    ("武汉大学", ("WUHAN UNIVERSITY", "UNIV WUHAN")),
    ("武汉理工大学", ("WUHAN UNIVERSITY OF TECHNOLOGY", "UNIV WUHAN TECH")),
    ("武汉钢铁有限公司", ("WUHAN IRON AND STEEL CO., LTD.",)),
    ("清华大学", ("TSINGHUA UNIVERSITY", "UNIV TSINGHUA")),
    ("北京大学", ("PEKING UNIVERSITY", "UNIV PEKING")),
    ("浙江大学", ("ZHEJIANG UNIVERSITY", "UNIV ZHEJIANG")),
    ("上海交通大学", ("SHANGHAI JIAO TONG UNIVERSITY", "UNIV SHANGHAI JIAOTONG")),
    ("中国科学院", ("CHINESE ACADEMY OF SCIENCES",)),
    (
        "北京航空航天大学",
        (
            "BEIHANG UNIVERSITY",
            "UNIV BEIHANG",
            "BEIJING UNIVERSITY OF AERONAUTICS AND ASTRONAUTICS",
        ),
    ),
    (
        "西北工业大学",
        ("NORTHWESTERN POLYTECHNICAL UNIVERSITY", "UNIV NORTHWESTERN POLYTECHNICAL"),
    ),
    (
        "南京航空航天大学",
        (
            "NANJING UNIVERSITY OF AERONAUTICS AND ASTRONAUTICS",
            "UNIV NANJING AERONAUTICS",
        ),
    ),
    ("哈尔滨工业大学", ("HARBIN INSTITUTE OF TECHNOLOGY",)),
    (
        "中国科学院长春光学精密机械与物理研究所",
        (
            "CHANGCHUN INSTITUTE OF OPTICS, FINE MECHANICS AND PHYSICS, "
            "CHINESE ACADEMY OF SCIENCES",
        ),
    ),
    ("三星电子株式会社", ("SAMSUNG ELECTRONICS CO., LTD.",)),
    ("三星显示有限公司", ("SAMSUNG DISPLAY CO., LTD.",)),
    ("LG电子株式会社", ("LG ELECTRONICS INC.",)),
    ("索尼公司", ("SONY CORPORATION",)),
    ("西门子公司", ("SIEMENS AKTIENGESELLSCHAFT",)),
    ("高通股份有限公司", ("QUALCOMM INCORPORATED",)),
    ("苹果公司", ("APPLE INC.",)),
    ("国际商业机器公司", ("INTERNATIONAL BUSINESS MACHINES CORPORATION",)),
    ("英特尔公司", ("INTEL CORPORATION",)),
    ("通用电气公司", ("GENERAL ELECTRIC COMPANY",)),
    ("佳能株式会社", ("CANON KABUSHIKI KAISHA",)),
    ("富士通株式会社", ("FUJITSU LIMITED",)),
    (
        "丰田自动车株式会社",
        ("TOYOTA JIDOSHA KABUSHIKI KAISHA", "TOYOTA MOTOR CORPORATION"),
    ),
    ("瑞典爱立信有限公司", ("TELEFONAKTIEBOLAGET LM ERICSSON (PUBL)",)),
    ("诺基亚技术有限公司", ("NOKIA TECHNOLOGIES OY",)),
    ("鸿海精密工业股份有限公司", ("HON HAI PRECISION INDUSTRY CO., LTD.",)),
    ("信越化学工业株式会社", ("SHIN-ETSU CHEMICAL CO., LTD.",)),
)
"""(Chinese name, English spellings) of organisations, linked during entity resolution."""
