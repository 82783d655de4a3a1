"""A Chinese organisation for transcripts in zh-CN: people with Chinese names, an office calendar."""

ZH_ORG = """\
default_queue: IT
admins: [admin]
timezone: Asia/Shanghai
people:
  - {handle: zhaomin, name: 赵敏, dingtalk_id: staff-zhaomin}
  - {handle: liqiang, name: 李强, dingtalk_id: staff-liqiang}
  - {handle: zhangsan, name: 张三, dingtalk_id: staff-zhangsan}
  - {handle: wangwu, name: 王五, dingtalk_id: staff-wangwu}
  - {handle: admin, name: 管理员}
teams:
  - key: it
    name: IT 支持
    leads: [wangwu]
    members: [liqiang, zhangsan]
    assignment: round_robin
    triage_channel: "#it-triage"
queues:
  - key: IT
    name: IT 服务台
    default_team: it
    triage_channel: "#it-triage"
routing:
  - name: printer
    match:
      keywords: [printer, 打印机]
    set: {team: it, category: printer}
sla:
  default_policy: office
  calendars:
    - name: office
      timezone: Asia/Shanghai
      hours: {mon-fri: ["09:00-12:00", "13:30-18:00"]}
  policies:
    - name: office
      calendar: office
      targets:
        P1: {response: 15m, resolution: 4h}
        P2: {response: 1h, resolution: 8h}
        P3: {response: 4h, resolution: 3d}
        P4: {response: 1d, resolution: 7d}
        P5: {response: 3d, resolution: 30d}
      warnings: [75%]
      escalation:
        steps:
          - {action: notify_lead}
"""
