//! The registry's columns as files name them: each field with the
//! header names (Chinese and English) that mean it.

/// Registry fields and the header names that mean them (compared after
/// [`header_key`]).
pub(super) const FIELDS: [(&str, &[&str]); 11] = [
    (
        "code",
        &["code", "户编码", "户码", "户编号", "户号", "编码"],
    ),
    ("township", &["township", "乡镇", "乡(镇)", "乡"]),
    ("village", &["village", "村", "行政村", "村委会"]),
    ("group", &["group", "组", "村民小组", "小组", "组别"]),
    ("head", &["head", "户主", "户主姓名"]),
    (
        "members",
        &[
            "members",
            "人口",
            "家庭人口",
            "人口数",
            "家庭人口数",
            "人数",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "电话",
            "联系电话",
            "电话号码",
            "手机",
            "手机号",
            "手机号码",
            "联系方式",
        ],
    ),
    (
        "cadre",
        &[
            "cadre",
            "联户干部",
            "干部",
            "挂钩干部",
            "包户干部",
            "帮扶干部",
            "帮扶责任人",
        ],
    ),
    (
        "cadre_code",
        &[
            "cadre_code",
            "cadre code",
            "干部编号",
            "干部代码",
            "联户干部编号",
            "干部工号",
        ],
    ),
    (
        "unit",
        &[
            "unit",
            "work unit",
            "工作单位",
            "干部单位",
            "联户干部单位",
            "单位",
        ],
    ),
    ("notes", &["notes", "note", "remarks", "备注"]),
];

pub(super) const REQUIRED: [&str; 5] = ["code", "township", "village", "head", "members"];

pub(super) fn column_zh(field: &str) -> &'static str {
    match field {
        "code" => "户编码",
        "township" => "乡镇",
        "village" => "村",
        "group" => "组",
        "head" => "户主",
        "members" => "人口",
        "phone" => "电话",
        "cadre" => "联户干部",
        "cadre_code" => "干部编号",
        "unit" => "工作单位",
        _ => "备注",
    }
}
