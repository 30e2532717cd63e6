"""One diagnostic type for every problem found by every stage.

Each code is declared once in ``CATALOGUE`` with its severity, Chinese message
template and the fix an editor should apply; ``docs/diagnostics.md`` is generated
from it (``python -m mzkb.diagnostics``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a problem is: errors stop a build, warnings do not (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Spec:
    """Catalogue entry for one diagnostic code."""

    severity: Severity
    message: str
    """Chinese message template, formatted with the keyword arguments of ``make``."""
    fix: str
    """What the editor should do, in Chinese."""
    example: str = ""
    """A short example of input that triggers it."""


E, W = Severity.ERROR, Severity.WARNING

CATALOGUE: dict[str, Spec] = {
    # configuration
    "MZ101": Spec(E, "找不到配置文件 {path}", "用 -c 指定 site_config.yml 的路径，或先运行 mzkb init 创建知识库。", "mzkb build -c 不存在.yml"),
    "MZ102": Spec(E, "配置文件 YAML 语法错误：{detail}", "按提示的行列修正 YAML 语法（缩进用空格，冒号后加空格）。", "site:\n\ttitle: x"),
    "MZ103": Spec(E, "配置缺少必填项 {key}", "在 site_config.yml 中补上该项。", "site: {}"),
    "MZ104": Spec(E, "配置项 {key} 的值应为{expected}，实际为 {actual}", "按说明修改该项的值。", "audiences: 养老机构"),
    "MZ105": Spec(W, "未知配置项 {key}，将被忽略", "检查拼写，或删除该项。", "titel: 知识库"),
    "MZ106": Spec(E, "受众 {key} 定义重复或不合法：{detail}", "每个受众需要唯一的 ASCII 键（小写字母、数字、连字符）和中文名称。", "- key: 养老\n  label: 养老机构"),
    "MZ107": Spec(E, "内容目录 {path} 不存在", "检查 content_dir 配置，或创建该目录。", "content_dir: contnet"),
    # files and encodings
    "MZ201": Spec(E, "文件编码为 {encoding}，不是 UTF-8（第一个无法按 UTF-8 解码的字节在本行）", "用编辑器将文件另存为 UTF-8 编码（不要用 GBK/GB2312）。", "用记事本以 ANSI 编码保存的文件"),
    "MZ202": Spec(E, "文件编码为 UTF-16，不是 UTF-8", "将文件另存为 UTF-8 编码。", "以 Unicode (UTF-16) 保存的文件"),
    "MZ203": Spec(E, "文件含有 NUL 字节，像是二进制文件而不是 Markdown", "确认该文件确实是文本文件；二进制文件请作为附件引用，不要用 .md 后缀。", "把 Word 文档改名为 .md"),
    "MZ204": Spec(E, "文件是空的", "补充 front matter 和正文，或删除该文件。", ""),
    "MZ205": Spec(E, "文件（或其链接目标）位于内容目录之外：{target}", "不要用符号链接指向内容目录以外的文件，把文件复制到内容目录中。", "ln -s /etc/passwd content/notices/x.md"),
    "MZ206": Spec(W, "文件不在 notices、guidelines、videos、cases 任一目录下，已忽略", "把文档移动到对应类型的目录中。", "content/其他/说明.md"),
    "MZ210": Spec(E, "不是普通文件（{kind}），已跳过", "内容目录中只放普通文件；删除这个管道、套接字或设备文件。", "mkfifo content/notices/x.md"),
    "MZ211": Spec(E, "符号链接无法解析：{detail}", "删除或修正这个符号链接（它可能指向自己，或形成循环）。", "ln -s a.md b.md; ln -s b.md a.md"),
    "MZ212": Spec(E, "文件名含有无法使用的字符（{detail}）", "把文件改名，只用常见的中文、字母、数字和连字符。", "文件名含有 NUL 或非 UTF-8 字节"),
    "MZ213": Spec(E, "这是一个文件夹，却以 .md 结尾", "把文件夹改名（去掉 .md），或把其中的文档移出来。", "mkdir content/notices/x.md"),
    "MZ325": Spec(W, "扩展名是 {suffix}，不是小写的 .md：这个文件没有被读取{clash}", "把扩展名改为小写 .md；与另一个文件只差大小写时，删除或合并其中一个。", "content/notices/Upper.MD 与 upper.md"),
    "MZ326": Spec(E, "文件路径与 {other} 只差大小写：在 Windows 和 macOS 上它们是同一个文件，会互相覆盖", "给其中一个文件（或文件夹）改名，使两者不只差大小写。", "content/notices/Guide.md 与 guide.md"),
    "MZ214": Spec(E, "符号链接的文件夹指向内容目录之外：{target}，已跳过", "把文件夹复制到内容目录中，或让链接指向内容目录里的文件夹。", "ln -s /tmp content/notices/外部"),
    # front matter
    "MZ301": Spec(E, "缺少 front matter：文件必须以一行 --- 开头", "在文件开头加上由 --- 包围的 YAML 元数据块。", "# 标题\n正文"),
    "MZ302": Spec(E, "front matter 没有结束：找不到第二行 ---", "在元数据结束处加一行 ---。", "---\ntitle: x\n正文"),
    "MZ303": Spec(E, "front matter YAML 语法错误：{detail}", "按提示的行列修正 YAML 语法（缩进只能用空格，冒号后加空格，含冒号的值加引号）。限制：嵌套不超过 50 层；别名展开后不超过 100,000 个值、1,000,000 个字符（或 front matter 本身的长度）。", "title: [未闭合"),
    "MZ304": Spec(E, "front matter 应为“键: 值”的映射，实际为 {actual}", "每行写成“键: 值”的形式。", "---\n- a\n---"),
    "MZ305": Spec(E, "缺少必填项 {key}（{label}）", "补上该项。", "没有 date 的通知"),
    "MZ306": Spec(W, "未知的元数据项 {key}，将被忽略", "检查拼写；可用的项见编辑指南。", "titel: x"),
    "MZ307": Spec(E, "{key} 的值应为{expected}，实际为 {actual}", "按说明修改该项的值。", "audiences: 5"),
    "MZ308": Spec(E, "{key} 不是有效日期：{value}（应为 YYYY-MM-DD）", "改为真实存在的日期，格式 YYYY-MM-DD。", "date: 2020-02-30"),
    "MZ309": Spec(E, "未知的适用机构 {value}{hint}", "使用 site_config.yml 中 audiences 定义的键或中文名称，或“全部”。", "audiences: [养老中心]"),
    "MZ310": Spec(E, "type 为 {value}，与所在目录的类型 {folder} 不一致", "删除 type 项，或把文件移到对应目录。", "content/notices/x.md 中 type: video"),
    "MZ311": Spec(E, "id {value} 不合法：只能包含小写字母、数字和连字符", "改用 ASCII id，例如 elderly-care-guide-2。", "id: 养老指南"),
    "MZ312": Spec(E, "status 只能是 current 或 repealed，实际为 {value}", "已被新版替代的状态会自动推导，无需填写 superseded。", "status: 作废"),
    "MZ313": Spec(E, "{key} 格式不正确：{value}（{expected}）", "按说明修改。", "duration: 5分钟"),
    "MZ314": Spec(W, "主题 {value} 不在 site_config.yml 的 topics 列表中", "使用已定义的主题，或在配置中添加它。", "topics: [防疫]"),
    "MZ316": Spec(E, "地区信息有误：{detail}", "region 写成“省+市（+区县）”（如 浙江省杭州市西湖区），region_code 填 6 位行政区划代码，省、地、县三级均可（如 330100 杭州市、330106 西湖区），两者须一致。", "region: 江苏省南京市 配 region_code: 330100"),
    "MZ317": Spec(W, "发文机关还是 mzkb new 生成的占位文字", "把 issuer 改成真实的发文机关名称。", "issuer: （请填写发文机关）"),
    "MZ318": Spec(E, "附件 {value} 在网站上的地址 {url} 与 {other} 相同（只差大小写、空格或同音字），读者会打开错误的文件", "给其中一个文件改名，使两者的拼音文件名不同（不能只差大小写）。", "files/探视.pdf 和 files/tan shi.pdf"),
    "MZ319": Spec(E, "{key} 指向的 {value} 是网页、SVG 或 XML 文件，发布后其中的脚本会在网站中运行，不允许作为附件或链接目标", "把它转成 PDF 或图片（PNG/JPG）后再引用；如只需给出网址，请链接到原网站。", "attachments: [说明.html]"),
    "MZ320": Spec(E, "amends 格式不正确：{detail}", "每一项写成 {{id: 被调整文件的 id, sections: [被调整小节的锚点或标题], note: 中文说明}}，见编辑指南“部分修改”。", "amends: [elderly-care-covid-guide-2]"),
    "MZ321": Spec(E, "有效期结束日 {end} 早于开始日 {start}", "检查 valid_from 和 valid_until 是否写反。", "valid_from: 2022-02-01 ⏎ valid_until: 2022-01-01"),
    "MZ324": Spec(W, "amends 中的未知项 {key}，将被忽略", "amends 的每一项只能有 id、sections、note、at。", "amends: [{id: x, sections: [a], notes: 说明}]"),
    "MZ315": Spec(W, "日期 {value} 晚于今天 {margin} 天以上", "检查日期是否写错。", "date: 2099-01-01"),
    "MZ340": Spec(W, "{key} 还是 mzkb new 或 mzkb import 留下的占位内容：{value}", "把占位内容换成真实内容（--strict 时为错误，不能发布）。",
                  "media: https://example.org/请替换为视频地址.mp4"),
    "MZ342": Spec(E, "主题分类 {value} 不在可选的主题分类中{hint}", "从 site_config.yml 的 subjects 列表（默认为国务院公文主题分类，见编辑指南）中选择。", "subjects: [养老]"),
    "MZ343": Spec(E, "索引号 {value} 格式不正确", "索引号只用字母、数字和 - / . _，4 至 50 个字符，例如 000014349/2020-00123。", "index_number: 索引 12"),
    "MZ344": Spec(W, "成文日期 {written} 晚于发布日期 {date}", "检查 written_date（成文日期）和 date（发布日期）是否写反。", "written_date: 2020-03-02 ⏎ date: 2020-03-01"),
    "MZ353": Spec(E, "搜索别名 {typed} 不合法：{detail}", "在 site_config.yml 的 search.aliases 中写成“输入的词: 搜索的词”，两者都不为空且不相同。", "search:\n  aliases:\n    covid: []"),
    # relations and links
    "MZ401": Spec(E, "id {value} 重复：{other} 也使用了这个 id", "为其中一个文档指定不同的 id。", "两个文件都是 guide.md"),
    "MZ402": Spec(E, "{key} 引用的文档 {value} 不存在{hint}", "检查 id 拼写，或先创建被引用的文档。", "supersedes: no-such-id"),
    "MZ403": Spec(E, "链接目标 {value} 不存在", "检查链接路径：写被链接文件相对于当前文件的路径，例如 ../guidelines/guide-2.md。", "[见指南](../guidelines/不存在.md)"),
    "MZ404": Spec(E, "链接锚点 #{anchor} 在 {value} 中不存在", "检查标题文字，锚点由标题生成。", "[见第三条](guide.md#不存在)"),
    "MZ740": Spec(E, "链接锚点 #{anchor} 在 {value} 中没有对应的条文{existing}", "把 # 后面改为现有的条号，例如 #第十二条（也可写 #第12条）；条文锚点由以“第X条”开头的段落生成。", "[见第九十九条](办法.md#第九十九条)"),
    "MZ405": Spec(E, "supersedes 形成循环：{value}", "版本链必须从旧到新单向引用。", "a 替代 b，b 又替代 a"),
    "MZ406": Spec(E, "链接 {value} 指向内容目录之外", "只链接内容目录中的文件。", "[x](../../etc/passwd)"),
    "MZ407": Spec(E, "文档写明 status: current，但已被 {value} 替代", "删除 status 项（状态会自动推导为“已被替代”），或删除替代关系。", "旧版写 status: current"),
    "MZ408": Spec(E, "新版 {value} 的日期早于被替代的 {other}", "检查两个版本的发布日期和 supersedes 方向。", "第二版日期早于第一版"),
    "MZ409": Spec(E, "{value} 同时被两个现行文档替代：{other}", "一个文档只能有一个现行的新版；让其中一个替代另一个。", "两个现行新版都写 supersedes 同一个旧版"),
    "MZ420": Spec(E, "amends 引用的文档 {value} 不存在{hint}", "检查 id 拼写；id 见被调整文件的 front matter 或文件名。", "amends: [{id: no-such-id, sections: [a]}]"),
    "MZ430": Spec(E, "{key} 引用的 {value} 是草稿（draft: true），发布的网站中没有它", "先发布被引用的文件（删除它的 draft 行），或暂时删除这处引用。", "related: [一份草稿的 id]"),
    "MZ421": Spec(E, "amends 中的小节 {anchor} 在 {value} 中不存在{existing}", "写被调整小节的锚点（页面上标题链接 # 后面的部分）或完整的标题文字。", "sections: [不存在的标题]"),
    "MZ422": Spec(E, "amends 调整的 {value} 已{state}", "调整现行版本（{current}），不要调整已被替代或已废止的文件。", "amends 指向指南第一版"),
    "MZ423": Spec(E, "amends 形成循环：{value}", "调整关系必须从新文件指向旧文件，不能互相调整。", "A 调整 B，B 又调整 A"),
    "MZ424": Spec(E, "amends 的 at 锚点 #{anchor} 在本文件中不存在", "at 写本文件中作出调整的小节的锚点或标题文字，或删除 at。", "at: 不存在的标题"),
    "MZ440": Spec(W, "文号 {value} 与 {other} 的文号相同", "同一文号只应属于一个文件：检查是否重复导入了同一份文件（删除多余的一份），或改正其中一个文件的 doc_number。", "两个文件都写 doc_number: 民发〔2020〕12号"),
    # media and attachments
    "MZ501": Spec(E, "{key} 指向的文件 {value} 不存在", "检查文件名和相对路径（相对于当前文档）。", "media: 不存在.mp4"),
    "MZ502": Spec(E, "{key} 指向内容目录之外：{value}", "把文件放到内容目录中，使用相对路径。", "attachments: [../../etc/passwd]"),
    "MZ503": Spec(E, "字幕文件 {value} 无法解析：{detail}", "使用有效的 WebVTT（.vtt）或 SRT（.srt）文件。", "缺少 WEBVTT 头的 .vtt"),
    "MZ504": Spec(E, "字幕 {value} 时间有误：{detail}", "字幕时间应递增，且不超过视频时长。", "第 3 条字幕早于第 2 条"),
    "MZ505": Spec(E, "章节时间有误：{detail}", "章节按时间递增排列，且不超过视频时长。", "chapters 顺序颠倒"),
    "MZ506": Spec(E, "{key} 的文件类型 {value} 不受支持（允许：{allowed}）", "使用支持的文件格式。", "media: video.exe"),
    "MZ507": Spec(E, "{key} 的文件 {value} 按扩展名应为{expected}文件，实际内容为：{actual}，读者无法打开", "用原软件打开确认后另存为正确的格式，或把扩展名改成与内容一致的。", "改名为 .pdf 的 Word 文件"),
    # body
    "MZ601": Spec(E, "正文含有不安全的 HTML 或链接：{value}", "删除 <script>、<iframe>、<svg>、on...= 事件属性和 javascript:、file:、data: 等链接；需要的格式请用 Markdown 写，链接只用 http(s)、mailto、tel 或相对路径。", "<script>alert(1)</script>"),
    "MZ602": Spec(W, "正文中使用了一级标题 {value}，已降为二级标题", "文档标题来自 title，正文标题请从 ## 开始。", "# 一、总体要求"),
    "MZ603": Spec(E, "{key} 的地址不安全或格式不正确：{value}",
                  "只能填知识库内的相对路径或 https:// 地址；不能用 javascript:、data:、vbscript:、file: 等协议，也不能含引号、尖括号、反斜杠、空白或控制字符。",
                  "media: javascript:alert(1)"),
    "MZ604": Spec(E, "site.url 不是有效的网址：{value}", "写完整的 http:// 或 https:// 地址，如 https://kb.example.gov.cn/；不能含引号、尖括号、空格。",
                  "url: javascript:alert(1)"),
    "MZ605": Spec(E, "site.logo 指向的 {value} 不是知识库中的图片文件（PNG、JPG、GIF、WebP）", "把标志图片放进知识库（例如 assets/logo.png），site.logo 写它相对于 site_config.yml 的路径。", "logo: /home/a/logo.png"),
    "MZ606": Spec(E, "{key} 不是有效的网址：{value}", "写完整的 https:// 地址；不需要链接时删除这一项（备案号仍以文字显示）。", "icp_url: beian.miit.gov.cn"),
    "MZ610": Spec(W, "正文中的 HTML {value} 不在允许的范围内，生成网页时会被删除", "改用 Markdown 写格式（表格、加粗、列表等），或删除这段 HTML。", "<center>居中</center>"),
    "MZ611": Spec(E, "正文引用了网络上的资源 {value}：离线打开网站时无法显示", "把图片下载后放进内容目录，用相对路径引用。", "![图](https://example.com/a.png)"),
    "MZ612": Spec(W, "正文引用了网络上的资源 {value}：离线打开网站时无法显示", "把图片下载后放进内容目录，用相对路径引用（validation.remote_resources: error 时为错误）。", "![图](https://example.com/a.png)"),
    # import (mzkb import) and the placeholders it leaves
    "MZ701": Spec(E, "无法读取要导入的文件：{detail}", "检查文件名和路径是否正确、文件是否有读取权限。", "mzkb import 不存在.docx"),
    "MZ702": Spec(E, "要导入的文件是空的", "确认下载或复制完整后再导入。", "0 字节的 通知.docx"),
    "MZ703": Spec(E, "要导入的文件有 {size} MB，超过上限 {limit} MB，未读取", "公文正文通常不超过几 MB：确认文件是否正确；确需导入请调大 site_config.yml 中 validation.max_file_mb。", "200 MB 的 通知.pdf"),
    "MZ704": Spec(E, "不支持导入 {suffix} 格式的文件（{hint}）", "导入 .docx、.pdf（带文字层）、.ofd、.html、.txt 或 .md 文件。", "通知.doc"),
    "MZ705": Spec(E, "不是有效的 Word 文档（.docx 文件已损坏，或实际是其他格式改了扩展名）", "用 Word/WPS 打开后重新另存为 .docx 再导入。", "改名为 .docx 的压缩包"),
    "MZ706": Spec(E, "PDF 文件已加密（设置了打开密码），无法读取文字", "向发文单位索取未加密的文件，或用密码打开后另存一份不加密的 PDF。", "带打开密码的 通知.pdf"),
    "MZ707": Spec(E, "PDF 没有文字层（共 {pages} 页、{images} 张图片），像是扫描件；{ocr}", "向发文单位索取 Word 或可复制文字的 PDF 版本；或在本机安装 tesseract 及简体中文语言包 chi_sim 后重新导入（识别结果须对照原件核对）。", "扫描得到的 通知.pdf"),
    "MZ708": Spec(E, "PDF 文件无法解析（{detail}）", "用 PDF 阅读器确认文件能正常打开，必要时重新下载。", "下载不完整的 通知.pdf"),
    "MZ709": Spec(E, "网页中找不到正文（{detail}）", "保存网页时选择“网页，完整”或“仅 HTML”，确认正文在页面中而不是由脚本加载。", "只有导航栏的 .html"),
    "MZ710": Spec(E, "文本文件的编码无法识别", "用记事本或编辑器另存为 UTF-8 编码后再导入。", "二进制文件改名为 .txt"),
    "MZ711": Spec(E, "文件中找不到正文", "确认文件内容完整；只有标题的文件无法导入。", "只有一行标题的 .txt"),
    "MZ712": Spec(W, "没有找到{field}，已在 {key} 处留下占位文字“{placeholder}”，请补填", "打开生成的文件，把占位文字改为原件上的内容。", "没有落款日期的通知"),
    "MZ713": Spec(W, "没有找到发文字号，未填写 doc_number", "如原件有文号，请在 doc_number 中补填，例如 民发〔2020〕18号。", "网页转载时删去了文号"),
    "MZ714": Spec(W, "导入说明：{detail}", "核对该项是否正确。", "没有落款时发文机关取自版头"),
    "MZ715": Spec(W, "适用机构是推测的（{basis}），已写入 unconfirmed，请核对", "核对 audiences 后删除 unconfirmed 行，mzkb check 才不再提示。", "audiences: [养老机构]"),
    "MZ716": Spec(W, "标题与已有文档 {value} 相同、日期较早，已建议 supersedes（新版替代旧版）", "核对确属同一文件的新版本；不是时删除 supersedes 行。", "同名指南第二版"),
    "MZ717": Spec(E, "目标文件 {target} 已存在且内容不同，未覆盖", "用 --id 指定另一个 id，或先删除/改名已有文件。", "重复导入修改过的文件"),
    "MZ718": Spec(W, "附件说明中的“{name}”在原文件旁找不到对应的文件，未加入 attachments", "把附件文件（如 附件1 {name}.xlsx）放在原文件旁重新导入，或手工加入 attachments。", "附件：1. 检查表"),
    "MZ719": Spec(W, "标题与已有文档 {value} 相同，但日期不比它新，未建议 supersedes", "确认是否重复导入；若是旧版本，请在新版中写 supersedes。", "先导入第二版再导入第一版"),
    "MZ720": Spec(W, "{key} 还是导入时留下的占位文字", "改为原件上的内容。", "title: （请填写标题）"),
    "MZ721": Spec(E, "date 还是导入时留下的占位文字（原件中没有找到日期）", "填写成文日期，格式 YYYY-MM-DD。", "date: （请填写日期）"),
    "MZ722": Spec(W, "{value} 是导入时推测的，尚未核对", "核对该项后，把它从 unconfirmed 中删除（全部核对完删除 unconfirmed 行）。", "unconfirmed: [audiences]"),
    "MZ750": Spec(W, "文号 {doc_number} 与已有文档 {path} 相同，可能是同一文件的重复导入", "确认是否同一文件：是则删除新导入的文件（或用 --id 指定已有 id 覆盖）；不是则核对文号。", "同一通知先导入网页、再导入 PDF"),
    "MZ745": Spec(E, "OFD 文件无法读取（{detail}）", "用 OFD 阅读器（如数科、福昕、书生）确认文件能正常打开，必要时重新下载，或另存为 PDF 后导入。", "下载不完整的 通知.ofd"),
    "MZ746": Spec(E, "OFD 中没有文字（共 {pages} 页），像是扫描件；本工具不做文字识别（OCR）", "向发文单位索取带文字的 OFD、Word 或 PDF 版本，或先用 OCR 软件识别后另存为 .docx。", "只有扫描图片的 通知.ofd"),
    "MZ751": Spec(E, "用本机的 LibreOffice 把 {suffix} 文件转换为 .docx 失败（{detail}）", "用 Word/WPS 打开后另存为 .docx 再导入；或确认 LibreOffice 能打开该文件。", "损坏的 通知.doc"),
    "MZ752": Spec(E, "正文与已有文档 {path}（{doc_number}）相同，是同一文件的另一份副本，未再导入", "不需要再导入；确需另存一份时先修改已有文档。", "同一 PDF 的两份副本"),
    "MZ741": Spec(E, "与同一次导入的 {other} 是同一文档（导入为同一个文件 {target}），未再导入", "文件夹中有同一文件的两份副本（或同一公文的两种格式）：保留一份即可；确是不同文件时用 --id 分别导入。", "文件夹中的 通知.pdf 和 通知(1).pdf"),
    "MZ742": Spec(W, "PDF 没有文字层，正文由{engine}文字识别（OCR）得到（共 {pages} 页，平均置信度 {confidence}），可能有错字、漏字和断行错误；识别出的标题、文号、日期、发文机关已写入 unconfirmed", "逐段对照原件核对正文，核对元数据后把它们从 unconfirmed 中删除。", "扫描得到的 通知.pdf"),
    "MZ743": Spec(E, "文字识别（OCR）失败：{detail}", "确认 tesseract 能在本机单独运行（tesseract --list-langs 列出 chi_sim）；或向发文单位索取带文字层的版本。", "损坏的 tesseract 语言包"),
    "MZ724": Spec(E, "文件格式有误，无法读取：{detail}", "用原软件打开文件确认完好，另存一份后重新导入。", "内容被截断的 .docx"),
    "MZ725": Spec(W, "网页第 {row} 行的图片 {ref} 未导入：{reason}", "导入只复制网页所在文件夹中、真正是 PNG/JPEG/GIF/WebP/BMP 的图片（不取隐藏文件、密钥文件和指向别处的链接）；需要这张图片时，把它另存到网页旁的文件夹后手工加入。", "<img src=\".ssh/id_rsa\">"),
    "MZ726": Spec(W, "附件说明中的“{name}”与文件 {candidate} 的名称相近但不相同，未作为附件加入", "附件只按名称完全相同匹配（忽略空格和“附件1”编号）：确属该附件时，把文件改成附件说明中的名称，或用 --attach 指定。", "附件“职工工资明细表与身份证号码清单”旁的 工资明细.xlsx"),
    "MZ727": Spec(E, "Word 文档中的 {part} 解压后有 {size}，超过导入上限 {limit}，未读取（可能是“压缩炸弹”）", "正常公文远小于此上限（见“导入限制”）：确认文件来源；确需导入请用 Word/WPS 打开后另存为 .docx 或 PDF。", "1.5 MB 的 .docx，document.xml 解压后 1.5 GB"),
    "MZ728": Spec(E, "文件结构超出导入上限：{detail}，未读取", "正常公文远小于此上限（见“导入限制”：段落 20000 个、XML 元素 1000000 个、文件 5000 个）：确认文件来源，或拆分成几个文件分别导入。", "有 300 万个空段落的 .docx"),
    "MZ729": Spec(E, "PDF 超出导入上限：{detail}，未读取", "正常公文是 A4 页面（见“导入限制”：每页面积 1000 万平方点、每页内容解压后 8 MB、共 2000 页）：确认文件来源，或向发文单位索取正常版式的文件。", "834 字节的 PDF，页面 14400×14400 pt"),
    "MZ730": Spec(E, "PDF 第 {page} 页的图片有 {pixels} 像素，超过导入上限 {limit}像素，未读取", "图片本身的像素过多（见“导入限制”：每张 5000 万像素）：确认文件来源，或把图片缩小后重新生成 PDF。", "声明 100000×100000 像素的图片"),
    "MZ731": Spec(W, "PDF 中要提取的图片已达 {limit}像素的上限，从第 {page} 页起的图片未提取", "正文已导入；需要的图片请从原件截取后手工放入 …-files 文件夹并在正文中引用。", "每页一张整页图片的 100 页 PDF"),
    "MZ732": Spec(E, "导入用时超过上限 {seconds} 秒（停在：{where}），未导入", "文件过大或结构异常（见“导入限制”）：确认文件来源，或拆分成几个文件分别导入。", "40 页、每页都很复杂的 PDF"),
    "MZ733": Spec(W, "Word 文档中嵌入的 {name}（{kind}）未导入：网页、SVG 或 XML 文件发布后其中的脚本会在网站中运行", "需要这部分内容时，在 Word 中把它另存为 PDF 或图片（PNG/JPG），再手工加入 attachments。", "嵌入 SVG 图片或 HTML 对象的 .docx"),
    "MZ734": Spec(E, "--id {id} 已被 {path} 使用，未导入", "换一个 id（--id），或先删除/改名已有文档；重新导入同一文档时它必须就是 content/类型/{id}.md 本身。", "mzkb import 新通知.docx --id 已有的id"),
    # build
    "MZ901": Spec(E, "站点生成失败：{detail}", "查看上面的信息；如无法解决请报告问题。", ""),
    "MZ903": Spec(W, "渲染警告：{detail}", "通常是正文中的链接或格式问题，按提示修正。", ""),
    "MZ904": Spec(E, "读取 git 版本信息失败：{detail}", "确认知识库在 git 仓库中，且 git 已安装。", ""),
    "MZ905": Spec(E, "版本 {version} 生成失败（见下面该版本内容的问题）", "修正问题需要新的提交和标签；已发布的标签不会改变。", ""),
    "MZ915": Spec(E, "无法读取版本 {version} 的内容：{detail}", "git 仓库中这个版本（标签）的文件已损坏或缺失：运行 git fsck 检查，从备份或其他副本恢复仓库后重试；不再需要这个版本时可删除该标签。", "只有标签 v1 引用的文件对象损坏"),
    "MZ916": Spec(W, "git 标签 {tag} 不能作为版本，已跳过：{detail}", "用 mzkb release 发布版本（它只接受可以用作网址的名称）；不需要的标签可以删除或改名。", "git tag v第一版"),
    "MZ907": Spec(E, "搜索索引已损坏，或不是本机的 mzkb 生成的，没有打开它：请运行 mzkb build 重新生成", "运行 mzkb build（会自动完整重建搜索索引，不必删除任何文件），之后再搜索。", "磁盘故障改坏了 .mzkb/whoosh 中的文件"),
    "MZ906": Spec(E, "无法发布版本：{detail}", "按提示处理后重试。", "mzkb release v1（工作区有未提交的修改）"),
    "MZ902": Spec(E, "无法写入输出目录 {path}：{detail}", "检查输出目录的权限和磁盘空间。", ""),
    "MZ910": Spec(E, "拒绝写入输出目录 {path}：{detail}", "换一个空文件夹或新文件夹作为输出目录（-o）；mzkb 只替换它自己生成过的网站文件夹。", "mzkb build -o ."),
    "MZ911": Spec(E, "另一个 mzkb 构建（进程 {pid}）正在使用这个知识库，已等待 {seconds} 秒仍未结束", "等那个构建结束后再运行；确认没有其他构建在运行时，可删除 .mzkb/build.lock。", "两个终端同时运行 mzkb build"),
    "MZ912": Spec(E, "无法启动预览服务：{detail}", "换一个端口（-a 127.0.0.1:8001），或先关闭占用该端口的程序。", "mzkb serve -a 127.0.0.1:80"),
    "MZ913": Spec(E, "无法在 {path} 创建知识库：{detail}", "换一个有写入权限的文件夹。", "mzkb init /proc/x"),
    # offline bundles and update packs
    "MZ920": Spec(E, "无法生成离线包或更新包：{detail}", "按提示修正（路径只用 ASCII、版本号只用字母数字和 .-_），再重新运行 mzkb bundle。", "mzkb bundle --version 第一版"),
    "MZ921": Spec(E, "不是可以使用的离线包或更新包：{detail}", "重新获取离线包或更新包，解压后不要改动其中的文件。", "mzkb verify 随便一个.zip"),
    "MZ922": Spec(E, "清单格式不对：{detail}", "清单（manifest.json / update.json）不能手工修改；请重新获取离线包或更新包。", "manifest.json 中 \"size\": \"12\""),
    "MZ923": Spec(E, "压缩包超出安全限制：{detail}", "这样的压缩包可能是恶意构造的“压缩炸弹”：不要使用，向发布单位重新索取。", "一个声明 4 GB 的条目只有 4 MB"),
    "MZ924": Spec(E, "签名无效：{detail}", "文件在签名后被改动过，或不是发布单位签发的：不要使用，向发布单位重新索取。", "伪造的更新包"),
    "MZ925": Spec(E, "无法确认来源：{detail}", "向发布单位索取签名的更新包，或用 --public-key 给出其公布的公钥；确认来源可靠时才加 --allow-unsigned。", "未签名的更新包"),
    "MZ926": Spec(E, "签名密钥问题：{detail}", "用 mzkb keygen 生成密钥（私钥放在知识库以外），把打印的公钥写入 site_config.yml 的 bundle.public_key。", "mzkb keygen -o content"),
    "MZ927": Spec(E, "更新包不能用于这个文件夹：{detail}", "使用与文件夹版本对应的更新包，或直接使用新版完整离线包。", "把 v2→v3 的更新包用于 v1 文件夹"),
    "MZ928": Spec(E, "离线包或更新包的文件夹中有符号链接或特殊文件：{detail}", "离线包解压后只应有普通文件和文件夹：删除这些链接或特殊文件（或重新解压离线包）后再试；mzkb 不会跟随链接读取包外的文件。", "site/evil -> /usr/share/doc"),
    "MZ929": Spec(E, "更新失败：{detail}", "文件夹没有被改动；按提示处理（磁盘空间、权限、更新包是否完整）后重试。", ""),
    "MZ930": Spec(W, "{source} 位于被校验的包 {folder} 之内，不作为可信公钥：这个公钥是包自己带来的，签名因此只能与包所带的公钥核对，不能证明包来自发布单位", "在包外运行（cd 到别处），用 -c 指定你自己知识库的 site_config.yml，或用 --public-key 给出发布单位公布的公钥。", "cd 离线包 && mzkb verify ."),
    "MZ931": Spec(E, "不能制作降级更新包：{detail}", "更新包应从旧版本到新版本；确需让县里退回旧版时，加 --allow-downgrade 再制作。", "mzkb bundle --version v1 --since v2.zip"),
    "MZ932": Spec(E, "更新包会把离线包退回旧版本：{detail}", "向发布单位确认：通常应使用新版本的更新包；确需退回旧版时加 --allow-downgrade。", "把 v2→v1 的更新包用于 v2 文件夹"),
    "MZ940": Spec(E, "无法生成 ZIM 文件：{detail}", "按提示修正（磁盘空间、权限；版本号只用字母数字和 .-_），再重新运行 mzkb bundle --format zim。", "mzkb bundle --format zim --version 第一版"),
    "MZ941": Spec(E, "选项不能一起使用：{detail}", "ZIM 文件每次整体重新生成：去掉 --since，或改用 --format zip。", "mzkb bundle --format zim --since v1"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one place, from any stage."""

    code: str
    """Catalogue code, e.g. ``MZ303``."""
    severity: Severity
    """Error (stops the build) or warning."""
    file: str
    """Path as the editor knows it (relative to the knowledge base when possible)."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    column: int
    """1-based column; 0 when unknown."""
    message: str
    """Chinese message with the specifics filled in."""

    def format(self) -> str:
        """Render as ``path:line:col: 代码 消息`` (``代码 消息`` when no file is concerned)."""
        label = "错误" if self.severity is Severity.ERROR else "警告"
        if not self.file:  # a problem of the command, not of a file (a busy port)
            return f"{self.code} {label}：{self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.code} {label}：{self.message}"

    def to_json(self) -> dict:
        """A JSON-ready dict."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def make(code: str, file: str | Path, line: int = 0, column: int = 0, **fields: object) -> Diagnostic:
    """Build a diagnostic from its catalogue entry, filling the message template."""
    spec = CATALOGUE[code]
    return Diagnostic(code, spec.severity, str(file), max(line, 0), max(column, 0), spec.message.format(**fields))


