<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>wuyedesk</name>
    <message>
        <source>请设置环境变量 {env}，或在终端中运行以便输入</source>
        <translation>Please set the environment variable {env}, or run this in a terminal so that you can type it</translation>
    </message>
    <message>
        <source>再输入一次：</source>
        <translation>Type it again: </translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two entries do not match</translation>
    </message>
    <message>
        <source>文件 {path} 已存在；如要替换，请加 --force</source>
        <translation>The file {path} already exists; add --force to replace it</translation>
    </message>
    <message>
        <source>{path} 是文件夹，请给出文件名</source>
        <translation>{path} is a folder; please give a file name</translation>
    </message>
    <message>
        <source>办公室密码：</source>
        <translation>Office passphrase: </translation>
    </message>
    <message>
        <source>办公文件已从结构版本 {0} 升级；升级前的备份在同一文件夹</source>
        <translation>The office file was upgraded from schema version {0}; the backup made before the upgrade is in the same folder</translation>
    </message>
    <message>
        <source>设置办公室密码：</source>
        <translation>Set the office passphrase: </translation>
    </message>
    <message>
        <source>为 {0} 设置 PIN（4–8 位数字）：</source>
        <translation>Set a PIN for {0} (4-8 digits): </translation>
    </message>
    <message>
        <source>已创建办公文件：{path}</source>
        <translation>Office file created: {path}</translation>
    </message>
    <message>
        <source>恢复密钥（只显示这一次，请打印或抄写后锁进保险柜）：</source>
        <translation>Recovery key (shown only this once; print it or copy it down, then lock it in the safe):</translation>
    </message>
    <message>
        <source>忘记办公室密码时，用它设置新密码：wuyedesk passphrase --recovery</source>
        <translation>If the office passphrase is forgotten, use it to set a new one: wuyedesk passphrase --recovery</translation>
    </message>
    <message>
        <source>--households 应在 1 到 {0} 之间</source>
        <translation>--households must be between 1 and {0}</translation>
    </message>
    <message>
        <source>--years 应在 1 到 {0} 之间</source>
        <translation>--years must be between 1 and {0}</translation>
    </message>
    <message>
        <source>--volume 应大于 0、不超过 {0:g}</source>
        <translation>--volume must be greater than 0 and at most {0:g}</translation>
    </message>
    <message>
        <source>用时 {0:.1f} 秒；演示员工的 PIN 均为 {1}</source>
        <translation>Took {0:.1f} s; every demo staff member's PIN is {1}</translation>
    </message>
    <message>
        <source>完整性检查：{0}</source>
        <translation>Integrity check: {0}</translation>
    </message>
    <message>
        <source>结构版本：{0}（本程序最新 {1}）</source>
        <translation>Schema version: {0} (latest in this program: {1})</translation>
    </message>
    <message>
        <source>链条完整</source>
        <translation>chain intact</translation>
    </message>
    <message>
        <source>审计日志：{0} 行，{chain}</source>
        <translation>Audit log: {0} lines, {chain}</translation>
    </message>
    <message>
        <source>检查发现问题：</source>
        <translation>The check found problems: </translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>检查通过</source>
        <translation>Check passed</translation>
    </message>
    <message>
        <source>备份文件：{0}</source>
        <translation>Backup file: {0}</translation>
    </message>
    <message>
        <source>办公室：</source>
        <translation>Office: </translation>
    </message>
    <message>
        <source>与本办公文件相同</source>
        <translation>same as this office file</translation>
    </message>
    <message>
        <source>不是本办公室</source>
        <translation>not this office</translation>
    </message>
    <message>
        <source>审计日志：{0} 行，{1}</source>
        <translation>Audit log: {0} lines, {1}</translation>
    </message>
    <message>
        <source>此备份不能用于恢复：</source>
        <translation>This backup cannot be used for a restore: </translation>
    </message>
    <message>
        <source>备份检查通过，可以用 wuyedesk restore 恢复</source>
        <translation>Backup check passed; it can be restored with wuyedesk restore</translation>
    </message>
    <message>
        <source>--folder 只与 --daily 一起使用</source>
        <translation>--folder can only be used together with --daily</translation>
    </message>
    <message>
        <source>请给出备份文件，例如 wuyedesk backup D:\备份\office.wuye，或用 --daily</source>
        <translation>Please give a backup file, e.g. wuyedesk backup D:\Backups\office.wuye, or use --daily</translation>
    </message>
    <message>
        <source>已备份到 {0}（加密，已通过完整性检查）</source>
        <translation>Backed up to {0} (encrypted, integrity check passed)</translation>
    </message>
    <message>
        <source>--daily 不需要备份文件名；要换文件夹请用 --folder</source>
        <translation>--daily takes no backup file name; use --folder to choose another folder</translation>
    </message>
    <message>
        <source>今天已经自动备份过，无需再备份</source>
        <translation>Today's automatic backup has already been made; there is no need to back up again</translation>
    </message>
    <message>
        <source>已完成今天的自动备份：{made}（加密，已通过完整性检查）</source>
        <translation>Today's automatic backup is done: {made} (encrypted, integrity check passed)</translation>
    </message>
    <message>
        <source>已从 {0} 恢复；恢复前的办公文件保存为 {1}</source>
        <translation>Restored from {0}; the office file as it was before the restore is kept as {1}</translation>
    </message>
    <message>
        <source>恢复密钥：</source>
        <translation>Recovery key: </translation>
    </message>
    <message>
        <source>新的办公室密码：</source>
        <translation>New office passphrase: </translation>
    </message>
    <message>
        <source>当前办公室密码：</source>
        <translation>Current office passphrase: </translation>
    </message>
    <message>
        <source>办公室密码已更改（记录数据未重写，恢复密钥不变）</source>
        <translation>Office passphrase changed (the records were not rewritten; the recovery key stays the same)</translation>
    </message>
    <message>
        <source>审计日志被改动：{0}（共读 {1} 行）</source>
        <translation>The audit log has been altered: {0} ({1} lines read)</translation>
    </message>
    <message>
        <source>审计日志完整：{0} 行，哈希链无断裂</source>
        <translation>Audit log intact: {0} lines, no break in the hash chain</translation>
    </message>
    <message>
        <source>{0} 行有问题，未导入任何内容（详见上方各行）</source>
        <translation>Lines with problems: {0}; nothing was imported (see the lines above for details)</translation>
    </message>
    <message>
        <source>{option} 的日期格式应为 YYYY-MM-DD，例如 2026-03-05</source>
        <translation>The date for {option} should be written YYYY-MM-DD, e.g. 2026-03-05</translation>
    </message>
    <message>
        <source>工程维修单</source>
        <translation>Repair Slip</translation>
    </message>
    <message>
        <source>有偿服务单</source>
        <translation>Paid-Service Slip</translation>
    </message>
    <message>
        <source>存根联</source>
        <translation>Stub copy</translation>
    </message>
    <message>
        <source>登记表</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>维修单</source>
        <translation>Repair Slips</translation>
    </message>
    <message>
        <source>打印{paper}请给出 --from YYYY-MM-DD（可再加 --to）</source>
        <translation>{paper}: to print, please give --from YYYY-MM-DD (and --to if needed)</translation>
    </message>
    <message>
        <source>结束日期不能早于开始日期</source>
        <translation>The end date cannot be earlier than the start date</translation>
    </message>
    <message>
        <source>--from/--to 只用于 wuyedesk print register 和 wuyedesk print repairs</source>
        <translation>--from/--to are only for wuyedesk print register and wuyedesk print repairs</translation>
    </message>
    <message>
        <source>--door-note 只用于回访记录（HF-）</source>
        <translation>--door-note is only for return visits (HF-)</translation>
    </message>
    <message>
        <source>--answer 只用于咨询（QZ-）</source>
        <translation>--answer is only for enquiries (QZ-)</translation>
    </message>
    <message>
        <source>--paper 只用于工程维修单（WX-）和有偿服务单（YC-）</source>
        <translation>--paper is only for repair slips (WX-) and paid-service slips (YC-)</translation>
    </message>
    <message>
        <source>已将 {0} 的回访单保存为 {1}</source>
        <translation>Door note for {0} saved as {1}</translation>
    </message>
    <message>
        <source>已将登记表（{count} 条）保存为 {0}</source>
        <translation>Register (entries: {count}) saved as {0}</translation>
    </message>
    <message>
        <source>已将 {first} 至 {last} 报修的 {0} 张{1}（{2} 至 {3}，共 {4} 页）保存为 {5}</source>
        <translation>{1}, reported {first} to {last}, saved as {5}: slips: {0} ({2} to {3}), pages: {4}</translation>
    </message>
    <message>
        <source>已将 {0} 的书面答复保存为 {1}</source>
        <translation>Written answer for {0} saved as {1}</translation>
    </message>
    <message>
        <source>已将 {0} 保存为 {1}</source>
        <translation>{0} saved as {1}</translation>
    </message>
    <message>
        <source>--kind/--copy 只用于 wuyedesk print repairs</source>
        <translation>--kind/--copy are only for wuyedesk print repairs</translation>
    </message>
    <message>
        <source>--kind 应为 free（工程维修单）或 paid（有偿服务单）</source>
        <translation>--kind should be free (repair slip) or paid (paid-service slip)</translation>
    </message>
    <message>
        <source>--copy 应为 all（每一联）或 stub（只打存根联）</source>
        <translation>--copy should be all (every copy) or stub (stub copy only)</translation>
    </message>
    <message>
        <source>请用 --month YYYY-MM 指定月份，例如 --month 2026-03</source>
        <translation>Please give the month with --month YYYY-MM, e.g. --month 2026-03</translation>
    </message>
    <message>
        <source>已将 {0} 的月度报表（{1} 张表，{2} 行记录）保存为 {3}，用时 {4:.1f} 秒</source>
        <translation>Monthly report for {0} (sheets: {1}, rows: {2}) saved as {3} in {4:.1f} s</translation>
    </message>
    <message>
        <source>迁移目标应是服务器数据库地址，例如 postgresql+psycopg://用户:密码@主机/数据库名</source>
        <translation>The migration target should be a server database address, e.g. postgresql+psycopg://user:password@host/dbname</translation>
    </message>
    <message>
        <source>行数</source>
        <translation>Rows</translation>
    </message>
    <message>
        <source>{0}  {1:&gt;7}  校验和</source>
        <translation>{0}  {1:&gt;7}  Checksum</translation>
    </message>
    <message>
        <source>表</source>
        <translation>Table</translation>
    </message>
    <message>
        <source>共 {0} 张表 {1} 行，用时 {2:.1f} 秒；每张表的行数和校验和都与办公文件相同：校验一致</source>
        <translation>Tables: {0}, rows: {1}, took {2:.1f} s; every table's row count and checksum match the office file: verified</translation>
    </message>
    <message>
        <source>已迁移到 {0}；办公室密码和恢复密钥不变。今后这样打开：</source>
        <translation>Migrated to {0}; the office passphrase and recovery key are unchanged. From now on, open it like this:</translation>
    </message>
    <message>
        <source>    wuyedesk --db {0}    （*** 处填数据库密码）</source>
        <translation>    wuyedesk --db {0}    (put the database password in place of ***)</translation>
    </message>
    <message>
        <source>办公文件 {0} 未被改动，可留作迁移前的备份；请不要再在其中登记。</source>
        <translation>The office file {0} was not changed and can be kept as the pre-migration backup; please do not record anything in it any more.</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>{code}（{label}）</source>
        <translation>{code} ({label})</translation>
    </message>
    <message>
        <source>请用 --role 指定岗位，可选：{0}</source>
        <translation>Please give the role with --role; choose from: {0}</translation>
    </message>
    <message>
        <source>请用 --name 指定员工姓名</source>
        <translation>Please give the staff member's name with --name</translation>
    </message>
    <message>
        <source>--role/--department/--phone 只用于 wuyedesk staff add</source>
        <translation>--role/--department/--phone are only for wuyedesk staff add</translation>
    </message>
    <message>
        <source>已新增 {0}（{1}），可以用姓名和 PIN 登录</source>
        <translation>Added {0} ({1}); they can now log in with name and PIN</translation>
    </message>
    <message>
        <source>没有名为「{name}」的员工</source>
        <translation>There is no staff member called "{name}"</translation>
    </message>
    <message>
        <source>已重设 {0} 的 PIN</source>
        <translation>PIN of {0} reset</translation>
    </message>
    <message>
        <source>{0} 已恢复在职</source>
        <translation>{0} is back in post</translation>
    </message>
    <message>
        <source>{0} 已离职，不能再登录</source>
        <translation>{0} has left and can no longer log in</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>岗位</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>锁定至</source>
        <translation>Locked Until</translation>
    </message>
    <message>
        <source>在职</source>
        <translation>In Post</translation>
    </message>
    <message>
        <source>已离职</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>物业管理处桌面程序 wuyedesk</source>
        <translation>wuyedesk, the desk program of the property management office</translation>
    </message>
    <message>
        <source>办公文件路径，或服务器数据库地址 postgresql+psycopg://用户:密码@主机/数据库名（默认 WUYEDESK_DB 或用户数据文件夹）</source>
        <translation>Office file path, or server database address postgresql+psycopg://user:password@host/dbname (default: WUYEDESK_DB or the user data folder)</translation>
    </message>
    <message>
        <source>创建办公文件</source>
        <translation>Create Office File</translation>
    </message>
    <message>
        <source>物业管理处</source>
        <translation>Property Management Office</translation>
    </message>
    <message>
        <source>管理处名称</source>
        <translation>Office name</translation>
    </message>
    <message>
        <source>小区</source>
        <translation>Estate</translation>
    </message>
    <message>
        <source>小区名称</source>
        <translation>Estate name</translation>
    </message>
    <message>
        <source>管理处主任</source>
        <translation>Director</translation>
    </message>
    <message>
        <source>第一位管理处主任的姓名</source>
        <translation>Name of the first office director</translation>
    </message>
    <message>
        <source>生成演示小区和几年的记录</source>
        <translation>Generate a demo estate with several years of records</translation>
    </message>
    <message>
        <source>记录覆盖的年数（默认 1，最多 10）</source>
        <translation>Number of years the records cover (default 1, at most 10)</translation>
    </message>
    <message>
        <source>每月记录量的倍数（默认 1，最多 20）</source>
        <translation>Multiplier for the monthly number of records (default 1, at most 20)</translation>
    </message>
    <message>
        <source>完整性检查、结构版本、审计链</source>
        <translation>Integrity check, schema version, audit chain</translation>
    </message>
    <message>
        <source>改为检查一个备份文件（恢复之前先检查）</source>
        <translation>Check a backup file instead (check it before restoring)</translation>
    </message>
    <message>
        <source>加密备份</source>
        <translation>Encrypted backup</translation>
    </message>
    <message>
        <source>备份文件</source>
        <translation>Backup file</translation>
    </message>
    <message>
        <source>文件已存在时替换它</source>
        <translation>Replace the file if it already exists</translation>
    </message>
    <message>
        <source>每日自动备份：今天还没有备份时备份到办公文件旁的 .backups 文件夹，并清理旧备份</source>
        <translation>Daily automatic backup: if there is no backup yet today, back up to the .backups folder beside the office file and clear out old backups</translation>
    </message>
    <message>
        <source>每日备份的文件夹（默认办公文件旁的 .backups）</source>
        <translation>Folder for daily backups (default: .backups beside the office file)</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from a backup</translation>
    </message>
    <message>
        <source>更改办公室密码</source>
        <translation>Change the office passphrase</translation>
    </message>
    <message>
        <source>用恢复密钥设置新密码</source>
        <translation>Set a new passphrase with the recovery key</translation>
    </message>
    <message>
        <source>审计日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>从 Excel 导入住户档案</source>
        <translation>Import resident files from Excel</translation>
    </message>
    <message>
        <source>只检查并列出问题，不写入</source>
        <translation>Only check and list the problems; write nothing</translation>
    </message>
    <message>
        <source>工作表名称（默认第一个有内容的工作表）</source>
        <translation>Worksheet name (default: the first worksheet with content)</translation>
    </message>
    <message>
        <source>把单据打印为 PDF：单号，register 登记表，或 repairs 一段日期的维修单</source>
        <translation>Print to PDF: a slip by its number, register for the visit register, or repairs for the repair slips of a date range</translation>
    </message>
    <message>
        <source>单号（如 QZ-2026-000123），register，或 repairs（按报修日期批量打印）</source>
        <translation>Slip number (e.g. QZ-2026-000123), register, or repairs (batch print by date reported)</translation>
    </message>
    <message>
        <source>保存的 PDF 文件</source>
        <translation>PDF file to save</translation>
    </message>
    <message>
        <source>登记表或批量维修单的开始日期 YYYY-MM-DD</source>
        <translation>Start date YYYY-MM-DD of the register or the batch of repair slips</translation>
    </message>
    <message>
        <source>登记表或批量维修单的结束日期 YYYY-MM-DD（默认同 --from）</source>
        <translation>End date YYYY-MM-DD of the register or the batch of repair slips (default: same as --from)</translation>
    </message>
    <message>
        <source>批量打印的单据：free 工程维修单（默认）或 paid 有偿服务单，一次一种</source>
        <translation>Slips to batch print: free for repair slips (default) or paid for paid-service slips, one kind at a time</translation>
    </message>
    <message>
        <source>批量打印的联：all 每一联（默认）或 stub 只打存根联</source>
        <translation>Copies to batch print: all for every copy (default) or stub for the stub copy only</translation>
    </message>
    <message>
        <source>打印咨询（QZ-）的书面答复</source>
        <translation>Print the written answer to an enquiry (QZ-)</translation>
    </message>
    <message>
        <source>打印回访（HF-）住户不在家时贴在门上的回访单</source>
        <translation>Print the door note of a return visit (HF-), posted on the door when the resident is not at home</translation>
    </message>
    <message>
        <source>维修单纸张：a5（默认，A5 单张）或 continuous（241×140 毫米连续纸）</source>
        <translation>Repair slip paper: a5 (default, single A5 sheets) or continuous (241x140 mm continuous paper)</translation>
    </message>
    <message>
        <source>导出主管月度报表（Excel 工作簿）</source>
        <translation>Export the supervisor's monthly report (Excel workbook)</translation>
    </message>
    <message>
        <source>月份 YYYY-MM</source>
        <translation>Month YYYY-MM</translation>
    </message>
    <message>
        <source>保存的 .xlsx 文件</source>
        <translation>.xlsx file to save</translation>
    </message>
    <message>
        <source>导出完整电话和证件号码（仅限主管和主任，记入审计日志）</source>
        <translation>Export full phone and ID numbers (supervisors and the director only; written to the audit log)</translation>
    </message>
    <message>
        <source>把办公文件迁移到服务器上的空数据库（逐表核对，文件不变）</source>
        <translation>Migrate the office file to an empty database on a server (checked table by table; the file is not changed)</translation>
    </message>
    <message>
        <source>目标数据库地址 postgresql+psycopg://用户:密码@主机/数据库名</source>
        <translation>Target database address postgresql+psycopg://user:password@host/dbname</translation>
    </message>
    <message>
        <source>员工账号：列出、新增、重设 PIN、离职、恢复在职</source>
        <translation>Staff accounts: list, add, reset a PIN, mark as left, back in post</translation>
    </message>
    <message>
        <source>员工姓名</source>
        <translation>Staff member's name</translation>
    </message>
    <message>
        <source>岗位代号或名称，如 clerk 或 文员（仅 add）</source>
        <translation>Role code or name, e.g. clerk (add only)</translation>
    </message>
    <message>
        <source>部门代号或名称，如 engineering 或 工程部（仅 add）</source>
        <translation>Department code or name, e.g. engineering (add only)</translation>
    </message>
    <message>
        <source>电话（仅 add）</source>
        <translation>Phone (add only)</translation>
    </message>
    <message>
        <source>列出记录（制表符分隔）</source>
        <translation>List records (tab-separated)</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>房屋已出租，业主不在本单元居住</source>
        <translation>The flat is let; the owner does not live here</translation>
    </message>
    <message>
        <source>需与开发商及相关单位协调，已向住户说明，预计两周内给出处理结果</source>
        <translation>Needs coordination with the developer and other parties; explained to the household, an outcome is expected within two weeks</translation>
    </message>
    <message>
        <source>上门时住户不在家，已在门上张贴回访单，另约时间</source>
        <translation>Nobody was home at the visit; a door note was posted and another time arranged</translation>
    </message>
    <message>
        <source>杭州某科技有限公司</source>
        <translation>A Hangzhou technology company</translation>
    </message>
    <message>
        <source>市第一人民医院</source>
        <translation>City No. 1 People's Hospital</translation>
    </message>
    <message>
        <source>区教育局</source>
        <translation>District Education Bureau</translation>
    </message>
    <message>
        <source>个体经营</source>
        <translation>Self-employed</translation>
    </message>
    <message>
        <source>退休</source>
        <translation>Retired</translation>
    </message>
    <message>
        <source>浙江某贸易公司</source>
        <translation>A Zhejiang trading company</translation>
    </message>
    <message>
        <source>某银行杭州分行</source>
        <translation>A bank's Hangzhou branch</translation>
    </message>
    <message>
        <source>自由职业</source>
        <translation>Freelance</translation>
    </message>
    <message>
        <source>某建设集团</source>
        <translation>A construction group</translation>
    </message>
    <message>
        <source>某中学</source>
        <translation>A secondary school</translation>
    </message>
    <message>
        <source>某物流公司</source>
        <translation>A logistics company</translation>
    </message>
    <message>
        <source>某设计院</source>
        <translation>A design institute</translation>
    </message>
    <message>
        <source>某律师事务所</source>
        <translation>A law firm</translation>
    </message>
    <message>
        <source>业主平日白天上班，晚上七点后在家</source>
        <translation>The owner works during the day on weekdays and is home after 7 pm</translation>
    </message>
    <message>
        <source>独居老人，子女每周末探望，需多关注</source>
        <translation>Elderly person living alone, children visit every weekend; needs extra attention</translation>
    </message>
    <message>
        <source>周末常不在家，有事请先电话联系</source>
        <translation>Often away at weekends; please phone first</translation>
    </message>
    <message>
        <source>家中有婴儿，午间请勿按门铃</source>
        <translation>Baby at home; please do not ring the bell at midday</translation>
    </message>
    <message>
        <source>业主常年在外地，房屋空置，钥匙未托管</source>
        <translation>The owner lives elsewhere; the flat is empty and no key is left with the office</translation>
    </message>
    <message>
        <source>养有一只狗，上门前请先电话告知</source>
        <translation>Keeps a dog; please phone before calling round</translation>
    </message>
    <message>
        <source>老人耳背，电话请大声说话</source>
        <translation>The elderly resident is hard of hearing; please speak up on the phone</translation>
    </message>
    <message>
        <source>夜班工作，白天休息，上午不宜上门</source>
        <translation>Works night shifts and sleeps in the day; avoid calling round in the morning</translation>
    </message>
    <message>
        <source>腿脚不便，快递请送上楼</source>
        <translation>Has difficulty walking; please bring deliveries upstairs</translation>
    </message>
    <message>
        <source>经常出差，紧急情况联系紧急联系人</source>
        <translation>Often travels for work; in an emergency call the emergency contact</translation>
    </message>
    <message>
        <source>{b}栋电梯</source>
        <translation>Building {b} lift</translation>
    </message>
    <message>
        <source>{b}栋楼道声控灯</source>
        <translation>Building {b} stairwell sound-activated lights</translation>
    </message>
    <message>
        <source>{b}栋单元门禁</source>
        <translation>Building {b} entrance access control</translation>
    </message>
    <message>
        <source>地下车库照明</source>
        <translation>Underground car park lighting</translation>
    </message>
    <message>
        <source>小区东门道闸</source>
        <translation>East gate barrier</translation>
    </message>
    <message>
        <source>小区北门门岗</source>
        <translation>North gate guard post</translation>
    </message>
    <message>
        <source>中心花园喷泉水泵</source>
        <translation>Central garden fountain pump</translation>
    </message>
    <message>
        <source>儿童游乐区</source>
        <translation>Children's play area</translation>
    </message>
    <message>
        <source>{b}栋屋面排水沟</source>
        <translation>Building {b} roof gutter</translation>
    </message>
    <message>
        <source>会所卫生间</source>
        <translation>Clubhouse toilets</translation>
    </message>
    <message>
        <source>工程部主管当天上门查看，安排人员优先处理</source>
        <translation>The engineering supervisor inspected on the same day and gave the job priority</translation>
    </message>
    <message>
        <source>保安部加强门岗登记和夜间巡逻，对当班人员进行批评教育</source>
        <translation>Security tightened gate registration and night patrols and reprimanded the guard on duty</translation>
    </message>
    <message>
        <source>保洁主管安排当天清理并消毒，增加该楼道的清扫频次</source>
        <translation>The cleaning supervisor had it cleaned and disinfected the same day and the stairwell cleaned more often</translation>
    </message>
    <message>
        <source>调整作业时间为上午九点以后，打药前张贴通知</source>
        <translation>Work moved to after 9 am; notices to be posted before spraying</translation>
    </message>
    <message>
        <source>物业部主管上门说明情况，督促相关住户整改</source>
        <translation>The property supervisor called round to explain and urged the households concerned to put it right</translation>
    </message>
    <message>
        <source>客服中心调整值班安排，对相关人员进行服务培训</source>
        <translation>The service centre changed its duty roster and gave the staff concerned service training</translation>
    </message>
    <message>
        <source>已处理完毕，住户表示认可</source>
        <translation>Dealt with; the household accepts the outcome</translation>
    </message>
    <message>
        <source>问题已解决，已向住户致歉</source>
        <translation>Problem solved; apologised to the household</translation>
    </message>
    <message>
        <source>已整改，后续加强检查</source>
        <translation>Put right; checks will be stepped up</translation>
    </message>
    <message>
        <source>已当面答复，住户清楚</source>
        <translation>Answered in person; the household understands</translation>
    </message>
    <message>
        <source>已开工程维修单，工程部已派工处理</source>
        <translation>Repair slip opened; engineering has sent someone</translation>
    </message>
    <message>
        <source>已转达表扬，并在周会上通报</source>
        <translation>Praise passed on and announced at the weekly meeting</translation>
    </message>
    <message>
        <source>已记录，提交管理处研究后答复住户</source>
        <translation>Recorded; the office will consider it and reply to the household</translation>
    </message>
    <message>
        <source>已安排人员协助，住户表示感谢</source>
        <translation>Staff sent to help; the household is grateful</translation>
    </message>
    <message>
        <source>已处理并告知住户</source>
        <translation>Dealt with and the household informed</translation>
    </message>
    <message>
        <source>重复登记，已作废</source>
        <translation>Duplicate entry, voided</translation>
    </message>
    <message>
        <source>登记信息有误，已重新登记</source>
        <translation>Entry had errors; registered again</translation>
    </message>
    <message>
        <source>住户撤回，作废</source>
        <translation>Withdrawn by the household, voided</translation>
    </message>
    <message>
        <source>属燃气公司维修范围，已告知住户联系燃气公司</source>
        <translation>A job for the gas company; the household was told to contact them</translation>
    </message>
    <message>
        <source>住户已自行修好，撤回报修</source>
        <translation>The household fixed it themselves and withdrew the request</translation>
    </message>
    <message>
        <source>重复报修，已合并到原单</source>
        <translation>Duplicate request, merged into the original slip</translation>
    </message>
    <message>
        <source>住户认为报价偏高，暂不维修</source>
        <translation>The household finds the quote too high and will not go ahead for now</translation>
    </message>
    <message>
        <source>住户决定自行请人维修</source>
        <translation>The household decided to hire someone themselves</translation>
    </message>
    <message>
        <source>师傅很专业</source>
        <translation>Very professional</translation>
    </message>
    <message>
        <source>希望下次能更快一点</source>
        <translation>Hope it can be a bit quicker next time</translation>
    </message>
    <message>
        <source>修得很好，谢谢</source>
        <translation>Well repaired, thank you</translation>
    </message>
    <message>
        <source>地面请帮忙清理干净</source>
        <translation>Please clean the floor afterwards</translation>
    </message>
    <message>
        <source>老人意识清醒，血压偏高，需送医</source>
        <translation>The elderly person is conscious, blood pressure high; needs hospital</translation>
    </message>
    <message>
        <source>现场确认有财物损失，已保护现场</source>
        <translation>Loss of property confirmed on site; the scene was secured</translation>
    </message>
    <message>
        <source>现场确认情况属实，已关闭总阀/切断电源</source>
        <translation>Confirmed on site; main valve closed / power cut off</translation>
    </message>
    <message>
        <source>120 到场后送医，保安接应，已通知家属并陪同就医</source>
        <translation>Taken to hospital when 120 arrived; security met the ambulance; family informed and accompanied to hospital</translation>
    </message>
    <message>
        <source>已报警，配合民警调取监控，做好登记</source>
        <translation>Police called; helped them retrieve CCTV footage and kept a record</translation>
    </message>
    <message>
        <source>险情已排除，协助住户清理，已通知相关住户</source>
        <translation>Danger removed; helped the household clean up and informed the neighbours concerned</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>部分住户资料待补充身份证复印件（住户出差）</source>
        <translation>Some resident files still lack ID card copies (residents away on business)</translation>
    </message>
    <message>
        <source>一户漏水投诉待工程部进一步查明原因</source>
        <translation>One leak complaint awaits engineering finding the cause</translation>
    </message>
    <message>
        <source>上月维修单尚有几张待住户签字</source>
        <translation>A few of last month's repair slips still await the household's signature</translation>
    </message>
    <message>
        <source>需工程部协调电梯异响问题</source>
        <translation>Need engineering to look into the lift noise</translation>
    </message>
    <message>
        <source>需保安部配合核查外来车辆登记</source>
        <translation>Need security's help checking visitor vehicle registration</translation>
    </message>
    <message>
        <source>需财务核对上周有偿服务收款</source>
        <translation>Need finance to check last week's paid-service receipts</translation>
    </message>
    <message>
        <source>已阅，工作认真</source>
        <translation>Read; careful work</translation>
    </message>
    <message>
        <source>投诉回访要在 24 小时内完成</source>
        <translation>Complaint return visits must be made within 24 hours</translation>
    </message>
    <message>
        <source>注意住户资料保密</source>
        <translation>Keep resident information confidential</translation>
    </message>
    <message>
        <source>维修单归档要及时</source>
        <translation>File repair slips promptly</translation>
    </message>
    <message>
        <source>已阅</source>
        <translation>Read</translation>
    </message>
    <message>
        <source>跟进投诉回访；整理维修单归档</source>
        <translation>Follow up complaint return visits; file repair slips</translation>
    </message>
    <message>
        <source>核对住户资料，通知待更新的住户</source>
        <translation>Check resident files; contact households whose details need updating</translation>
    </message>
    <message>
        <source>按计划完成日常回访，做好记录</source>
        <translation>Make the planned routine visits and record them</translation>
    </message>
    <message>
        <source>检查楼道卫生和公共设施，发现问题及时报修</source>
        <translation>Check stairwell cleanliness and facilities; report any problems for repair</translation>
    </message>
    <message>
        <source>楼上漏水到卫生间天花板，报修三天还没人来处理</source>
        <translation>Water from upstairs leaks onto the bathroom ceiling; reported three days ago and nobody has come</translation>
    </message>
    <message>
        <source>电梯经常停在半路不动，等了十多分钟</source>
        <translation>The lift often stops between floors; waited over ten minutes</translation>
    </message>
    <message>
        <source>维修师傅上门没有穿鞋套，弄脏了地板</source>
        <translation>The repairman did not wear shoe covers and dirtied the floor</translation>
    </message>
    <message>
        <source>地下车库的灯坏了好几盏，晚上很暗</source>
        <translation>Several lights in the underground car park are out; it is very dark at night</translation>
    </message>
    <message>
        <source>早上用水高峰水压太低，热水器打不着火</source>
        <translation>Water pressure is too low at the morning peak; the water heater will not ignite</translation>
    </message>
    <message>
        <source>晚上外来车辆随便进出，门岗没有登记</source>
        <translation>Outside vehicles come and go freely at night without being registered at the gate</translation>
    </message>
    <message>
        <source>保安值班时玩手机，问路态度冷淡</source>
        <translation>The guard on duty was playing on his phone and was curt when asked for directions</translation>
    </message>
    <message>
        <source>快递电动车在小区里骑得很快，差点撞到孩子</source>
        <translation>Delivery e-bikes ride fast in the estate and nearly hit a child</translation>
    </message>
    <message>
        <source>夜里有人在楼下大声喧哗，保安没有制止</source>
        <translation>People were shouting downstairs at night and security did nothing</translation>
    </message>
    <message>
        <source>楼道垃圾两天没人清理，有异味</source>
        <translation>Rubbish in the stairwell not cleared for two days; it smells</translation>
    </message>
    <message>
        <source>垃圾桶周边很脏，没有及时消毒</source>
        <translation>The area around the bins is dirty and not disinfected</translation>
    </message>
    <message>
        <source>保洁拖地后地面很滑，老人差点摔倒</source>
        <translation>The floor was slippery after mopping; an elderly resident nearly fell</translation>
    </message>
    <message>
        <source>早上七点就开始修剪草坪，噪音太大</source>
        <translation>Mowing started at 7 am; far too noisy</translation>
    </message>
    <message>
        <source>草坪打药没有提前通知，孩子在旁边玩</source>
        <translation>The lawn was sprayed without notice while children played nearby</translation>
    </message>
    <message>
        <source>树枝挡住了二楼窗户，屋里光线很差</source>
        <translation>Branches block the windows on floor 2; the flat is very dark</translation>
    </message>
    <message>
        <source>物业费收据开错了名字，来回跑了三次</source>
        <translation>The service-charge receipt had the wrong name; had to come back three times</translation>
    </message>
    <message>
        <source>上周反映的问题一直没有答复</source>
        <translation>No reply yet to the problem reported last week</translation>
    </message>
    <message>
        <source>楼上装修周末中午也在施工，噪音扰民</source>
        <translation>Renovation upstairs goes on at weekend lunchtimes; too noisy</translation>
    </message>
    <message>
        <source>邻居在楼道堆放杂物，多次反映无人处理</source>
        <translation>A neighbour stores clutter in the stairwell; reported several times, nothing done</translation>
    </message>
    <message>
        <source>自家车位经常被外来车辆占用</source>
        <translation>Our parking space is often taken by outside vehicles</translation>
    </message>
    <message>
        <source>前台电话打了很多次都没人接</source>
        <translation>Called the front desk many times; nobody answered</translation>
    </message>
    <message>
        <source>客服说话语气不耐烦</source>
        <translation>The service desk sounded impatient</translation>
    </message>
    <message>
        <source>咨询物业费缴纳方式和时间</source>
        <translation>Asks how and when to pay the service charge</translation>
    </message>
    <message>
        <source>咨询装修申请需要哪些材料</source>
        <translation>Asks what documents a renovation application needs</translation>
    </message>
    <message>
        <source>咨询停车月卡如何办理</source>
        <translation>Asks how to get a monthly parking card</translation>
    </message>
    <message>
        <source>咨询门禁卡丢失后如何补办</source>
        <translation>Asks how to replace a lost access card</translation>
    </message>
    <message>
        <source>咨询小区快递柜的位置和收费</source>
        <translation>Asks where the parcel lockers are and what they cost</translation>
    </message>
    <message>
        <source>咨询水电费代缴事宜</source>
        <translation>Asks about paying water and electricity bills through the office</translation>
    </message>
    <message>
        <source>来电报修：厨房水龙头漏水</source>
        <translation>Phoned in a repair: kitchen tap leaking</translation>
    </message>
    <message>
        <source>来电报修：卫生间下水道堵塞</source>
        <translation>Phoned in a repair: bathroom drain blocked</translation>
    </message>
    <message>
        <source>来访报修：入户门锁不好用</source>
        <translation>Came in to report a repair: front door lock not working well</translation>
    </message>
    <message>
        <source>来电报修：客厅插座没电</source>
        <translation>Phoned in a repair: living-room socket has no power</translation>
    </message>
    <message>
        <source>表扬工程部师傅维修及时、态度好</source>
        <translation>Praises the engineering staff for a prompt, friendly repair</translation>
    </message>
    <message>
        <source>表扬保安帮忙把重物搬上楼</source>
        <translation>Praises a guard for carrying something heavy upstairs</translation>
    </message>
    <message>
        <source>表扬保洁阿姨拾金不昧，归还钱包</source>
        <translation>Praises a cleaner for handing back a lost wallet</translation>
    </message>
    <message>
        <source>建议在小区增加儿童游乐设施</source>
        <translation>Suggests more play equipment for children</translation>
    </message>
    <message>
        <source>建议增设电动车充电桩</source>
        <translation>Suggests adding e-bike charging points</translation>
    </message>
    <message>
        <source>建议延长会所开放时间</source>
        <translation>Suggests longer clubhouse opening hours</translation>
    </message>
    <message>
        <source>建议在单元门口加装雨棚</source>
        <translation>Suggests canopies over the building entrances</translation>
    </message>
    <message>
        <source>家中老人行动不便，请求帮忙搬运家具</source>
        <translation>An elderly resident has difficulty moving and asks for help moving furniture</translation>
    </message>
    <message>
        <source>钥匙锁在家中，请求帮忙联系开锁</source>
        <translation>Locked out; asks for help finding a locksmith</translation>
    </message>
    <message>
        <source>快递柜已满，快递无处存放</source>
        <translation>The parcel lockers are full; nowhere to leave deliveries</translation>
    </message>
    <message>
        <source>询问是否捡到一串钥匙</source>
        <translation>Asks whether a bunch of keys was found</translation>
    </message>
    <message>
        <source>要求开具居住证明</source>
        <translation>Asks for a proof of residence</translation>
    </message>
    <message>
        <source>水龙头</source>
        <translation>Tap</translation>
    </message>
    <message>
        <source>DN15 铜质</source>
        <translation>DN15 brass</translation>
    </message>
    <message>
        <source>角阀</source>
        <translation>Angle valve</translation>
    </message>
    <message>
        <source>进水软管</source>
        <translation>Inlet hose</translation>
    </message>
    <message>
        <source>生料带</source>
        <translation>PTFE tape</translation>
    </message>
    <message>
        <source>开关面板</source>
        <translation>Switch plate</translation>
    </message>
    <message>
        <source>86型单开</source>
        <translation>Type 86 single</translation>
    </message>
    <message>
        <source>插座面板</source>
        <translation>Socket plate</translation>
    </message>
    <message>
        <source>86型五孔</source>
        <translation>Type 86 five-pin</translation>
    </message>
    <message>
        <source>空气开关</source>
        <translation>Circuit breaker</translation>
    </message>
    <message>
        <source>电线</source>
        <translation>Electric wire</translation>
    </message>
    <message>
        <source>BV2.5（米）</source>
        <translation>BV2.5 (metres)</translation>
    </message>
    <message>
        <source>LED灯泡</source>
        <translation>LED bulb</translation>
    </message>
    <message>
        <source>LED吸顶灯</source>
        <translation>LED ceiling light</translation>
    </message>
    <message>
        <source>门锁锁芯</source>
        <translation>Lock cylinder</translation>
    </message>
    <message>
        <source>C级</source>
        <translation>Grade C</translation>
    </message>
    <message>
        <source>合页</source>
        <translation>Hinge</translation>
    </message>
    <message>
        <source>4寸</source>
        <translation>4 inch</translation>
    </message>
    <message>
        <source>闭门器</source>
        <translation>Door closer</translation>
    </message>
    <message>
        <source>中号</source>
        <translation>Medium</translation>
    </message>
    <message>
        <source>玻璃胶</source>
        <translation>Silicone sealant</translation>
    </message>
    <message>
        <source>防水涂料</source>
        <translation>Waterproof coating</translation>
    </message>
    <message>
        <source>马桶进水阀</source>
        <translation>Toilet fill valve</translation>
    </message>
    <message>
        <source>通用型</source>
        <translation>Universal</translation>
    </message>
    <message>
        <source>地漏</source>
        <translation>Floor drain</translation>
    </message>
    <message>
        <source>不锈钢防臭</source>
        <translation>Stainless steel, odour trap</translation>
    </message>
    <message>
        <source>纱窗</source>
        <translation>Insect screen</translation>
    </message>
    <message>
        <source>铝合金（平方米）</source>
        <translation>Aluminium (square metres)</translation>
    </message>
    <message>
        <source>声控灯</source>
        <translation>Sound-activated light</translation>
    </message>
    <message>
        <source>灯管</source>
        <translation>Fluorescent tube</translation>
    </message>
    <message>
        <source>厨房水龙头漏水</source>
        <translation>Kitchen tap leaking</translation>
    </message>
    <message>
        <source>更换水龙头及软管，试水正常</source>
        <translation>Replaced the tap and hose; tested, no leak</translation>
    </message>
    <message>
        <source>卫生间下水道堵塞</source>
        <translation>Bathroom drain blocked</translation>
    </message>
    <message>
        <source>疏通下水管道，排水通畅</source>
        <translation>Cleared the drain; draining freely</translation>
    </message>
    <message>
        <source>客厅插座没电</source>
        <translation>Living-room socket has no power</translation>
    </message>
    <message>
        <source>更换损坏插座面板，通电正常</source>
        <translation>Replaced the faulty socket plate; power restored</translation>
    </message>
    <message>
        <source>空气开关频繁跳闸</source>
        <translation>Circuit breaker keeps tripping</translation>
    </message>
    <message>
        <source>检查线路，更换空气开关</source>
        <translation>Checked the wiring and replaced the circuit breaker</translation>
    </message>
    <message>
        <source>马桶水箱一直流水</source>
        <translation>Toilet cistern keeps running</translation>
    </message>
    <message>
        <source>更换马桶进水阀，试用正常</source>
        <translation>Replaced the toilet fill valve; working normally</translation>
    </message>
    <message>
        <source>阳台地漏返臭味</source>
        <translation>Balcony floor drain smells</translation>
    </message>
    <message>
        <source>更换防臭地漏</source>
        <translation>Replaced the floor drain with an odour trap</translation>
    </message>
    <message>
        <source>卧室灯不亮</source>
        <translation>Bedroom light not working</translation>
    </message>
    <message>
        <source>更换灯具，通电正常</source>
        <translation>Replaced the light fitting; working normally</translation>
    </message>
    <message>
        <source>卧室墙面渗水发霉</source>
        <translation>Bedroom wall damp and mouldy</translation>
    </message>
    <message>
        <source>铲除霉变层，外墙裂缝做防水处理</source>
        <translation>Scraped off the mould and waterproofed the crack in the outer wall</translation>
    </message>
    <message>
        <source>卫生间天花板渗水</source>
        <translation>Bathroom ceiling leaking</translation>
    </message>
    <message>
        <source>查明楼上管道渗漏并修复，天花板做防水</source>
        <translation>Found and fixed the leaking pipe upstairs; waterproofed the ceiling</translation>
    </message>
    <message>
        <source>阳台顶部墙皮起皮脱落</source>
        <translation>Balcony ceiling plaster peeling off</translation>
    </message>
    <message>
        <source>铲除起皮部分，重新批灰</source>
        <translation>Scraped off the loose plaster and replastered</translation>
    </message>
    <message>
        <source>入户门锁芯坏了打不开</source>
        <translation>Front door lock cylinder broken; door will not open</translation>
    </message>
    <message>
        <source>更换锁芯，交付新钥匙</source>
        <translation>Replaced the lock cylinder and handed over new keys</translation>
    </message>
    <message>
        <source>窗户关不严漏风</source>
        <translation>Window does not close properly; draughty</translation>
    </message>
    <message>
        <source>调整窗扇，更换合页</source>
        <translation>Adjusted the sash and replaced the hinges</translation>
    </message>
    <message>
        <source>纱窗破损</source>
        <translation>Insect screen torn</translation>
    </message>
    <message>
        <source>更换纱窗</source>
        <translation>Replaced the insect screen</translation>
    </message>
    <message>
        <source>单元门闭门器损坏</source>
        <translation>Building entrance door closer broken</translation>
    </message>
    <message>
        <source>更换闭门器，调试正常</source>
        <translation>Replaced and adjusted the door closer</translation>
    </message>
    <message>
        <source>楼道声控灯不亮</source>
        <translation>Stairwell sound-activated light not working</translation>
    </message>
    <message>
        <source>更换声控灯</source>
        <translation>Replaced the sound-activated light</translation>
    </message>
    <message>
        <source>地下车库灯管损坏</source>
        <translation>Car park fluorescent tube broken</translation>
    </message>
    <message>
        <source>更换灯管</source>
        <translation>Replaced the tube</translation>
    </message>
    <message>
        <source>道闸不抬杆</source>
        <translation>Gate barrier will not lift</translation>
    </message>
    <message>
        <source>检修道闸控制板，调试正常</source>
        <translation>Repaired the barrier control board; working normally</translation>
    </message>
    <message>
        <source>电梯按钮失灵</source>
        <translation>Lift button not working</translation>
    </message>
    <message>
        <source>通知电梯维保单位更换按钮，运行正常</source>
        <translation>The lift maintenance contractor replaced the button; working normally</translation>
    </message>
    <message>
        <source>电梯运行有异响</source>
        <translation>Lift makes a noise when running</translation>
    </message>
    <message>
        <source>电梯维保单位检修导靴，异响消除</source>
        <translation>The lift maintenance contractor serviced the guide shoes; noise gone</translation>
    </message>
    <message>
        <source>可视对讲没有图像</source>
        <translation>Video intercom shows no picture</translation>
    </message>
    <message>
        <source>更换对讲分机摄像模块</source>
        <translation>Replaced the intercom unit's camera module</translation>
    </message>
    <message>
        <source>家中老人突然晕倒，请求帮助</source>
        <translation>An elderly relative suddenly fainted at home; asks for help</translation>
    </message>
    <message>
        <source>老人在楼道摔倒，无法起身</source>
        <translation>An elderly resident fell in the stairwell and cannot get up</translation>
    </message>
    <message>
        <source>孩子高烧抽搐，家中只有老人</source>
        <translation>A child has a high fever and convulsions; only grandparents at home</translation>
    </message>
    <message>
        <source>发现家中被盗，门锁有撬痕</source>
        <translation>Flat burgled; the lock shows signs of forcing</translation>
    </message>
    <message>
        <source>楼下有人打架</source>
        <translation>People fighting downstairs</translation>
    </message>
    <message>
        <source>地下车库车辆被人划伤</source>
        <translation>A car in the underground car park was scratched</translation>
    </message>
    <message>
        <source>楼上漏水，家中地面大量积水</source>
        <translation>Leak from upstairs; lots of water on the floor</translation>
    </message>
    <message>
        <source>厨房油锅起火</source>
        <translation>Cooking oil caught fire in the kitchen</translation>
    </message>
    <message>
        <source>暴雨后地下车库进水</source>
        <translation>The underground car park flooded after heavy rain</translation>
    </message>
    <message>
        <source>咨询维修资金的使用流程</source>
        <translation>Asks how the maintenance fund is used</translation>
    </message>
    <message>
        <source>咨询小区公共收益的使用情况</source>
        <translation>Asks how the estate's shared income is used</translation>
    </message>
    <message>
        <source>咨询快递柜收费标准</source>
        <translation>Asks about parcel locker charges</translation>
    </message>
    <message>
        <source>咨询装修押金退还时间</source>
        <translation>Asks when the renovation deposit is refunded</translation>
    </message>
    <message>
        <source>请求上门安装窗帘杆</source>
        <translation>Asks for a curtain rod to be fitted</translation>
    </message>
    <message>
        <source>请求疏通厨房下水道</source>
        <translation>Asks for the kitchen drain to be cleared</translation>
    </message>
    <message>
        <source>请求安装晾衣架</source>
        <translation>Asks for a clothes-drying rack to be fitted</translation>
    </message>
    <message>
        <source>卫生间漏水</source>
        <translation>Bathroom leak</translation>
    </message>
    <message>
        <source>入户门锁坏了</source>
        <translation>Front door lock broken</translation>
    </message>
    <message>
        <source>厨房插座没电</source>
        <translation>Kitchen socket has no power</translation>
    </message>
    <message>
        <source>投诉邻居装修噪音</source>
        <translation>Complains of renovation noise from a neighbour</translation>
    </message>
    <message>
        <source>投诉楼道堆放杂物</source>
        <translation>Complains of clutter in the stairwell</translation>
    </message>
    <message>
        <source>请求借用梯子</source>
        <translation>Asks to borrow a ladder</translation>
    </message>
    <message>
        <source>请求帮忙照看快递</source>
        <translation>Asks the office to look after a delivery</translation>
    </message>
    <message>
        <source>对处理结果满意</source>
        <translation>Satisfied with the outcome</translation>
    </message>
    <message>
        <source>师傅态度很好，修得及时</source>
        <translation>Friendly repairman, quick repair</translation>
    </message>
    <message>
        <source>没有其他意见</source>
        <translation>No other comments</translation>
    </message>
    <message>
        <source>物业服务不错</source>
        <translation>Good property service</translation>
    </message>
    <message>
        <source>基本满意，希望以后处理更快一些</source>
        <translation>Fairly satisfied; hope it is quicker next time</translation>
    </message>
    <message>
        <source>问题解决了，沟通还可以更及时</source>
        <translation>Problem solved; could have kept us better informed</translation>
    </message>
    <message>
        <source>问题没有彻底解决，仍有渗水</source>
        <translation>Not fully solved; still leaking</translation>
    </message>
    <message>
        <source>维修后又出现同样问题</source>
        <translation>The same problem came back after the repair</translation>
    </message>
    <message>
        <source>处理太慢</source>
        <translation>Too slow</translation>
    </message>
    <message>
        <source>渗漏未彻底处理</source>
        <translation>Leak not fully fixed</translation>
    </message>
    <message>
        <source>维修后复发，需重新检修</source>
        <translation>Recurred after repair; needs another repair</translation>
    </message>
    <message>
        <source>楼道卫生未按要求保持</source>
        <translation>Stairwell not kept clean as required</translation>
    </message>
    <message>
        <source>门岗登记制度执行不到位</source>
        <translation>Gate registration rules not properly followed</translation>
    </message>
    <message>
        <source>抽查住户档案保密情况</source>
        <translation>Spot check of resident file confidentiality</translation>
    </message>
    <message>
        <source>档案柜未上锁</source>
        <translation>Filing cabinet left unlocked</translation>
    </message>
    <message>
        <source>抽查来访来电登记是否完整</source>
        <translation>Spot check that register entries are complete</translation>
    </message>
    <message>
        <source>一条登记未填转达时间</source>
        <translation>One entry lacks the time it was relayed</translation>
    </message>
    <message>
        <source>抽查维修单归档</source>
        <translation>Spot check of repair slip filing</translation>
    </message>
    <message>
        <source>未发现问题</source>
        <translation>No problems found</translation>
    </message>
    <message>
        <source>抽查门岗外来车辆登记</source>
        <translation>Spot check of visitor vehicle registration at the gate</translation>
    </message>
    <message>
        <source>夜班有两辆车未登记</source>
        <translation>Two vehicles not registered on the night shift</translation>
    </message>
    <message>
        <source>抽查回访记录</source>
        <translation>Spot check of return visit records</translation>
    </message>
    <message>
        <source>一条投诉回访超过 24 小时</source>
        <translation>One complaint return visit made after more than 24 hours</translation>
    </message>
    <message>
        <source>（另有 {0} 处需要修改）</source>
        <translation> (and {0} more to correct)</translation>
    </message>
    <message>
        <source>来访</source>
        <translation>Visit</translation>
    </message>
    <message>
        <source>来电</source>
        <translation>Call</translation>
    </message>
    <message>
        <source>书面</source>
        <translation>Letter</translation>
    </message>
    <message>
        <source>投诉</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <source>咨询</source>
        <translation>Enquiry</translation>
    </message>
    <message>
        <source>报修</source>
        <translation>Repair Request</translation>
    </message>
    <message>
        <source>求助</source>
        <translation>Help Request</translation>
    </message>
    <message>
        <source>表扬</source>
        <translation>Praise</translation>
    </message>
    <message>
        <source>建议</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>水电</source>
        <translation>Plumbing/Electrical</translation>
    </message>
    <message>
        <source>土建</source>
        <translation>Civil Works</translation>
    </message>
    <message>
        <source>门窗</source>
        <translation>Doors/Windows</translation>
    </message>
    <message>
        <source>公共设施</source>
        <translation>Facilities</translation>
    </message>
    <message>
        <source>电梯</source>
        <translation>Lift</translation>
    </message>
    <message>
        <source>巡查</source>
        <translation>Patrol</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>基本满意</source>
        <translation>Fairly Satisfied</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>日常</source>
        <translation>Routine</translation>
    </message>
    <message>
        <source>维修</source>
        <translation>Repair</translation>
    </message>
    <message>
        <source>交谈</source>
        <translation>Conversation</translation>
    </message>
    <message>
        <source>现场查看</source>
        <translation>On-Site Check</translation>
    </message>
    <message>
        <source>检查</source>
        <translation>Inspection</translation>
    </message>
    <message>
        <source>业主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>租户</source>
        <translation>Tenant</translation>
    </message>
    <message>
        <source>家庭成员</source>
        <translation>Family Member</translation>
    </message>
    <message>
        <source>物业部</source>
        <translation>Property Dept.</translation>
    </message>
    <message>
        <source>工程部</source>
        <translation>Engineering Dept.</translation>
    </message>
    <message>
        <source>保安部</source>
        <translation>Security Dept.</translation>
    </message>
    <message>
        <source>保洁部</source>
        <translation>Cleaning Dept.</translation>
    </message>
    <message>
        <source>绿化部</source>
        <translation>Landscaping Dept.</translation>
    </message>
    <message>
        <source>财务部</source>
        <translation>Finance Dept.</translation>
    </message>
    <message>
        <source>客服中心</source>
        <translation>Service Centre</translation>
    </message>
    <message>
        <source>急救病人</source>
        <translation>Medical Emergency</translation>
    </message>
    <message>
        <source>盗窃/打架/斗殴/抢劫/凶杀</source>
        <translation>Theft/Fight/Assault/Robbery/Homicide</translation>
    </message>
    <message>
        <source>水浸/火灾</source>
        <translation>Flooding/Fire</translation>
    </message>
    <message>
        <source>有偿服务</source>
        <translation>Paid Service</translation>
    </message>
    <message>
        <source>通知最近人员</source>
        <translation>Notify Nearest Staff</translation>
    </message>
    <message>
        <source>到场</source>
        <translation>Arrive on Site</translation>
    </message>
    <message>
        <source>现场情况确认</source>
        <translation>Confirm Situation on Site</translation>
    </message>
    <message>
        <source>报告主任</source>
        <translation>Report to Director</translation>
    </message>
    <message>
        <source>拨打120</source>
        <translation>Call 120 (Ambulance)</translation>
    </message>
    <message>
        <source>拨打110</source>
        <translation>Call 110 (Police)</translation>
    </message>
    <message>
        <source>拨打119</source>
        <translation>Call 119 (Fire)</translation>
    </message>
    <message>
        <source>通知保安接应</source>
        <translation>Ask Security to Meet Them</translation>
    </message>
    <message>
        <source>通知亲属</source>
        <translation>Notify Relatives</translation>
    </message>
    <message>
        <source>陪同就医</source>
        <translation>Accompany to Hospital</translation>
    </message>
    <message>
        <source>{label}中的逗号只能用作千位分隔，例如 1,234.56</source>
        <translation>{label}: commas may only separate thousands, e.g. 1,234.56</translation>
    </message>
    <message>
        <source>{label}应为数字，例如 12.50</source>
        <translation>{label} should be a number, e.g. 12.50</translation>
    </message>
    <message>
        <source>{label}最多保留两位小数</source>
        <translation>{label}: at most two decimal places</translation>
    </message>
    <message>
        <source>{label}最多保留三位小数</source>
        <translation>{label}: at most three decimal places</translation>
    </message>
    <message>
        <source>{label}不能为空</source>
        <translation>{label} cannot be empty</translation>
    </message>
    <message>
        <source>{label}不能为负数</source>
        <translation>{label} cannot be negative</translation>
    </message>
    <message>
        <source>{label}过大，请核对（最多 {0} 元）</source>
        <translation>{label} is too large; please check it (at most {0} yuan)</translation>
    </message>
    <message>
        <source>{label}必须大于零</source>
        <translation>{label} must be greater than zero</translation>
    </message>
    <message>
        <source>{label}过大，请核对（最多 {limit}）</source>
        <translation>{label} is too large; please check it (at most {limit})</translation>
    </message>
    <message>
        <source>文员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>物业助理</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <source>物业部主管</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>工程部主管</source>
        <translation>Engineering Supervisor</translation>
    </message>
    <message>
        <source>工程人员</source>
        <translation>Engineer</translation>
    </message>
    <message>
        <source>财务</source>
        <translation>Finance</translation>
    </message>
    <message>
        <source>仓管员</source>
        <translation>Storekeeper</translation>
    </message>
    <message>
        <source>保安</source>
        <translation>Security</translation>
    </message>
    <message>
        <source>客服</source>
        <translation>Service Desk</translation>
    </message>
    <message>
        <source>接单</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>派工</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <source>到达</source>
        <translation>Arrival</translation>
    </message>
    <message>
        <source>完工</source>
        <translation>Complete Work</translation>
    </message>
    <message>
        <source>验收</source>
        <translation>Acceptance</translation>
    </message>
    <message>
        <source>回访</source>
        <translation>Return Visit</translation>
    </message>
    <message>
        <source>规则「{0}」必须是数字</source>
        <translation>The rule "{0}" must be a number</translation>
    </message>
    <message>
        <source>规则「{0}」必须大于 0</source>
        <translation>The rule "{0}" must be greater than 0</translation>
    </message>
    <message>
        <source>日常回访比例须在 0 到 100% 之间</source>
        <translation>The routine return-visit share must be between 0 and 100%</translation>
    </message>
    <message>
        <source>{second}时间不能早于{first}时间</source>
        <translation>The time of "{second}" cannot be earlier than the time of "{first}"</translation>
    </message>
    <message>
        <source>例如 3栋2单元1502 或 3-2-1502</source>
        <translation>e.g. 3-2-1502</translation>
    </message>
    <message>
        <source>房间号「{shown}」应为 3 到 4 位数字，例如 1502 或 302</source>
        <translation>Room number "{shown}" should have 3 to 4 digits, e.g. 1502 or 302</translation>
    </message>
    <message>
        <source>房号缺少楼栋，{EXAMPLE}</source>
        <translation>The unit is missing the building ({EXAMPLE})</translation>
    </message>
    <message>
        <source>无法识别房号「{0}」，请写成 3栋2单元1502 或 3-2-1502</source>
        <translation>Cannot read the unit "{0}"; please write it as building-entrance-room, e.g. 3-2-1502 (or 3-1502)</translation>
    </message>
    <message>
        <source>楼栋编号「{0}」应为 1 到 4 位数字或字母</source>
        <translation>Building number "{0}" should be 1 to 4 digits or letters</translation>
    </message>
    <message>
        <source>楼栋号不能为 0</source>
        <translation>The building number cannot be 0</translation>
    </message>
    <message>
        <source>单元号为空，请写明第几单元，或不写单元</source>
        <translation>The entrance number is empty; please give the entrance number, or leave the entrance out</translation>
    </message>
    <message>
        <source>单元号「{0}」应为数字</source>
        <translation>Entrance number "{0}" should be a number</translation>
    </message>
    <message>
        <source>单元号不能为 0</source>
        <translation>The entrance number cannot be 0</translation>
    </message>
    <message>
        <source>单元号过大，请核对（最多 99）</source>
        <translation>The entrance number is too large; please check it (at most 99)</translation>
    </message>
    <message>
        <source>房号缺少房间号，例如 3栋2单元1502</source>
        <translation>The unit is missing the room number, e.g. 3-2-1502</translation>
    </message>
    <message>
        <source>房间号「{0}」应为数字，例如 1502（地下室写 B101 或 负101）</source>
        <translation>Room number "{0}" should be digits, e.g. 1502 (for a basement write B101)</translation>
    </message>
    <message>
        <source>房间号「{0}」应为 3 到 4 位数字（楼层 + 两位户号），例如 1502 或 302</source>
        <translation>Room number "{0}" should have 3 to 4 digits (floor + two-digit flat number), e.g. 1502 or 302</translation>
    </message>
    <message>
        <source>房间号「{room}」的楼层不能为 0</source>
        <translation>The floor in room number "{room}" cannot be 0</translation>
    </message>
    <message>
        <source>房间号「{room}」的户号不能为 00</source>
        <translation>The flat number in room number "{room}" cannot be 00</translation>
    </message>
    <message>
        <source>房号不能为空，{EXAMPLE}</source>
        <translation>Please enter the unit ({EXAMPLE})</translation>
    </message>
    <message>
        <source>身份证号码不能为空</source>
        <translation>The ID number cannot be empty</translation>
    </message>
    <message>
        <source>身份证号码应为 18 位，现在是 {0} 位</source>
        <translation>The ID number should have 18 characters; it has {0}</translation>
    </message>
    <message>
        <source>身份证号码前 17 位应为数字，最后一位为数字或 X</source>
        <translation>The first 17 characters of the ID number should be digits, and the last one a digit or X</translation>
    </message>
    <message>
        <source>身份证号码的地区码 {0} 不存在，请核对前两位</source>
        <translation>The region code {0} in the ID number does not exist; please check the first two digits</translation>
    </message>
    <message>
        <source>身份证号码中的出生日期 {0} 不是有效日期</source>
        <translation>The birth date {0} in the ID number is not a valid date</translation>
    </message>
    <message>
        <source>身份证号码中的出生日期 {birth} 不合理（早于 1900 年或晚于今天）</source>
        <translation>The birth date {birth} in the ID number is not plausible (before 1900 or after today)</translation>
    </message>
    <message>
        <source>身份证号码校验位不正确，应为 {expected}，请核对</source>
        <translation>The check digit of the ID number is wrong (it should be {expected}); please check the number</translation>
    </message>
    <message>
        <source>手机号不能为空</source>
        <translation>The mobile number cannot be empty</translation>
    </message>
    <message>
        <source>手机号只能包含数字</source>
        <translation>The mobile number may contain only digits</translation>
    </message>
    <message>
        <source>手机号应为 11 位，以 13–19 开头</source>
        <translation>A mobile number should have 11 digits and start with 13-19</translation>
    </message>
    <message>
        <source>固定电话不能为空</source>
        <translation>The landline number cannot be empty</translation>
    </message>
    <message>
        <source>分机号应为 1 到 6 位数字</source>
        <translation>The extension should be 1 to 6 digits</translation>
    </message>
    <message>
        <source>固定电话只能包含数字、空格、括号和短横线</source>
        <translation>A landline number may contain only digits, spaces, brackets and hyphens</translation>
    </message>
    <message>
        <source>固定电话区号后应为 7 或 8 位且不以 0 开头，例如 021-62345678</source>
        <translation>After the area code, a landline number should have 7 or 8 digits, not starting with 0, e.g. 021-62345678</translation>
    </message>
    <message>
        <source>固定电话应为 7 或 8 位，或带 0 开头的区号，例如 021-62345678</source>
        <translation>A landline number should have 7 or 8 digits, optionally after an area code starting with 0, e.g. 021-62345678</translation>
    </message>
    <message>
        <source>电话不能为空</source>
        <translation>The phone number cannot be empty</translation>
    </message>
    <message>
        <source>电话号码格式不正确：手机为 11 位（以 13–19 开头），固话如 021-62345678</source>
        <translation>The phone number is not in a valid format: a mobile number has 11 digits (starting with 13-19), a landline looks like 021-62345678</translation>
    </message>
    <message>
        <source>金额不能为空</source>
        <translation>The amount cannot be empty</translation>
    </message>
    <message>
        <source>金额不能为负数</source>
        <translation>The amount cannot be negative</translation>
    </message>
    <message>
        <source>金额中的逗号只能用作千位分隔，例如 1,234.56</source>
        <translation>Commas in the amount may only separate thousands, e.g. 1,234.56</translation>
    </message>
    <message>
        <source>金额应为数字，例如 12.50</source>
        <translation>The amount should be a number, e.g. 12.50</translation>
    </message>
    <message>
        <source>金额最多保留两位小数（元.角分）</source>
        <translation>The amount can have at most two decimal places (yuan.fen)</translation>
    </message>
    <message>
        <source>金额过大，请核对（最多 10000000 元）</source>
        <translation>The amount is too large; please check it (at most 10000000 yuan)</translation>
    </message>
    <message>
        <source>姓名不能为空</source>
        <translation>The name cannot be empty</translation>
    </message>
    <message>
        <source>姓名最多 40 个字（现在是 {0} 个）</source>
        <translation>A name can have at most 40 characters (this one has {0})</translation>
    </message>
    <message>
        <source>姓名中不能有数字</source>
        <translation>A name cannot contain digits</translation>
    </message>
    <message>
        <source>姓名中有不能使用的符号</source>
        <translation>The name contains symbols that are not allowed</translation>
    </message>
    <message>
        <source>车牌号不能为空</source>
        <translation>The plate number cannot be empty</translation>
    </message>
    <message>
        <source>车牌号应以省份简称开头，例如 沪A12345</source>
        <translation>The plate number should start with the province abbreviation (a Chinese character)</translation>
    </message>
    <message>
        <source>车牌号格式不正确：省份简称 + 字母 + 5 位（新能源 6 位）字母或数字，例如 沪A12345 或 粤BD12345</source>
        <translation>The plate number is not in a valid format: province abbreviation + letter + 5 letters or digits (6 for new-energy vehicles)</translation>
    </message>
    <message>
        <source>当前状态为「{0}」，不能执行「{1}」</source>
        <translation>The current status is "{0}", so "{1}" cannot be done</translation>
    </message>
    <message>
        <source>{message}：{hint}</source>
        <translation>{message}: {hint}</translation>
    </message>
    <message>
        <source>您的岗位（{0}）不能执行「{1}」</source>
        <translation>Your role ({0}) cannot do "{1}"</translation>
    </message>
    <message>
        <source>您的岗位（{0}）不能新建「{1}」</source>
        <translation>Your role ({0}) cannot create a new "{1}"</translation>
    </message>
    <message>
        <source>作废</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>已登记</source>
        <translation>Recorded</translation>
    </message>
    <message>
        <source>已转达</source>
        <translation>Relayed</translation>
    </message>
    <message>
        <source>已处理</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>已登记结果</source>
        <translation>Result Recorded</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>已作废</source>
        <translation>Voided</translation>
    </message>
    <message>
        <source>住户来访/来电登记表</source>
        <translation>Resident Visit/Call Register</translation>
    </message>
    <message>
        <source>转达部门</source>
        <translation>Relay to Department</translation>
    </message>
    <message>
        <source>部门处理</source>
        <translation>Mark Handled by Department</translation>
    </message>
    <message>
        <source>登记处理结果</source>
        <translation>Record Result</translation>
    </message>
    <message>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <source>处理结果已登记</source>
        <translation>the result has already been recorded</translation>
    </message>
    <message>
        <source>尚未登记处理结果，不能归档</source>
        <translation>No result has been recorded yet, so it cannot be archived</translation>
    </message>
    <message>
        <source>投诉须回访且住户满意（或基本满意）后才能归档</source>
        <translation>A complaint can be archived only after a return visit finds the resident satisfied (or fairly satisfied)</translation>
    </message>
    <message>
        <source>已开单</source>
        <translation>Opened</translation>
    </message>
    <message>
        <source>已接单</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>已派工</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>已领料</source>
        <translation>Materials Issued</translation>
    </message>
    <message>
        <source>已到场</source>
        <translation>On Site</translation>
    </message>
    <message>
        <source>已完工</source>
        <translation>Work Completed</translation>
    </message>
    <message>
        <source>住户已验收</source>
        <translation>Accepted by Resident</translation>
    </message>
    <message>
        <source>已核对</source>
        <translation>Reconciled</translation>
    </message>
    <message>
        <source>已退单</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>已报价</source>
        <translation>Quoted</translation>
    </message>
    <message>
        <source>住户已确认报价</source>
        <translation>Quote Approved by Resident</translation>
    </message>
    <message>
        <source>已交费盖章</source>
        <translation>Paid and Stamped</translation>
    </message>
    <message>
        <source>住户拒绝报价</source>
        <translation>Resident Refused Quote</translation>
    </message>
    <message>
        <source>接单签字</source>
        <translation>Sign for Receipt</translation>
    </message>
    <message>
        <source>退单</source>
        <translation>Return Slip</translation>
    </message>
    <message>
        <source>领料</source>
        <translation>Material Issue</translation>
    </message>
    <message>
        <source>到达现场</source>
        <translation>Arrive on Site</translation>
    </message>
    <message>
        <source>住户验收签名</source>
        <translation>Resident Signs Acceptance</translation>
    </message>
    <message>
        <source>每日核对</source>
        <translation>Daily Reconciliation</translation>
    </message>
    <message>
        <source>须先到财务交费并盖章，才能派工维修</source>
        <translation>the fee must be paid at finance and the slip stamped before the work can be dispatched</translation>
    </message>
    <message>
        <source>（有偿服务先报价，住户确认后交费）</source>
        <translation> (for paid service: quote first; the resident pays after approving the quote)</translation>
    </message>
    <message>
        <source>报价</source>
        <translation>Quote</translation>
    </message>
    <message>
        <source>住户确认报价</source>
        <translation>Resident Approves Quote</translation>
    </message>
    <message>
        <source>财务盖章</source>
        <translation>Finance Stamp</translation>
    </message>
    <message>
        <source>请先派工</source>
        <translation>please dispatch the work first</translation>
    </message>
    <message>
        <source>待回访</source>
        <translation>To Visit</translation>
    </message>
    <message>
        <source>住户不在家</source>
        <translation>Resident Not Home</translation>
    </message>
    <message>
        <source>不合格项整改中</source>
        <translation>Nonconformity Being Fixed</translation>
    </message>
    <message>
        <source>已整改</source>
        <translation>Rectified</translation>
    </message>
    <message>
        <source>回访记录表</source>
        <translation>Return-Visit Record</translation>
    </message>
    <message>
        <source>住户不在家（贴回访单）</source>
        <translation>Resident Not Home (Post Door Note)</translation>
    </message>
    <message>
        <source>另约时间</source>
        <translation>Reschedule</translation>
    </message>
    <message>
        <source>登记不合格项</source>
        <translation>Record Nonconformity</translation>
    </message>
    <message>
        <source>整改完成</source>
        <translation>Rectification Done</translation>
    </message>
    <message>
        <source>已接报</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>已通知人员</source>
        <translation>Staff Notified</translation>
    </message>
    <message>
        <source>已转登记/派单</source>
        <translation>Passed to Register/Slip</translation>
    </message>
    <message>
        <source>已答复</source>
        <translation>Answered</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Completed</translation>
    </message>
    <message>
        <source>业户求助信息登记表</source>
        <translation>Household Help-Request Log</translation>
    </message>
    <message>
        <source>到场确认</source>
        <translation>Confirm Arrival</translation>
    </message>
    <message>
        <source>处理完毕</source>
        <translation>Mark Handled</translation>
    </message>
    <message>
        <source>转为登记/派单</source>
        <translation>Pass to Register/Slip</translation>
    </message>
    <message>
        <source>答复</source>
        <translation>Answer</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>「{kind}」求助应执行「{wanted}」</source>
        <translation>A "{kind}" help request should take the step "{wanted}"</translation>
    </message>
    <message>
        <source>日工作呈报表</source>
        <translation>Daily Work Report</translation>
    </message>
    <message>
        <source>填写中</source>
        <translation>Draft</translation>
    </message>
    <message>
        <source>已呈报</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <source>主管已审阅</source>
        <translation>Reviewed by Supervisor</translation>
    </message>
    <message>
        <source>呈报</source>
        <translation>Submit</translation>
    </message>
    <message>
        <source>审阅签名</source>
        <translation>Review and Sign</translation>
    </message>
    <message>
        <source>退回修改</source>
        <translation>Return for Changes</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>房间号</source>
        <translation>Room No.</translation>
    </message>
    <message>
        <source>单元号</source>
        <translation>Unit No.</translation>
    </message>
    <message>
        <source>门牌号</source>
        <translation>Door No.</translation>
    </message>
    <message>
        <source>户号</source>
        <translation>Flat No.</translation>
    </message>
    <message>
        <source>房屋编号</source>
        <translation>House No.</translation>
    </message>
    <message>
        <source>房号编码</source>
        <translation>Unit Code</translation>
    </message>
    <message>
        <source>房间</source>
        <translation>Room</translation>
    </message>
    <message>
        <source>室号</source>
        <translation>Apartment No.</translation>
    </message>
    <message>
        <source>楼栋</source>
        <translation>Building</translation>
    </message>
    <message>
        <source>栋</source>
        <translation>Bldg</translation>
    </message>
    <message>
        <source>幢</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>楼号</source>
        <translation>Building No.</translation>
    </message>
    <message>
        <source>栋号</source>
        <translation>Bldg No.</translation>
    </message>
    <message>
        <source>幢号</source>
        <translation>Block No.</translation>
    </message>
    <message>
        <source>楼栋号</source>
        <translation>Building Number</translation>
    </message>
    <message>
        <source>楼</source>
        <translation>Tower</translation>
    </message>
    <message>
        <source>单元</source>
        <translation>Entrance</translation>
    </message>
    <message>
        <source>单元门</source>
        <translation>Entrance Door</translation>
    </message>
    <message>
        <source>业主姓名</source>
        <translation>Owner Name</translation>
    </message>
    <message>
        <source>住户姓名</source>
        <translation>Resident name</translation>
    </message>
    <message>
        <source>户主姓名</source>
        <translation>Householder name</translation>
    </message>
    <message>
        <source>名字</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>身份</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>关系</source>
        <translation>Relationship</translation>
    </message>
    <message>
        <source>与业主关系</source>
        <translation>Relationship to owner</translation>
    </message>
    <message>
        <source>与户主关系</source>
        <translation>Relationship to householder</translation>
    </message>
    <message>
        <source>住户类型</source>
        <translation>Resident type</translation>
    </message>
    <message>
        <source>住户身份</source>
        <translation>Resident role</translation>
    </message>
    <message>
        <source>人员类型</source>
        <translation>Person type</translation>
    </message>
    <message>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Mobile no.</translation>
    </message>
    <message>
        <source>手机号码</source>
        <translation>Mobile number</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>电话号码</source>
        <translation>Phone number</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact details</translation>
    </message>
    <message>
        <source>移动电话</source>
        <translation>Mobile phone</translation>
    </message>
    <message>
        <source>固话</source>
        <translation>Landline</translation>
    </message>
    <message>
        <source>座机</source>
        <translation>Fixed line</translation>
    </message>
    <message>
        <source>固定电话</source>
        <translation>Fixed-line phone</translation>
    </message>
    <message>
        <source>家庭电话</source>
        <translation>Home phone</translation>
    </message>
    <message>
        <source>座机号码</source>
        <translation>Fixed-line number</translation>
    </message>
    <message>
        <source>固话号码</source>
        <translation>Landline number</translation>
    </message>
    <message>
        <source>身份证</source>
        <translation>ID card</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID card no.</translation>
    </message>
    <message>
        <source>身份证号码</source>
        <translation>ID card number</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>证件号</source>
        <translation>ID no.</translation>
    </message>
    <message>
        <source>身份证件号码</source>
        <translation>Identity document number</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>工作单位</source>
        <translation>Employer</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Workplace</translation>
    </message>
    <message>
        <source>紧急联系人</source>
        <translation>Emergency contact</translation>
    </message>
    <message>
        <source>紧急联系电话</source>
        <translation>Emergency contact phone</translation>
    </message>
    <message>
        <source>紧急联系人电话</source>
        <translation>Emergency contact's phone</translation>
    </message>
    <message>
        <source>紧急电话</source>
        <translation>Emergency phone</translation>
    </message>
    <message>
        <source>入住日期</source>
        <translation>Move-in date</translation>
    </message>
    <message>
        <source>入住时间</source>
        <translation>Moved in</translation>
    </message>
    <message>
        <source>收楼日期</source>
        <translation>Possession date</translation>
    </message>
    <message>
        <source>收房日期</source>
        <translation>Handover date</translation>
    </message>
    <message>
        <source>交房日期</source>
        <translation>Delivery date</translation>
    </message>
    <message>
        <source>车牌</source>
        <translation>Plate</translation>
    </message>
    <message>
        <source>车牌号</source>
        <translation>Plate no.</translation>
    </message>
    <message>
        <source>车牌号码</source>
        <translation>Licence plate number</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>生活习惯</source>
        <translation>Habits</translation>
    </message>
    <message>
        <source>生活习惯及常住情况</source>
        <translation>Habits and occupancy</translation>
    </message>
    <message>
        <source>常住情况</source>
        <translation>Occupancy</translation>
    </message>
    <message>
        <source>建筑面积</source>
        <translation>Floor area</translation>
    </message>
    <message>
        <source>面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>同意对外提供</source>
        <translation>Consent to disclose</translation>
    </message>
    <message>
        <source>是否同意对外提供</source>
        <translation>Consents to disclosure</translation>
    </message>
    <message>
        <source>找不到文件 {path}</source>
        <translation>File not found: {path}</translation>
    </message>
    <message>
        <source>只能读取 .xlsx 文件；旧的 .xls 请在 Excel 中另存为 .xlsx 后再导入</source>
        <translation>Only .xlsx files can be read; please save an old .xls file as .xlsx in Excel, then import it</translation>
    </message>
    <message>
        <source>{0} 中有覆盖整列或整个工作表的合并单元格，无法读取；请在 Excel 中取消这些合并后再导入</source>
        <translation>{0} has merged cells covering whole columns or the whole sheet and cannot be read; please unmerge them in Excel, then import again</translation>
    </message>
    <message>
        <source>无法读取 {0}：文件可能正被其他程序（如 Excel）独占打开，请关闭后重试</source>
        <translation>Cannot read {0}: the file may be open exclusively in another program (such as Excel); please close it and try again</translation>
    </message>
    <message>
        <source>无法读取 {0}：文件是空的（0 字节），请重新导出或复制该文件</source>
        <translation>Cannot read {0}: the file is empty (0 bytes); please export or copy the file again</translation>
    </message>
    <message>
        <source>无法读取 {0}：这是旧版 Excel（.xls）文件，只是扩展名改成了 .xlsx；请在 Excel 中打开并另存为 .xlsx 后再导入</source>
        <translation>Cannot read {0}: this is an old Excel (.xls) file renamed to .xlsx; please open it in Excel, save it as .xlsx, then import it</translation>
    </message>
    <message>
        <source>无法读取 {0}：文件已损坏或不是 Excel 工作簿（{detail}）</source>
        <translation>Cannot read {0}: the file is damaged or is not an Excel workbook ({detail})</translation>
    </message>
    <message>
        <source>工作簿只有 {0} 个工作表</source>
        <translation>The workbook has only {0} sheet(s)</translation>
    </message>
    <message>
        <source>工作簿中没有名为「{sheet}」的工作表</source>
        <translation>The workbook has no sheet named "{sheet}"</translation>
    </message>
    <message>
        <source>工作簿是空的，没有可导入的内容</source>
        <translation>The workbook is empty; there is nothing to import</translation>
    </message>
    <message>
        <source>在前 {HEADER_SCAN_ROWS} 行中找不到表头（例如 房号、姓名、手机），请检查是否选对了工作表</source>
        <translation>No header row found in the first {HEADER_SCAN_ROWS} rows (e.g. Unit, Name, Mobile); please check that you chose the right sheet</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>文件夹 {0} 不存在</source>
        <translation>Folder {0} does not exist</translation>
    </message>
    <message>
        <source>无法写入 {0}：文件可能正在 Excel 中打开，请关闭后重试</source>
        <translation>Cannot write {0}: the file may be open in Excel; please close it and try again</translation>
    </message>
    <message>
        <source>第 &amp;P 页，共 &amp;N 页</source>
        <translation>Page &amp;P of &amp;N</translation>
    </message>
    <message>
        <source>PDF 将使用未嵌入的 STSong-Light 字体，在没有中文字体的电脑上可能显示为空白</source>
        <translation>The PDF will use the non-embedded STSong-Light font; on computers without Chinese fonts the text may show as blank</translation>
    </message>
    <message>
        <source>找不到报表版式文件 {path}（{0}）</source>
        <translation>Report layout file {path} not found ({0})</translation>
    </message>
    <message>
        <source>报表版式文件 {name} 格式有误：第 {0} 行 {1}</source>
        <translation>Report layout file {name} is malformed: line {0}, {1}</translation>
    </message>
    <message>
        <source>报表版式文件 {name} 有误：{text}</source>
        <translation>Report layout file {name} has an error: {text}</translation>
    </message>
    <message>
        <source>缺少 sheets 列表</source>
        <translation>The sheets list is missing</translation>
    </message>
    <message>
        <source>缺少 {key}</source>
        <translation>{key} is missing</translation>
    </message>
    <message>
        <source>第 {index} 张表</source>
        <translation>sheet {index}</translation>
    </message>
    <message>
        <source>{where}的 source 应为 {known} 之一</source>
        <translation>The source of {where} must be one of {known}</translation>
    </message>
    <message>
        <source>{where}（{0}）没有列</source>
        <translation>{where} ({0}) has no columns</translation>
    </message>
    <message>
        <source>{where}（{0}）第 {number} 列的 field 不是 {1} 的字段（可用：{2}）</source>
        <translation>In {where} ({0}), the field of column {number} is not a field of {1} (available: {2})</translation>
    </message>
    <message>
        <source>{where}第 {number} 列的 format 应为 {0} 之一</source>
        <translation>In {where}, the format of column {number} must be one of {0}</translation>
    </message>
    <message>
        <source>{where}第 {number} 列没有 header</source>
        <translation>In {where}, column {number} has no header</translation>
    </message>
    <message>
        <source>工作表名「{sheet_name}」不可用（1–31 个字，不含 []:*?/\）</source>
        <translation>Sheet name "{sheet_name}" cannot be used (1-31 characters, none of []:*?/\)</translation>
    </message>
    <message>
        <source>工作表名有重复</source>
        <translation>Sheet names are duplicated</translation>
    </message>
    <message>
        <source>无法写入 {0}：{1}</source>
        <translation>Cannot write {0}: {1}</translation>
    </message>
    <message>
        <source>（{0}）</source>
        <translation> ({0})</translation>
    </message>
    <message>
        <source>导出人：{0}　导出时间：{made}　{note}</source>
        <translation>Exported by: {0}   Exported at: {made}   {note}</translation>
    </message>
    <message>
        <source>达标</source>
        <translation>Met</translation>
    </message>
    <message>
        <source>未达标</source>
        <translation>Not met</translation>
    </message>
    <message>
        <source>{label}（续）</source>
        <translation>{label} (cont.)</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>第 {page} 页 共 {pages} 页</source>
        <translation>Page {page} of {pages}</translation>
    </message>
    <message>
        <source>维修单和有偿服务单的联数不同，请分开打印，或只打印其中一联</source>
        <translation>Repair slips and paid-service slips have different copies; please print them separately, or print only one copy</translation>
    </message>
    <message>
        <source>{number} 不是维修单或有偿服务单的单号</source>
        <translation>{number} is not the number of a repair slip or paid-service slip</translation>
    </message>
    <message>
        <source>没有单号为 {0} 的记录</source>
        <translation>No record has the number {0}</translation>
    </message>
    <message>
        <source>请选择工程维修单或有偿服务单</source>
        <translation>Please choose repair slips or paid-service slips</translation>
    </message>
    <message>
        <source>没有要打印的单据</source>
        <translation>There are no slips to print</translation>
    </message>
    <message>
        <source>一次最多打印 {MAX_SLIPS} 张单据，请缩小范围</source>
        <translation>At most {MAX_SLIPS} slips can be printed at once; please narrow the selection</translation>
    </message>
    <message>
        <source>{layout}，批量打印 {0} 张共 {pages} 页，{1}</source>
        <translation>{layout}, batch print of {0} slip(s), {pages} page(s), {1}</translation>
    </message>
    <message>
        <source>维修单没有“{copy}”，可选：{0}</source>
        <translation>Repair slips have no "{copy}"; choose from: {0}</translation>
    </message>
    <message>
        <source>工程维修单没有财务联，请只选有偿服务单</source>
        <translation>Repair slips have no finance copy; please choose paid-service slips only</translation>
    </message>
    <message>
        <source>无法写入 {out}：{0}</source>
        <translation>Cannot write {out}: {0}</translation>
    </message>
    <message>
        <source>登记部门联系住户</source>
        <translation>Record Department Contact</translation>
    </message>
    <message>
        <source>登记补救措施/答复</source>
        <translation>Record Remedy/Answer</translation>
    </message>
    <message>
        <source>登记记录</source>
        <translation>register entry</translation>
    </message>
    <message>
        <source>没有这个事由类别</source>
        <translation>No such category</translation>
    </message>
    <message>
        <source>请选择部门</source>
        <translation>Please choose a department</translation>
    </message>
    <message>
        <source>登记时间</source>
        <translation>Recorded at</translation>
    </message>
    <message>
        <source>请选择方式：来访、来电或书面</source>
        <translation>Please choose a method: visit, call or letter</translation>
    </message>
    <message>
        <source>请选择事由类别</source>
        <translation>Please choose a category</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>只有投诉才需要{what}</source>
        <translation>Only complaints have this step: {what}</translation>
    </message>
    <message>
        <source>请先将投诉转达被投诉部门</source>
        <translation>Please relay the complaint to the complained-about department first</translation>
    </message>
    <message>
        <source>当前状态为「{0}」，不能{what}</source>
        <translation>The status is "{0}"; cannot {what}</translation>
    </message>
    <message>
        <source>请填写负责人姓名</source>
        <translation>Please enter the name of the person in charge</translation>
    </message>
    <message>
        <source>部门联系住户时间</source>
        <translation>Department contacted resident at</translation>
    </message>
    <message>
        <source>登记部门联系住户时间</source>
        <translation>record when the department contacted the resident</translation>
    </message>
    <message>
        <source>部门联系住户时间不能早于投诉时间</source>
        <translation>The department's contact with the resident cannot be earlier than the complaint</translation>
    </message>
    <message>
        <source>补救措施</source>
        <translation>Remedy</translation>
    </message>
    <message>
        <source>请选择能否解决</source>
        <translation>Please choose whether it can be solved</translation>
    </message>
    <message>
        <source>登记补救措施和答复</source>
        <translation>record the remedy and answer</translation>
    </message>
    <message>
        <source>处理结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>满意度应为：满意、基本满意或不满意</source>
        <translation>Satisfaction must be: satisfied, fairly satisfied or dissatisfied</translation>
    </message>
    <message>
        <source>投诉须先转达被投诉部门，才能登记处理结果</source>
        <translation>A complaint must first be relayed to the complained-about department before its result can be recorded</translation>
    </message>
    <message>
        <source>作废原因</source>
        <translation>Reason for voiding</translation>
    </message>
    <message>
        <source>命令行</source>
        <translation>Command line</translation>
    </message>
    <message>
        <source>{0}（系统）</source>
        <translation>{0} (system)</translation>
    </message>
    <message>
        <source>登记来访/来电</source>
        <translation>Visits/calls recorded</translation>
    </message>
    <message>
        <source>登记求助</source>
        <translation>Help requests recorded</translation>
    </message>
    <message>
        <source>开维修单</source>
        <translation>Repair slips opened</translation>
    </message>
    <message>
        <source>归档登记</source>
        <translation>Register entries archived</translation>
    </message>
    <message>
        <source>归档维修单</source>
        <translation>Repair slips archived</translation>
    </message>
    <message>
        <source>上门未遇</source>
        <translation>Nobody home on visit</translation>
    </message>
    <message>
        <source>新增住户档案</source>
        <translation>Resident files added</translation>
    </message>
    <message>
        <source>修改住户档案</source>
        <translation>Resident files edited</translation>
    </message>
    <message>
        <source>打印单据</source>
        <translation>Slips printed</translation>
    </message>
    <message>
        <source>{number}（{0}）</source>
        <translation>{number} ({0})</translation>
    </message>
    <message>
        <source>日工作呈报表须由员工本人登录填写</source>
        <translation>A daily report must be filled in by the staff member, logged in as themselves</translation>
    </message>
    <message>
        <source>不能填写未来日期的呈报表</source>
        <translation>A daily report cannot be filled in for a future date</translation>
    </message>
    <message>
        <source>已完成工作</source>
        <translation>Work done</translation>
    </message>
    <message>
        <source>未完成工作</source>
        <translation>Work not done</translation>
    </message>
    <message>
        <source>需协调事项</source>
        <translation>Matters needing coordination</translation>
    </message>
    <message>
        <source>呈报表已呈报，主管退回后才能修改</source>
        <translation>The daily report has been submitted; it can be changed only after the supervisor sends it back</translation>
    </message>
    <message>
        <source>请填写今天已完成的工作</source>
        <translation>Please enter the work done today</translation>
    </message>
    <message>
        <source>呈报表</source>
        <translation>daily report</translation>
    </message>
    <message>
        <source>只能填写和呈报自己的日工作呈报表</source>
        <translation>You can fill in and submit only your own daily report</translation>
    </message>
    <message>
        <source>审阅意见</source>
        <translation>Review comment</translation>
    </message>
    <message>
        <source>次日工作安排</source>
        <translation>Tasks for the next day</translation>
    </message>
    <message>
        <source>只有主管可以查看全部呈报表</source>
        <translation>Only a supervisor can view all daily reports</translation>
    </message>
    <message>
        <source>找不到这份日工作呈报表</source>
        <translation>This daily report cannot be found</translation>
    </message>
    <message>
        <source>只能查看自己的日工作呈报表，主管可以查看全部</source>
        <translation>You can view only your own daily reports; a supervisor can view all of them</translation>
    </message>
    <message>
        <source>抽查由物业部主管或管理处主任记录</source>
        <translation>Spot checks are recorded by the supervisor or the director</translation>
    </message>
    <message>
        <source>抽查内容</source>
        <translation>What was checked</translation>
    </message>
    <message>
        <source>发现问题</source>
        <translation>Problems found</translation>
    </message>
    <message>
        <source>找不到被抽查的员工</source>
        <translation>The staff member checked cannot be found</translation>
    </message>
    <message>
        <source>{what}；{0}</source>
        <translation>{what}; {0}</translation>
    </message>
    <message>
        <source>已纠正</source>
        <translation>Corrected</translation>
    </message>
    <message>
        <source>未纠正</source>
        <translation>not corrected</translation>
    </message>
    <message>
        <source>无问题</source>
        <translation>no problems</translation>
    </message>
    <message>
        <source>今日</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This Month</translation>
    </message>
    <message>
        <source>本半年</source>
        <translation>This Half-Year</translation>
    </message>
    <message>
        <source>请选择今日、本月或本半年</source>
        <translation>Please choose today, this month or this half-year</translation>
    </message>
    <message>
        <source>{share:.0%}（{done}/{total}）</source>
        <translation>{share:.0%} ({done}/{total})</translation>
    </message>
    <message>
        <source>未结投诉</source>
        <translation>Open complaints</translation>
    </message>
    <message>
        <source>超时投诉</source>
        <translation>Overdue complaints</translation>
    </message>
    <message>
        <source>投诉24小时内回访率</source>
        <translation>Complaints revisited within 24 h</translation>
    </message>
    <message>
        <source>5分钟内到场率</source>
        <translation>Arrived within 5 min</translation>
    </message>
    <message>
        <source>平均完工时间</source>
        <translation>Average completion time</translation>
    </message>
    <message>
        <source>{average:.1f} 小时</source>
        <translation>{average:.1f} h</translation>
    </message>
    <message>
        <source>有偿服务收入</source>
        <translation>Paid-service income</translation>
    </message>
    <message>
        <source>{0} 元</source>
        <translation>{0} yuan</translation>
    </message>
    <message>
        <source>维修满意率</source>
        <translation>Repair satisfaction rate</translation>
    </message>
    <message>
        <source>特别求助</source>
        <translation>Special help</translation>
    </message>
    <message>
        <source>特别求助平均到场时间</source>
        <translation>Special help: average arrival time</translation>
    </message>
    <message>
        <source>{average:.0f} 分钟</source>
        <translation>{average:.0f} min</translation>
    </message>
    <message>
        <source>主管工作台仅供物业部主管和管理处主任使用</source>
        <translation>The supervisor desk is for the supervisor and the director only</translation>
    </message>
    <message>
        <source>演示物业管理处</source>
        <translation>Demo Property Management Office</translation>
    </message>
    <message>
        <source>锦绣花园</source>
        <translation>Jinxiu Garden</translation>
    </message>
    <message>
        <source>近十二个月</source>
        <translation>the last twelve months</translation>
    </message>
    <message>
        <source>近 {0} 年</source>
        <translation>the last {0} years</translation>
    </message>
    <message>
        <source>已生成演示小区「{0}」：{1} 栋楼 {2} 户（入住 {3} 户），住户档案 {4} 人（含已迁出 {5} 人），员工 {6} 人；{span}的来访来电登记 {7} 条（投诉 {8} 条）、维修单 {9} 张（有偿服务 {10} 张）、回访记录 {11} 条、求助 {12} 条、日工作呈报表 {13} 份、抽查 {14} 次。</source>
        <translation>Demo estate "{0}" created: {1} buildings, {2} units ({3} occupied), {4} people in the resident files (including {5} moved out), {6} staff; over {span}: {7} visit and call entries ({8} complaints), {9} repair slips ({10} paid service), {11} return visit records, {12} help requests, {13} daily reports, {14} spot checks.</translation>
    </message>
    <message>
        <source>户数应在 1 到 {MAX_HOUSEHOLDS} 之间</source>
        <translation>The number of households must be between 1 and {MAX_HOUSEHOLDS}</translation>
    </message>
    <message>
        <source>年数应在 1 到 {MAX_YEARS} 之间</source>
        <translation>The number of years must be between 1 and {MAX_YEARS}</translation>
    </message>
    <message>
        <source>记录量倍数应大于 0、不超过 {MAX_VOLUME:g}</source>
        <translation>The volume factor must be greater than 0 and at most {MAX_VOLUME:g}</translation>
    </message>
    <message>
        <source>办公文件中已有房号，演示数据只能填入新建的空办公文件</source>
        <translation>The office file already has units; demo data can only be put into a new, empty office file</translation>
    </message>
    <message>
        <source>员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>楼栋房号</source>
        <translation>Buildings and units</translation>
    </message>
    <message>
        <source>住户档案</source>
        <translation>Resident Files</translation>
    </message>
    <message>
        <source>高层住宅，{entrances} 个单元</source>
        <translation>High-rise, {entrances} entrance(s)</translation>
    </message>
    <message>
        <source>多层住宅</source>
        <translation>Low-rise</translation>
    </message>
    <message>
        <source>已向住户道歉并说明处理办法</source>
        <translation>Apologised to the resident and explained how it will be handled</translation>
    </message>
    <message>
        <source>住户已搬离或重复安排，取消回访</source>
        <translation>Resident has moved away or the visit was a duplicate; return visit cancelled</translation>
    </message>
    <message>
        <source>人工费</source>
        <translation>Labour</translation>
    </message>
    <message>
        <source>求助人来电撤回，作废</source>
        <translation>Requester called to withdraw; voided</translation>
    </message>
    <message>
        <source>已按规定说明，住户表示清楚</source>
        <translation>Explained as the rules require; the resident understood</translation>
    </message>
    <message>
        <source>书面答复：</source>
        <translation>Written answer: </translation>
    </message>
    <message>
        <source>口头答复：</source>
        <translation>Verbal answer: </translation>
    </message>
    <message>
        <source>已转登记/派单处理完毕</source>
        <translation>Passed on to the register/dispatched; handled</translation>
    </message>
    <message>
        <source>通知{0}赶到现场</source>
        <translation>Told {0} to go to the scene</translation>
    </message>
    <message>
        <source>来访来电与投诉</source>
        <translation>Visits, Calls and Complaints</translation>
    </message>
    <message>
        <source>编号入库</source>
        <translation>Numbering and Saving</translation>
    </message>
    <message>
        <source>登记来访来电 {} 条</source>
        <translation>Visits and calls recorded: {}</translation>
    </message>
    <message>
        <source>开维修单 {} 张</source>
        <translation>Repair slips opened: {}</translation>
    </message>
    <message>
        <source>回访 {} 户</source>
        <translation>Households visited: {}</translation>
    </message>
    <message>
        <source>接报求助 {} 条</source>
        <translation>Help requests received: {}</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>整理住户档案</source>
        <translation>Tidied the resident files</translation>
    </message>
    <message>
        <source>巡查所管楼栋</source>
        <translation>Patrolled my buildings</translation>
    </message>
    <message>
        <source>{done}；{chores}</source>
        <translation>{done}; {chores}</translation>
    </message>
    <message>
        <source>请补充未完成事项的原因</source>
        <translation>Please add the reasons for the work not done</translation>
    </message>
    <message>
        <source>{label}格式不正确</source>
        <translation>{label} is not in the right format</translation>
    </message>
    <message>
        <source>{label}缺少时区，请重新选择时间</source>
        <translation>{label} has no time zone; please choose the time again</translation>
    </message>
    <message>
        <source>{label}不能晚于现在</source>
        <translation>{label} cannot be later than now</translation>
    </message>
    <message>
        <source>{label}最多 {CONTENT_LIMIT} 个字（现在是 {0} 个）</source>
        <translation>{label} can have at most {CONTENT_LIMIT} characters (now {0})</translation>
    </message>
    <message>
        <source>所选住户不属于该房号</source>
        <translation>The chosen resident does not belong to this unit</translation>
    </message>
    <message>
        <source>所选住户已不在档案中，请重新选择或直接填写姓名</source>
        <translation>The chosen resident is no longer in the files; please choose again or type the name</translation>
    </message>
    <message>
        <source>办公文件中没有在职的管理处主任，无法以系统身份登记</source>
        <translation>The office file has no director in post; cannot record as the system</translation>
    </message>
    <message>
        <source>找不到房号 {code}</source>
        <translation>Unit {code} not found</translation>
    </message>
    <message>
        <source>（{0}）{1}</source>
        <translation>({0}) {1}</translation>
    </message>
    <message>
        <source>维修单须有联系电话，请先补录求助人电话</source>
        <translation>A repair slip needs a contact phone; please first add the requester's phone</translation>
    </message>
    <message>
        <source>由求助 {0} 转来</source>
        <translation>From help request {0}</translation>
    </message>
    <message>
        <source>转为来访/来电登记</source>
        <translation>Convert to Visit/Call Entry</translation>
    </message>
    <message>
        <source>转为维修单</source>
        <translation>Convert to Repair Slip</translation>
    </message>
    <message>
        <source>转为咨询</source>
        <translation>Convert to Enquiry</translation>
    </message>
    <message>
        <source>请填写通知的人员姓名</source>
        <translation>Please enter the name of the person notified</translation>
    </message>
    <message>
        <source>请填写现场确认的情况</source>
        <translation>Please enter what was confirmed on site</translation>
    </message>
    <message>
        <source>求助时间</source>
        <translation>Requested at</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>地点最多 100 个字</source>
        <translation>The place can have at most 100 characters</translation>
    </message>
    <message>
        <source>请填写楼层/房号，或写明求助地点</source>
        <translation>Please enter the floor/unit, or state where help is needed</translation>
    </message>
    <message>
        <source>请选择求助类型</source>
        <translation>Please choose a help type</translation>
    </message>
    <message>
        <source>求助内容</source>
        <translation>Request details</translation>
    </message>
    <message>
        <source>求助记录</source>
        <translation>help request</translation>
    </message>
    <message>
        <source>没有「{step}」这个处理步骤</source>
        <translation>There is no step "{step}"</translation>
    </message>
    <message>
        <source>「{0}」已于 {1} 记录</source>
        <translation>"{0}" was already recorded at {1}</translation>
    </message>
    <message>
        <source>「{label}」属于一般求助，没有特别求助的处理步骤</source>
        <translation>"{label}" is a general help request and has no special-help steps</translation>
    </message>
    <message>
        <source>您的岗位不能记录「{0}」</source>
        <translation>Your role cannot record "{0}"</translation>
    </message>
    <message>
        <source>当前状态为「{0}」，不能再记录步骤</source>
        <translation>The status is "{0}"; no more steps can be recorded</translation>
    </message>
    <message>
        <source>请先记录人员到场，再记录「{0}」</source>
        <translation>Please first record that staff arrived, then record "{0}"</translation>
    </message>
    <message>
        <source>已转为 {0}</source>
        <translation>Converted to {0}</translation>
    </message>
    <message>
        <source>答复内容</source>
        <translation>Answer</translation>
    </message>
    <message>
        <source>书面咨询须填写书面答复内容</source>
        <translation>A written enquiry needs the text of the written answer</translation>
    </message>
    <message>
        <source>口头</source>
        <translation>Verbal</translation>
    </message>
    <message>
        <source>只能转为来访/来电登记、维修单或咨询</source>
        <translation>Can only be converted to a visit/call entry, a repair slip or an enquiry</translation>
    </message>
    <message>
        <source>请选择被投诉部门</source>
        <translation>Please choose the complained-about department</translation>
    </message>
    <message>
        <source>（涉及保密，仅管理处人员可见）</source>
        <translation>(Confidential: visible to office staff only)</translation>
    </message>
    <message>
        <source>一般求助</source>
        <translation>General help</translation>
    </message>
    <message>
        <source>月份格式应为 YYYY-MM，例如 2026-03（收到「{month}」）</source>
        <translation>The month must be in the form YYYY-MM, e.g. 2026-03 (got "{month}")</translation>
    </message>
    <message>
        <source>公共设施:{facility}</source>
        <translation>Facility: {facility}</translation>
    </message>
    <message>
        <source>未知的记录类型「{kind}」，可选：{0}</source>
        <translation>Unknown record type "{kind}"; choose from: {0}</translation>
    </message>
    <message>
        <source>住户列表不按月份筛选，请去掉 --month</source>
        <translation>The resident list is not filtered by month; please remove --month</translation>
    </message>
    <message>
        <source>「{0}」不是单号，单号形如 WX-2026-000123</source>
        <translation>"{0}" is not a slip number; slip numbers look like WX-2026-000123</translation>
    </message>
    <message>
        <source>没有单号为 {number} 的记录</source>
        <translation>No record has the number {number}</translation>
    </message>
    <message>
        <source>只能把本机的办公文件迁移到服务器；当前打开的已经是服务器上的办公数据库</source>
        <translation>Only an office file on this PC can be moved to a server; the one open now is already an office database on a server</translation>
    </message>
    <message>
        <source>办公文件的结构版本不是最新的，请先用本程序打开一次再迁移</source>
        <translation>The office file's schema version is not the latest; please open it once with this program, then migrate</translation>
    </message>
    <message>
        <source>办公文件的审计日志有问题（{0}），不能迁移；请先运行 wuyedesk check</source>
        <translation>The office file's audit log has a problem ({0}) and cannot be migrated; please run wuyedesk check first</translation>
    </message>
    <message>
        <source>核对</source>
        <translation>Checking</translation>
    </message>
    <message>
        <source>您的岗位（{role}）不能把办公文件迁移到服务器，请由管理处主任操作</source>
        <translation>Your role ({role}) cannot move the office file to a server; please ask the director to do it</translation>
    </message>
    <message>
        <source>数据库 {0} 不是空的（已有 {1} 张表），不会迁移到其中；请由管理员新建一个空数据库</source>
        <translation>Database {0} is not empty (it has {1} tables); nothing will be migrated into it; please ask the administrator to create a new, empty database</translation>
    </message>
    <message>
        <source>无法读取密钥文件 {0}，不能迁移</source>
        <translation>Cannot read the key file {0}; cannot migrate</translation>
    </message>
    <message>
        <source>密钥文件与办公文件不属于同一个办公室，不能迁移</source>
        <translation>The key file and the office file do not belong to the same office; cannot migrate</translation>
    </message>
    <message>
        <source>复制 {0}</source>
        <translation>Copying {0}</translation>
    </message>
    <message>
        <source>住户索引</source>
        <translation>Resident index</translation>
    </message>
    <message>
        <source>服务器拒绝了表 {0} 中的数据（{first}）；已撤销，目标数据库仍是空的，办公文件未被改动</source>
        <translation>The server refused the data in table {0} ({first}); undone: the target database is still empty and the office file is unchanged</translation>
    </message>
    <message>
        <source>{0}；且未能清空目标数据库 {1}，请由管理员删除并重新创建该数据库后再迁移</source>
        <translation>{0}; also, the target database {1} could not be emptied; please ask the administrator to delete and re-create that database, then migrate again</translation>
    </message>
    <message>
        <source>{0}；已清空目标数据库，办公文件未被改动</source>
        <translation>{0}; the target database has been emptied and the office file is unchanged</translation>
    </message>
    <message>
        <source>迁移后核对不一致：办公室标识不同</source>
        <translation>Check after migration failed: the office IDs differ</translation>
    </message>
    <message>
        <source>迁移后核对不一致：服务器上的密钥与密钥文件不同</source>
        <translation>Check after migration failed: the key on the server differs from the key file</translation>
    </message>
    <message>
        <source>核对 {0}</source>
        <translation>Checking {0}</translation>
    </message>
    <message>
        <source>迁移后核对不一致：表 {0} 在办公文件中有 {1} 行，服务器上有 {2} 行</source>
        <translation>Check after migration failed: table {0} has {1} rows in the office file and {2} rows on the server</translation>
    </message>
    <message>
        <source>迁移后核对不一致：表 {0} 的内容与办公文件不同</source>
        <translation>Check after migration failed: the contents of table {0} differ from the office file</translation>
    </message>
    <message>
        <source>迁移后核对不一致：服务器上的审计日志{0}</source>
        <translation>Check after migration failed: audit log on the server: {0}</translation>
    </message>
    <message>
        <source>迁移后的核对未能完成</source>
        <translation>The check after migration could not be completed</translation>
    </message>
    <message>
        <source>从办公文件 {0} 迁移 {rows} 行，逐表核对一致</source>
        <translation>Migrated {rows} rows from office file {0}; every table checked and matching</translation>
    </message>
    <message>
        <source>平均完工时间（小时）</source>
        <translation>Average completion time (hours)</translation>
    </message>
    <message>
        <source>有偿服务收入（元）</source>
        <translation>Paid-service income (yuan)</translation>
    </message>
    <message>
        <source>特别求助平均到场时间（分钟）</source>
        <translation>Special help: average arrival time (minutes)</translation>
    </message>
    <message>
        <source>已取消导出，没有保存文件</source>
        <translation>Export cancelled; no file was saved</translation>
    </message>
    <message>
        <source>月度报表-{month}.xlsx</source>
        <translation>Monthly-Report-{month}.xlsx</translation>
    </message>
    <message>
        <source>{0} 年 {1} 月还没有开始，不能导出</source>
        <translation>{1}/{0} has not started yet; cannot export</translation>
    </message>
    <message>
        <source>月度报表请保存为 .xlsx 文件</source>
        <translation>Please save the monthly report as an .xlsx file</translation>
    </message>
    <message>
        <source>读取本月记录</source>
        <translation>Reading this month's records</translation>
    </message>
    <message>
        <source>读取上月数字</source>
        <translation>Reading last month's figures</translation>
    </message>
    <message>
        <source>本半年例行回访 {0}/{1} 户，{2:.1%}，{3}</source>
        <translation>Routine return visits this half-year: {0}/{1} households, {2:.1%}, {3}</translation>
    </message>
    <message>
        <source>读取{0}</source>
        <translation>Reading {0}</translation>
    </message>
    <message>
        <source>{0}年{1}月</source>
        <translation>{1}/{0}</translation>
    </message>
    <message>
        <source>{0}年{1}半年</source>
        <translation>{0}, {1} half</translation>
    </message>
    <message>
        <source>上</source>
        <translation>first</translation>
    </message>
    <message>
        <source>下</source>
        <translation>second</translation>
    </message>
    <message>
        <source>写入工作簿</source>
        <translation>Writing workbook</translation>
    </message>
    <message>
        <source>保存文件</source>
        <translation>Saving file</translation>
    </message>
    <message>
        <source>月度报表 {month}；{0}；</source>
        <translation>Monthly report {month}; {0}; </translation>
    </message>
    <message>
        <source>完整</source>
        <translation>full</translation>
    </message>
    <message>
        <source>遮挡</source>
        <translation>masked</translation>
    </message>
    <message>
        <source>（保密求助，内容未导出）</source>
        <translation>(Confidential help request; content not exported)</translation>
    </message>
    <message>
        <source>有偿</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>免费</source>
        <translation>Free</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>待更新</source>
        <translation>Needs update</translation>
    </message>
    <message>
        <source>程序</source>
        <translation>Program</translation>
    </message>
    <message>
        <source>每日自动备份</source>
        <translation>Daily automatic backup</translation>
    </message>
    <message>
        <source>没有权限读取办公文件 {path}；文件未被改动</source>
        <translation>No permission to read office file {path}; the file is unchanged</translation>
    </message>
    <message>
        <source>办公文件所在的文件夹 {0} 是只读的（或没有写入权限），无法打开；文件未被改动，请把办公文件和密钥文件复制到可写的文件夹</source>
        <translation>The folder of the office file, {0}, is read-only (or not writable), so it cannot be opened; the file is unchanged. Please copy the office file and the key file to a writable folder</translation>
    </message>
    <message>
        <source>原文件保存为 {0}</source>
        <translation>Original file saved as {0}</translation>
    </message>
    <message>
        <source>完整性检查未通过：{integrity}</source>
        <translation>Integrity check failed: {integrity}</translation>
    </message>
    <message>
        <source>有 {0} 条记录引用了不存在的记录</source>
        <translation>{0} record(s) refer to records that do not exist</translation>
    </message>
    <message>
        <source>审计日志被改动：{0}</source>
        <translation>The audit log has been altered: {0}</translation>
    </message>
    <message>
        <source>办公室信息缺失</source>
        <translation>Office information is missing</translation>
    </message>
    <message>
        <source>结构版本 {revision} 不是最新的 {head}</source>
        <translation>Schema version {revision} is not the latest ({head})</translation>
    </message>
    <message>
        <source>今天的自动备份没有完成：{0}；办公文件可以照常使用，请检查备份文件夹 {folder}</source>
        <translation>Today's automatic backup did not complete: {0}; the office file can be used as usual; please check the backup folder {folder}</translation>
    </message>
    <message>
        <source>今天的自动备份已保存到 {target}，但未能记入审计日志：{0}</source>
        <translation>Today's automatic backup was saved to {target}, but could not be written to the audit log: {0}</translation>
    </message>
    <message>
        <source>超过 {0} 分钟未转达（应于 {1} 前）</source>
        <translation>Not relayed within {0} min (due by {1})</translation>
    </message>
    <message>
        <source>被投诉部门超过 {0} 小时未联系住户（应于 {1} 前）</source>
        <translation>Complained-about department has not contacted the resident within {0} h (due by {1})</translation>
    </message>
    <message>
        <source>投诉超过 {0} 小时未回访（应于 {1} 前）</source>
        <translation>Complaint not revisited within {0} h (due by {1})</translation>
    </message>
    <message>
        <source>特别求助超过 {0} 分钟未通知最近人员（应于 {1} 前）</source>
        <translation>Special help: nearest staff not notified within {0} min (due by {1})</translation>
    </message>
    <message>
        <source>书面咨询已过答复期限（应于 {0} 前书面答复）</source>
        <translation>Written enquiry past its answer deadline (written answer due by {0})</translation>
    </message>
    <message>
        <source>查看住户档案</source>
        <translation>View resident files</translation>
    </message>
    <message>
        <source>查看完整电话和证件号码</source>
        <translation>View full phone and ID numbers</translation>
    </message>
    <message>
        <source>导出未遮挡的住户资料</source>
        <translation>Export unmasked resident data</translation>
    </message>
    <message>
        <source>修改楼栋和房号</source>
        <translation>Edit buildings and units</translation>
    </message>
    <message>
        <source>管理员工账号</source>
        <translation>Manage staff accounts</translation>
    </message>
    <message>
        <source>备份办公文件</source>
        <translation>Back up the office file</translation>
    </message>
    <message>
        <source>恢复备份</source>
        <translation>Restore a backup</translation>
    </message>
    <message>
        <source>生成演示数据</source>
        <translation>Create demo data</translation>
    </message>
    <message>
        <source>查看登记记录</source>
        <translation>View records</translation>
    </message>
    <message>
        <source>核验审计日志</source>
        <translation>Verify the audit log</translation>
    </message>
    <message>
        <source>查看来访/来电登记</source>
        <translation>View visits and calls</translation>
    </message>
    <message>
        <source>登记和转达来访/来电</source>
        <translation>Record and relay visits and calls</translation>
    </message>
    <message>
        <source>处理来访/来电和投诉</source>
        <translation>Handle visits, calls and complaints</translation>
    </message>
    <message>
        <source>查看求助登记</source>
        <translation>View help requests</translation>
    </message>
    <message>
        <source>处理求助</source>
        <translation>Handle help requests</translation>
    </message>
    <message>
        <source>查看维修单</source>
        <translation>View repair slips</translation>
    </message>
    <message>
        <source>处理维修单</source>
        <translation>Work on repair slips</translation>
    </message>
    <message>
        <source>每日核对维修单</source>
        <translation>Reconcile repair slips daily</translation>
    </message>
    <message>
        <source>查看维修单上的完整电话</source>
        <translation>View full phones on repair slips</translation>
    </message>
    <message>
        <source>打印维修单</source>
        <translation>Print repair slips</translation>
    </message>
    <message>
        <source>导出月度报表</source>
        <translation>Export Monthly Report</translation>
    </message>
    <message>
        <source>查看回访记录</source>
        <translation>View return visits</translation>
    </message>
    <message>
        <source>登记回访</source>
        <translation>Record return visits</translation>
    </message>
    <message>
        <source>安排回访</source>
        <translation>Plan Return Visit</translation>
    </message>
    <message>
        <source>您的岗位（{role}）不能{0}</source>
        <translation>Your role ({role}) does not allow this: {0}</translation>
    </message>
    <message>
        <source>本小区没有房号 {code}，请核对或先在楼栋中添加</source>
        <translation>This estate has no unit {code}; please check it, or add it to the building first</translation>
    </message>
    <message>
        <source>楼层数应在 1 到 120 之间</source>
        <translation>The number of floors must be between 1 and 120</translation>
    </message>
    <message>
        <source>每层户数应在 1 到 20 之间</source>
        <translation>Units per floor must be between 1 and 20</translation>
    </message>
    <message>
        <source>单元数应在 0 到 20 之间（0 表示不分单元）</source>
        <translation>The number of entrances must be between 0 and 20 (0 means no entrances)</translation>
    </message>
    <message>
        <source>{created} 户</source>
        <translation>Units: {created}</translation>
    </message>
    <message>
        <source>{label}栋</source>
        <translation>Building {label}</translation>
    </message>
    <message>
        <source>该类单据的打印格式将在后续版本提供</source>
        <translation>Printing for this kind of record will come in a later version</translation>
    </message>
    <message>
        <source>登记表 {0}</source>
        <translation>Register {0}</translation>
    </message>
    <message>
        <source>涉及保密的咨询，只有管理处人员可以打印书面答复</source>
        <translation>A confidential enquiry's written answer can only be printed by office staff</translation>
    </message>
    <message>
        <source>{number} 不是咨询，没有书面答复</source>
        <translation>{number} is not an enquiry and has no written answer</translation>
    </message>
    <message>
        <source>{number} 的咨询尚未答复，答复后才能打印书面答复</source>
        <translation>The enquiry {number} has not been answered yet; print the written answer after it is answered</translation>
    </message>
    <message>
        <source>　</source>
        <translation>  </translation>
    </message>
    <message>
        <source>地址：{0}</source>
        <translation>Address: {0}</translation>
    </message>
    <message>
        <source>电话：{0}</source>
        <translation>Tel: {0}</translation>
    </message>
    <message>
        <source>{number} 书面答复</source>
        <translation>{number} Written Answer</translation>
    </message>
    <message>
        <source>{0}年{1}月{2}日</source>
        <translation>{0}-{1}-{2}</translation>
    </message>
    <message>
        <source>{0} 至 {1}</source>
        <translation>{0} to {1}</translation>
    </message>
    <message>
        <source>被投诉部门：{0}</source>
        <translation>Dept. complained about: {0}</translation>
    </message>
    <message>
        <source>联系住户：{0}</source>
        <translation>Household contacted: {0}</translation>
    </message>
    <message>
        <source>补救措施：{0}</source>
        <translation>Remedy: {0}</translation>
    </message>
    <message>
        <source>能否解决：{0}</source>
        <translation>Solvable: {0}</translation>
    </message>
    <message>
        <source>答复：{0}</source>
        <translation>Answer: {0}</translation>
    </message>
    <message>
        <source>结果：{0}（{1}）</source>
        <translation>Result: {0} ({1})</translation>
    </message>
    <message>
        <source>应于 {0} 前</source>
        <translation>Due by {0}</translation>
    </message>
    <message>
        <source>【已作废：{0}】{content}</source>
        <translation>[Void: {0}] {content}</translation>
    </message>
    <message>
        <source>登记 {0}</source>
        <translation>Register {0}</translation>
    </message>
    <message>
        <source>维修单 {0}</source>
        <translation>Repair slip {0}</translation>
    </message>
    <message>
        <source>{layout}，{pages} 页，{0}</source>
        <translation>{layout}, {pages} page(s), {0}</translation>
    </message>
    <message>
        <source>{0}：{p}</source>
        <translation>{0}: {p}</translation>
    </message>
    <message>
        <source>{0}，但领用材料 {1} 元，须退回仓库</source>
        <translation>{0}, but materials worth {1} yuan were issued and must be returned to the warehouse</translation>
    </message>
    <message>
        <source>已领料，尚未完工验收（次日继续核对）</source>
        <translation>Materials issued, repair not yet completed and accepted (check again the next day)</translation>
    </message>
    <message>
        <source>领料 {0} 元与报价材料费 {1} 元相差 {2} 元</source>
        <translation>Materials issued {0} yuan differ from the quoted materials {1} yuan by {2} yuan</translation>
    </message>
    <message>
        <source>出库数</source>
        <translation>Qty out</translation>
    </message>
    <message>
        <source>{name}：仓库出库 {0}，维修单领料 {1}</source>
        <translation>{name}: warehouse issued {0}, repair slips drew {1}</translation>
    </message>
    <message>
        <source>每日核对须由工程部主管签字</source>
        <translation>The daily reconciliation must be signed by the engineering supervisor</translation>
    </message>
    <message>
        <source>每日核对须由仓管员一同签字</source>
        <translation>The daily reconciliation must also be signed by the storekeeper</translation>
    </message>
    <message>
        <source>不能核对未来的日期</source>
        <translation>You cannot reconcile a future date</translation>
    </message>
    <message>
        <source>核对说明</source>
        <translation>Reconciliation note</translation>
    </message>
    <message>
        <source>{day:%Y-%m-%d} 已核对签字；之后验收的维修单请在次日核对</source>
        <translation>{day:%Y-%m-%d} is already reconciled and signed; reconcile slips accepted after that on the next day</translation>
    </message>
    <message>
        <source>核对有差异，请填写差异说明</source>
        <translation>The reconciliation shows differences; please explain them in the note</translation>
    </message>
    <message>
        <source>{day:%Y-%m-%d} 没有待核对的维修单</source>
        <translation>No repair slips are waiting to be reconciled for {day:%Y-%m-%d}</translation>
    </message>
    <message>
        <source>{0} 张维修单，差异 {1} 项，仓管员 {2}</source>
        <translation>Slips: {0}, differences: {1}, storekeeper: {2}</translation>
    </message>
    <message>
        <source>每日核对须由工程部主管和仓管员本人签字</source>
        <translation>The daily reconciliation must be signed by the engineering supervisor and the storekeeper in person</translation>
    </message>
    <message>
        <source>该记录已被他人修改，请刷新后再操作；您的修改未保存</source>
        <translation>Someone else has changed this record; please refresh and try again. Your changes were not saved</translation>
    </message>
    <message>
        <source>找不到该{what}</source>
        <translation>This {what} cannot be found</translation>
    </message>
    <message>
        <source>人工</source>
        <translation>Labour</translation>
    </message>
    <message>
        <source>材料</source>
        <translation>Materials</translation>
    </message>
    <message>
        <source>请至少填写一行报价</source>
        <translation>Please fill in at least one quote line</translation>
    </message>
    <message>
        <source>请至少填写一项材料</source>
        <translation>Please fill in at least one material</translation>
    </message>
    <message>
        <source>最多 {MAX_LINES} 行</source>
        <translation>At most {MAX_LINES} lines</translation>
    </message>
    <message>
        <source>合计金额超出上限</source>
        <translation>The total exceeds the upper limit</translation>
    </message>
    <message>
        <source>请选择人工或材料</source>
        <translation>Please choose labour or materials</translation>
    </message>
    <message>
        <source>项目名称不能为空</source>
        <translation>Item name cannot be empty</translation>
    </message>
    <message>
        <source>材料名称不能为空</source>
        <translation>Material name cannot be empty</translation>
    </message>
    <message>
        <source>名称最多 {_ITEM_LIMIT} 个字</source>
        <translation>Name: at most {_ITEM_LIMIT} characters</translation>
    </message>
    <message>
        <source>规格最多 {_ITEM_LIMIT} 个字</source>
        <translation>Spec: at most {_ITEM_LIMIT} characters</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <source>单价</source>
        <translation>Unit Price</translation>
    </message>
    <message>
        <source>金额超出上限</source>
        <translation>The amount exceeds the upper limit</translation>
    </message>
    <message>
        <source>财务联</source>
        <translation>Finance copy</translation>
    </message>
    <message>
        <source>纸张应为 a5（A5 单张）或 continuous（241×140 毫米连续纸）</source>
        <translation>Paper must be a5 (single A5 sheet) or continuous (241 x 140 mm continuous paper)</translation>
    </message>
    <message>
        <source>【超时】</source>
        <translation>[Late]</translation>
    </message>
    <message>
        <source>（超出大写范围，请核对）</source>
        <translation>(too large to write in words, please check)</translation>
    </message>
    <message>
        <source>【{what}】原因：{0}{when}</source>
        <translation>[{what}] Reason: {0}{when}</translation>
    </message>
    <message>
        <source>未注明</source>
        <translation>not given</translation>
    </message>
    <message>
        <source>【财务收讫】
{0}</source>
        <translation>[Paid - Finance]
{0}</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>开单超过 {0} 分钟无人接单（应于 {1} 前）</source>
        <translation>Not received {0} min after opening (due by {1})</translation>
    </message>
    <message>
        <source>派工超过 {0} 分钟仍未到场（应于 {1} 前）</source>
        <translation>Not on site {0} min after dispatch (due by {1})</translation>
    </message>
    <message>
        <source>已过预约上门时间 {0}</source>
        <translation>Past the appointment time {0}</translation>
    </message>
    <message>
        <source>验收后超过一天未做每日核对</source>
        <translation>Not reconciled more than a day after acceptance</translation>
    </message>
    <message>
        <source>公共部位：{0}</source>
        <translation>Common area: {0}</translation>
    </message>
    <message>
        <source>只能查看派给您或由您接单的维修单上的完整电话</source>
        <translation>You can see the full phone number only on repair slips dispatched to you or received by you</translation>
    </message>
    <message>
        <source>未完结</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>我的工单</source>
        <translation>My Slips</translation>
    </message>
    <message>
        <source>超时未办</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>到场超时</source>
        <translation>Late Arrival</translation>
    </message>
    <message>
        <source>全部（按日期）</source>
        <translation>All (by Date)</translation>
    </message>
    <message>
        <source>没有这个维修单视图</source>
        <translation>There is no such repair slip view</translation>
    </message>
    <message>
        <source>报修时间</source>
        <translation>Reported at</translation>
    </message>
    <message>
        <source>请选择报修方式</source>
        <translation>Please choose how the repair was reported</translation>
    </message>
    <message>
        <source>公共部位</source>
        <translation>Common area</translation>
    </message>
    <message>
        <source>公共部位最多 {_FACILITY_LIMIT} 个字</source>
        <translation>Common area: at most {_FACILITY_LIMIT} characters</translation>
    </message>
    <message>
        <source>请填写房号，或写明公共部位</source>
        <translation>Please fill in the unit, or describe the common area</translation>
    </message>
    <message>
        <source>房号和公共部位只填一项</source>
        <translation>Fill in either the unit or the common area, not both</translation>
    </message>
    <message>
        <source>联系电话不能为空</source>
        <translation>Contact phone cannot be empty</translation>
    </message>
    <message>
        <source>请选择报修类别</source>
        <translation>Please choose the repair type</translation>
    </message>
    <message>
        <source>报修内容</source>
        <translation>Repair details</translation>
    </message>
    <message>
        <source>预约上门时间格式不正确</source>
        <translation>The appointment time is not in a valid format</translation>
    </message>
    <message>
        <source>预约上门时间不能早于报修时间</source>
        <translation>The appointment time cannot be earlier than the report time</translation>
    </message>
    <message>
        <source>{0}时间</source>
        <translation>{0} time</translation>
    </message>
    <message>
        <source>{0}时间不能早于上一步的时间</source>
        <translation>{0} time cannot be earlier than the time of the previous step</translation>
    </message>
    <message>
        <source>报价合计不能为零</source>
        <translation>The quote total cannot be zero</translation>
    </message>
    <message>
        <source>人工费 {0} 材料费 {1}</source>
        <translation>Labour {0}, materials {1}</translation>
    </message>
    <message>
        <source>{0} 确认报价 {1} 元</source>
        <translation>{0} approved the quote of {1} yuan</translation>
    </message>
    <message>
        <source>收据号不能为空</source>
        <translation>Receipt no. cannot be empty</translation>
    </message>
    <message>
        <source>收据号最多 30 个字符</source>
        <translation>Receipt no.: at most 30 characters</translation>
    </message>
    <message>
        <source>收款金额</source>
        <translation>Amount received</translation>
    </message>
    <message>
        <source>收款金额 {0} 元与报价合计 {1} 元不符</source>
        <translation>The amount received, {0} yuan, does not match the quote total of {1} yuan</translation>
    </message>
    <message>
        <source>收据号 {receipt} 已用于 {used}</source>
        <translation>Receipt no. {receipt} is already used on {used}</translation>
    </message>
    <message>
        <source>收据 {receipt} 收款 {0} 元</source>
        <translation>Receipt {receipt}: received {0} yuan</translation>
    </message>
    <message>
        <source>拒绝原因</source>
        <translation>Reason for refusal</translation>
    </message>
    <message>
        <source>退单原因</source>
        <translation>Reason for return</translation>
    </message>
    <message>
        <source>请选择维修人员</source>
        <translation>Please choose the engineer</translation>
    </message>
    <message>
        <source>{0}是{label}，不能派工维修</source>
        <translation>{0} is a {label} and cannot be dispatched to repairs</translation>
    </message>
    <message>
        <source>派给 {0}</source>
        <translation>Dispatched to {0}</translation>
    </message>
    <message>
        <source>{0} 项材料，{1} 元</source>
        <translation>Materials: {0} item(s), {1} yuan</translation>
    </message>
    <message>
        <source>派工后 {minutes} 分钟到场</source>
        <translation>On site {minutes} min after dispatch</translation>
    </message>
    <message>
        <source>（超时）</source>
        <translation> (late)</translation>
    </message>
    <message>
        <source>维修情况说明</source>
        <translation>Work done</translation>
    </message>
    <message>
        <source>请选择满意度</source>
        <translation>Please choose the satisfaction</translation>
    </message>
    <message>
        <source>住户意见</source>
        <translation>Resident's comments</translation>
    </message>
    <message>
        <source>住户不满意时请记录住户的意见</source>
        <translation>Please record the resident's comments when they are dissatisfied</translation>
    </message>
    <message>
        <source>验收时间不能早于完工时间</source>
        <translation>The acceptance time cannot be earlier than the completion time</translation>
    </message>
    <message>
        <source>{0} 验收，{1}</source>
        <translation>{0} accepted, {1}</translation>
    </message>
    <message>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>full={0}；{1} 栋，{count} 人</source>
        <translation>full={0}; buildings: {1}, people: {count}</translation>
    </message>
    <message>
        <source>身份证号被 Excel 存成了数字，末几位已丢失，请把该列设为文本后重新录入</source>
        <translation>Excel stored the ID number as a number and the last digits were lost; set the column to text and enter it again</translation>
    </message>
    <message>
        <source>迁出日期</source>
        <translation>Move-out date</translation>
    </message>
    <message>
        <source>第 {0} 行 ［{1}］ {2}</source>
        <translation>Row {0} [{1}] {2}</translation>
    </message>
    <message>
        <source>已导入 {0} 人；已存在 {1} 人（跳过）；有问题 {2} 行未导入；新建房号 {units} 个</source>
        <translation>Imported: {0} people; already present: {1} people (skipped); rows with problems, not imported: {2}; new units: {units}</translation>
    </message>
    <message>
        <source>共 {0} 行：可导入 {1} 行，已存在 {2} 行（跳过），有问题 {3} 行；将新建房号 {units} 个。本次未写入任何内容</source>
        <translation>Rows: {0} in all; can import: {1}; already present: {2} (skipped); with problems: {3}; new units to create: {units}. Nothing has been written yet</translation>
    </message>
    <message>
        <source>身份「{0}」无法识别，应为 业主、租户 或 家庭成员</source>
        <translation>Role "{0}" not recognized; it should be owner, tenant or family member</translation>
    </message>
    <message>
        <source>其他电话：{number}</source>
        <translation>Other phone: {number}</translation>
    </message>
    <message>
        <source>证件类型应为：{0}</source>
        <translation>ID type should be one of: {0}</translation>
    </message>
    <message>
        <source>同意对外提供应填 是 或 否</source>
        <translation>Consent to disclose should be yes or no</translation>
    </message>
    <message>
        <source>日期「{shown}」无法识别，应写成 2024-03-15 这样的日期</source>
        <translation>Date "{shown}" not recognized; write it like 2024-03-15</translation>
    </message>
    <message>
        <source>建筑面积「{0}」应为平方米数，例如 89.50</source>
        <translation>Floor area "{0}" should be in square metres, e.g. 89.50</translation>
    </message>
    <message>
        <source>没有找到房号列（房号、房间号、门牌号等），请在导入向导中指定</source>
        <translation>No unit column found (unit, room no., door no., etc.); please choose it in the import wizard</translation>
    </message>
    <message>
        <source>没有找到姓名列（姓名、业主姓名、住户姓名），请在导入向导中指定</source>
        <translation>No name column found (name, owner name, resident name); please choose it in the import wizard</translation>
    </message>
    <message>
        <source>与第 {first} 行重复（房号、姓名、电话相同），已跳过</source>
        <translation>Same as row {first} (same unit, name and phone); skipped</translation>
    </message>
    <message>
        <source>导入 {0} 人，已存在 {1} 人，问题 {2} 行，新建房号 {3} 个</source>
        <translation>Imported: {0} people, already present: {1}, problem rows: {2}, new units: {3}</translation>
    </message>
    <message>
        <source>居民身份证</source>
        <translation>Resident ID card</translation>
    </message>
    <message>
        <source>护照</source>
        <translation>Passport</translation>
    </message>
    <message>
        <source>港澳居民来往内地通行证</source>
        <translation>Mainland Travel Permit for Hong Kong and Macao Residents</translation>
    </message>
    <message>
        <source>台湾居民来往大陆通行证</source>
        <translation>Mainland Travel Permit for Taiwan Residents</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>日期格式应为 年-月-日，例如 2024-03-15</source>
        <translation>Dates should be written year-month-day, e.g. 2024-03-15</translation>
    </message>
    <message>
        <source>请选择身份：业主、租户或家庭成员</source>
        <translation>Please choose the role: owner, tenant or family member</translation>
    </message>
    <message>
        <source>手机和固定电话至少填写一项</source>
        <translation>Please fill in at least a mobile or a landline</translation>
    </message>
    <message>
        <source>迁出日期不能早于入住日期</source>
        <translation>The move-out date cannot be earlier than the move-in date</translation>
    </message>
    <message>
        <source>{label}应为：{0}</source>
        <translation>{label} should be one of: {0}</translation>
    </message>
    <message>
        <source>{label}最多 {limit} 个字</source>
        <translation>{label}: at most {limit} characters</translation>
    </message>
    <message>
        <source>住户</source>
        <translation>Resident</translation>
    </message>
    <message>
        <source>该住户已于 {0} 迁出</source>
        <translation>This resident moved out on {0}</translation>
    </message>
    <message>
        <source>应为 {low} 到 {high} 之间的整数</source>
        <translation>Should be a whole number from {low} to {high}</translation>
    </message>
    <message>
        <source>回访比例应在 0 到 100% 之间</source>
        <translation>The visit share should be between 0 and 100%</translation>
    </message>
    <message>
        <source>设置值不正确，请核对</source>
        <translation>The setting value is not valid; please check it</translation>
    </message>
    <message>
        <source>没有这个设置项</source>
        <translation>There is no such setting</translation>
    </message>
    <message>
        <source>请签名</source>
        <translation>Please sign</translation>
    </message>
    <message>
        <source>签名图像无效，请清除后重新签名</source>
        <translation>The signature image is not valid; please clear it and sign again</translation>
    </message>
    <message>
        <source>手动锁定</source>
        <translation>Locked by hand</translation>
    </message>
    <message>
        <source>手动关闭办公文件</source>
        <translation>Office file closed by hand</translation>
    </message>
    <message>
        <source>工作台（系统）</source>
        <translation>Desk (system)</translation>
    </message>
    <message>
        <source>PIN 应为 4 到 8 位数字</source>
        <translation>The PIN should be 4 to 8 digits</translation>
    </message>
    <message>
        <source>PIN 不能全部是相同的数字</source>
        <translation>The PIN cannot be all the same digit</translation>
    </message>
    <message>
        <source>没有「{department}」这个部门，可选：{choices}</source>
        <translation>There is no department called "{department}"; choose from: {choices}</translation>
    </message>
    <message>
        <source>没有「{role}」这个岗位</source>
        <translation>There is no role called "{role}"</translation>
    </message>
    <message>
        <source>已有名为「{name}」的员工，请加以区分，如「张伟（工程）」</source>
        <translation>There is already a staff member called "{name}"; please make the names differ, e.g. "Zhang Wei (Engineering)"</translation>
    </message>
    <message>
        <source>只有管理处主任可以办理主任的账号（新增、改岗、重设 PIN、离职）</source>
        <translation>Only a director may handle a director's account (add, change job, reset PIN, mark as left)</translation>
    </message>
    <message>
        <source>{0}（{1}）不能在此签名，须由{wanted}签名</source>
        <translation>{0} ({1}) cannot sign here; this must be signed by {wanted}</translation>
    </message>
    <message>
        <source>找不到该员工账号</source>
        <translation>Staff account not found</translation>
    </message>
    <message>
        <source>PIN 连续输错 {MAX_FAILED_PINS} 次，{0}的账号已锁定，请 {minutes} 分钟后再试</source>
        <translation>Wrong PIN {MAX_FAILED_PINS} times in a row; {0}'s account is locked, please try again in {minutes} min</translation>
    </message>
    <message>
        <source>PIN 不正确，还可再试 {left} 次</source>
        <translation>Wrong PIN; attempts left: {left}</translation>
    </message>
    <message>
        <source>PIN 不正确，{0}的账号已锁定 {LOCK_MINUTES} 分钟</source>
        <translation>Wrong PIN; {0}'s account is locked for {LOCK_MINUTES} min</translation>
    </message>
    <message>
        <source>在{0}的工作台上</source>
        <translation>At {0}'s desk</translation>
    </message>
    <message>
        <source>闲置 {0} 分钟自动锁定</source>
        <translation>Locked automatically after {0} idle minutes</translation>
    </message>
    <message>
        <source>闲置 {0} 分钟自动关闭办公文件</source>
        <translation>Office file closed automatically after {0} idle minutes</translation>
    </message>
    <message>
        <source>解除锁定</source>
        <translation>Unlocked</translation>
    </message>
    <message>
        <source>，{reason}</source>
        <translation>, {reason}</translation>
    </message>
    <message>
        <source>（{0}的工作台{why}）</source>
        <translation> ({0}'s desk{why})</translation>
    </message>
    <message>
        <source>复制{what}</source>
        <translation>Copied {what}</translation>
    </message>
    <message>
        <source>办公室须至少保留一位在职的管理处主任，请先新增或恢复另一位主任</source>
        <translation>The office must keep at least one director in post; please add or bring back another director first</translation>
    </message>
    <message>
        <source>部门：{0}</source>
        <translation>Department: {0}</translation>
    </message>
    <message>
        <source>电话已修改</source>
        <translation>phone changed</translation>
    </message>
    <message>
        <source>电话已删除</source>
        <translation>phone removed</translation>
    </message>
    <message>
        <source>没有任何修改</source>
        <translation>Nothing was changed</translation>
    </message>
    <message>
        <source>{0}：{1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>不能修改自己的岗位，请由另一位主管或主任修改</source>
        <translation>You cannot change your own role; please ask another supervisor or the director</translation>
    </message>
    <message>
        <source>岗位：{old} → {new}</source>
        <translation>Role: {old} → {new}</translation>
    </message>
    <message>
        <source>{0} 的 PIN 已重设</source>
        <translation>PIN of {0} reset</translation>
    </message>
    <message>
        <source>，并解除锁定</source>
        <translation> and account unlocked</translation>
    </message>
    <message>
        <source>{0} 已是{1}状态</source>
        <translation>{0} is already marked as: {1}</translation>
    </message>
    <message>
        <source>不能把自己设为离职，请由另一位主管或主任办理</source>
        <translation>You cannot mark yourself as left; please ask another supervisor or the director</translation>
    </message>
    <message>
        <source>{0}（{1}）恢复在职</source>
        <translation>{0} ({1}) back in post</translation>
    </message>
    <message>
        <source>{0}（{1}）离职</source>
        <translation>{0} ({1}) left</translation>
    </message>
    <message>
        <source>回访人最多 {_VISITORS_LIMIT} 个字</source>
        <translation>Visitors: at most {_VISITORS_LIMIT} characters</translation>
    </message>
    <message>
        <source>投诉回访须填写投诉的登记编号（DJ-）</source>
        <translation>A complaint return visit needs the complaint's register number (DJ-)</translation>
    </message>
    <message>
        <source>维修回访须填写维修单号（WX-/YC-）</source>
        <translation>A repair return visit needs the repair slip number (WX-/YC-)</translation>
    </message>
    <message>
        <source>日常回访不关联单号</source>
        <translation>A routine return visit is not linked to a number</translation>
    </message>
    <message>
        <source>投诉的登记编号（DJ-）</source>
        <translation>the complaint's register number (DJ-)</translation>
    </message>
    <message>
        <source>维修单号（WX-/YC-）</source>
        <translation>a repair slip number (WX-/YC-)</translation>
    </message>
    <message>
        <source>关联单号应为{what}</source>
        <translation>The linked number should be {what}</translation>
    </message>
    <message>
        <source>{number} 不是投诉</source>
        <translation>{number} is not a complaint</translation>
    </message>
    <message>
        <source>{number} 已作废</source>
        <translation>{number} has been voided</translation>
    </message>
    <message>
        <source>投诉 {number} 已有回访记录 {taken}，请在该记录上继续</source>
        <translation>Complaint {number} already has return visit {taken}; please continue on that record</translation>
    </message>
    <message>
        <source>维修单 {number} 尚未经住户验收，不能回访</source>
        <translation>Repair slip {number} has not yet been accepted by the household, so no return visit can be made</translation>
    </message>
    <message>
        <source>维修单 {number} 已有回访记录 {taken}，请在该记录上继续</source>
        <translation>Repair slip {number} already has return visit {taken}; please continue on that record</translation>
    </message>
    <message>
        <source>公共设施最多 {_FACILITY_LIMIT} 个字</source>
        <translation>Facility: at most {_FACILITY_LIMIT} characters</translation>
    </message>
    <message>
        <source>公共设施回访不填房号</source>
        <translation>A facility return visit has no unit</translation>
    </message>
    <message>
        <source>请写明回访的公共设施</source>
        <translation>Please state which facility is visited</translation>
    </message>
    <message>
        <source>只有公共设施回访才填写公共设施</source>
        <translation>Fill in a facility only for a facility return visit</translation>
    </message>
    <message>
        <source>房号与关联单据不符（应为 {0}）</source>
        <translation>The unit does not match the linked record (it should be {0})</translation>
    </message>
    <message>
        <source>公共部位的维修请安排公共设施回访</source>
        <translation>For a repair in a common area, please plan a facility return visit</translation>
    </message>
    <message>
        <source>请填写房号</source>
        <translation>Please fill in the unit</translation>
    </message>
    <message>
        <source>请选择回访类型</source>
        <translation>Please choose the return visit type</translation>
    </message>
    <message>
        <source>请选择回访日期</source>
        <translation>Please choose the return visit date</translation>
    </message>
    <message>
        <source>回访日期格式不正确</source>
        <translation>The return visit date is not in a valid format</translation>
    </message>
    <message>
        <source>回访日期不能早于{what}时间</source>
        <translation>The return visit date cannot be earlier than the {what} time</translation>
    </message>
    <message>
        <source>投诉须在 {0} 前回访（投诉后 {hours} 小时内）</source>
        <translation>The return visit for this complaint must be made by {0} (within {hours} hours of the complaint)</translation>
    </message>
    <message>
        <source>被投诉部门主管</source>
        <translation>Head of the dept. complained about</translation>
    </message>
    <message>
        <source>{0}主管</source>
        <translation>{0} head</translation>
    </message>
    <message>
        <source>投诉回访须由物业部主管会同{head}进行，请填写{head}的姓名</source>
        <translation>A complaint return visit is made by the property supervisor together with the {head}; please fill in the {head}'s name</translation>
    </message>
    <message>
        <source>请选择另约的回访时间</source>
        <translation>Please choose the new return visit time</translation>
    </message>
    <message>
        <source>另约的回访时间须晚于现在</source>
        <translation>The new return visit time must be later than now</translation>
    </message>
    <message>
        <source>全小区</source>
        <translation>Whole estate</translation>
    </message>
    <message>
        <source>请选择上半年或下半年</source>
        <translation>Please choose the first or the second half of the year</translation>
    </message>
    <message>
        <source>年份不正确</source>
        <translation>The year is not valid</translation>
    </message>
    <message>
        <source>{year} 年{0}半年尚未开始</source>
        <translation>The {0} half of {year} has not started yet</translation>
    </message>
    <message>
        <source>{0}栋</source>
        <translation>Bldg {0}</translation>
    </message>
    <message>
        <source>数量应在 1 到 500 之间</source>
        <translation>The number should be between 1 and 500</translation>
    </message>
    <message>
        <source>没有这栋楼</source>
        <translation>There is no such building</translation>
    </message>
    <message>
        <source>{minutes} 分钟</source>
        <translation>{minutes} min</translation>
    </message>
    <message>
        <source>{0} 小时</source>
        <translation>{0} h</translation>
    </message>
    <message>
        <source>{0} 天</source>
        <translation>{0} days</translation>
    </message>
    <message>
        <source>剩 {amount}</source>
        <translation>{amount} left</translation>
    </message>
    <message>
        <source>超时 {amount}</source>
        <translation>{amount} overdue</translation>
    </message>
    <message>
        <source>未安排回访</source>
        <translation>No return visit planned</translation>
    </message>
    <message>
        <source>及时性</source>
        <translation>Timeliness</translation>
    </message>
    <message>
        <source>态度</source>
        <translation>Attitude</translation>
    </message>
    <message>
        <source>效果</source>
        <translation>Effectiveness</translation>
    </message>
    <message>
        <source>{0} 回访单</source>
        <translation>{0} Door Note</translation>
    </message>
    <message>
        <source>管理处服务台</source>
        <translation>Office service desk</translation>
    </message>
    <message>
        <source>复访自 {0}</source>
        <translation>Follow-up of {0}</translation>
    </message>
    <message>
        <source>已安排复访 {0}</source>
        <translation>Follow-up planned: {0}</translation>
    </message>
    <message>
        <source>【已作废】原因：{0}</source>
        <translation>[Void] Reason: {0}</translation>
    </message>
    <message>
        <source>部门主管以上的管理人员</source>
        <translation>Managers at department-head level or above</translation>
    </message>
    <message>
        <source>物业部主管会同被投诉部门主管</source>
        <translation>The property supervisor with the head of the dept. complained about</translation>
    </message>
    <message>
        <source>物业助理（电话回访）</source>
        <translation>Property assistant (by phone)</translation>
    </message>
    <message>
        <source>{0}回访须由{1}进行，您的岗位（{2}）不能登记</source>
        <translation>{0} return visits must be made by {1}; your role ({2}) cannot record them</translation>
    </message>
    <message>
        <source>投诉超过 {hours} 小时才回访（应于 {0} 前，实际 {1}）</source>
        <translation>Complaint revisited after more than {hours} hours (due by {0}, made {1})</translation>
    </message>
    <message>
        <source>投诉超过 {hours} 小时未回访（应于 {0} 前）</source>
        <translation>Complaint not revisited within {hours} hours (due by {0})</translation>
    </message>
    <message>
        <source>已过回访日期（应于 {0} 前）</source>
        <translation>Past the return visit date (due by {0})</translation>
    </message>
    <message>
        <source>超过整改期限（应于 {deadline:%m-%d} 前整改完成）</source>
        <translation>Past the rectification deadline (to be fixed by {deadline:%m-%d})</translation>
    </message>
    <message>
        <source>公共设施：{0}</source>
        <translation>Facility: {0}</translation>
    </message>
    <message>
        <source>回访记录</source>
        <translation>Return Visit Record</translation>
    </message>
    <message>
        <source>没有这个回访类型</source>
        <translation>There is no such return visit type</translation>
    </message>
    <message>
        <source>请选择回访方式：交谈、现场查看、检查或电话</source>
        <translation>Please choose how the visit was made: conversation, on-site check, inspection or phone</translation>
    </message>
    <message>
        <source>住户意见及建议</source>
        <translation>Resident's comments and suggestions</translation>
    </message>
    <message>
        <source>住户不满意时须记录住户的意见</source>
        <translation>The resident's comments must be recorded when they are dissatisfied</translation>
    </message>
    <message>
        <source>回访时间</source>
        <translation>Visit time</translation>
    </message>
    <message>
        <source>回访时间不能早于{what}时间</source>
        <translation>The visit time cannot be earlier than the {what} time</translation>
    </message>
    <message>
        <source>住户不在家，已贴回访单；原定 {0}，另约 {1}</source>
        <translation>Nobody home, door note left; was due {0}, rescheduled to {1}</translation>
    </message>
    <message>
        <source>另约 {0}</source>
        <translation>Rescheduled to {0}</translation>
    </message>
    <message>
        <source>日常回访</source>
        <translation>routine return visit</translation>
    </message>
    <message>
        <source>服务回访</source>
        <translation>service return visit</translation>
    </message>
    <message>
        <source>维修服务回访</source>
        <translation>repair service return visit</translation>
    </message>
    <message>
        <source>公共设施回访</source>
        <translation>facility return visit</translation>
    </message>
    <message>
        <source>已作废的回访记录不能打印回访单</source>
        <translation>A voided return visit record cannot print a door note</translation>
    </message>
    <message>
        <source>公共设施回访没有住户，不需要回访单</source>
        <translation>A facility return visit has no household and needs no door note</translation>
    </message>
    <message>
        <source>请选择责任部门</source>
        <translation>Please choose the responsible department</translation>
    </message>
    <message>
        <source>请选择整改期限</source>
        <translation>Please choose the rectification deadline</translation>
    </message>
    <message>
        <source>整改期限不能早于今天</source>
        <translation>The rectification deadline cannot be earlier than today</translation>
    </message>
    <message>
        <source>{0} {deadline:%Y-%m-%d} 前整改：{text}</source>
        <translation>{0} to fix by {deadline:%Y-%m-%d}: {text}</translation>
    </message>
    <message>
        <source>整改情况</source>
        <translation>Rectification</translation>
    </message>
    <message>
        <source>复访 {0}</source>
        <translation>Follow-up of {0}</translation>
    </message>
    <message>
        <source>密码连续输错 {failures} 次，请 {seconds} 秒后再试</source>
        <translation>Wrong passphrase {failures} times in a row; please try again in {seconds} seconds</translation>
    </message>
    <message>
        <source>第 {0} 行缺失（已被删除）</source>
        <translation>Line {0} is missing (deleted)</translation>
    </message>
    <message>
        <source>第 {0} 行与前一行的链接不符</source>
        <translation>Line {0} does not link to the line before it</translation>
    </message>
    <message>
        <source>第 {0} 行内容已被改动</source>
        <translation>Line {0} has been changed</translation>
    </message>
    <message>
        <source>无法用本办公室的密钥解密（可能是其他办公室的备份，或文件开头已损坏）</source>
        <translation>Cannot decrypt with this office's key (it may be another office's backup, or the start of the file is damaged)</translation>
    </message>
    <message>
        <source>无法读取文件 {path}（没有权限或文件已被移走）</source>
        <translation>Cannot read the file {path} (no permission, or the file has been moved)</translation>
    </message>
    <message>
        <source>文件已损坏（部分内容无法解密，可能复制不完整或被改动过）</source>
        <translation>The file is damaged (part of it cannot be decrypted; it may be an incomplete copy or has been changed)</translation>
    </message>
    <message>
        <source>完整性检查未通过：</source>
        <translation>Integrity check failed: </translation>
    </message>
    <message>
        <source>备份文件不能与办公文件相同</source>
        <translation>The backup file cannot be the office file itself</translation>
    </message>
    <message>
        <source>备份校验失败：{problem}</source>
        <translation>Backup check failed: {problem}</translation>
    </message>
    <message>
        <source>无法写入备份 {target}：{0}</source>
        <translation>Cannot write the backup {target}: {0}</translation>
    </message>
    <message>
        <source>备份中没有办公室信息，不是 wuyedesk 办公文件的备份</source>
        <translation>The backup has no office information; it is not a backup of a wuyedesk office file</translation>
    </message>
    <message>
        <source>此备份属于另一个办公室</source>
        <translation>This backup belongs to another office</translation>
    </message>
    <message>
        <source>备份中没有结构版本，不是 wuyedesk 办公文件的备份</source>
        <translation>The backup has no schema version; it is not a backup of a wuyedesk office file</translation>
    </message>
    <message>
        <source>此备份由更新版本的 wuyedesk 创建（结构版本 {0}），请先升级本程序</source>
        <translation>This backup was made by a newer version of wuyedesk (schema version {0}); please upgrade this program first</translation>
    </message>
    <message>
        <source>备份的审计日志被改动：{0}</source>
        <translation>The backup's audit log has been changed: {0}</translation>
    </message>
    <message>
        <source>无法读取备份的内容，文件可能已损坏</source>
        <translation>Cannot read the backup's contents; the file may be damaged</translation>
    </message>
    <message>
        <source>此备份属于另一个办公室（备份旁的密钥文件属于别的办公室）</source>
        <translation>This backup belongs to another office (the key file beside the backup is another office's)</translation>
    </message>
    <message>
        <source>文件已损坏（开头部分无法解密）</source>
        <translation>The file is damaged (its start cannot be decrypted)</translation>
    </message>
    <message>
        <source>磁盘已满</source>
        <translation>The disk is full</translation>
    </message>
    <message>
        <source>文件夹是只读的</source>
        <translation>The folder is read-only</translation>
    </message>
    <message>
        <source>没有写入权限</source>
        <translation>No permission to write</translation>
    </message>
    <message>
        <source>文件夹不存在或没有写入权限</source>
        <translation>The folder does not exist or cannot be written to</translation>
    </message>
    <message>
        <source>那里已有同名的文件或文件夹</source>
        <translation>A file or folder of the same name is already there</translation>
    </message>
    <message>
        <source>无法写入（系统错误 {0}）</source>
        <translation>Cannot write (system error {0})</translation>
    </message>
    <message>
        <source>无法写入</source>
        <translation>Cannot write</translation>
    </message>
    <message>
        <source>不能恢复此备份：{0}；办公文件未被改动</source>
        <translation>This backup cannot be restored: {0}; the office file was not changed</translation>
    </message>
    <message>
        <source>恢复失败：{0}；办公文件未被改动</source>
        <translation>Restore failed: {0}; the office file was not changed</translation>
    </message>
    <message>
        <source>办公文件正被另一个程序或另一台电脑使用，暂时无法打开，请稍后再试；文件未被改动</source>
        <translation>The office file is in use by another program or another computer and cannot be opened now; please try again later. The file was not changed</translation>
    </message>
    <message>
        <source>{0} 不是本办公室的办公文件（无法用此密钥解密），文件未被改动</source>
        <translation>{0} is not this office's office file (this key cannot decrypt it); the file was not changed</translation>
    </message>
    <message>
        <source>找不到办公文件 {path}，请先运行 wuyedesk init 创建</source>
        <translation>Office file {path} not found; please create it first with wuyedesk init</translation>
    </message>
    <message>
        <source>{path} 已存在，不会覆盖现有的办公文件</source>
        <translation>{path} already exists; an existing office file will not be overwritten</translation>
    </message>
    <message>
        <source>数据库服务器拒绝了用户名或密码，请向管理员确认数据库地址中的账号</source>
        <translation>The database server refused the user name or password; please ask the administrator to check the account in the database address</translation>
    </message>
    <message>
        <source>数据库服务器上没有这个数据库，请先由管理员创建</source>
        <translation>The database server has no such database; please ask the administrator to create it first</translation>
    </message>
    <message>
        <source>无法连接数据库服务器（地址或端口不对，或服务器未运行），请检查网络后重试</source>
        <translation>Cannot connect to the database server (wrong address or port, or the server is not running); please check the network and try again</translation>
    </message>
    <message>
        <source>无法连接数据库服务器：</source>
        <translation>Cannot connect to the database server: </translation>
    </message>
    <message>
        <source>密钥文件使用了本程序不认识的加密方式</source>
        <translation>The key file uses an encryption method this program does not know</translation>
    </message>
    <message>
        <source>密钥文件缺少「{kind}」解锁方式</source>
        <translation>The key file has no "{kind}" unlock method</translation>
    </message>
    <message>
        <source>恢复密钥不正确，请核对打印的恢复密钥</source>
        <translation>The recovery key is not correct; please check the printed recovery key</translation>
    </message>
    <message>
        <source>办公室密码不正确</source>
        <translation>The office passphrase is not correct</translation>
    </message>
    <message>
        <source>密钥文件已损坏或不是 wuyedesk 密钥文件</source>
        <translation>The key file is damaged or is not a wuyedesk key file</translation>
    </message>
    <message>
        <source>密钥文件由更新版本的 wuyedesk 创建，请升级程序</source>
        <translation>The key file was made by a newer version of wuyedesk; please upgrade the program</translation>
    </message>
    <message>
        <source>办公室密码至少需要 {MIN_PASSPHRASE_CHARS} 个字符</source>
        <translation>The office passphrase needs at least {MIN_PASSPHRASE_CHARS} characters</translation>
    </message>
    <message>
        <source>办公室密码过于简单，请混合使用不同的字母、数字或汉字</source>
        <translation>The office passphrase is too simple; please mix different letters, digits or other characters</translation>
    </message>
    <message>
        <source>找不到密钥文件 {path}：办公文件和它的密钥文件必须放在同一个文件夹</source>
        <translation>Key file {path} not found: the office file and its key file must be in the same folder</translation>
    </message>
    <message>
        <source>没有权限读取密钥文件 {path}</source>
        <translation>No permission to read the key file {path}</translation>
    </message>
    <message>
        <source>密钥文件已损坏</source>
        <translation>The key file is damaged</translation>
    </message>
    <message>
        <source>数据库地址格式不正确：{0}</source>
        <translation>The database address is not in a valid format: {0}</translation>
    </message>
    <message>
        <source>数据库地址中缺少数据库名，例如 postgresql+psycopg://用户@主机/数据库名</source>
        <translation>The database address lacks a database name, e.g. postgresql+psycopg://user@host/dbname</translation>
    </message>
    <message>
        <source>此功能只适用于本机的办公文件；服务器上的办公数据库由数据库管理员备份和检查</source>
        <translation>This works only with an office file on this computer; an office database on a server is backed up and checked by the database administrator</translation>
    </message>
    <message>
        <source>办公文件正被另一个程序或另一台电脑使用，请稍后再试；本次未保存任何内容</source>
        <translation>The office file is in use by another program or another computer; please try again later. Nothing was saved</translation>
    </message>
    <message>
        <source>磁盘已满或无法写入，本次未保存任何内容；请清理磁盘后重试</source>
        <translation>The disk is full or cannot be written to; nothing was saved. Please free up disk space and try again</translation>
    </message>
    <message>
        <source>办公文件所在的文件夹是只读的，本次未保存任何内容</source>
        <translation>The folder holding the office file is read-only; nothing was saved</translation>
    </message>
    <message>
        <source>无法打开办公文件（文件夹不存在或没有权限）</source>
        <translation>Cannot open the office file (the folder does not exist or there is no permission)</translation>
    </message>
    <message>
        <source>办公数据库中的这条记录正被另一张桌子保存，等待超时；请稍后再试，本次未保存任何内容</source>
        <translation>This record in the office database is being saved by another desk and the wait timed out; please try again later. Nothing was saved</translation>
    </message>
    <message>
        <source>；本次未保存任何内容</source>
        <translation>; nothing was saved</translation>
    </message>
    <message>
        <source>数据库服务器的磁盘已满，本次未保存任何内容；请通知数据库管理员</source>
        <translation>The database server's disk is full; nothing was saved. Please tell the database administrator</translation>
    </message>
    <message>
        <source>数据库账号没有这项操作的权限，本次未保存任何内容；请通知数据库管理员</source>
        <translation>The database account has no permission for this; nothing was saved. Please tell the database administrator</translation>
    </message>
    <message>
        <source>请填写管理处名称和小区名称</source>
        <translation>Please fill in the office name and the estate name</translation>
    </message>
    <message>
        <source>数据库 {0} 不是空的，不会在其中创建办公室；请使用新建的空数据库</source>
        <translation>Database {0} is not empty, so no office will be created in it; please use a newly created empty database</translation>
    </message>
    <message>
        <source>请输入办公室密码</source>
        <translation>Please enter the office passphrase</translation>
    </message>
    <message>
        <source>办公文件的结构版本较旧，需要先升级</source>
        <translation>The office file's schema version is old and must be upgraded first</translation>
    </message>
    <message>
        <source>办公数据库的结构版本较旧，需要先升级</source>
        <translation>The office database's schema version is old and must be upgraded first</translation>
    </message>
    <message>
        <source>无法加载系统密码库：{exc}</source>
        <translation>Cannot load the system password store: {exc}</translation>
    </message>
    <message>
        <source>本电脑没有可用的系统密码库（如 Windows 凭据管理器），无法记住密码</source>
        <translation>This computer has no system password store (such as Windows Credential Manager) available, so the office passphrase cannot be remembered</translation>
    </message>
    <message>
        <source>升级后有 {0} 条记录引用了不存在的记录，已撤销升级；文件未被改动</source>
        <translation>After the upgrade {0} record(s) referred to records that do not exist; the upgrade was undone and the file was not changed</translation>
    </message>
    <message>
        <source>此文件不是 wuyedesk 办公文件，文件未被改动</source>
        <translation>This file is not a wuyedesk office file; the file was not changed</translation>
    </message>
    <message>
        <source>此办公文件由更新版本的 wuyedesk 创建（结构版本 {revision}），请升级本程序后再打开；文件未被改动</source>
        <translation>This office file was made by a newer version of wuyedesk (schema version {revision}); please upgrade this program before opening it. The file was not changed</translation>
    </message>
    <message>
        <source>数据库中的 {column} 不是本程序加密的内容，已拒绝读取</source>
        <translation>{column} in the database was not encrypted by this program; reading it was refused</translation>
    </message>
    <message>
        <source>数据库中的 {column} 无法用本办公室的密钥解密（已被改动或来自其他办公室）</source>
        <translation>{column} in the database cannot be decrypted with this office's key (it has been changed or comes from another office)</translation>
    </message>
    <message>
        <source>办公室尚未解锁，无法读写加密字段 {column}</source>
        <translation>The office is not unlocked yet; cannot read or write the encrypted field {column}</translation>
    </message>
    <message>
        <source>办公室尚未解锁，无法更新住户索引</source>
        <translation>The office is not unlocked yet; cannot update the resident index</translation>
    </message>
    <message>
        <source>此数据库不是 wuyedesk 办公数据库（没有密钥表），数据库未被改动</source>
        <translation>This database is not a wuyedesk office database (it has no key table); the database was not changed</translation>
    </message>
    <message>
        <source>数据库中没有办公室密钥，可能尚未初始化完成</source>
        <translation>The database has no office key; it may not have been fully set up</translation>
    </message>
    <message>
        <source>今日备份未完成</source>
        <translation>Today's Backup Not Done</translation>
    </message>
    <message>
        <source>无法打开办公室</source>
        <translation>Cannot Open the Office</translation>
    </message>
    <message>
        <source>住户档案-{0:%Y%m%d}.xlsx</source>
        <translation>resident-files-{0:%Y%m%d}.xlsx</translation>
    </message>
    <message>
        <source>导出住户档案</source>
        <translation>Export Resident Files</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbooks (*.xlsx)</translation>
    </message>
    <message>
        <source>完整号码</source>
        <translation>Full Numbers</translation>
    </message>
    <message>
        <source>是否导出完整号码（电话和证件号码不遮挡）？
默认遮挡；导出完整号码会记入审计日志，文件须妥善保管。</source>
        <translation>Export full numbers (phone and ID numbers not masked)?
They are masked by default; exporting full numbers is written to the audit log, and the file must be kept safe.</translation>
    </message>
    <message>
        <source>未导出</source>
        <translation>Not Exported</translation>
    </message>
    <message>
        <source>无法写入文件：{0}</source>
        <translation>Cannot write the file: {0}</translation>
    </message>
    <message>
        <source>号码已遮挡</source>
        <translation>numbers masked</translation>
    </message>
    <message>
        <source>导出完成</source>
        <translation>Export Complete</translation>
    </message>
    <message>
        <source>已导出 {n} 位住户（{masked}）到
{path}</source>
        <translation>Residents exported: {n} ({masked}), to
{path}</translation>
    </message>
    <message>
        <source>未定</source>
        <translation>Not yet known</translation>
    </message>
    <message>
        <source>能</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>不能</source>
        <translation>No</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt;：{1}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;: {1}</translation>
    </message>
    <message>
        <source>登记详情</source>
        <translation>Entry Details</translation>
    </message>
    <message>
        <source>作废…</source>
        <translation>Void...</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Person in charge</translation>
    </message>
    <message>
        <source>转达</source>
        <translation>Relay</translation>
    </message>
    <message>
        <source>投诉处理</source>
        <translation>Complaint Handling</translation>
    </message>
    <message>
        <source>部门联系住户</source>
        <translation>Department Contacted Household</translation>
    </message>
    <message>
        <source>保存处理情况</source>
        <translation>Save Handling</translation>
    </message>
    <message>
        <source>联系住户时间</source>
        <translation>Household contacted at</translation>
    </message>
    <message>
        <source>能否解决</source>
        <translation>Solvable?</translation>
    </message>
    <message>
        <source>给住户的答复</source>
        <translation>Answer to household</translation>
    </message>
    <message>
        <source>（满意度未问）</source>
        <translation>(satisfaction not asked)</translation>
    </message>
    <message>
        <source>在左边的登记表中选择一条，查看详情并处理。</source>
        <translation>Select an entry in the register on the left to see its details and handle it.</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>来访/来电人</source>
        <translation>Visitor/Caller</translation>
    </message>
    <message>
        <source>事由类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>登记人</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <source>{relayed}（{0}）</source>
        <translation>{relayed} ({0})</translation>
    </message>
    <message>
        <source>被投诉部门</source>
        <translation>Department complained about</translation>
    </message>
    <message>
        <source>回访期限</source>
        <translation>Return Visit Due</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>&lt;p style='font-size:12pt'&gt;&lt;b&gt;{0}&lt;/b&gt;　{1}&lt;/p&gt;</source>
        <translation>&lt;p style='font-size:12pt'&gt;&lt;b&gt;{0}&lt;/b&gt;&amp;nbsp;&amp;nbsp;{1}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>作废原因：</source>
        <translation>Reason for voiding:</translation>
    </message>
    <message>
        <source>未完成工作（及原因）</source>
        <translation>Work not done (and why)</translation>
    </message>
    <message>
        <source>未填写</source>
        <translation>Not filled in</translation>
    </message>
    <message>
        <source>呈报人</source>
        <translation>Submitted By</translation>
    </message>
    <message>
        <source>呈报时间</source>
        <translation>Submitted At</translation>
    </message>
    <message>
        <source>我手上未办结的记录</source>
        <translation>My Open Records</translation>
    </message>
    <message>
        <source>手上未办结的记录</source>
        <translation>Open Records</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>主管审阅</source>
        <translation>Supervisor Review</translation>
    </message>
    <message>
        <source>今日工作统计</source>
        <translation>Today's Work in Figures</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt;（{1}）　日期 {2:%Y-%m-%d}　状态：&lt;b&gt;{3}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; ({1})&amp;nbsp;&amp;nbsp;Date {2:%Y-%m-%d}&amp;nbsp;&amp;nbsp;Status: &lt;b&gt;{3}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>审阅人：{0}　　审阅时间：{1}</source>
        <translation>Reviewed by: {0}    Reviewed at: {1}</translation>
    </message>
    <message>
        <source>审阅意见：{0}</source>
        <translation>Review comments: {0}</translation>
    </message>
    <message>
        <source>次日工作安排：{0}</source>
        <translation>Tasks for the next day: {0}</translation>
    </message>
    <message>
        <source>日工作呈报表由文员、助理和服务台人员填写，主管审阅。</source>
        <translation>Daily work reports are filled in by clerks, assistants and service desk staff, and reviewed by the supervisor.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt;　日期</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;&amp;nbsp;&amp;nbsp;Date</translation>
    </message>
    <message>
        <source>我的日工作呈报表</source>
        <translation>My Daily Work Report</translation>
    </message>
    <message>
        <source>&lt;b&gt;主管安排的今日工作：&lt;/b&gt;&lt;br&gt;</source>
        <translation>&lt;b&gt;Today's work set by the supervisor:&lt;/b&gt;&lt;br&gt;</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>已保存 {0}</source>
        <translation>Saved at {0}</translation>
    </message>
    <message>
        <source>未呈报，请按提示修改</source>
        <translation>Not submitted. Please correct the items shown.</translation>
    </message>
    <message>
        <source>已呈报主管 {0}</source>
        <translation>Submitted to the supervisor at {0}</translation>
    </message>
    <message>
        <source>日工作呈报表审阅</source>
        <translation>Daily Work Report Review</translation>
    </message>
    <message>
        <source>抽查记录</source>
        <translation>Spot Checks</translation>
    </message>
    <message>
        <source>（不指定员工）</source>
        <translation>(no particular staff member)</translation>
    </message>
    <message>
        <source>被抽查人</source>
        <translation>Staff member checked</translation>
    </message>
    <message>
        <source>记录抽查</source>
        <translation>Record Spot Check</translation>
    </message>
    <message>
        <source>{0} 当天还没有填写呈报表</source>
        <translation>{0} has not filled in a report for this day yet</translation>
    </message>
    <message>
        <source>已记录抽查：{0}　{1}</source>
        <translation>Spot check recorded: {0}  {1}</translation>
    </message>
    <message>
        <source>日工作呈报表_{0:%Y-%m-%d}_{1}.pdf</source>
        <translation>daily_work_report_{0:%Y-%m-%d}_{1}.pdf</translation>
    </message>
    <message>
        <source>{0}单元</source>
        <translation>Entrance {0}</translation>
    </message>
    <message>
        <source>{0}层</source>
        <translation>Floor {0}</translation>
    </message>
    <message>
        <source>{room}　{n} 人</source>
        <translation>{room}  (residents: {n})</translation>
    </message>
    <message>
        <source>{label}（{units} 户 · {residents} 人）</source>
        <translation>{label} (units: {units} · residents: {residents})</translation>
    </message>
    <message>
        <source>
资料待更新（{0} 人）</source>
        <translation>
Details to update (residents: {0})</translation>
    </message>
    <message>
        <source>资料待更新：{0} 位住户</source>
        <translation>Residents whose details need updating: {0}</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>求助类型</source>
        <translation>Help type</translation>
    </message>
    <message>
        <source>求助人</source>
        <translation>Requester</translation>
    </message>
    <message>
        <source>楼层/房号</source>
        <translation>Floor/unit</translation>
    </message>
    <message>
        <source>关联单号</source>
        <translation>Related No.</translation>
    </message>
    <message>
        <source>接报求助</source>
        <translation>Take a Help Request</translation>
    </message>
    <message>
        <source>按日期范围</source>
        <translation>By date range</translation>
    </message>
    <message>
        <source>全部未结</source>
        <translation>All open</translation>
    </message>
    <message>
        <source>全部超时</source>
        <translation>All overdue</translation>
    </message>
    <message>
        <source>接报求助 — 特别求助，立即处理</source>
        <translation>Take a Help Request — SPECIAL HELP, ACT NOW</translation>
    </message>
    <message>
        <source>已登记 {0}</source>
        <translation>Recorded: {0}</translation>
    </message>
    <message>
        <source>转为登记</source>
        <translation>Convert to Register Entry</translation>
    </message>
    <message>
        <source>求助详情</source>
        <translation>Help Request Details</translation>
    </message>
    <message>
        <source>处理经过 / 结果</source>
        <translation>Handling / result</translation>
    </message>
    <message>
        <source>特别求助处理经过（每步点一下，自动记下时间和人员）</source>
        <translation>Special Help Steps (click each as it happens; time and person are recorded)</translation>
    </message>
    <message>
        <source>通知了谁 / 现场情况（「通知最近人员」「现场情况确认」须先在此填写）</source>
        <translation>Who was notified / situation on site (fill this in before "Notify Nearest Staff" or "Confirm Situation on Site")</translation>
    </message>
    <message>
        <source>咨询答复</source>
        <translation>Enquiry Answer</translation>
    </message>
    <message>
        <source>打印书面答复…</source>
        <translation>Print Written Answer...</translation>
    </message>
    <message>
        <source>在左边的列表中选择一条求助，查看详情并处理。</source>
        <translation>Select a help request in the list on the left to see its details and handle it.</translation>
    </message>
    <message>
        <source>✓ {0}　{1}</source>
        <translation>✓ {0}  {1}</translation>
    </message>
    <message>
        <source>{text}　{0}</source>
        <translation>{text}  {0}</translation>
    </message>
    <message>
        <source>，涉及保密</source>
        <translation>, confidential</translation>
    </message>
    <message>
        <source>接报人</source>
        <translation>Taken by</translation>
    </message>
    <message>
        <source>咨询方式</source>
        <translation>Enquiry mode</translation>
    </message>
    <message>
        <source>答复期限</source>
        <translation>Answer due</translation>
    </message>
    <message>
        <source>&lt;p style='font-size:12pt'&gt;&lt;b&gt;{0}&lt;/b&gt;　&lt;span style='color:{color}'&gt;{1}&lt;/span&gt;　{2}&lt;/p&gt;</source>
        <translation>&lt;p style='font-size:12pt'&gt;&lt;b&gt;{0}&lt;/b&gt;&amp;nbsp;&amp;nbsp;&lt;span style='color:{color}'&gt;{1}&lt;/span&gt;&amp;nbsp;&amp;nbsp;{2}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>被投诉部门：</source>
        <translation>Department complained about:</translation>
    </message>
    <message>
        <source>书面答复_{number}.pdf</source>
        <translation>written_answer_{number}.pdf</translation>
    </message>
    <message>
        <source>未打印</source>
        <translation>Not Printed</translation>
    </message>
    <message>
        <source>{0} 后锁定</source>
        <translation>Locks in {0}</translation>
    </message>
    <message>
        <source>（不导入）</source>
        <translation>(do not import)</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>选择 Excel 文件</source>
        <translation>Choose the Excel File</translation>
    </message>
    <message>
        <source>选择管理处现有的住户名单（.xlsx）。下一步核对各列的含义，此时不会写入任何内容。</source>
        <translation>Choose the office's existing resident list (.xlsx). The next step checks what each column means; nothing is written yet.</translation>
    </message>
    <message>
        <source>住户名单.xlsx</source>
        <translation>residents.xlsx</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse...</translation>
    </message>
    <message>
        <source>选择住户名单</source>
        <translation>Choose Resident List</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx *.xlsm)</source>
        <translation>Excel workbooks (*.xlsx *.xlsm)</translation>
    </message>
    <message>
        <source>无法读取</source>
        <translation>Cannot Read the File</translation>
    </message>
    <message>
        <source>核对各列</source>
        <translation>Check the Columns</translation>
    </message>
    <message>
        <source>Excel 列标题</source>
        <translation>Excel Column Heading</translation>
    </message>
    <message>
        <source>示例</source>
        <translation>Example</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import As</translation>
    </message>
    <message>
        <source>工作表「{sheet}」，标题在第 {row} 行，共 {n} 行数据。</source>
        <translation>Sheet "{sheet}": headings in row {row}, data rows: {n}.</translation>
    </message>
    <message>
        <source>已按常见标题自动识别，请核对；房号和姓名两列必须指定。</source>
        <translation>Columns were matched by their usual headings; please check them. The unit and name columns must be set.</translation>
    </message>
    <message>
        <source>列重复</source>
        <translation>Column Used Twice</translation>
    </message>
    <message>
        <source>{0} 被指定给了多列，请只保留一列。</source>
        <translation>{0} is assigned to more than one column. Please keep only one.</translation>
    </message>
    <message>
        <source>预览导入结果</source>
        <translation>Preview the Import</translation>
    </message>
    <message>
        <source>下表列出有问题的行，这些行不会导入。请核对后确认；确认前不会写入任何内容。</source>
        <translation>The table below lists the rows with problems; these rows will not be imported. Please check, then confirm. Nothing is written before you confirm.</translation>
    </message>
    <message>
        <source>导入 {n} 行有效记录</source>
        <translation>Import Valid Rows ({n})</translation>
    </message>
    <message>
        <source>未导入</source>
        <translation>Not Imported</translation>
    </message>
    <message>
        <source>导入完成</source>
        <translation>Import Complete</translation>
    </message>
    <message>
        <source>从 Excel 导入住户</source>
        <translation>Import Residents from Excel</translation>
    </message>
    <message>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>语言 / Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>跟随系统</source>
        <translation>Follow the System</translation>
    </message>
    <message>
        <source>语言设置已保存，重新启动 wuyedesk 后生效。
The language changes when wuyedesk starts again.</source>
        <translation>The language setting is saved. It takes effect when wuyedesk starts again.</translation>
    </message>
    <message>
        <source>wuyedesk — 员工登录 · {0}</source>
        <translation>wuyedesk — Staff Login · {0}</translation>
    </message>
    <message>
        <source>{office} · {estate}</source>
        <translation>{office} · {estate}</translation>
    </message>
    <message>
        <source>{name}　　{role}</source>
        <translation>{name}    {role}</translation>
    </message>
    <message>
        <source>请先选择您的姓名</source>
        <translation>Please select your name first</translation>
    </message>
    <message>
        <source>请输入 PIN</source>
        <translation>Please enter your PIN</translation>
    </message>
    <message>
        <source>将在后续版本提供</source>
        <translation>Coming in a later version</translation>
    </message>
    <message>
        <source>登记(&amp;R)</source>
        <translation>&amp;Registers</translation>
    </message>
    <message>
        <source>来访/来电登记</source>
        <translation>Visit/Call Register</translation>
    </message>
    <message>
        <source>报表(&amp;P)</source>
        <translation>Re&amp;ports</translation>
    </message>
    <message>
        <source>日工作呈报</source>
        <translation>Daily Work Report</translation>
    </message>
    <message>
        <source>月度报表</source>
        <translation>Monthly Report</translation>
    </message>
    <message>
        <source>wuyedesk — {office} · {estate}</source>
        <translation>wuyedesk — {office} · {estate}</translation>
    </message>
    <message>
        <source>搜索住户：姓名、电话尾号、房号、拼音首字母或单号</source>
        <translation>Search residents: name, last digits of phone, unit, pinyin initials or slip number</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>切换用户(&amp;U)</source>
        <translation>Switch &amp;User</translation>
    </message>
    <message>
        <source>锁定(&amp;L)</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <source>退出(&amp;X)</source>
        <translation>E&amp;xit</translation>
    </message>
    <message>
        <source>住户档案(&amp;A)</source>
        <translation>Res&amp;ident Files</translation>
    </message>
    <message>
        <source>资料待更新…</source>
        <translation>Details to Update...</translation>
    </message>
    <message>
        <source>从 Excel 导入…</source>
        <translation>Import from Excel...</translation>
    </message>
    <message>
        <source>导出档案…</source>
        <translation>Export Resident Files...</translation>
    </message>
    <message>
        <source>您的岗位不能使用此功能</source>
        <translation>This function is not available to your role</translation>
    </message>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>{name}（{role}）</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <source>办公数据库：{0}</source>
        <translation>Office database: {0}</translation>
    </message>
    <message>
        <source>办公文件：{0}</source>
        <translation>Office file: {0}</translation>
    </message>
    <message>
        <source>主管安排的今日工作：{0}</source>
        <translation>Today's work set by the supervisor: {0}</translation>
    </message>
    <message>
        <source>没有找到「{0}」</source>
        <translation>Nothing found for "{0}"</translation>
    </message>
    <message>
        <source>{name}　{unit}　{role}　{phone}</source>
        <translation>{name}  {unit}  {role}  {phone}</translation>
    </message>
    <message>
        <source>（已迁出）</source>
        <translation>(moved out)</translation>
    </message>
    <message>
        <source>单号 {number} 对应 {unit}</source>
        <translation>No. {number} is for unit {unit}</translation>
    </message>
    <message>
        <source>单号 {number} 不属于某一户</source>
        <translation>No. {number} does not belong to a single unit</translation>
    </message>
    <message>
        <source>尚未提供</source>
        <translation>Not Available Yet</translation>
    </message>
    <message>
        <source>{0}尚未安装</source>
        <translation>{0} is not installed yet</translation>
    </message>
    <message>
        <source>资料待更新清单</source>
        <translation>Residents with Details to Update</translation>
    </message>
    <message>
        <source>Excel 导入向导</source>
        <translation>Excel Import Wizard</translation>
    </message>
    <message>
        <source>档案导出</source>
        <translation>Export Resident Files</translation>
    </message>
    <message>
        <source>yyyy年MM月</source>
        <translation>MMM yyyy</translation>
    </message>
    <message>
        <source>导出时出现意外错误，没有保存文件；详情已记入日志</source>
        <translation>An unexpected error occurred during the export, so no file was saved. The details are in the log.</translation>
    </message>
    <message>
        <source>导出完整电话和证件号码（记入审计日志）</source>
        <translation>Export full phone and ID numbers (recorded in the audit log)</translation>
    </message>
    <message>
        <source>工作簿含本月汇总和各登记表的全部记录。电话和证件号码默认遮挡；完整号码只导出住户同意公开的，文件须妥善保管。导出在后台进行，可随时取消，取消后不会留下文件。</source>
        <translation>The workbook holds the month's summary and every record of each register. Phone and ID numbers are masked by default; full numbers are exported only for residents who agreed to disclosure, and the file must be kept safe. The export runs in the background and can be cancelled at any time; a cancelled export leaves no file.</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>月份：</source>
        <translation>Month:</translation>
    </message>
    <message>
        <source>保存到：</source>
        <translation>Save to:</translation>
    </message>
    <message>
        <source>保存月度报表</source>
        <translation>Save Monthly Report</translation>
    </message>
    <message>
        <source>请填写保存位置和文件名</source>
        <translation>Please enter a location and a file name</translation>
    </message>
    <message>
        <source>请在文件夹后面写上文件名，例如 {0}</source>
        <translation>Please add a file name after the folder, e.g. {0}</translation>
    </message>
    <message>
        <source>文件夹 {0} 不存在，请重新选择保存位置</source>
        <translation>The folder {0} does not exist. Please choose another location.</translation>
    </message>
    <message>
        <source>{0} 是一个文件夹，请换一个文件名</source>
        <translation>{0} is a folder. Please choose another file name.</translation>
    </message>
    <message>
        <source>文件已存在</source>
        <translation>File Exists</translation>
    </message>
    <message>
        <source>{0} 已存在，是否替换？</source>
        <translation>{0} already exists. Replace it?</translation>
    </message>
    <message>
        <source>正在准备…</source>
        <translation>Preparing...</translation>
    </message>
    <message>
        <source>正在导出月度报表</source>
        <translation>Exporting Monthly Report</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling...</translation>
    </message>
    <message>
        <source>已导出 {month} 的月度报表：{sheets} 张表，{records} 行记录，用时 {seconds} 秒。</source>
        <translation>Monthly report for {month} exported. Sheets: {sheets}, records: {records}, time taken: {seconds} s.</translation>
    </message>
    <message>
        <source>不能使用</source>
        <translation>Not Available</translation>
    </message>
    <message>
        <source>您的岗位不能导出月度报表</source>
        <translation>Your role cannot export the monthly report</translation>
    </message>
    <message>
        <source>打印预览 — {0}</source>
        <translation>Print Preview — {0}</translation>
    </message>
    <message>
        <source>文件无法打开：{0}</source>
        <translation>The file cannot be opened: {0}</translation>
    </message>
    <message>
        <source>共 {0} 页</source>
        <translation>Pages: {0}</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print...</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF...</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>打印机无法开始打印</source>
        <translation>The printer could not start printing</translation>
    </message>
    <message>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>未保存</source>
        <translation>Not Saved</translation>
    </message>
    <message>
        <source>无法保存：{0}</source>
        <translation>Could not save: {0}</translation>
    </message>
    <message>
        <source>单号</source>
        <translation>Slip No.</translation>
    </message>
    <message>
        <source>维修人员</source>
        <translation>Engineer</translation>
    </message>
    <message>
        <source>房号/部位</source>
        <translation>Unit/place</translation>
    </message>
    <message>
        <source>今日领料</source>
        <translation>Issued Today</translation>
    </message>
    <message>
        <source>领料金额</source>
        <translation>Issued Value</translation>
    </message>
    <message>
        <source>报价材料费</source>
        <translation>Quoted Materials</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problems</translation>
    </message>
    <message>
        <source>规格</source>
        <translation>Spec</translation>
    </message>
    <message>
        <source>维修单领料数</source>
        <translation>Qty on Slips</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>仓库出库数</source>
        <translation>Qty Issued by Store</translation>
    </message>
    <message>
        <source>涉及单号</source>
        <translation>Slips</translation>
    </message>
    <message>
        <source>维修单每日核对</source>
        <translation>Daily Repair Slip Reconciliation</translation>
    </message>
    <message>
        <source>有差异时写明原因和处理办法，如：一卷借给保洁，已追回</source>
        <translation>If anything differs, write why and what was done, e.g.: one roll lent to cleaning, recovered</translation>
    </message>
    <message>
        <source>签字确认</source>
        <translation>Sign Off</translation>
    </message>
    <message>
        <source>工程部主管与仓管员先后本人签名（PIN + 手写）</source>
        <translation>The engineering supervisor, then the storekeeper, sign in person (PIN + handwriting)</translation>
    </message>
    <message>
        <source>核对日期</source>
        <translation>Reconciliation date</translation>
    </message>
    <message>
        <source>当日维修单（已验收待核对的及当日领料的）</source>
        <translation>The day's repair slips (accepted and awaiting reconciliation, or with materials issued that day)</translation>
    </message>
    <message>
        <source>差异</source>
        <translation>Differences</translation>
    </message>
    <message>
        <source>差异说明</source>
        <translation>Explanation of differences</translation>
    </message>
    <message>
        <source>可核对</source>
        <translation>ready to reconcile</translation>
    </message>
    <message>
        <source>仓库出库登记簿上的数量</source>
        <translation>The quantity in the warehouse issue book</translation>
    </message>
    <message>
        <source>材料核对</source>
        <translation>Materials Check</translation>
    </message>
    <message>
        <source>材料核对（仓库出库数按出库登记簿填写，点击格子填入）</source>
        <translation>Materials check (enter the store quantities from the issue book; click a cell to fill it in)</translation>
    </message>
    <message>
        <source>共列维修单 {1} 张</source>
        <translation>Repair slips listed: {1}</translation>
    </message>
    <message>
        <source>可核对维修单 {0} 张（共列 {1} 张）</source>
        <translation>Repair slips ready to reconcile: {0} (listed: {1})</translation>
    </message>
    <message>
        <source>今日领料合计 {0} 元</source>
        <translation>Materials issued today: {0} yuan</translation>
    </message>
    <message>
        <source>　　</source>
        <translation>    </translation>
    </message>
    <message>
        <source>已于 {0} 由 {1} 与 {2} 核对签字</source>
        <translation>Reconciled and signed by {1} and {2} at {0}</translation>
    </message>
    <message>
        <source>无差异</source>
        <translation>No differences</translation>
    </message>
    <message>
        <source>{name}：{why}</source>
        <translation>{name}: {why}</translation>
    </message>
    <message>
        <source>工程部主管签字确认</source>
        <translation>Engineering Supervisor Sign-off</translation>
    </message>
    <message>
        <source>仓管员签字确认</source>
        <translation>Storekeeper Sign-off</translation>
    </message>
    <message>
        <source>已超时</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>超时：</source>
        <translation>Overdue: </translation>
    </message>
    <message>
        <source>显示</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <source>&lt;p style='color:{ERROR_COLOR}'&gt;&lt;b&gt;超时：&lt;/b&gt;{0}&lt;/p&gt;</source>
        <translation>&lt;p style='color:{ERROR_COLOR}'&gt;&lt;b&gt;Overdue:&lt;/b&gt; {0}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>未完成</source>
        <translation>Not Done</translation>
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>事由</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>登记</source>
        <translation>New Entry</translation>
    </message>
    <message>
        <source>（请选择）</source>
        <translation>(please choose)</translation>
    </message>
    <message>
        <source>从档案选择或直接输入姓名</source>
        <translation>Pick from the resident files or type a name</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>全部楼栋</source>
        <translation>All buildings</translation>
    </message>
    <message>
        <source>打印登记表…</source>
        <translation>Print Register...</translation>
    </message>
    <message>
        <source>从楼栋树中选择房号</source>
        <translation>Pick the unit in the building tree</translation>
    </message>
    <message>
        <source>该户档案中有 {0} 人，可在「来访/来电人」中选择</source>
        <translation>Residents on file for this unit: {0}. You can choose one under "Visitor/caller".</translation>
    </message>
    <message>
        <source>档案中没有该户住户，请直接输入来访/来电人</source>
        <translation>No residents on file for this unit. Please type the visitor/caller.</translation>
    </message>
    <message>
        <source>选住户时自动带出</source>
        <translation>Filled in when you pick a resident</translation>
    </message>
    <message>
        <source>档案电话 {0}</source>
        <translation>Phone on file: {0}</translation>
    </message>
    <message>
        <source>（</source>
        <translation> (</translation>
    </message>
    <message>
        <source>登记表_{date_from}_{date_to}.pdf</source>
        <translation>register_{date_from}_{date_to}.pdf</translation>
    </message>
    <message>
        <source>登记表共 {0} 条</source>
        <translation>Register entries: {0}</translation>
    </message>
    <message>
        <source>主管工作台</source>
        <translation>Supervisor Desk</translation>
    </message>
    <message>
        <source>超时</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>报修人</source>
        <translation>Reporter</translation>
    </message>
    <message>
        <source>报修类别</source>
        <translation>Repair type</translation>
    </message>
    <message>
        <source>工程维修单 / 有偿服务单</source>
        <translation>Repair Slips / Paid-Service Slips</translation>
    </message>
    <message>
        <source>新开维修单</source>
        <translation>New Repair Slip</translation>
    </message>
    <message>
        <source>新开有偿服务单</source>
        <translation>New Paid-Service Slip</translation>
    </message>
    <message>
        <source>您的岗位不能开维修单</source>
        <translation>Your role cannot open repair slips</translation>
    </message>
    <message>
        <source>每日核对…</source>
        <translation>Daily Reconciliation...</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>全部维修人员</source>
        <translation>All engineers</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>已开单 {0}</source>
        <translation>Slip opened: {0}</translation>
    </message>
    <message>
        <source>共 {0} 张</source>
        <translation>Slips: {0}</translation>
    </message>
    <message>
        <source>，超时 {0} 张</source>
        <translation>, overdue: {0}</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>请写明原因</source>
        <translation>Please give the reason</translation>
    </message>
    <message>
        <source>收据上的编号</source>
        <translation>Number on the receipt</translation>
    </message>
    <message>
        <source>收据号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <source>收款金额（元）</source>
        <translation>Amount received (yuan)</translation>
    </message>
    <message>
        <source>{0}　报价合计 {1} 元</source>
        <translation>{0}  Quote total: {1} yuan</translation>
    </message>
    <message>
        <source>大写：{0}</source>
        <translation>In words: {0}</translation>
    </message>
    <message>
        <source>修了什么、换了什么、结果如何</source>
        <translation>What was repaired or replaced, and the result</translation>
    </message>
    <message>
        <source>住户的意见（不满意时必填）</source>
        <translation>Resident's comments (required if dissatisfied)</translation>
    </message>
    <message>
        <source>住户签名…</source>
        <translation>Resident Signature...</translation>
    </message>
    <message>
        <source>保存并打印</source>
        <translation>Save and Print</translation>
    </message>
    <message>
        <source>新开工程维修单</source>
        <translation>New Repair Slip</translation>
    </message>
    <message>
        <source>该户档案中有 {0} 人，可在「报修人」中选择</source>
        <translation>Residents on file for this unit: {0}. You can choose one under "Reporter".</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>单价（元）</source>
        <translation>Unit Price (yuan)</translation>
    </message>
    <message>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>材料名称</source>
        <translation>Material</translation>
    </message>
    <message>
        <source>添加一行</source>
        <translation>Add Row</translation>
    </message>
    <message>
        <source>删除所选行</source>
        <translation>Delete Selected Rows</translation>
    </message>
    <message>
        <source>人工费 &lt;b&gt;{0}&lt;/b&gt; 元</source>
        <translation>Labour &lt;b&gt;{0}&lt;/b&gt; yuan</translation>
    </message>
    <message>
        <source>材料费 &lt;b&gt;{0}&lt;/b&gt; 元</source>
        <translation>Materials &lt;b&gt;{0}&lt;/b&gt; yuan</translation>
    </message>
    <message>
        <source>合计 &lt;b&gt;{0}&lt;/b&gt; 元</source>
        <translation>Total &lt;b&gt;{0}&lt;/b&gt; yuan</translation>
    </message>
    <message>
        <source>大写：&lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>In words: &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>第 {0} 行：{1}</source>
        <translation>Row {0}: {1}</translation>
    </message>
    <message>
        <source>连续纸</source>
        <translation>Continuous paper</translation>
    </message>
    <message>
        <source>在左边的列表中选择一张维修单，查看并办理。</source>
        <translation>Select a repair slip in the list on the left to view and process it.</translation>
    </message>
    <message>
        <source>显示完整电话</source>
        <translation>Show Full Phone</translation>
    </message>
    <message>
        <source>打印（A5）</source>
        <translation>Print (A5)</translation>
    </message>
    <message>
        <source>打印（连续纸）</source>
        <translation>Print (Continuous)</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>此单状态为「{0}」，没有待办步骤。</source>
        <translation>This slip is "{0}"; no steps are pending.</translation>
    </message>
    <message>
        <source>待工程部主管与仓管员每日核对（在每日核对表上签字）</source>
        <translation>Awaiting the daily reconciliation by the engineering supervisor and the storekeeper (signed on the daily reconciliation sheet)</translation>
    </message>
    <message>
        <source>暂不能办理：{0}</source>
        <translation>Not possible yet: {0}</translation>
    </message>
    <message>
        <source>住户在本机签名</source>
        <translation>The resident signs on this computer</translation>
    </message>
    <message>
        <source>由{0}本人输入 PIN 签名</source>
        <translation>To be signed in person with a PIN by: {0}</translation>
    </message>
    <message>
        <source>联系电话：{0}</source>
        <translation>Phone: {0}</translation>
    </message>
    <message>
        <source>显示此单的完整联系电话（会记入审计日志）</source>
        <translation>Show this slip's full phone number (recorded in the audit log)</translation>
    </message>
    <message>
        <source>只有派给您或由您接单的维修单，才能查看完整电话</source>
        <translation>You can see the full phone number only on slips assigned to you or received by you</translation>
    </message>
    <message>
        <source>您的岗位不能查看维修单上的完整电话</source>
        <translation>Your role cannot see full phone numbers on repair slips</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;span style='color:#555'&gt;{0}&lt;/span&gt;　{html}&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;span style='color:#555'&gt;{0}&lt;/span&gt;&amp;nbsp;&amp;nbsp;{html}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>报价（有偿服务）</source>
        <translation>Quote (Paid Service)</translation>
    </message>
    <message>
        <source>财务收款盖章</source>
        <translation>Finance Payment and Stamp</translation>
    </message>
    <message>
        <source>派工 · 到场 · 完工</source>
        <translation>Dispatch · Arrival · Completion</translation>
    </message>
    <message>
        <source>住户验收</source>
        <translation>Resident Acceptance</translation>
    </message>
    <message>
        <source>核对 · 归档</source>
        <translation>Reconciliation · Filing</translation>
    </message>
    <message>
        <source>&lt;p style='font-size:13pt'&gt;&lt;b&gt;{0}&lt;/b&gt;　{1}　&lt;span style='color:#1565c0'&gt;{2}&lt;/span&gt;&lt;/p&gt;</source>
        <translation>&lt;p style='font-size:13pt'&gt;&lt;b&gt;{0}&lt;/b&gt;&amp;nbsp;&amp;nbsp;{1}&amp;nbsp;&amp;nbsp;&lt;span style='color:#1565c0'&gt;{2}&lt;/span&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>接单人</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>接单时间</source>
        <translation>Received at</translation>
    </message>
    <message>
        <source>住户签名</source>
        <translation>Resident signature</translation>
    </message>
    <message>
        <source>验收时间</source>
        <translation>Accepted at</translation>
    </message>
    <message>
        <source>报修方式</source>
        <translation>Reported via</translation>
    </message>
    <message>
        <source>预约上门</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <source>开单人</source>
        <translation>Opened by</translation>
    </message>
    <message>
        <source>材料费</source>
        <translation>Materials</translation>
    </message>
    <message>
        <source>报价时间</source>
        <translation>Quoted at</translation>
    </message>
    <message>
        <source>住户确认</source>
        <translation>Resident approval</translation>
    </message>
    <message>
        <source>确认时间</source>
        <translation>Approved at</translation>
    </message>
    <message>
        <source>未交费盖章：交费盖章后才能派工维修</source>
        <translation>Not paid and stamped: work can be dispatched only after payment and the finance stamp</translation>
    </message>
    <message>
        <source>收款人</source>
        <translation>Collected by</translation>
    </message>
    <message>
        <source>盖章时间</source>
        <translation>Stamped at</translation>
    </message>
    <message>
        <source>大写</source>
        <translation>In words</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt;　{1}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;&amp;nbsp;&amp;nbsp;{1}</translation>
    </message>
    <message>
        <source>已盖章</source>
        <translation>Stamped</translation>
    </message>
    <message>
        <source>派工后 {0} 分钟</source>
        <translation>{0} min after dispatch</translation>
    </message>
    <message>
        <source>派工时间</source>
        <translation>Dispatched at</translation>
    </message>
    <message>
        <source>到场时限</source>
        <translation>Arrival limit</translation>
    </message>
    <message>
        <source>到场用时</source>
        <translation>Time to arrive</translation>
    </message>
    <message>
        <source>完成时间</source>
        <translation>Completed at</translation>
    </message>
    <message>
        <source>合计 {0}</source>
        <translation>Total {0}</translation>
    </message>
    <message>
        <source>{0} — {1}</source>
        <translation>{0} — {1}</translation>
    </message>
    <message>
        <source>签名人：{0}（{1}）</source>
        <translation>Signer: {0} ({1})</translation>
    </message>
    <message>
        <source>住户签名，由{0}在本机登记</source>
        <translation>Resident signature, recorded on this computer by {0}</translation>
    </message>
    <message>
        <source>（未填）</source>
        <translation>(not filled in)</translation>
    </message>
    <message>
        <source>编辑住户 — {name}</source>
        <translation>Edit Resident — {name}</translation>
    </message>
    <message>
        <source>新增住户</source>
        <translation>New Resident</translation>
    </message>
    <message>
        <source>房号 {code}</source>
        <translation>Unit {code}</translation>
    </message>
    <message>
        <source>恢复密钥 —— 只显示这一次</source>
        <translation>Recovery Key — Shown Only Once</translation>
    </message>
    <message>
        <source>办公文件已创建。忘记办公室密码时，只有下面的恢复密钥能打开它。请现在抄写或打印，锁进保险柜；本程序不会再显示它。</source>
        <translation>The office file has been created. If the office passphrase is forgotten, only the recovery key below can open it. Copy it down or print it now and lock it in the safe; this program will not show it again.</translation>
    </message>
    <message>
        <source>下一步(&amp;N) &gt;</source>
        <translation>&amp;Next &gt;</translation>
    </message>
    <message>
        <source>我已抄写/打印保存</source>
        <translation>I have copied down or printed it and stored it safely</translation>
    </message>
    <message>
        <source>如何开始</source>
        <translation>Getting Started</translation>
    </message>
    <message>
        <source>小区的楼栋和住户从哪里来？以后也可以在“住户档案”菜单里导入。</source>
        <translation>Where do the estate's buildings and residents come from? You can also import them later from the "Resident Files" menu.</translation>
    </message>
    <message>
        <source>从 Excel 导入住户（打开导入向导）</source>
        <translation>Import residents from Excel (opens the import wizard)</translation>
    </message>
    <message>
        <source>生成演示小区（练习用，可随时另建办公文件）</source>
        <translation>Create a demo estate (for practice; you can create a new office file at any time)</translation>
    </message>
    <message>
        <source>空白开始</source>
        <translation>Start empty</translation>
    </message>
    <message>
        <source>演示户数</source>
        <translation>Demo households</translation>
    </message>
    <message>
        <source>演示数据模块尚未安装</source>
        <translation>The demo data module is not installed yet</translation>
    </message>
    <message>
        <source>管理处和小区</source>
        <translation>Office and Estate</translation>
    </message>
    <message>
        <source>第一次使用：为本管理处创建加密的办公文件。所有住户资料只保存在这个文件里。</source>
        <translation>First use: create the encrypted office file for this office. All resident data is kept only in this file.</translation>
    </message>
    <message>
        <source>办公室密码</source>
        <translation>Office passphrase</translation>
    </message>
    <message>
        <source>没有办公室密码或恢复密钥谁也打不开办公文件，请用一句好记的话。</source>
        <translation>Without the office passphrase or the recovery key nobody can open the office file. Please use a sentence that is easy to remember.</translation>
    </message>
    <message>
        <source>管理处主任账号</source>
        <translation>Director's Account</translation>
    </message>
    <message>
        <source>主任用姓名和 PIN 在本电脑上登录，再为其他员工开设账号。</source>
        <translation>The director logs in on this computer with name and PIN, then opens accounts for the other staff.</translation>
    </message>
    <message>
        <source>至少 8 个字符；越长越安全，可用一句好记的话</source>
        <translation>At least 8 characters; longer is safer. A sentence that is easy to remember works well</translation>
    </message>
    <message>
        <source>强度：弱 —— 至少 8 个字符，并混合不同的字母、数字或汉字</source>
        <translation>Strength: weak - use at least 8 characters and mix different letters, digits or Chinese characters</translation>
    </message>
    <message>
        <source>强度：中 —— 可以使用；再长一些更安全</source>
        <translation>Strength: medium - usable; a little longer is safer</translation>
    </message>
    <message>
        <source>强度：强</source>
        <translation>Strength: strong</translation>
    </message>
    <message>
        <source>请填写管理处名称</source>
        <translation>Please enter the office name</translation>
    </message>
    <message>
        <source>请填写小区名称</source>
        <translation>Please enter the estate name</translation>
    </message>
    <message>
        <source>两次输入的办公室密码不一致</source>
        <translation>The two office passphrases do not match</translation>
    </message>
    <message>
        <source>请填写管理处主任的姓名</source>
        <translation>Please enter the director's name</translation>
    </message>
    <message>
        <source>两次输入的 PIN 不一致</source>
        <translation>The two PINs do not match</translation>
    </message>
    <message>
        <source>无法创建办公文件：{0}</source>
        <translation>Could not create the office file: {0}</translation>
    </message>
    <message>
        <source>演示小区</source>
        <translation>Demo Estate</translation>
    </message>
    <message>
        <source>正在生成演示小区…</source>
        <translation>Generating the demo estate...</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>擦掉签名重写</source>
        <translation>Erase the signature and sign again</translation>
    </message>
    <message>
        <source>确认签名</source>
        <translation>Confirm Signature</translation>
    </message>
    <message>
        <source>手写签名</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>请在框内手写签名</source>
        <translation>Please sign by hand in the box</translation>
    </message>
    <message>
        <source>签名太短，请写清姓名（可按“清除”重写）</source>
        <translation>The signature is too short. Please write the name clearly (press "Clear" to start again)</translation>
    </message>
    <message>
        <source>请选择签名人</source>
        <translation>Please choose the signer</translation>
    </message>
    <message>
        <source>签名人本人输入 PIN</source>
        <translation>Signer enters their own PIN</translation>
    </message>
    <message>
        <source>签名人</source>
        <translation>Signer</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>没有可签名的{0}，请先在员工管理中添加</source>
        <translation>No {0} available to sign. Please add one in Staff Management first</translation>
    </message>
    <message>
        <source>请签名人输入自己的 PIN</source>
        <translation>Please ask the signer to enter their own PIN</translation>
    </message>
    <message>
        <source>签名人姓名</source>
        <translation>Signer's name</translation>
    </message>
    <message>
        <source>签名板</source>
        <translation>Signature Pad</translation>
    </message>
    <message>
        <source>请在此处签名</source>
        <translation>Please sign here</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>与登录名单上显示的一致</source>
        <translation>As shown on the login list</translation>
    </message>
    <message>
        <source>请选择岗位</source>
        <translation>Please choose a role</translation>
    </message>
    <message>
        <source>现为 {0}，不修改请留空</source>
        <translation>Now {0}; leave empty to keep it</translation>
    </message>
    <message>
        <source>手机或固定电话，可不填</source>
        <translation>Mobile or landline, optional</translation>
    </message>
    <message>
        <source>4 到 8 位数字</source>
        <translation>4 to 8 digits</translation>
    </message>
    <message>
        <source>再输入一次 PIN</source>
        <translation>PIN Again</translation>
    </message>
    <message>
        <source>新 PIN</source>
        <translation>New PIN</translation>
    </message>
    <message>
        <source>员工管理</source>
        <translation>Staff Management</translation>
    </message>
    <message>
        <source>离职的员工不能再登录，但姓名仍保留在他经手的记录上。PIN 从不显示。</source>
        <translation>Staff who have left can no longer log in, but their names stay on the records they handled. PINs are never shown.</translation>
    </message>
    <message>
        <source>新增员工…</source>
        <translation>Add Staff Member...</translation>
    </message>
    <message>
        <source>修改…</source>
        <translation>Edit...</translation>
    </message>
    <message>
        <source>重设 PIN…</source>
        <translation>Reset PIN...</translation>
    </message>
    <message>
        <source>离职</source>
        <translation>Mark as Left</translation>
    </message>
    <message>
        <source>恢复在职</source>
        <translation>Back in Post</translation>
    </message>
    <message>
        <source>锁定至 {0}</source>
        <translation>Locked until {0}</translation>
    </message>
    <message>
        <source>办理人：{0}</source>
        <translation>Done by: {0}</translation>
    </message>
    <message>
        <source>新增员工</source>
        <translation>Add Staff Member</translation>
    </message>
    <message>
        <source>已新增 {0}，可以用姓名和 PIN 登录</source>
        <translation>Added {0}; they can now log in with name and PIN</translation>
    </message>
    <message>
        <source>修改 {0}</source>
        <translation>Edit {0}</translation>
    </message>
    <message>
        <source>已保存 {0} 的修改</source>
        <translation>Changes to {0} saved</translation>
    </message>
    <message>
        <source>重设 {0} 的 PIN</source>
        <translation>Reset PIN of {0}</translation>
    </message>
    <message>
        <source>{0} 离职后不能再登录，姓名仍保留在已有记录上。确定吗？</source>
        <translation>After leaving, {0} can no longer log in; the name stays on existing records. Continue?</translation>
    </message>
    <message>
        <source>员工管理…</source>
        <translation>Staff Management...</translation>
    </message>
    <message>
        <source>资料核验日期</source>
        <translation>Last verified</translation>
    </message>
    <message>
        <source>资料状态</source>
        <translation>Data status</translation>
    </message>
    <message>
        <source>资料待更新的住户</source>
        <translation>Residents with Details to Update</translation>
    </message>
    <message>
        <source>无法查看</source>
        <translation>Cannot Show</translation>
    </message>
    <message>
        <source>{n} 位住户的资料在 {day} 之后没有核验过，或被标记为待更新。双击或回车打开该户。</source>
        <translation>Residents not verified since {day} or flagged for update: {n}. Double-click or press Enter to open the unit.</translation>
    </message>
    <message>
        <source>超期未核验</source>
        <translation>Verification overdue</translation>
    </message>
    <message>
        <source>从未核验</source>
        <translation>Never verified</translation>
    </message>
    <message>
        <source>wuyedesk 办公文件恢复密钥</source>
        <translation>wuyedesk Office File Recovery Key</translation>
    </message>
    <message>
        <source>{office} · {estate}　　打印日期 {day}</source>
        <translation>{office} · {estate}    Printed on {day}</translation>
    </message>
    <message>
        <source>忘记办公室密码时，在“打开办公文件”窗口点“用恢复密钥”，输入上面的密钥并设置新密码。任何拿到这张纸的人都能打开全部住户资料：请锁进保险柜，不要拍照、不要存在电脑里。</source>
        <translation>If the office passphrase is forgotten, click "Use Recovery Key" in the "Open Office File" window, enter the key above and set a new passphrase. Anyone who gets this sheet can open all resident data: please lock it in a safe, and do not photograph it or store it on a computer.</translation>
    </message>
    <message>
        <source>用办公室密码</source>
        <translation>Use Office Passphrase</translation>
    </message>
    <message>
        <source>用恢复密钥</source>
        <translation>Use Recovery Key</translation>
    </message>
    <message>
        <source>请输入打印的恢复密钥</source>
        <translation>Please enter the printed recovery key</translation>
    </message>
    <message>
        <source>无法记住</source>
        <translation>Cannot Remember</translation>
    </message>
    <message>
        <source>办公文件已打开，但未能在本电脑上记住：{0}</source>
        <translation>The office file is open, but it could not be remembered on this computer: {0}</translation>
    </message>
    <message>
        <source>点击查看 {0} 张单据</source>
        <translation>Click to view the records ({0})</translation>
    </message>
    <message>
        <source>期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>点击上方数字查看单据</source>
        <translation>Click a figure above to view its records</translation>
    </message>
    <message>
        <source>双击单号打开单据</source>
        <translation>Double-click a number to open the record</translation>
    </message>
    <message>
        <source>{first:%Y-%m-%d} 至 {last:%Y-%m-%d}</source>
        <translation>{first:%Y-%m-%d} to {last:%Y-%m-%d}</translation>
    </message>
    <message>
        <source>审计日志：完整（共 {0} 条，最近核验 {1}）</source>
        <translation>Audit log: intact (entries: {0}; last checked {1})</translation>
    </message>
    <message>
        <source>审计日志被改动：{0}（最近核验 {1}）</source>
        <translation>Audit log has been altered: {0} (last checked {1})</translation>
    </message>
    <message>
        <source>逐条重算审计日志的哈希链（用时 {0:.1f} 秒）；命令行：wuyedesk audit verify</source>
        <translation>Recomputes the audit log's hash chain entry by entry (took {0:.1f} s); command line: wuyedesk audit verify</translation>
    </message>
    <message>
        <source>{0}（{1} 张）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>维修满意度（{0} 份）</source>
        <translation>Repair Satisfaction (responses: {0})</translation>
    </message>
    <message>
        <source>维修满意度（本期无评价）</source>
        <translation>Repair Satisfaction (no ratings this period)</translation>
    </message>
    <message>
        <source>本半年日常回访覆盖率</source>
        <translation>Routine Return-Visit Coverage This Half-Year</translation>
    </message>
    <message>
        <source>：全小区已访 {0} 户，应访 {1} 户（共 {2} 户）</source>
        <translation>: estate-wide {0} households visited, {1} required ({2} households in all)</translation>
    </message>
    <message>
        <source>已达标</source>
        <translation>Target met</translation>
    </message>
    <message>
        <source>（未达标）</source>
        <translation> (below target)</translation>
    </message>
    <message>
        <source>楼栋  已访/应访 户</source>
        <translation>Building; households visited/required</translation>
    </message>
    <message>
        <source>应访 {0:.0f}%</source>
        <translation>Target {0:.0f}%</translation>
    </message>
    <message>
        <source>摘要</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>暂无记录</source>
        <translation>No records yet</translation>
    </message>
    <message>
        <source>在左边选择一户，或在上面搜索住户</source>
        <translation>Choose a unit on the left, or search for a resident above</translation>
    </message>
    <message>
        <source>现住人员</source>
        <translation>Current Residents</translation>
    </message>
    <message>
        <source>历史住户</source>
        <translation>Former Residents</translation>
    </message>
    <message>
        <source>来访/来电</source>
        <translation>Visits/Calls</translation>
    </message>
    <message>
        <source>楼层</source>
        <translation>Floor</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>迁出</source>
        <translation>Move Out</translation>
    </message>
    <message>
        <source>显示完整号码</source>
        <translation>Show Full Numbers</translation>
    </message>
    <message>
        <source>标记待更新</source>
        <translation>Flag for Update</translation>
    </message>
    <message>
        <source>复制证件号码</source>
        <translation>Copy ID Number</translation>
    </message>
    <message>
        <source>复制电话</source>
        <translation>Copy Phone</translation>
    </message>
    <message>
        <source>显示本行的完整电话和证件号码（会记入审计日志）</source>
        <translation>Show this row's full phone and ID numbers (recorded in the audit log)</translation>
    </message>
    <message>
        <source>先显示完整号码才能复制；{0} 秒后自动从剪贴板清除</source>
        <translation>Show the full numbers first to copy; the clipboard is cleared automatically after {0} s</translation>
    </message>
    <message>
        <source>无法打开</source>
        <translation>Cannot Open</translation>
    </message>
    <message>
        <source>{0} 栋</source>
        <translation>Building {0}</translation>
    </message>
    <message>
        <source>{0} 单元</source>
        <translation>Entrance {0}</translation>
    </message>
    <message>
        <source>{0} 层</source>
        <translation>Floor {0}</translation>
    </message>
    <message>
        <source>{0} m²</source>
        <translation>{0} m²</translation>
    </message>
    <message>
        <source>（核验于 {0}）</source>
        <translation> (verified {0})</translation>
    </message>
    <message>
        <source>{name} 的迁出日期（年-月-日）：</source>
        <translation>Move-out date of {name} (yyyy-mm-dd):</translation>
    </message>
    <message>
        <source>未迁出</source>
        <translation>Not Moved Out</translation>
    </message>
    <message>
        <source>日期格式应为 年-月-日</source>
        <translation>Please write the date as yyyy-mm-dd</translation>
    </message>
    <message>
        <source>需要更新的原因：</source>
        <translation>Reason for the update:</translation>
    </message>
    <message>
        <source>资料需要核实</source>
        <translation>Data needs checking</translation>
    </message>
    <message>
        <source>无法显示</source>
        <translation>Cannot Show</translation>
    </message>
    <message>
        <source>无法复制</source>
        <translation>Cannot Copy</translation>
    </message>
    <message>
        <source>（未填姓名）</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <source>恢复未保存的住户资料</source>
        <translation>Restore Unsaved Resident Data</translation>
    </message>
    <message>
        <source>上次有 {n} 份住户资料没有保存：{names}。要恢复吗？</source>
        <translation>Resident forms left unsaved last time ({n}): {names}. Restore them?</translation>
    </message>
    <message>
        <source>选择房号</source>
        <translation>Choose Unit</translation>
    </message>
    <message>
        <source>住户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>已回访</source>
        <translation>Visited</translation>
    </message>
    <message>
        <source>应回访</source>
        <translation>Required</translation>
    </message>
    <message>
        <source>覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <source>上次日常回访</source>
        <translation>Last Routine Visit</translation>
    </message>
    <message>
        <source>从未回访</source>
        <translation>Never visited</translation>
    </message>
    <message>
        <source>上次回访编号</source>
        <translation>Last Visit No.</translation>
    </message>
    <message>
        <source>{0} 年{1}半年</source>
        <translation>{0}, {1} half</translation>
    </message>
    <message>
        <source>半年度</source>
        <translation>Half-year</translation>
    </message>
    <message>
        <source>每半年回访不少于 10% 的住户（每栋楼也须达到），红色为未达标</source>
        <translation>Visit at least 10% of households every half-year (each building too); red means below target</translation>
    </message>
    <message>
        <source>建议回访住户（{0}）</source>
        <translation>Suggested Households to Visit ({0})</translation>
    </message>
    <message>
        <source>请先选择要回访的住户</source>
        <translation>Please choose the household to visit first</translation>
    </message>
    <message>
        <source>已安排日常回访 {0}（{1}）</source>
        <translation>Routine visit {0} planned ({1})</translation>
    </message>
    <message>
        <source>投诉/验收</source>
        <translation>Complaint/Acceptance</translation>
    </message>
    <message>
        <source>剩余时间</source>
        <translation>Time Left</translation>
    </message>
    <message>
        <source>回访编号</source>
        <translation>Visit No.</translation>
    </message>
    <message>
        <source>未安排</source>
        <translation>Not planned</translation>
    </message>
    <message>
        <source>回访人</source>
        <translation>Visitor</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>日常回访覆盖</source>
        <translation>Routine Visit Coverage</translation>
    </message>
    <message>
        <source>待回访的投诉和维修（最早的在前）</source>
        <translation>Complaints and Repairs Awaiting a Return Visit (oldest first)</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>只看超时</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <source>共 {0} 件</source>
        <translation>Total: {0}</translation>
    </message>
    <message>
        <source>，超时 {0} 件</source>
        <translation>, overdue: {0}</translation>
    </message>
    <message>
        <source>共 {0} 条</source>
        <translation>Total: {0}</translation>
    </message>
    <message>
        <source>，超时 {0} 条</source>
        <translation>, overdue: {0}</translation>
    </message>
    <message>
        <source>已安排回访 {0}</source>
        <translation>Return visit {0} planned</translation>
    </message>
    <message>
        <source>请选择回访方式</source>
        <translation>Please choose the visit method</translation>
    </message>
    <message>
        <source>回访方式</source>
        <translation>Visit method</translation>
    </message>
    <message>
        <source>住户意见及建议（不满意时必填）</source>
        <translation>Resident's comments and suggestions (required if dissatisfied)</translation>
    </message>
    <message>
        <source>同行的回访人，用“、”分开</source>
        <translation>Other visitors, separated by commas</translation>
    </message>
    <message>
        <source>另约回访时间</source>
        <translation>New visit time</translation>
    </message>
    <message>
        <source>发现的问题</source>
        <translation>Problem found</translation>
    </message>
    <message>
        <source>责任部门</source>
        <translation>Responsible dept.</translation>
    </message>
    <message>
        <source>整改期限</source>
        <translation>Fix by</translation>
    </message>
    <message>
        <source>记录回访…</source>
        <translation>Record Visit...</translation>
    </message>
    <message>
        <source>住户不在家…</source>
        <translation>Nobody Home...</translation>
    </message>
    <message>
        <source>另约时间…</source>
        <translation>Reschedule...</translation>
    </message>
    <message>
        <source>登记不合格项…</source>
        <translation>Record Nonconformity...</translation>
    </message>
    <message>
        <source>整改完成…</source>
        <translation>Rectification Done...</translation>
    </message>
    <message>
        <source>打印回访单</source>
        <translation>Print Door Note</translation>
    </message>
    <message>
        <source>打印回访记录</source>
        <translation>Print Visit Record</translation>
    </message>
    <message>
        <source>请在左边选择一条回访记录</source>
        <translation>Please choose a return visit on the left</translation>
    </message>
    <message>
        <source>{0}_回访单.pdf</source>
        <translation>{0}_door_note.pdf</translation>
    </message>
    <message>
        <source>{0}_回访记录.pdf</source>
        <translation>{0}_visit_record.pdf</translation>
    </message>
    <message>
        <source>回访类型</source>
        <translation>Visit type</translation>
    </message>
    <message>
        <source>贴回访单</source>
        <translation>Door note left</translation>
    </message>
    <message>
        <source>责任部门 / 整改期限</source>
        <translation>Responsible dept. / fix by</translation>
    </message>
    <message>
        <source>&lt;h3&gt;{0}　{1}回访&lt;/h3&gt;&lt;table&gt;{table}&lt;/table&gt;</source>
        <translation>&lt;h3&gt;{0}  {1} return visit&lt;/h3&gt;&lt;table&gt;{table}&lt;/table&gt;</translation>
    </message>
    <message>
        <source>本事项的回访</source>
        <translation>Return visits on this matter</translation>
    </message>
    <message>
        <source>登记人：{0}</source>
        <translation>Recorded by: {0}</translation>
    </message>
    <message>
        <source>{building}栋</source>
        <translation>Building {building}</translation>
    </message>
    <message>
        <source>{office_name} 住户档案 · {building}栋</source>
        <translation>{office_name} Resident Files · Building {building}</translation>
    </message>
    <message>
        <source>（电话和证件号码已遮挡）</source>
        <translation>(phone and ID numbers masked)</translation>
    </message>
    <message>
        <source>{floor_label} 层（{units} 户，{people} 人）</source>
        <translation>Floor {floor_label} (units: {units}, people: {people})</translation>
    </message>
    <message>
        <source>建筑面积（m²）</source>
        <translation>Floor area (m²)</translation>
    </message>
    <message>
        <source>审阅人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <source>审阅时间</source>
        <translation>Reviewed at</translation>
    </message>
    <message>
        <source>回 访 单</source>
        <translation>Return Visit Note</translation>
    </message>
    <message>
        <source>尊敬的 {unit_code} 业户：</source>
        <translation>Dear household of {unit_code},</translation>
    </message>
    <message>
        <source>您好！我们于 {note_date} 上门进行{matter}，您不在家。</source>
        <translation>We called at your home on {note_date} for a {matter}, but you were not in.</translation>
    </message>
    <message>
        <source>为了解您对我们服务的意见，烦请您在下方回执中勾选评价，并写下方便我们回访的时间和联系电话，沿虚线剪下后交到管理处服务台；也可以直接致电管理处 {office_phone}。谢谢您的支持！</source>
        <translation>To learn your opinion of our service, please tick your rating on the reply slip below, write a time that suits you for our visit and a contact phone, cut along the dashed line and hand it in at the office service desk. You may also call the office directly on {office_phone}. Thank you for your support!</translation>
    </message>
    <message>
        <source>┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄ 请沿虚线剪下 ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄</source>
        <translation>┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄ Please cut along the dashed line ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄</translation>
    </message>
    <message>
        <source>回 访 回 执</source>
        <translation>Reply Slip</translation>
    </message>
    <message>
        <source>您对我们服务的评价（请在相应格内打“√”）</source>
        <translation>Your rating of our service (please tick the matching box)</translation>
    </message>
    <message>
        <source>意见或建议</source>
        <translation>Comments or suggestions</translation>
    </message>
    <message>
        <source>方便回访的时间</source>
        <translation>Convenient visit time</translation>
    </message>
    <message>
        <source>书 面 答 复</source>
        <translation>Written Answer</translation>
    </message>
    <message>
        <source>{unit} 住户：</source>
        <translation>Dear resident of {unit},</translation>
    </message>
    <message>
        <source>您于 {asked_at} 提出的咨询（编号 {number}）：</source>
        <translation>Your enquiry of {asked_at} (no. {number}):</translation>
    </message>
    <message>
        <source>现答复如下：</source>
        <translation>Our answer is as follows:</translation>
    </message>
    <message>
        <source>如有疑问，请致电管理处 {office_phone}，或到管理处服务台咨询。</source>
        <translation>If you have any questions, please call the office on {office_phone} or ask at the office service desk.</translation>
    </message>
    <message>
        <source>管理处盖章</source>
        <translation>Office stamp</translation>
    </message>
    <message>
        <source>答复人签名</source>
        <translation>Answered by (signature)</translation>
    </message>
    <message>
        <source>特别求助处置（生命、财产、治安）</source>
        <translation>Special help handling (life, property, public order)</translation>
    </message>
    <message>
        <source>通知时间</source>
        <translation>Notified at</translation>
    </message>
    <message>
        <source>到场时间</source>
        <translation>Arrived at</translation>
    </message>
    <message>
        <source>报告主任时间</source>
        <translation>Director told at</translation>
    </message>
    <message>
        <source>拨打120/110/119</source>
        <translation>Called 120/110/119</translation>
    </message>
    <message>
        <source>处理经过</source>
        <translation>Handling Steps</translation>
    </message>
    <message>
        <source>（尚无记录）</source>
        <translation>(no records yet)</translation>
    </message>
    <message>
        <source>步骤</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>一般求助处理</source>
        <translation>General help handling</translation>
    </message>
    <message>
        <source>转为</source>
        <translation>Converted to</translation>
    </message>
    <message>
        <source>涉及保密</source>
        <translation>Confidential</translation>
    </message>
    <message>
        <source>答复时间</source>
        <translation>Answered at</translation>
    </message>
    <message>
        <source>处理人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>接报人签名</source>
        <translation>Received by (signature)</translation>
    </message>
    <message>
        <source>处理人签名</source>
        <translation>Handled by (signature)</translation>
    </message>
    <message>
        <source>{office_name} {month_label}月度报表</source>
        <translation>{office_name} Monthly Report {month_label}</translation>
    </message>
    <message>
        <source>电话和证件号码已遮挡</source>
        <translation>Phone and ID numbers masked</translation>
    </message>
    <message>
        <source>含完整电话和证件号码，请妥善保管</source>
        <translation>Contains full phone and ID numbers; please keep it safe</translation>
    </message>
    <message>
        <source>{office_name}　{month_label}　{sheet_title}</source>
        <translation>{office_name}  {month_label}  {sheet_title}</translation>
    </message>
    <message>
        <source>{building}栋（{count} 条）</source>
        <translation>Building {building} (records: {count})</translation>
    </message>
    <message>
        <source>{floor} 层（{count} 条）</source>
        <translation>Floor {floor} (records: {count})</translation>
    </message>
    <message>
        <source>公共设施（{count} 条）</source>
        <translation>Facilities (records: {count})</translation>
    </message>
    <message>
        <source>未注明房号（{count} 条）</source>
        <translation>No unit given (records: {count})</translation>
    </message>
    <message>
        <source>{name}（{role}，{count} 份）</source>
        <translation>{name} ({role}, reports: {count})</translation>
    </message>
    <message>
        <source>汇总</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>本月概况</source>
        <translation>This Month at a Glance</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Figure</translation>
    </message>
    <message>
        <source>上月</source>
        <translation>Last Month</translation>
    </message>
    <message>
        <source>增减</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>维修满意度</source>
        <translation>Repair Satisfaction</translation>
    </message>
    <message>
        <source>评价</source>
        <translation>Rating</translation>
    </message>
    <message>
        <source>例行回访覆盖（{half_label}，截至{until}）</source>
        <translation>Routine Visit Coverage ({half_label}, up to {until})</translation>
    </message>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>已回访户数</source>
        <translation>Visited</translation>
    </message>
    <message>
        <source>应回访户数</source>
        <translation>Required</translation>
    </message>
    <message>
        <source>是否达标</source>
        <translation>Target Met</translation>
    </message>
    <message>
        <source>每日记录数</source>
        <translation>Records per Day</translation>
    </message>
    <message>
        <source>其中投诉</source>
        <translation>Of which complaints</translation>
    </message>
    <message>
        <source>本报表各工作表</source>
        <translation>Sheets in This Workbook</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>记录数</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>本月与上月</source>
        <translation>This Month and Last Month</translation>
    </message>
    <message>
        <source>本月维修满意度</source>
        <translation>Repair Satisfaction This Month</translation>
    </message>
    <message>
        <source>各栋例行回访覆盖率</source>
        <translation>Routine Visit Coverage by Building</translation>
    </message>
    <message>
        <source>应达比例</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>来访来电登记</source>
        <translation>Visits and Calls</translation>
    </message>
    <message>
        <source>住户来访/来电登记（含投诉）</source>
        <translation>Resident Visit/Call Register (incl. complaints)</translation>
    </message>
    <message>
        <source>转达时间</source>
        <translation>Relayed at</translation>
    </message>
    <message>
        <source>工程维修单与有偿服务单（按报修时间）</source>
        <translation>Repair Slips and Paid-Service Slips (by time reported)</translation>
    </message>
    <message>
        <source>单别</source>
        <translation>Slip type</translation>
    </message>
    <message>
        <source>途径</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>房号/位置</source>
        <translation>Unit/place</translation>
    </message>
    <message>
        <source>维修人</source>
        <translation>Engineer</translation>
    </message>
    <message>
        <source>完工时间</source>
        <translation>Completed at</translation>
    </message>
    <message>
        <source>用时（小时）</source>
        <translation>Hours taken</translation>
    </message>
    <message>
        <source>费用（元）</source>
        <translation>Fee (yuan)</translation>
    </message>
    <message>
        <source>有偿服务收费</source>
        <translation>Paid-Service Fees</translation>
    </message>
    <message>
        <source>有偿服务收费（按财务盖章时间；合计即本月财务盖章金额）</source>
        <translation>Paid-Service Fees (by finance stamp time; the total is this month's finance-stamped amount)</translation>
    </message>
    <message>
        <source>交费时间</source>
        <translation>Paid at</translation>
    </message>
    <message>
        <source>客户</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>服务内容</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>人工费（元）</source>
        <translation>Labour (yuan)</translation>
    </message>
    <message>
        <source>材料费（元）</source>
        <translation>Materials (yuan)</translation>
    </message>
    <message>
        <source>实收（元）</source>
        <translation>Received (yuan)</translation>
    </message>
    <message>
        <source>收费人</source>
        <translation>Collected by</translation>
    </message>
    <message>
        <source>回访记录（本月回访的，和本月应回访尚未回访的）</source>
        <translation>Return Visits (made this month, and due this month but not yet made)</translation>
    </message>
    <message>
        <source>回访类别</source>
        <translation>Visit type</translation>
    </message>
    <message>
        <source>应回访时间</source>
        <translation>Visit due</translation>
    </message>
    <message>
        <source>不合格项</source>
        <translation>Nonconformity</translation>
    </message>
    <message>
        <source>{building}栋（{count} 条；{coverage}）</source>
        <translation>Building {building} (records: {count}; {coverage})</translation>
    </message>
    <message>
        <source>求助登记</source>
        <translation>Help Requests</translation>
    </message>
    <message>
        <source>业户求助信息登记</source>
        <translation>Household Help-Request Log</translation>
    </message>
    <message>
        <source>房号/地点</source>
        <translation>Unit/place</translation>
    </message>
    <message>
        <source>派人时间</source>
        <translation>Sent at</translation>
    </message>
    <message>
        <source>到场用时（分钟）</source>
        <translation>Minutes to arrive</translation>
    </message>
    <message>
        <source>日工作呈报（按呈报人）</source>
        <translation>Daily Work Reports (by reporter)</translation>
    </message>
    <message>
        <source>当日工作量</source>
        <translation>Day's workload</translation>
    </message>
    <message>
        <source>需协调</source>
        <translation>Needs coordination</translation>
    </message>
    <message>
        <source>提交时间</source>
        <translation>Submitted at</translation>
    </message>
    <message>
        <source>住户档案（月末在住）</source>
        <translation>Resident Files (living here at month end)</translation>
    </message>
    <message>
        <source>{estate_name}　日期：{period}　共 {count} 条</source>
        <translation>{estate_name}  Date: {period}  Entries: {count}</translation>
    </message>
    <message>
        <source>该期间没有登记</source>
        <translation>No entries in this period</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Register no.</translation>
    </message>
    <message>
        <source>日期时间</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <source>转达部门/负责人/时间</source>
        <translation>Relayed to dept./person/time</translation>
    </message>
    <message>
        <source>登记人（文员）</source>
        <translation>Recorded by (clerk)</translation>
    </message>
    <message>
        <source>物业部主管审阅</source>
        <translation>Supervisor's review</translation>
    </message>
    <message>
        <source>归档日期</source>
        <translation>Filed on</translation>
    </message>
    <message>
        <source>工程部联</source>
        <translation>Engineering copy</translation>
    </message>
    <message>
        <source>客户联</source>
        <translation>Customer copy</translation>
    </message>
    <message>
        <source>预约上门时间</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <source>接单人签字</source>
        <translation>Received by (sign)</translation>
    </message>
    <message>
        <source>报价项目</source>
        <translation>Quote item</translation>
    </message>
    <message>
        <source>报价合计</source>
        <translation>Quote total</translation>
    </message>
    <message>
        <source>合计（大写）</source>
        <translation>Total in words</translation>
    </message>
    <message>
        <source>收款（大写）</source>
        <translation>Paid in words</translation>
    </message>
    <message>
        <source>领用材料名称</source>
        <translation>Material issued</translation>
    </message>
    <message>
        <source>住户满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>试用/检查合格
住户签名</source>
        <translation>Tested/checked OK
Resident's signature</translation>
    </message>
    <message>
        <source>工程主管核对</source>
        <translation>Eng. supervisor check</translation>
    </message>
    <message>
        <source>文员归档</source>
        <translation>Filed by clerk</translation>
    </message>
    <message>
        <source>投诉回访时限</source>
        <translation>Complaint visit limit</translation>
    </message>
    <message>
        <source>上门留单</source>
        <translation>Door note left</translation>
    </message>
    <message>
        <source>复访</source>
        <translation>Follow-up visit</translation>
    </message>
    <message>
        <source>不满意的须登记发现问题、整改期限和责任部门，整改后复访，直到住户满意为止。</source>
        <translation>If dissatisfied, record the problem found, the fix-by date and the responsible department; visit again after the fix until the resident is satisfied.</translation>
    </message>
    <message>
        <source>回访人签名</source>
        <translation>Visitor's signature</translation>
    </message>
    <message>
        <source>主管审核</source>
        <translation>Supervisor's check</translation>
    </message>
</context>
<context>
    <name>ContactForm</name>
    <message>
        <source>住户来访/来电登记表</source>
        <translation>Resident Visit/Call Register</translation>
    </message>
    <message>
        <source>日期时间 *</source>
        <translation>Date and time *</translation>
    </message>
    <message>
        <source>方式 *</source>
        <translation>Method *</translation>
    </message>
    <message>
        <source>事由类别 *</source>
        <translation>Category *</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>如 3-2-1502，回车带出住户</source>
        <translation>e.g. 3-2-1502; press Enter to fill in the resident</translation>
    </message>
    <message>
        <source>来访/来电人 *</source>
        <translation>Visitor/caller *</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>选住户时自动带出</source>
        <translation>Filled in when you pick a resident</translation>
    </message>
    <message>
        <source>内容 *</source>
        <translation>Content *</translation>
    </message>
    <message>
        <source>住户原话：说了什么、要求什么</source>
        <translation>In the resident's words: what was said and what is asked</translation>
    </message>
    <message>
        <source>被投诉部门 *</source>
        <translation>Dept. complained about *</translation>
    </message>
</context>
<context>
    <name>CreateOfficeForm</name>
    <message>
        <source>创建办公文件</source>
        <translation>Create Office File</translation>
    </message>
    <message>
        <source>第一次使用：为本管理处创建加密的办公文件。所有住户资料只保存在这个文件里，没有办公室密码或恢复密钥谁也打不开，请妥善保管。</source>
        <translation>First use: create the encrypted office file for this office. All resident data is kept only in this file, and nobody can open it without the office passphrase or the recovery key. Please keep them safe.</translation>
    </message>
    <message>
        <source>管理处</source>
        <translation>Office</translation>
    </message>
    <message>
        <source>管理处名称</source>
        <translation>Office name</translation>
    </message>
    <message>
        <source>如：阳光花园管理处</source>
        <translation>e.g. Sunshine Garden Management Office</translation>
    </message>
    <message>
        <source>小区名称</source>
        <translation>Estate name</translation>
    </message>
    <message>
        <source>如：阳光花园</source>
        <translation>e.g. Sunshine Garden</translation>
    </message>
    <message>
        <source>办公文件</source>
        <translation>Office file</translation>
    </message>
    <message>
        <source>办公室密码（全处共用，打开办公文件时输入）</source>
        <translation>Office passphrase (shared by the whole office, entered to open the office file)</translation>
    </message>
    <message>
        <source>办公室密码</source>
        <translation>Office passphrase</translation>
    </message>
    <message>
        <source>至少 8 个字符；越长越安全，可用一句好记的话</source>
        <translation>At least 8 characters; longer is safer. A sentence that is easy to remember works well</translation>
    </message>
    <message>
        <source>再输入一次</source>
        <translation>Enter again</translation>
    </message>
    <message>
        <source>管理处主任（第一位员工）</source>
        <translation>Director (the first member of staff)</translation>
    </message>
    <message>
        <source>主任姓名</source>
        <translation>Director's name</translation>
    </message>
    <message>
        <source>如：王建国</source>
        <translation>e.g. Wang Jianguo</translation>
    </message>
    <message>
        <source>登录 PIN</source>
        <translation>Login PIN</translation>
    </message>
    <message>
        <source>PIN 为 4 到 8 位数字，主任用它在本电脑上登录</source>
        <translation>The PIN is 4 to 8 digits; the director uses it to log in on this computer</translation>
    </message>
</context>
<context>
    <name>HelpRequestForm</name>
    <message>
        <source>业户求助信息登记表</source>
        <translation>Household Help-Request Log</translation>
    </message>
    <message>
        <source>求助时间 *</source>
        <translation>Requested at *</translation>
    </message>
    <message>
        <source>求助类型 *</source>
        <translation>Help type *</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>求助人 *</source>
        <translation>Requester *</translation>
    </message>
    <message>
        <source>如：张伟</source>
        <translation>e.g. Zhang Wei</translation>
    </message>
    <message>
        <source>楼层/房号 *</source>
        <translation>Floor/unit *</translation>
    </message>
    <message>
        <source>如 3-2-1502</source>
        <translation>e.g. 3-2-1502</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>求助地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>公共部位，如 3栋地下车库（无房号时填写）</source>
        <translation>Common area, e.g. Building 3 basement car park (when there is no unit)</translation>
    </message>
    <message>
        <source>求助内容 *</source>
        <translation>Request details *</translation>
    </message>
    <message>
        <source>发生了什么、在哪里、需要什么帮助</source>
        <translation>What happened, where, and what help is needed</translation>
    </message>
    <message>
        <source>咨询方式</source>
        <translation>Enquiry mode</translation>
    </message>
    <message>
        <source>书面咨询（须书面答复）</source>
        <translation>Written enquiry (needs a written answer)</translation>
    </message>
    <message>
        <source>涉及保密</source>
        <translation>Confidential</translation>
    </message>
</context>
<context>
    <name>LoginForm</name>
    <message>
        <source>员工登录</source>
        <translation>Staff Login</translation>
    </message>
    <message>
        <source>选择姓名</source>
        <translation>Choose your name</translation>
    </message>
    <message>
        <source>4 到 8 位数字，输完按回车</source>
        <translation>4 to 8 digits, then press Enter</translation>
    </message>
    <message>
        <source>锁定办公文件</source>
        <translation>Lock Office File</translation>
    </message>
    <message>
        <source>关闭办公文件；再打开需要办公室密码</source>
        <translation>Close the office file; opening it again needs the office passphrase</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log In</translation>
    </message>
</context>
<context>
    <name>RepairOrderForm</name>
    <message>
        <source>工程维修单 / 有偿服务单</source>
        <translation>Repair Slips / Paid-Service Slips</translation>
    </message>
    <message>
        <source>单据类别 *</source>
        <translation>Slip type *</translation>
    </message>
    <message>
        <source>报修时间 *</source>
        <translation>Reported at *</translation>
    </message>
    <message>
        <source>报修方式 *</source>
        <translation>Reported via *</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>如 3-2-1502（公共部位不填）</source>
        <translation>e.g. 3-2-1502 (leave empty for a common area)</translation>
    </message>
    <message>
        <source>报修人 *</source>
        <translation>Reporter *</translation>
    </message>
    <message>
        <source>联系电话 *</source>
        <translation>Phone *</translation>
    </message>
    <message>
        <source>选住户时自动带出</source>
        <translation>Filled in when you pick a resident</translation>
    </message>
    <message>
        <source>公共部位</source>
        <translation>Common area</translation>
    </message>
    <message>
        <source>无房号时填写，如 3栋电梯、东门路灯</source>
        <translation>When there is no unit, e.g. Building 3 lift, east gate street light</translation>
    </message>
    <message>
        <source>报修类别 *</source>
        <translation>Repair type *</translation>
    </message>
    <message>
        <source>报修内容 *</source>
        <translation>Repair details *</translation>
    </message>
    <message>
        <source>坏了什么、在哪里、现象如何</source>
        <translation>What is broken, where, and what happens</translation>
    </message>
    <message>
        <source>预约上门时间</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <source>已约定</source>
        <translation>Agreed</translation>
    </message>
    <message>
        <source>开单人</source>
        <translation>Opened by</translation>
    </message>
</context>
<context>
    <name>ResidentForm</name>
    <message>
        <source>住户档案</source>
        <translation>Resident Files</translation>
    </message>
    <message>
        <source>带 * 的为必填；手机和固话至少填一项。日期写成 年-月-日（如 2024-03-15），不知道可留空。电话和证件号码显示为遮挡形式时，不改动即保留原号码。</source>
        <translation>Fields marked * are required; fill in at least one of mobile and landline. Write dates as yyyy-mm-dd (e.g. 2024-03-15), or leave them empty if unknown. When phone and ID numbers are shown masked, leaving them unchanged keeps the original numbers.</translation>
    </message>
    <message>
        <source>住户</source>
        <translation>Resident</translation>
    </message>
    <message>
        <source>姓名 *</source>
        <translation>Name *</translation>
    </message>
    <message>
        <source>如：张伟</source>
        <translation>e.g. Zhang Wei</translation>
    </message>
    <message>
        <source>身份 *</source>
        <translation>Role *</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>11 位手机号，如 13800138000</source>
        <translation>11-digit mobile number, e.g. 13800138000</translation>
    </message>
    <message>
        <source>固话</source>
        <translation>Landline</translation>
    </message>
    <message>
        <source>如 021-12345678</source>
        <translation>e.g. 021-12345678</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>18 位身份证号</source>
        <translation>18-digit ID card number</translation>
    </message>
    <message>
        <source>工作单位</source>
        <translation>Employer</translation>
    </message>
    <message>
        <source>紧急联系人与居住情况</source>
        <translation>Emergency Contact and Living Situation</translation>
    </message>
    <message>
        <source>紧急联系人</source>
        <translation>Emergency contact</translation>
    </message>
    <message>
        <source>紧急联系电话</source>
        <translation>Emergency contact phone</translation>
    </message>
    <message>
        <source>手机或固话</source>
        <translation>Mobile or landline</translation>
    </message>
    <message>
        <source>入住日期</source>
        <translation>Move-in date</translation>
    </message>
    <message>
        <source>年-月-日</source>
        <translation>yyyy-mm-dd</translation>
    </message>
    <message>
        <source>迁出日期</source>
        <translation>Move-out date</translation>
    </message>
    <message>
        <source>年-月-日，未迁出留空</source>
        <translation>yyyy-mm-dd; leave empty if not moved out</translation>
    </message>
    <message>
        <source>车牌号</source>
        <translation>Plate no.</translation>
    </message>
    <message>
        <source>如 沪A12345，可不填</source>
        <translation>Province character, then e.g. A12345; optional</translation>
    </message>
    <message>
        <source>资料核验日期</source>
        <translation>Last verified</translation>
    </message>
    <message>
        <source>年-月-日，留空为今天</source>
        <translation>yyyy-mm-dd; empty means today</translation>
    </message>
    <message>
        <source>同意对外提供</source>
        <translation>Consent to disclose</translation>
    </message>
    <message>
        <source>同意（未经业主同意不得透露）</source>
        <translation>Agreed (nothing may be disclosed without the owner's consent)</translation>
    </message>
    <message>
        <source>生活习惯及常住情况</source>
        <translation>Habits and occupancy</translation>
    </message>
    <message>
        <source>物业助理的记录：常住人员、作息、需要关照的情况等</source>
        <translation>Assistant's notes: who usually lives here, daily routine, anything needing special care, etc.</translation>
    </message>
</context>
<context>
    <name>UnlockForm</name>
    <message>
        <source>打开办公文件</source>
        <translation>Open Office File</translation>
    </message>
    <message>
        <source>打开本管理处的办公文件</source>
        <translation>Open this office's office file</translation>
    </message>
    <message>
        <source>办公文件</source>
        <translation>Office file</translation>
    </message>
    <message>
        <source>办公室密码</source>
        <translation>Office passphrase</translation>
    </message>
    <message>
        <source>忘记办公室密码时：输入设立时打印的恢复密钥，并设置新的办公室密码。</source>
        <translation>If the office passphrase is forgotten: enter the recovery key printed at setup and set a new office passphrase.</translation>
    </message>
    <message>
        <source>恢复密钥</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <source>8 组，每组 4 个字母或数字，如 ABCD-EFGH-…</source>
        <translation>8 groups of 4 letters or digits, e.g. ABCD-EFGH-...</translation>
    </message>
    <message>
        <source>新办公室密码</source>
        <translation>New office passphrase</translation>
    </message>
    <message>
        <source>再输入一次</source>
        <translation>Enter again</translation>
    </message>
    <message>
        <source>在本电脑上记住（以后打开不再询问办公室密码）</source>
        <translation>Remember on this computer (do not ask for the office passphrase again)</translation>
    </message>
    <message>
        <source>用恢复密钥</source>
        <translation>Use Recovery Key</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>打开</source>
        <translation>Open</translation>
    </message>
</context>
</TS>
