"""Every message the expression engine shows a user, in English and Simplified Chinese."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # syntax
    "empty": ("The formula is empty.", "公式为空。"),
    "unexpected_char": ("Unexpected character '{char}'.", "无法识别的字符“{char}”。"),
    "full_width_char": (
        "Full-width character '{char}': type the ASCII '{ascii}' instead.",
        "全角字符“{char}”：请改用半角“{ascii}”。",
    ),
    "unterminated_string": ('Text is missing its closing quote (").', '文本缺少结束的双引号（"）。'),
    "bad_number": ("Malformed number (at most {limit} digits, no letters).", "数字格式错误（最多 {limit} 位，不能含字母）。"),
    "unexpected_token": ("Unexpected '{found}': expected {expected}.", "此处不应出现“{found}”，应为 {expected}。"),
    "unexpected_end": ("The formula ends too early: expected {expected}.", "公式不完整，缺少 {expected}。"),
    # limits
    "too_long": ("The formula is longer than {limit} characters.", "公式超过 {limit} 个字符。"),
    "too_deep": ("The formula is nested more than {limit} levels deep.", "公式嵌套超过 {limit} 层。"),
    "too_many_nodes": ("The formula has more than {limit} parts.", "公式的组成部分超过 {limit} 个。"),
    "too_many_steps": (
        "Evaluation stopped after {limit} steps; simplify the formula.",
        "计算超过 {limit} 步已中止，请简化公式。",
    ),
    "text_too_long": ("A text value would be longer than {limit} characters.", "文本长度将超过 {limit} 个字符。"),
    "pattern_too_long": ("The pattern is longer than {limit} characters.", "正则表达式超过 {limit} 个字符。"),
    # names
    "unknown_field": ("Unknown field '{name}'.{hint}", "未知字段“{name}”。{hint_zh}"),
    "unknown_function": ("Unknown function {name}.{hint}", "未知函数 {name}。{hint_zh}"),
    "unknown_variable": (
        "Unknown variable ${name}; use $user, $now, $today or $record.",
        "未知变量 ${name}，可用 $user、$now、$today、$record。",
    ),
    "unknown_member": ("{owner} has no member '{name}'.", "{owner} 没有成员“{name}”。"),
    "not_a_record": (
        "'{name}' is not a linked record or subform, so it has no fields.",
        "“{name}”不是关联记录或子表单，没有下级字段。",
    ),
    "nested_list": (
        "'{name}' goes through two subforms or to-many links; only one is allowed.",
        "“{name}”经过了两层子表单或多条关联，只允许一层。",
    ),
    "record_needs_field": ("Name a field after $record, e.g. $record.created_at.", "$record 后需指定字段，如 $record.created_at。"),
    # types
    "operand_types": (
        "Operator {op} cannot combine {left} and {right}.",
        "运算符 {op} 不能用于 {left} 和 {right}。",
    ),
    "operand_type": ("Operator {op} needs {expected}, not {got}.", "运算符 {op} 需要 {expected}，而不是 {got}。"),
    "arg_count": ("{name} takes {expected} arguments, not {got}.", "{name} 需要 {expected} 个参数，实际为 {got} 个。"),
    "arg_type": (
        "Argument {index} of {name} ({param}) must be {expected}, not {got}.",
        "{name} 的第 {index} 个参数（{param}）应为 {expected}，而不是 {got}。",
    ),
    "branch_types": (
        "The results of {name} must share one type; found {left} and {right}.",
        "{name} 的各个结果必须类型一致，发现 {left} 和 {right}。",
    ),
    "mixed_rows": (
        "Values from different subforms ({left} and {right}) cannot be combined row by row.",
        "不同子表单的值（{left} 与 {right}）不能逐行组合。",
    ),
    "list_not_allowed": (
        "A list cannot be used here; aggregate it first (SUM, COUNT, JOIN…).",
        "此处不能使用列表，请先汇总（SUM、COUNT、JOIN 等）。",
    ),
    "literal_required": ("Argument {index} of {name} must be a literal value.", "{name} 的第 {index} 个参数必须是常量。"),
    "bad_unit": ("{name}: unit \"{unit}\" is not one of {allowed}.", "{name}：单位“{unit}”无效，可选 {allowed}。"),
    "bad_format": ("TEXT: format \"{format}\" is not supported for {type}.", "TEXT：格式“{format}”不适用于 {type}。"),
    "bad_pattern": ("The regular expression is not valid: {detail}.", "正则表达式无效：{detail}。"),
    "result_type": ("The formula must give {expected}, but gives {got}.", "公式的结果应为 {expected}，实际为 {got}。"),
    "eval_failed": ("The formula could not be evaluated on this record ({detail}).", "无法对该记录计算公式（{detail}）。"),
    # SQL
    "no_sql": (
        "{name} cannot run inside the database ({reason}); evaluate in Python.",
        "{name} 无法在数据库中执行（{reason}），请在 Python 中计算。",
    ),
    # dependencies
    "cycle": ("Calculated fields depend on each other in a cycle: {fields}.", "计算字段之间存在循环依赖：{fields}。"),
}
