"""Plain word lists for the demo estate: names, places of birth, and the office's usual phrases.

Nothing here is real: the names are drawn from common surnames and given-name
characters, the ID region codes are real county codes (so the numbers validate),
and the phrases are what a register or slip in such an office usually says.

The phrases are marked N_ (collected for translation, kept as they are): the demo passes
each through tr() where it writes it, so an English desk builds an English demo. The
names are romanised where they are used (services.demo_records.shown_name); plates and
the word lists that names are drawn from stay Chinese.
"""

from __future__ import annotations

from wuyedesk.i18n import N_

# Common surnames, most frequent first (the first ones are drawn more often).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
MALE_GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文博晨阳亮海东"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀英华慧巧美娅雪琳晶妍茜倩婷颖玲桂丹萍红燕洁梅琴云莉兰凤佳欣怡蕾"

# Real county-level codes (GB/T 2260): mostly the estate's own city, then elsewhere.
LOCAL_REGIONS = ("330102", "330105", "330106", "330108", "330109", "330110", "330182")
OTHER_REGIONS = (
    "330203", "330302", "330402", "330502", "330602", "330702", "331002", "320102",
    "320505", "310101", "310115", "340102", "340202", "360102", "410102", "420102",
    "430102", "440104", "440305", "510104", "350102", "370102", "610102", "500103",
    "230102", "210102", "130102", "140105", "450102", "520102", "530102", "620102",
)  # fmt: skip
CITY_PLATE = "浙A"
OTHER_PLATES = ("浙B", "浙C", "浙D", "沪A", "苏E", "皖A", "赣A", "闽D")
LANDLINE_AREA = "0571"

EMPLOYERS = (
    N_("杭州某科技有限公司"),
    N_("市第一人民医院"),
    N_("区教育局"),
    N_("个体经营"),
    N_("退休"),
    N_("浙江某贸易公司"),
    N_("某银行杭州分行"),
    N_("自由职业"),
    N_("某建设集团"),
    N_("某中学"),
    N_("某物流公司"),
    N_("某设计院"),
    N_("某律师事务所"),
)
HABITS = (
    N_("业主平日白天上班，晚上七点后在家"),
    N_("独居老人，子女每周末探望，需多关注"),
    N_("周末常不在家，有事请先电话联系"),
    N_("家中有婴儿，午间请勿按门铃"),
    N_("业主常年在外地，房屋空置，钥匙未托管"),
    N_("养有一只狗，上门前请先电话告知"),
    N_("老人耳背，电话请大声说话"),
    N_("夜班工作，白天休息，上午不宜上门"),
    N_("腿脚不便，快递请送上楼"),
    N_("经常出差，紧急情况联系紧急联系人"),
)
LET_NOTE = N_("房屋已出租，业主不在本单元居住")

# Where things happen outside a unit.
FACILITIES = (
    N_("{b}栋电梯"),
    N_("{b}栋楼道声控灯"),
    N_("{b}栋单元门禁"),
    N_("地下车库照明"),
    N_("小区东门道闸"),
    N_("小区北门门岗"),
    N_("中心花园喷泉水泵"),
    N_("儿童游乐区"),
    N_("{b}栋屋面排水沟"),
    N_("会所卫生间"),
)

