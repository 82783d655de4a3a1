# ruff: noqa: E501  (hand-written text: one sentence a line reads better than wrapped)
"""Hand-written help-desk topics for the knowledge-base evaluation set (written for this project).

Each topic has variants (a platform, a site, a product) that make separate articles, in English
and in Chinese, and the queries people really type: paraphrases, in both languages, some mixing
the two. `{v}` / `{vz}` stand for the variant in English / Chinese. A query that names a variant
is answered by that variant's articles; one that does not is answered by any of the topic's.
"""

TOPICS: list[dict] = [
    {"id": "vpn-connect", "variants": [("Windows", "Windows"), ("macOS", "Mac"), ("iPhone", "iPhone"),
                                       ("Android", "安卓手机"), ("Linux", "Linux"), ("iPad", "iPad")],
     "en": ("VPN will not connect on {v}",
            "If the VPN client on {v} stops at 'Connecting', check the date and time are set "
            "automatically, sign out of the GlobalProtect client, choose the portal vpn.corp.example "
            "again and approve the MFA prompt. If it still fails, remove and reinstall the client "
            "from the Software Center."),
     "zh": ("{vz} 上 VPN 连接不上",
            "{vz} 上的 VPN 客户端一直停在“正在连接”时，先确认系统时间为自动设置，退出 GlobalProtect "
            "客户端后重新选择门户 vpn.corp.example，并在手机上批准多因素认证。仍然失败时，卸载后从软件中心重新安装客户端。"),
     "q_en": ["vpn stuck on connecting on my {v}", "can't get on the company network from home",
              "GlobalProtect keeps spinning and never connects"],
     "q_zh": ["{vz}连不上VPN", "在家没法连公司内网", "VPN 一直显示正在连接"],
     "q_mix": ["{vz} GlobalProtect 连不上"]},
    {"id": "vpn-drops", "variants": [("Windows", "Windows"), ("macOS", "Mac")],
     "en": ("VPN disconnects every few minutes on {v}",
            "Frequent VPN drops on {v} are usually caused by Wi-Fi power saving or a second VPN "
            "product. Turn off power saving for the wireless adapter, quit other VPN apps, and "
            "switch the GlobalProtect protocol from IPSec to SSL under Settings > Connection."),
     "zh": ("{vz} 上 VPN 频繁掉线",
            "{vz} 上 VPN 经常断开，多半是无线网卡省电模式或装了别的 VPN 软件。关闭无线网卡的省电模式，"
            "退出其他 VPN 软件，并在 GlobalProtect 设置里把连接协议从 IPSec 改为 SSL。"),
     "q_en": ["vpn keeps dropping every 10 minutes", "my VPN connection is unstable and disconnects",
              "kicked off the vpn all the time on {v}"],
     "q_zh": ["VPN老是掉线", "VPN 用一会儿就断开", "{vz}的VPN隔几分钟就断"],
     "q_mix": ["VPN 经常 disconnect"]},
    {"id": "printer-offline", "variants": [("floor 2", "二楼"), ("floor 3", "三楼"), ("floor 5", "五楼"),
                                           ("Shanghai office", "上海办公室"), ("Beijing office", "北京办公室"),
                                           ("Shenzhen office", "深圳办公室")],
     "en": ("Printer on {v} shows offline",
            "When the shared printer on {v} shows Offline, open Settings > Printers, remove the "
            "printer and add it again from \\\\print01. If the panel shows a network error, "
            "reconnect it to the Wi-Fi CORP-PRINT from the printer's touch screen and restart it."),
     "zh": ("{vz}打印机显示脱机",
            "{vz}的共享打印机显示“脱机”时，打开 设置 > 打印机，删除该打印机后从 \\\\print01 重新添加。"
            "如果打印机面板提示网络错误，在触摸屏上重新连接 CORP-PRINT 无线网络并重启打印机。"),
     "q_en": ["printer on {v} is offline", "can't print, the printer says offline",
              "print jobs stuck because printer is not available"],
     "q_zh": ["{vz}的打印机脱机了", "打印机显示离线打不了", "打印任务一直卡住，打印机不可用"],
     "q_mix": ["{vz} printer 脱机"]},
    {"id": "printer-jam", "variants": [("HP LaserJet", "惠普激光打印机"), ("Canon copier", "佳能复印机")],
     "en": ("Paper jam on the {v}",
            "Open the front door of the {v}, pull out the toner drawer and remove the jammed paper "
            "slowly with both hands. Check tray 2 for folded sheets, close every door and press "
            "Resume. Do not use paper heavier than 120 g/m² in the trays."),
     "zh": ("{vz}卡纸",
            "打开{vz}前盖，拉出硒鼓抽屉，用双手慢慢取出卡住的纸。检查 2 号纸盒有没有折叠的纸，关好所有舱门后按“继续”。"
            "纸盒里不要放超过 120 克的纸。"),
     "q_en": ["paper stuck in the printer", "the {v} keeps jamming", "printer says paper jam in tray 2"],
     "q_zh": ["打印机卡纸了", "{vz}老是卡纸", "复印机提示纸盒卡纸"],
     "q_mix": ["printer 卡纸 怎么处理"]},
    {"id": "printer-driver", "variants": [("Windows", "Windows"), ("macOS", "Mac")],
     "en": ("Install the office printer driver on {v}",
            "On {v}, open the Software Center and install 'Office Printers'. It adds the follow-me "
            "queue FollowMe-Print; badge in at any printer to release your job. Colour printing "
            "needs a request approved by your manager."),
     "zh": ("在 {vz} 上安装办公室打印机驱动",
            "在 {vz} 上打开软件中心，安装“办公室打印机”。它会添加跟随打印队列 FollowMe-Print，在任意打印机上刷工卡即可取件。"
            "彩色打印需要经理审批的申请。"),
     "q_en": ["how do I add the printer to my {v}", "printer driver missing on new laptop",
              "set up follow me printing"],
     "q_zh": ["怎么在{vz}上添加打印机", "新电脑没有打印机驱动", "跟随打印怎么设置"],
     "q_mix": ["FollowMe 打印 怎么装"]},
    {"id": "email-not-receiving", "variants": [("Outlook desktop", "Outlook 客户端"),
                                               ("Outlook on the web", "网页版 Outlook"),
                                               ("phone mail app", "手机邮件")],
     "en": ("Not receiving email in {v}",
            "If new mail does not arrive in {v}, check the mailbox is not over its 50 GB quota "
            "(File > Info), empty Deleted Items, and look in the Junk and Focused > Other folders. "
            "Rules that move messages are under Settings > Mail > Rules."),
     "zh": ("{vz}收不到邮件",
            "{vz}收不到新邮件时，先看邮箱是否超过 50 GB 配额（文件 > 信息），清空“已删除邮件”，并检查垃圾邮件和“其他”文件夹。"
            "自动移动邮件的规则在 设置 > 邮件 > 规则 中。"),
     "q_en": ["outlook not getting new emails", "emails from customers are not arriving",
              "inbox stopped receiving mail since this morning"],
     "q_zh": ["收不到邮件", "客户发的邮件我收不到", "{vz}今天早上开始没有新邮件"],
     "q_mix": ["Outlook 收不到 email"]},
    {"id": "email-quota", "variants": [("mailbox", "邮箱")],
     "en": ("Mailbox full: how to free space",
            "A full mailbox stops sending and receiving. Archive mail older than a year with "
            "File > Tools > Mailbox Cleanup, empty Deleted Items and Sent Items attachments, and "
            "turn on the online archive, which adds 100 GB."),
     "zh": ("邮箱已满，如何释放空间",
            "邮箱满了会无法收发邮件。用 文件 > 工具 > 邮箱清理 归档一年以前的邮件，清空已删除邮件和已发送邮件中的附件，"
            "并开启在线存档（增加 100 GB）。"),
     "q_en": ["my mailbox is full", "outlook says mailbox over quota", "how to archive old mail to free space"],
     "q_zh": ["邮箱满了怎么办", "提示邮箱容量不足", "怎么归档旧邮件释放空间"],
     "q_mix": ["mailbox 满了"]},
    {"id": "email-signature", "variants": [("Outlook", "Outlook")],
     "en": ("Set up your email signature",
            "Use the company template: Settings > Mail > Compose and reply > Email signature. "
            "Name, title, phone and the logo; no quotes or images other than the logo. The "
            "signature is added to new messages and replies."),
     "zh": ("设置邮件签名",
            "请使用公司模板：设置 > 邮件 > 撰写和答复 > 电子邮件签名。包括姓名、职位、电话和公司标志；不要加名言或其他图片。"
            "签名会自动添加到新邮件和回复中。"),
     "q_en": ["how do I change my email signature", "add logo to outlook signature"],
     "q_zh": ["邮件签名怎么设置", "怎么修改邮件签名"],
     "q_mix": ["Outlook 签名 设置"]},
    {"id": "shared-mailbox", "variants": [("shared mailbox", "共享邮箱")],
     "en": ("Get access to a shared mailbox",
            "Ask the mailbox owner to approve access in the request portal (Email > Shared mailbox "
            "access). Once granted it appears in Outlook by itself within an hour; restart Outlook "
            "if it does not."),
     "zh": ("申请共享邮箱权限",
            "请在申请门户（邮件 > 共享邮箱权限）提交申请，由邮箱负责人审批。授权后一小时内会自动出现在 Outlook 中；"
            "没有出现请重启 Outlook。"),
     "q_en": ["need access to the finance shared mailbox", "shared inbox not showing in outlook"],
     "q_zh": ["申请共享邮箱", "共享邮箱在 Outlook 里看不到"],
     "q_mix": ["shared mailbox 权限 申请"]},
    {"id": "phishing", "variants": [("email", "邮件")],
     "en": ("Report a suspicious or phishing email",
            "Do not click links or open attachments. Press the Report Phishing button in Outlook, "
            "which sends it to the security team and deletes it. If you already entered your "
            "password, change it at once and tell the service desk."),
     "zh": ("举报可疑邮件或钓鱼邮件",
            "不要点击链接或打开附件。在 Outlook 中点“报告钓鱼邮件”按钮，邮件会发送给安全团队并被删除。"
            "如果已经输入了密码，请立即修改密码并告知服务台。"),
     "q_en": ["I got a phishing email", "suspicious email asking for my password", "clicked a link in a scam mail"],
     "q_zh": ["收到钓鱼邮件", "可疑邮件让我输入密码", "点了诈骗邮件里的链接"],
     "q_mix": ["收到 phishing 邮件"]},
    {"id": "wifi-connect", "variants": [("laptop", "笔记本"), ("phone", "手机"), ("Beijing office", "北京办公室"),
                                        ("Shanghai office", "上海办公室"), ("Shenzhen office", "深圳办公室"),
                                        ("tablet", "平板")],
     "en": ("Cannot connect to office Wi-Fi on {v}",
            "Connect to CORP-WIFI with your domain account, not your email address. If it keeps "
            "asking for the password, forget the network, reconnect and accept the certificate "
            "radius.corp.example. Guests use CORP-GUEST with the code from reception."),
     "zh": ("{vz}连不上办公室 Wi-Fi",
            "请用域账号（不是邮箱地址）连接 CORP-WIFI。如果反复要求输入密码，忘记该网络后重新连接，并接受证书 "
            "radius.corp.example。访客请使用 CORP-GUEST，密码向前台索取。"),
     "q_en": ["wifi keeps asking for password", "can't join CORP-WIFI on my {v}", "no wireless in the office"],
     "q_zh": ["{vz}连不上公司wifi", "无线网一直让我输密码", "办公室没有无线网络"],
     "q_mix": ["{vz} wifi 连不上"]},
    {"id": "wifi-slow", "variants": [("meeting rooms", "会议室"), ("floor 3", "三楼")],
     "en": ("Wi-Fi is slow in the {v}",
            "Slow wireless in the {v} is often the 2.4 GHz band. Forget CORP-WIFI and reconnect so "
            "the laptop picks 5 GHz, close cloud sync during calls, and report the room name if "
            "the speed test at speed.corp.example stays under 20 Mbit/s."),
     "zh": ("{vz}无线网速慢",
            "{vz}的无线网慢，常见原因是连在 2.4 GHz 频段。忘记 CORP-WIFI 后重连让电脑选择 5 GHz，开会时暂停网盘同步；"
            "若 speed.corp.example 测速持续低于 20 Mbit/s，请报上房间名。"),
     "q_en": ["internet very slow in the {v}", "wifi speed terrible during video calls"],
     "q_zh": ["{vz}网速很慢", "开视频会议时无线网很卡"],
     "q_mix": ["{vz} wifi 很慢"]},
    {"id": "password-reset", "variants": [("domain account", "域账号")],
     "en": ("Reset a forgotten password",
            "Go to passwords.corp.example, choose Forgot password and verify with your phone. "
            "The new password needs 12 characters and cannot repeat your last 10. It works on "
            "your laptop after you connect to the office network or the VPN."),
     "zh": ("忘记密码如何重置",
            "访问 passwords.corp.example，选择“忘记密码”并用手机验证。新密码至少 12 位，且不能与最近 10 次相同。"
            "连接办公室网络或 VPN 后，笔记本即可使用新密码。"),
     "q_en": ["forgot my password", "how to reset windows login password", "password expired cannot log in"],
     "q_zh": ["忘记密码了", "电脑开机密码忘了怎么重置", "密码过期登录不了"],
     "q_mix": ["password 忘了 怎么 reset"]},
    {"id": "account-locked", "variants": [("domain account", "域账号")],
     "en": ("Account locked out after wrong passwords",
            "Five wrong passwords lock the account for 30 minutes. Phones and laptops that still "
            "hold the old password are the usual cause: update the password in mail apps and "
            "saved Wi-Fi. The service desk can unlock it sooner."),
     "zh": ("输错密码后账号被锁定",
            "连续输错 5 次密码会锁定账号 30 分钟。常见原因是手机或电脑里还保存着旧密码：请更新邮件应用和已保存无线网络中的密码。"
            "需要提前解锁可联系服务台。"),
     "q_en": ["my account is locked", "locked out after changing password", "too many login attempts account disabled"],
     "q_zh": ["账号被锁了", "改完密码账号老被锁", "登录次数太多账号被锁定"],
     "q_mix": ["account 被锁定"]},
    {"id": "mfa-phone", "variants": [("new phone", "新手机"), ("lost phone", "手机丢失")],
     "en": ("Move multi-factor authentication to a {v}",
            "Sign in at mysignins.corp.example from a computer, add the authenticator app on the "
            "{v} with the QR code and delete the old device. Without access to the old phone, the "
            "service desk issues a temporary code after checking your ID."),
     "zh": ("{vz}：迁移多因素认证",
            "在电脑上登录 mysignins.corp.example，用二维码在{vz}上添加身份验证器应用，并删除旧设备。无法使用旧手机时，"
            "服务台核实身份后会发放临时验证码。"),
     "q_en": ["got a new phone and need the authenticator", "MFA codes stopped after phone change",
              "lost my phone, can't approve sign in"],
     "q_zh": ["换了手机验证器怎么弄", "换手机后收不到多因素认证", "手机丢了没法确认登录"],
     "q_mix": ["换手机 MFA 怎么 迁移"]},
    {"id": "new-hire-account", "variants": [("new employee", "新员工")],
     "en": ("Accounts for a new employee",
            "The manager files the onboarding request five working days before the start date. "
            "The account, mailbox, laptop and badge are ready on the first day; the password is "
            "sent by text message to the personal phone number in HR's record."),
     "zh": ("新员工开通账号",
            "经理需在入职日前五个工作日提交入职申请。账号、邮箱、笔记本和工卡在第一天准备好；初始密码会以短信发送到人事登记的个人手机。"),
     "q_en": ["new starter next monday needs an account", "onboarding a new hire what do I request"],
     "q_zh": ["新同事下周入职要开账号", "新员工入职需要申请什么"],
     "q_mix": ["新员工 onboarding 账号"]},
    {"id": "laptop-slow", "variants": [("Windows laptop", "Windows 笔记本"), ("MacBook", "MacBook"),
                                       ("ThinkPad", "ThinkPad"), ("Surface", "Surface")],
     "en": ("{v} is very slow",
            "Restart it first: many slow {v}s have not rebooted for weeks. Then check free disk "
            "space (keep 20 GB), quit browser tabs you do not need, and let pending updates "
            "finish overnight. A laptop older than four years can be replaced."),
     "zh": ("{vz}运行很慢",
            "先重启：很多慢的{vz}已经几周没重启。然后检查磁盘空间（至少留 20 GB），关闭不需要的浏览器标签页，"
            "并让待安装的更新在夜间完成。使用超过四年的电脑可以申请更换。"),
     "q_en": ["my computer is really slow", "{v} takes forever to open apps", "laptop freezing and lagging"],
     "q_zh": ["电脑特别慢", "{vz}打开软件很久", "笔记本老是卡死"],
     "q_mix": ["laptop 很卡"]},
    {"id": "laptop-battery", "variants": [("Dell Latitude", "戴尔笔记本"), ("MacBook", "MacBook"),
                                          ("ThinkPad", "ThinkPad"), ("Surface", "Surface")],
     "en": ("{v} battery drains quickly or does not charge",
            "Use the original charger; USB-C chargers under 65 W charge the {v} slowly or not at "
            "all. Check battery health in the vendor app. Swollen batteries are a safety risk: "
            "stop using the laptop and bring it to the IT desk."),
     "zh": ("{vz}电池掉电快或充不进电",
            "请使用原装充电器；低于 65 W 的 USB-C 充电器给{vz}充电很慢甚至充不进。用厂商工具查看电池健康度。"
            "电池鼓包有安全风险：请停止使用并送到 IT 服务台。"),
     "q_en": ["laptop not charging", "battery only lasts an hour", "the {v} battery is swollen"],
     "q_zh": ["笔记本充不进电", "电池只能用一个小时", "{vz}电池鼓包了"],
     "q_mix": ["battery 充不进电"]},
    {"id": "laptop-screen", "variants": [("external monitor", "外接显示器"), ("docking station", "扩展坞")],
     "en": ("No picture on the {v}",
            "Check the cable is USB-C or DisplayPort into the laptop, not HDMI into the dock's "
            "input. Press Win+P and choose Extend. Update the dock firmware from the Software "
            "Center; docks in meeting rooms need the blue cable."),
     "zh": ("{vz}没有画面",
            "确认线缆是 USB-C 或 DisplayPort 接到笔记本，而不是接到扩展坞的 HDMI 输入口。按 Win+P 选择“扩展”。"
            "在软件中心更新扩展坞固件；会议室的扩展坞请使用蓝色线缆。"),
     "q_en": ["second screen not detected", "monitor says no signal", "dock not working with my laptop"],
     "q_zh": ["外接显示器没信号", "第二个屏幕识别不到", "扩展坞接上没反应"],
     "q_mix": ["显示器 no signal"]},
    {"id": "laptop-replace", "variants": [("broken laptop", "损坏的笔记本")],
     "en": ("Request a replacement laptop",
            "File a hardware request with the asset tag from the sticker under the laptop. Back "
            "up files to OneDrive first. Damaged laptops are swapped the next working day; "
            "upgrades are every four years."),
     "zh": ("申请更换笔记本",
            "提交硬件申请并填写笔记本底部标签上的资产编号。先把文件备份到 OneDrive。损坏的笔记本下一个工作日更换；"
            "正常升级周期为四年。"),
     "q_en": ["I spilled coffee on my laptop", "need a new laptop mine is broken", "how to get a laptop upgrade"],
     "q_zh": ["笔记本进水了", "电脑坏了要换新的", "怎么申请换电脑"],
     "q_mix": ["laptop 坏了 换新"]},
    {"id": "erp-login", "variants": [("SAP", "SAP"), ("Oracle ERP", "Oracle ERP"), ("Workday", "Workday")],
     "en": ("Cannot log in to {v}",
            "{v} uses single sign-on: open it from the portal, not an old bookmark. 'User locked' "
            "means 90 days without use; ask your key user to reactivate it. Roles are requested "
            "in the access portal with the manager's approval."),
     "zh": ("无法登录 {vz}",
            "{vz} 使用单点登录：请从门户进入，不要用旧书签。提示“用户已锁定”表示 90 天未使用，请联系关键用户重新激活。"
            "角色权限在权限门户申请并由经理审批。"),
     "q_en": ["{v} says user locked", "can't sign in to the ERP", "erp login error after holiday"],
     "q_zh": ["{vz}登录不了", "ERP 提示用户被锁定", "放假回来进不了ERP"],
     "q_mix": ["{vz} 登录 error"]},
    {"id": "erp-approval", "variants": [("purchase order", "采购订单"), ("expense claim", "费用报销")],
     "en": ("{v} approval is stuck in the ERP",
            "An {v} waits for the approver named in the workflow tab. If they are away, the "
            "delegate set in their profile approves; otherwise the finance helpdesk can reroute "
            "it. Do not create the document again: duplicates are rejected."),
     "zh": ("ERP 中{vz}审批卡住",
            "{vz}会等待流程页签中指定的审批人。审批人休假时由其设置的代理人审批；否则请财务服务台改派。"
            "不要重新创建单据：重复单据会被驳回。"),
     "q_en": ["{v} waiting for approval for a week", "my approver is on leave, invoice stuck"],
     "q_zh": ["{vz}一直在审批中", "审批人休假了单子卡住"],
     "q_mix": ["ERP {vz} 审批 stuck"]},
    {"id": "teams-audio", "variants": [("Teams", "Teams"), ("Zoom", "Zoom")],
     "en": ("No sound or microphone in {v} calls",
            "In {v}, open Settings > Devices and pick the headset for both speaker and "
            "microphone. Allow microphone access in the system privacy settings, unplug and "
            "replug the headset, and make a test call."),
     "zh": ("{vz} 通话没有声音或麦克风不工作",
            "在 {vz} 中打开 设置 > 设备，把扬声器和麦克风都选为耳机。在系统隐私设置中允许使用麦克风，拔插一次耳机后拨打测试通话。"),
     "q_en": ["people can't hear me in {v}", "no audio in meetings", "headset microphone not working"],
     "q_zh": ["{vz}开会别人听不到我说话", "开会没有声音", "耳机麦克风不好用"],
     "q_mix": ["{vz} 麦克风 没声音"]},
    {"id": "meeting-room-screen", "variants": [("meeting room", "会议室")],
     "en": ("Share your screen in a meeting room",
            "Plug the room's USB-C cable into your laptop or press Share in Teams and choose the "
            "room name shown on the TV. If the TV stays blue, press Input on the remote and pick "
            "HDMI 1."),
     "zh": ("在会议室投屏",
            "把会议室的 USB-C 线接到笔记本，或在 Teams 中点“共享”并选择电视上显示的会议室名称。电视一直蓝屏时，按遥控器上的“信号源”选择 HDMI 1。"),
     "q_en": ["how to present on the meeting room tv", "room display not showing my laptop"],
     "q_zh": ["会议室怎么投屏", "会议室电视不显示电脑画面"],
     "q_mix": ["会议室 screen share"]},
    {"id": "software-install", "variants": [("Windows", "Windows"), ("macOS", "Mac")],
     "en": ("Install software on {v}",
            "Approved software is in the Software Center (Self Service on {v}): pick it and press "
            "Install. Anything else needs a software request with the business reason; licences "
            "are charged to your cost centre."),
     "zh": ("在 {vz} 上安装软件",
            "已批准的软件在软件中心（{vz} 上为 Self Service），选择后点“安装”。其他软件需提交软件申请并说明业务原因；"
            "许可费用计入你的成本中心。"),
     "q_en": ["how do I install visio", "need admin rights to install a program on {v}"],
     "q_zh": ["怎么安装软件", "{vz}装软件要管理员权限"],
     "q_mix": ["Software Center 装软件"]},
    {"id": "onedrive-sync", "variants": [("OneDrive", "OneDrive")],
     "en": ("OneDrive is not syncing",
            "Click the OneDrive cloud icon: a red cross names the file that blocks sync. Rename "
            "files with characters like : or *, keep paths under 400 characters, and pause and "
            "resume sync. Files on demand save disk space."),
     "zh": ("OneDrive 不同步",
            "点击 OneDrive 云图标：红叉会指出阻止同步的文件。重命名包含 : 或 * 等字符的文件，路径保持在 400 字符以内，然后暂停并恢复同步。"
            "“按需文件”可以节省磁盘空间。"),
     "q_en": ["onedrive stuck syncing", "files not uploading to the cloud", "sync pending forever"],
     "q_zh": ["OneDrive同步不了", "文件传不到云盘", "一直显示同步挂起"],
     "q_mix": ["OneDrive 不同步 red cross"]},
    {"id": "shared-drive", "variants": [("shared drive", "共享盘")],
     "en": ("Access a department shared drive",
            "Shared drives are mapped at sign-in as S:. Access is granted by the folder owner in "
            "the access portal; it works after you sign out and in again, or after 'gpupdate' "
            "on the office network or VPN."),
     "zh": ("访问部门共享盘",
            "共享盘在登录时自动映射为 S: 盘。权限由文件夹负责人在权限门户授予；授予后注销再登录，或在办公网络/VPN 下运行 gpupdate 即可生效。"),
     "q_en": ["S drive missing", "access denied to the finance folder", "need permission for a network folder"],
     "q_zh": ["S盘不见了", "打开财务文件夹提示拒绝访问", "申请网络文件夹权限"],
     "q_mix": ["共享盘 access denied"]},
    {"id": "phone-email-setup", "variants": [("iPhone", "iPhone"), ("Android", "安卓手机")],
     "en": ("Set up company email on an {v}",
            "Install Microsoft Outlook and Intune Company Portal on the {v}, enroll the device in "
            "Company Portal, then sign in to Outlook with your work address. The built-in mail "
            "app is blocked."),
     "zh": ("在{vz}上设置公司邮箱",
            "在{vz}上安装 Microsoft Outlook 和 Intune 公司门户，先在公司门户中注册设备，再用工作邮箱登录 Outlook。系统自带的邮件应用已被禁用。"),
     "q_en": ["how to get work email on my {v}", "mail app says access blocked"],
     "q_zh": ["{vz}怎么收公司邮件", "手机自带邮件提示被阻止"],
     "q_mix": ["{vz} Outlook 设置"]},
    {"id": "badge", "variants": [("lost badge", "工卡丢失"), ("badge not working", "工卡失效")],
     "en": ("Office badge: {v}",
            "Report a lost badge at once at reception or in the request portal so it is blocked. "
            "A temporary badge is issued the same day; a new one takes two days. Badges stop "
            "working after 30 days of no use and are reactivated at reception."),
     "zh": ("办公室工卡：{vz}",
            "工卡丢失请立即到前台或在申请门户报告以便停用。当天可领取临时卡，新卡需要两天。30 天未使用的工卡会失效，可到前台重新激活。"),
     "q_en": ["I lost my access card", "door badge does not open the door", "badge stopped working after holiday"],
     "q_zh": ["门禁卡丢了", "工卡刷不开门", "放假后工卡失效了"],
     "q_mix": ["badge 刷不开门"]},
    {"id": "browser-cert", "variants": [("Chrome", "Chrome"), ("Edge", "Edge")],
     "en": ("Certificate error on internal sites in {v}",
            "'Your connection is not private' on intranet sites means the company root "
            "certificate is missing. Install 'Corporate Root CA' from the Software Center, "
            "restart {v}, and check the laptop clock is right."),
     "zh": ("{vz} 打开内网网站提示证书错误",
            "打开内网网站提示“您的连接不是私密连接”，说明缺少公司根证书。从软件中心安装“Corporate Root CA”，重启 {vz}，并确认电脑时间正确。"),
     "q_en": ["intranet says connection not private", "certificate warning on internal website in {v}"],
     "q_zh": ["内网提示不是私密连接", "{vz}打开公司网站证书报错"],
     "q_mix": ["内网 certificate error"]},
    {"id": "disk-full", "variants": [("Windows laptop", "Windows 电脑"), ("MacBook", "MacBook"),
                                     ("ThinkPad", "ThinkPad")],
     "en": ("Disk is full on the {v}",
            "Empty the recycle bin and Downloads, make OneDrive files online-only, and run Disk "
            "Cleanup (Storage settings on a Mac). Old Teams caches and installers are the usual "
            "culprits. Keep at least 20 GB free for updates."),
     "zh": ("{vz}磁盘空间不足",
            "清空回收站和下载文件夹，把 OneDrive 文件设为“仅在线”，运行磁盘清理（Mac 上为储存空间设置）。旧的 Teams 缓存和安装包最占空间。"
            "至少保留 20 GB 用于更新。"),
     "q_en": ["C drive is full", "low disk space warning", "no storage left on my {v}"],
     "q_zh": ["C盘满了", "提示磁盘空间不足", "{vz}没有存储空间了"],
     "q_mix": ["C盘 disk full"]},
    {"id": "windows-update", "variants": [("Windows", "Windows")],
     "en": ("Windows update fails or keeps restarting",
            "Leave the laptop on power and connected overnight; updates install outside office "
            "hours. If an update fails three times, run the Windows Update troubleshooter and "
            "send the error code (0x800…) to the service desk."),
     "zh": ("Windows 更新失败或反复重启",
            "晚上让笔记本接通电源并保持联网，更新会在下班时间安装。同一更新失败三次时，运行 Windows 更新疑难解答并把错误代码（0x800…）发给服务台。"),
     "q_en": ["windows update failed with error 0x800", "laptop keeps restarting to install updates"],
     "q_zh": ["Windows更新失败", "电脑老是重启安装更新"],
     "q_mix": ["Windows update 失败"]},
    {"id": "bluelock", "variants": [("BitLocker", "BitLocker")],
     "en": ("BitLocker asks for a recovery key",
            "The 48-digit recovery key is at myaccount.corp.example > Devices > View BitLocker "
            "keys, from any other device. It appears after a BIOS update or a docking change. "
            "Never share the key in chat."),
     "zh": ("开机要求输入 BitLocker 恢复密钥",
            "48 位恢复密钥可在其他设备上访问 myaccount.corp.example > 设备 > 查看 BitLocker 密钥获取。通常在 BIOS 更新或更换扩展坞后出现。"
            "不要在聊天中发送密钥。"),
     "q_en": ["laptop asking for bitlocker recovery key", "blue screen wants a 48 digit key"],
     "q_zh": ["开机要BitLocker恢复密钥", "蓝屏让输入48位密钥"],
     "q_mix": ["BitLocker 密钥 在哪"]},
    {"id": "remote-desktop", "variants": [("Remote Desktop", "远程桌面")],
     "en": ("Connect to your office PC with Remote Desktop",
            "Connect to the VPN, open Remote Desktop Connection and type the PC name from the "
            "label on the desktop (PC-XXXX). The office PC must stay switched on; ask a colleague "
            "to press the power button if it is off."),
     "zh": ("用远程桌面连接办公室电脑",
            "先连接 VPN，打开“远程桌面连接”，输入台式机标签上的计算机名（PC-XXXX）。办公室电脑需保持开机；如果关机了，请同事帮忙按一下电源键。"),
     "q_en": ["how to remote into my work pc", "remote desktop cannot find the computer"],
     "q_zh": ["怎么远程连接公司电脑", "远程桌面找不到计算机"],
     "q_mix": ["远程桌面 RDP 连不上"]},
    {"id": "calendar-sharing", "variants": [("Outlook calendar", "Outlook 日历")],
     "en": ("Share your calendar or open someone else's",
            "In Outlook calendar choose Share > Add people and the level (free/busy or details). "
            "To open a colleague's, use Add calendar > From directory. Assistants get delegate "
            "access from the owner."),
     "zh": ("共享日历或查看他人日历",
            "在 Outlook 日历中选择 共享 > 添加人员，并设置权限（仅忙闲或详细信息）。查看同事日历：添加日历 > 从目录。"
            "助理需由本人授予代理权限。"),
     "q_en": ["how to share my calendar with my assistant", "can't see colleague's calendar"],
     "q_zh": ["怎么共享日历给助理", "看不到同事的日历"],
     "q_mix": ["Outlook 日历 共享"]},
    {"id": "keyboard-mouse", "variants": [("wireless keyboard", "无线键盘"), ("wireless mouse", "无线鼠标")],
     "en": ("{v} not working",
            "Replace the batteries, move the USB receiver to a port on the laptop rather than the "
            "dock, and pair again with the button underneath. Spare keyboards and mice are at "
            "the IT desk on floor 2."),
     "zh": ("{vz}不能用",
            "先换电池，把 USB 接收器插到笔记本上（不要插扩展坞），再按底部按钮重新配对。二楼 IT 服务台有备用键盘鼠标。"),
     "q_en": ["my {v} stopped responding", "bluetooth mouse lagging"],
     "q_zh": ["{vz}没反应了", "蓝牙鼠标很卡"],
     "q_mix": ["{vz} 没反应 battery"]},
    {"id": "headset-order", "variants": [("headset", "耳机")],
     "en": ("Order a headset or webcam",
            "Standard headsets and webcams are free: order them in the request portal under "
            "Hardware > Accessories. They are delivered to your desk within three working days; "
            "remote staff get them by courier."),
     "zh": ("申领耳机或摄像头",
            "标准耳机和摄像头免费：在申请门户 硬件 > 配件 下申请。三个工作日内送到工位；远程办公的同事通过快递寄送。"),
     "q_en": ["how do I get a new headset", "order a webcam for home office"],
     "q_zh": ["怎么申请耳机", "在家办公要个摄像头"],
     "q_mix": ["申请 headset"]},
    {"id": "vpn-token", "variants": [("VPN token", "VPN 令牌")],
     "en": ("VPN token expired",
            "Hardware VPN tokens expire after three years; the date is on the back. Request a "
            "replacement in the portal (Access > VPN token) or switch to the authenticator app, "
            "which never expires."),
     "zh": ("VPN 令牌过期",
            "硬件 VPN 令牌三年后过期，日期印在背面。在门户（权限 > VPN 令牌）申请更换，或改用不会过期的身份验证器应用。"),
     "q_en": ["my vpn token expired", "rsa token shows wrong numbers"],
     "q_zh": ["VPN令牌过期了", "令牌显示的数字不对"],
     "q_mix": ["VPN token 过期"]},
]

# People ask about things the knowledge base does not cover: nothing should be suggested.
NOTHING: list[str] = [
    "book a meeting room for friday", "what is on the cafeteria menu today",
    "renew my parking permit", "how much annual leave do I have left",
    "submit travel reimbursement for the Berlin trip", "the air conditioning on floor 4 is too cold",
    "who is the fire warden for our floor", "order business cards", "payslip for november",
    "the coffee machine is broken", "apply for maternity leave", "office christmas party date",
    "the elevator in building B is stuck", "change my home address in HR records",
    "会议室预订", "今天食堂吃什么", "停车证怎么续", "年假还剩几天", "出差报销怎么提交",
    "四楼空调太冷了", "我们楼层的消防员是谁", "订名片", "十一月的工资条", "咖啡机坏了",
    "申请产假", "公司年会什么时候", "B座电梯坏了", "修改人事系统里的家庭住址",
    "饮水机没水了", "快递寄到公司哪里领",
]
