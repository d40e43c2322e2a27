"""Administrative divisions (GB/T 2260) the rules need: Heyuan's counties and China's provinces."""

HEYUAN_CITY = "441600"
HEYUAN_CITY_NAME = "河源市"
GUANGDONG = "广东省"

# code → Chinese name of Heyuan's county-level divisions (each has one marriage registration office).
HEYUAN_COUNTIES: dict[str, str] = {
    "441602": "源城区",
    "441621": "紫金县",
    "441622": "龙川县",
    "441623": "连平县",
    "441624": "和平县",
    "441625": "东源县",
}

# Provincial-level names as they begin an address; used to tell "outside the city" for certain.
PROVINCES = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)

# Prefectures of Guangdong other than Heyuan, so "广东省广州市…" and "广州市…" are known to be elsewhere.
GUANGDONG_OTHER_CITIES = (
    "广州市",
    "深圳市",
    "珠海市",
    "汕头市",
    "佛山市",
    "韶关市",
    "湛江市",
    "肇庆市",
    "江门市",
    "茂名市",
    "惠州市",
    "梅州市",
    "汕尾市",
    "阳江市",
    "清远市",
    "东莞市",
    "中山市",
    "潮州市",
    "揭阳市",
    "云浮市",
)