# Register entries, by kind; complaints by the department complained about.
COMPLAINTS = {
    "engineering": (
        N_("楼上漏水到卫生间天花板，报修三天还没人来处理"),
        N_("电梯经常停在半路不动，等了十多分钟"),
        N_("维修师傅上门没有穿鞋套，弄脏了地板"),
        N_("地下车库的灯坏了好几盏，晚上很暗"),
        N_("早上用水高峰水压太低，热水器打不着火"),
    ),
    "security": (
        N_("晚上外来车辆随便进出，门岗没有登记"),
        N_("保安值班时玩手机，问路态度冷淡"),
        N_("快递电动车在小区里骑得很快，差点撞到孩子"),
        N_("夜里有人在楼下大声喧哗，保安没有制止"),
    ),
    "cleaning": (
        N_("楼道垃圾两天没人清理，有异味"),
        N_("垃圾桶周边很脏，没有及时消毒"),
        N_("保洁拖地后地面很滑，老人差点摔倒"),
    ),
    "greening": (
        N_("早上七点就开始修剪草坪，噪音太大"),
        N_("草坪打药没有提前通知，孩子在旁边玩"),
        N_("树枝挡住了二楼窗户，屋里光线很差"),
    ),
    "property": (
        N_("物业费收据开错了名字，来回跑了三次"),
        N_("上周反映的问题一直没有答复"),
        N_("楼上装修周末中午也在施工，噪音扰民"),
        N_("邻居在楼道堆放杂物，多次反映无人处理"),
        N_("自家车位经常被外来车辆占用"),
    ),
    "service_desk": (
        N_("前台电话打了很多次都没人接"),
        N_("客服说话语气不耐烦"),
    ),
}
REMEDIES = {
    "engineering": N_("工程部主管当天上门查看，安排人员优先处理"),
    "security": N_("保安部加强门岗登记和夜间巡逻，对当班人员进行批评教育"),
    "cleaning": N_("保洁主管安排当天清理并消毒，增加该楼道的清扫频次"),
    "greening": N_("调整作业时间为上午九点以后，打药前张贴通知"),
    "property": N_("物业部主管上门说明情况，督促相关住户整改"),
    "service_desk": N_("客服中心调整值班安排，对相关人员进行服务培训"),
}
UNSOLVABLE_ANSWER = N_("需与开发商及相关单位协调，已向住户说明，预计两周内给出处理结果")
COMPLAINT_RESULTS = (
    N_("已处理完毕，住户表示认可"),
    N_("问题已解决，已向住户致歉"),
    N_("已整改，后续加强检查"),
)
OTHER_CONTACTS = {
    "enquiry": (
        N_("咨询物业费缴纳方式和时间"),
        N_("咨询装修申请需要哪些材料"),
        N_("咨询停车月卡如何办理"),
        N_("咨询门禁卡丢失后如何补办"),
        N_("咨询小区快递柜的位置和收费"),
        N_("咨询水电费代缴事宜"),
    ),
    "repair": (
        N_("来电报修：厨房水龙头漏水"),
        N_("来电报修：卫生间下水道堵塞"),
        N_("来访报修：入户门锁不好用"),
        N_("来电报修：客厅插座没电"),
    ),
    "praise": (
        N_("表扬工程部师傅维修及时、态度好"),
        N_("表扬保安帮忙把重物搬上楼"),
        N_("表扬保洁阿姨拾金不昧，归还钱包"),
    ),
    "suggestion": (
        N_("建议在小区增加儿童游乐设施"),
        N_("建议增设电动车充电桩"),
        N_("建议延长会所开放时间"),
        N_("建议在单元门口加装雨棚"),
    ),
    "help": (
        N_("家中老人行动不便，请求帮忙搬运家具"),
        N_("钥匙锁在家中，请求帮忙联系开锁"),
    ),
    "other": (
        N_("快递柜已满，快递无处存放"),
        N_("询问是否捡到一串钥匙"),
        N_("要求开具居住证明"),
    ),
}
CONTACT_RESULTS = {
    "enquiry": N_("已当面答复，住户清楚"),
    "repair": N_("已开工程维修单，工程部已派工处理"),
    "praise": N_("已转达表扬，并在周会上通报"),
    "suggestion": N_("已记录，提交管理处研究后答复住户"),
    "help": N_("已安排人员协助，住户表示感谢"),
    "other": N_("已处理并告知住户"),
}
VOID_REASONS = (N_("重复登记，已作废"), N_("登记信息有误，已重新登记"), N_("住户撤回，作废"))

