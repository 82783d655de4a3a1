"""A help-desk thesaurus: words people use for the same thing, in English and Chinese, so a
query finds the article that says it differently ("laptop" / "computer" / "电脑"). Only
general IT vocabulary belongs here, never an article's own wording."""

from functools import cache

from storage.kb_text import is_warm, words

GROUPS = """
laptop computer pc notebook desktop 电脑 笔记本 计算机 台式机
slow lag lagging freeze freezing sluggish 慢 卡 卡顿 卡死 很卡
password passwd pwd passcode 密码 口令
account user username 账号 帐号 账户 用户
login logon signin sign-in 登录 登陆 进不去 进不了
locked lockout lock 锁 锁定 被锁 锁住
email mail e-mail inbox mailbox outlook 邮件 邮箱 收件箱
printer print printing copier 打印 打印机 复印机 打不了
offline unavailable 脱机 离线 不可用
wifi wi-fi wireless wlan 无线 无线网 无线网络 wifi信号
vpn globalprotect 内网 远程访问
disconnect disconnects disconnecting drop drops dropping 断 断开 掉线 断线
connect connecting 连接 连 连不上 连不了
monitor screen display 显示器 屏幕 显示屏
battery 电池 电量
charge charging charger 充电 充不进电 充电器
install installing setup 安装 装 装不上
software program app application 软件 程序 应用
admin administrator 管理员
phone mobile cellphone smartphone 手机
authenticator mfa 2fa otp 验证器 多因素认证 身份验证 验证码
badge card 工卡 门禁卡 门卡 卡片
lost lose missing 丢 丢了 丢失 不见
onboarding newcomer starter hire 新员工 入职 新同事
disk storage space drive 磁盘 存储 空间 硬盘 c盘
full 满 满了 不足
sync syncing synchronise 同步
cloud onedrive 云盘 网盘
folder directory 文件夹 目录
permission access rights 权限 授权 访问
denied 拒绝 拒绝访问
approval approve approver approvals 审批 审批人 批准
sound audio speaker hear 声音 音频 听不到 没声音
microphone mic 麦克风 话筒
headset headphone headphones earphones 耳机
meeting call calls 会议 开会 通话
webcam camera 摄像头
token rsa 令牌
expire expired 过期 到期
certificate cert 证书
update updates patch 更新 补丁
restart reboot 重启 重新启动
calendar 日历
share sharing shared 共享 分享
keyboard 键盘
mouse 鼠标
bluetooth 蓝牙
jam jammed jamming 卡纸
driver 驱动
signature 签名
phishing scam suspicious fraud 钓鱼 诈骗 可疑
spill spilled water 进水 泼
broken damaged 坏 坏了 损坏
replace replacement 更换 换新 换
quota capacity 配额 容量
erp sap 财务系统
remote 远程
stuck pending 卡住 挂起 一直
"""


def synonyms() -> dict[str, frozenset[str]]:
    """Each single search term of a group -> the group's other terms.

    Until jieba is loaded no Chinese text has been read (kb_text segments every Chinese run),
    so no Chinese term can be compared yet: the table holds the groups' other words only, and
    building it does not load jieba's dictionary (a second and 70 MB) into an English-only
    process on its first creation. Once jieba is loaded the whole table is used."""
    return _table(is_warm())


@cache
def _table(chinese: bool) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in GROUPS.strip().splitlines():
        terms = {t[0] for w in line.split() if chinese or w.isascii()
                 if len(t := words(w, with_grams=False)) == 1}
        for term in terms:
            table.setdefault(term, set()).update(terms - {term})
    return {t: frozenset(others) for t, others in table.items()}