def has_errors(diagnostics: list[Diagnostic], strict: bool = False) -> bool:
    """True if any diagnostic stops the build (warnings count when ``strict``)."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    """Stable report order: by file, line, column, code."""
    return (d.file, d.line, d.column, d.code)


def render_json(diagnostics: list[Diagnostic]) -> str:
    """All diagnostics as a JSON array."""
    return json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2)


IMPORT_LIMITS: tuple[tuple[str, str, str], ...] = (
    ("导入一个文件的计算用时（CPU 时间，机器繁忙时的等待不计）", "20 秒", "MZ732"),
    ("Word 文档中一个 XML 部分（如 document.xml）解压后的大小", "32 MB", "MZ727"),
    ("Word 文档全部 XML 部分解压后的大小", "64 MB", "MZ727"),
    ("Word 文档全部内容（含图片、嵌入文件）解压后的大小", "256 MB", "MZ727"),
    ("Word 文档中的文件个数", "5000 个", "MZ728"),
    ("Word 文档全部 XML 元素个数", "1000000 个", "MZ728"),
    ("一个文档的段落数（Word 段落、文本行、PDF 行）", "20000 个", "MZ728"),
    ("PDF 页数", "2000 页", "MZ729"),
    ("PDF 每页面积（媒体框、裁切框）", "1000 万平方点（A0 约 800 万）", "MZ729"),
    ("PDF 每页内容流解压后的大小", "8 MB", "MZ729"),
    ("PDF 中一张图片自身的像素（宽 × 高）", "5000 万像素", "MZ730"),
    ("从 PDF 提取图片时渲染的像素合计（150 dpi）", "6000 万像素（超过后不再提取图片）", "MZ731"),
    ("扫描件（无文字层的 PDF）文字识别的页数", "30 页", "MZ729"),
    ("扫描件文字识别的总用时", "300 秒", "MZ732"),
)
"""The import limits for editors (docs/diagnostics.md “导入限制”); the numbers are
``importer.limits.LIMITS`` (a test keeps them equal). All are checked before the work
they bound: sizes from the zip directory, page boxes and image dimensions before rendering."""


def catalogue_markdown() -> str:
    """The diagnostics catalogue as Markdown (docs/diagnostics.md)."""
    lines = ["# 诊断信息一览", "", "本文件由 `python -m mzkb.diagnostics` 根据代码生成，请勿手工编辑。", ""]
    for code, spec in CATALOGUE.items():
        level = "错误" if spec.severity is Severity.ERROR else "警告"
        lines += [f"## {code}（{level}）", "", f"- 信息：{spec.message}", f"- 处理：{spec.fix}"]
        if spec.example:
            lines.append(f"- 示例：`{spec.example.replace(chr(10), ' ⏎ ')}`")
        lines.append("")
    lines += ["## 导入限制", "", "mzkb import 在动手之前检查这些上限（压缩包目录中的解压大小、PDF 的页面框和图片尺寸），"
              "超出时给出下列代码的诊断并跳过该文件，不会耗尽内存或长时间无响应。", "",
              "| 项目 | 上限 | 代码 |", "| --- | --- | --- |"]
    lines += [f"| {what} | {limit} | {code} |" for what, limit, code in IMPORT_LIMITS]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(catalogue_markdown())