# Repair jobs: category, what the household says, what the engineer writes, materials, labour.
# Materials: (item, spec, unit price in fen, quantity in thousandths).
MATERIALS = {
    "tap": (N_("水龙头"), N_("DN15 铜质"), 3500, 1000),
    "valve": (N_("角阀"), "DN15", 1800, 1000),
    "hose": (N_("进水软管"), "60cm", 1200, 1000),
    "tape": (N_("生料带"), "20m", 150, 2000),
    "switch": (N_("开关面板"), N_("86型单开"), 1200, 1000),
    "socket": (N_("插座面板"), N_("86型五孔"), 1500, 1000),
    "breaker": (N_("空气开关"), "C16", 3200, 1000),
    "wire": (N_("电线"), N_("BV2.5（米）"), 250, 5000),
    "bulb": (N_("LED灯泡"), "9W", 1000, 2000),
    "ceiling": (N_("LED吸顶灯"), "24W", 6500, 1000),
    "lock": (N_("门锁锁芯"), N_("C级"), 9000, 1000),
    "hinge": (N_("合页"), N_("4寸"), 600, 2000),
    "closer": (N_("闭门器"), N_("中号"), 6500, 1000),
    "sealant": (N_("玻璃胶"), "300ml", 1500, 1000),
    "coating": (N_("防水涂料"), "5kg", 12000, 1000),
    "inlet": (N_("马桶进水阀"), N_("通用型"), 4500, 1000),
    "drain": (N_("地漏"), N_("不锈钢防臭"), 2500, 1000),
    "screen": (N_("纱窗"), N_("铝合金（平方米）"), 6000, 1500),
    "sensor": (N_("声控灯"), "LED", 2500, 1000),
    "tube": (N_("灯管"), "T8 18W", 1800, 2000),
}
JOBS = (
    (
        "plumbing_electrical",
        N_("厨房水龙头漏水"),
        N_("更换水龙头及软管，试水正常"),
        ("tap", "hose"),
        3000,
    ),
    ("plumbing_electrical", N_("卫生间下水道堵塞"), N_("疏通下水管道，排水通畅"), (), 8000),
    (
        "plumbing_electrical",
        N_("客厅插座没电"),
        N_("更换损坏插座面板，通电正常"),
        ("socket",),
        3000,
    ),
    (
        "plumbing_electrical",
        N_("空气开关频繁跳闸"),
        N_("检查线路，更换空气开关"),
        ("breaker", "wire"),
        5000,
    ),
    (
        "plumbing_electrical",
        N_("马桶水箱一直流水"),
        N_("更换马桶进水阀，试用正常"),
        ("inlet",),
        3000,
    ),
    ("plumbing_electrical", N_("阳台地漏返臭味"), N_("更换防臭地漏"), ("drain", "sealant"), 4000),
    ("plumbing_electrical", N_("卧室灯不亮"), N_("更换灯具，通电正常"), ("ceiling",), 3000),
    ("building", N_("卧室墙面渗水发霉"), N_("铲除霉变层，外墙裂缝做防水处理"), ("coating",), 15000),
    (
        "building",
        N_("卫生间天花板渗水"),
        N_("查明楼上管道渗漏并修复，天花板做防水"),
        ("coating",),
        12000,
    ),
    ("building", N_("阳台顶部墙皮起皮脱落"), N_("铲除起皮部分，重新批灰"), (), 8000),
    ("doors_windows", N_("入户门锁芯坏了打不开"), N_("更换锁芯，交付新钥匙"), ("lock",), 5000),
    ("doors_windows", N_("窗户关不严漏风"), N_("调整窗扇，更换合页"), ("hinge", "sealant"), 4000),
    ("doors_windows", N_("纱窗破损"), N_("更换纱窗"), ("screen",), 3000),
    ("doors_windows", N_("单元门闭门器损坏"), N_("更换闭门器，调试正常"), ("closer",), 3000),
    ("facilities", N_("楼道声控灯不亮"), N_("更换声控灯"), ("sensor",), 2000),
    ("facilities", N_("地下车库灯管损坏"), N_("更换灯管"), ("tube",), 2000),
    ("facilities", N_("道闸不抬杆"), N_("检修道闸控制板，调试正常"), (), 0),
    ("lift", N_("电梯按钮失灵"), N_("通知电梯维保单位更换按钮，运行正常"), (), 0),
    ("lift", N_("电梯运行有异响"), N_("电梯维保单位检修导靴，异响消除"), (), 0),
    ("other", N_("可视对讲没有图像"), N_("更换对讲分机摄像模块"), (), 5000),
)
RETURN_REASONS = (
    N_("属燃气公司维修范围，已告知住户联系燃气公司"),
    N_("住户已自行修好，撤回报修"),
    N_("重复报修，已合并到原单"),
)
REFUSE_REASONS = (N_("住户认为报价偏高，暂不维修"), N_("住户决定自行请人维修"))
REMARKS = (
    N_("师傅很专业"),
    N_("希望下次能更快一点"),
    N_("修得很好，谢谢"),
    N_("地面请帮忙清理干净"),
)

# Help requests by type: what was said, what was found, what was done.
HELP = {
    "medical": (
        N_("家中老人突然晕倒，请求帮助"),
        N_("老人在楼道摔倒，无法起身"),
        N_("孩子高烧抽搐，家中只有老人"),
    ),
    "crime": (
        N_("发现家中被盗，门锁有撬痕"),
        N_("楼下有人打架"),
        N_("地下车库车辆被人划伤"),
    ),
    "flood_fire": (
        N_("楼上漏水，家中地面大量积水"),
        N_("厨房油锅起火"),
        N_("暴雨后地下车库进水"),
    ),
    "enquiry": (
        N_("咨询维修资金的使用流程"),
        N_("咨询小区公共收益的使用情况"),
        N_("咨询快递柜收费标准"),
        N_("咨询装修押金退还时间"),
    ),
    "paid_service": (N_("请求上门安装窗帘杆"), N_("请求疏通厨房下水道"), N_("请求安装晾衣架")),
    "repair": (N_("卫生间漏水"), N_("入户门锁坏了"), N_("厨房插座没电")),
    "complaint": (N_("投诉邻居装修噪音"), N_("投诉楼道堆放杂物")),
    "other": (N_("钥匙锁在家中，请求帮忙联系开锁"), N_("请求借用梯子"), N_("请求帮忙照看快递")),
}
HELP_SITUATION = {
    "medical": N_("老人意识清醒，血压偏高，需送医"),
    "crime": N_("现场确认有财物损失，已保护现场"),
    "flood_fire": N_("现场确认情况属实，已关闭总阀/切断电源"),
}
HELP_RESULT = {
    "medical": N_("120 到场后送医，保安接应，已通知家属并陪同就医"),
    "crime": N_("已报警，配合民警调取监控，做好登记"),
    "flood_fire": N_("险情已排除，协助住户清理，已通知相关住户"),
}
HELP_CALLS = {"medical": "120", "crime": "110", "flood_fire": "119"}

# Return visits.
VISIT_OPINIONS = {
    "satisfied": (
        N_("对处理结果满意"),
        N_("师傅态度很好，修得及时"),
        N_("没有其他意见"),
        N_("物业服务不错"),
    ),
    "fairly": (N_("基本满意，希望以后处理更快一些"), N_("问题解决了，沟通还可以更及时")),
    "dissatisfied": (N_("问题没有彻底解决，仍有渗水"), N_("维修后又出现同样问题"), N_("处理太慢")),
}
NONCONFORMITIES = (
    (N_("渗漏未彻底处理"), "engineering"),
    (N_("维修后复发，需重新检修"), "engineering"),
    (N_("楼道卫生未按要求保持"), "cleaning"),
    (N_("门岗登记制度执行不到位"), "security"),
)
NOBODY_HOME = N_("上门时住户不在家，已在门上张贴回访单，另约时间")

# Daily reports and spot checks.
UNDONE = (
    N_("无"),
    N_("部分住户资料待补充身份证复印件（住户出差）"),
    N_("一户漏水投诉待工程部进一步查明原因"),
    N_("上月维修单尚有几张待住户签字"),
)
COORDINATION = (
    None,
    N_("需工程部协调电梯异响问题"),
    N_("需保安部配合核查外来车辆登记"),
    N_("需财务核对上周有偿服务收款"),
)
REVIEW_COMMENTS = (
    N_("已阅，工作认真"),
    N_("投诉回访要在 24 小时内完成"),
    N_("注意住户资料保密"),
    N_("维修单归档要及时"),
    N_("已阅"),
)
NEXT_DAY_TASKS = (
    N_("跟进投诉回访；整理维修单归档"),
    N_("核对住户资料，通知待更新的住户"),
    N_("按计划完成日常回访，做好记录"),
    N_("检查楼道卫生和公共设施，发现问题及时报修"),
)
SPOT_CHECKS = (
    (N_("抽查住户档案保密情况"), N_("档案柜未上锁"), True),
    (N_("抽查来访来电登记是否完整"), N_("一条登记未填转达时间"), True),
    (N_("抽查维修单归档"), N_("未发现问题"), False),
    (N_("抽查门岗外来车辆登记"), N_("夜班有两辆车未登记"), True),
    (N_("抽查回访记录"), N_("一条投诉回访超过 24 小时"), False),
)
