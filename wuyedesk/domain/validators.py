"""Field validators: ID numbers (GB 11643), phones, money in fen, names, plates; masking."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from wuyedesk.domain.errors import ValidationError
from wuyedesk.i18n import tr

# GB 11643 / ISO 7064 MOD 11-2
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)  # fmt: skip
# Patterns use [0-9], not \d: \d and str.isdigit() also accept Arabic-Indic and other
# scripts' digits, which NFKC leaves alone and which must not reach the archive.
_ASCII_DIGITS = re.compile(r"^[0-9]+$")
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_MOBILE_PREFIXES = ("+86", "0086", "86")
_EXTENSION_SPLIT = re.compile(r"转|分机|ext\.?|x|#", re.IGNORECASE)
_LANDLINE_WITH_EXTENSION = re.compile(r"(?:0[0-9]{2,3}-)?[1-9][0-9]{6,7}-[0-9]{1,6}")
_MONEY = re.compile(r"^([0-9]+)(?:\.([0-9]*))?$")
_MONEY_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$")
MAX_MONEY_FEN = 10_000_000 * 100
_PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")
# The first character of a plate (data: plates are written in Chinese in every language).
_PLATE_PROVINCES = (  # i18n: data
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
)


def normalize_text(text: str) -> str:
    """Fold full-width digits, letters and spaces to ASCII and strip the ends."""
    return unicodedata.normalize("NFKC", text).strip()


def id_check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not _ASCII_DIGITS.match(first17):
        raise ValueError("first17 must be 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_id_number(text: str, field: str = "id_number") -> str:
    """Check an 18-digit resident ID number and return it normalised (upper-case X)."""
    value = re.sub(r"\s+", "", normalize_text(text)).upper()
    if not value:
        raise ValidationError(field, tr("身份证号码不能为空"))
    if len(value) != 18:
        raise ValidationError(field, tr("身份证号码应为 18 位，现在是 {0} 位").format(len(value)))
    if not _ID_SHAPE.match(value):
        raise ValidationError(field, tr("身份证号码前 17 位应为数字，最后一位为数字或 X"))
    if int(value[:2]) not in PROVINCES:
        raise ValidationError(
            field, tr("身份证号码的地区码 {0} 不存在，请核对前两位").format(value[:2])
        )
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            field, tr("身份证号码中的出生日期 {0} 不是有效日期").format(value[6:14])
        ) from None
    if birth.year < 1900 or birth > date.today():
        raise ValidationError(
            field,
            tr("身份证号码中的出生日期 {birth} 不合理（早于 1900 年或晚于今天）").format(
                birth=birth
            ),
        )
    expected = id_check_digit(value[:17])
    if value[17] != expected:
        raise ValidationError(
            field, tr("身份证号码校验位不正确，应为 {expected}，请核对").format(expected=expected)
        )
    return value


def make_id_number(region6: str, birth: date, seq3: str) -> str:
    """Build a valid ID number from region, birth date and sequence (demo data and tests)."""
    if len(region6) != 6 or len(seq3) != 3:
        raise ValueError("region6 must be 6 digits and seq3 3 digits")
    first17 = f"{region6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq3}"
    return first17 + id_check_digit(first17)


def _digits_only(text: str) -> str:
    return re.sub(r"[\s\-()（）]", "", normalize_text(text))


def check_mobile(text: str, field: str = "phone") -> str:
    """Check a mainland mobile number and return its 11 digits."""
    value = _digits_only(text)
    # +86 and 0086 are unambiguous; a bare 86 is only the country code if 11 digits follow.
    for prefix in _MOBILE_PREFIXES:
        if value.startswith(prefix) and (prefix != "86" or len(value) == 13):
            value = value[len(prefix) :]
            break
    if not value:
        raise ValidationError(field, tr("手机号不能为空"))
    if not _ASCII_DIGITS.match(value):
        raise ValidationError(field, tr("手机号只能包含数字"))
    if not _MOBILE.match(value):
        raise ValidationError(field, tr("手机号应为 11 位，以 13–19 开头"))
    return value


def _area_code_length(digits: str) -> int:
    # 010 and 02X are three digits (0 + 2); every other area code is four (0 + 3).
    return 3 if digits.startswith(("010", "02")) else 4


def _split_landline(digits: str) -> tuple[str, str] | None:
    """Return (area code, local number) if the digits make a landline, else None."""
    if digits.startswith("0"):
        split = _area_code_length(digits)
        area, local = digits[:split], digits[split:]
    else:
        area, local = "", digits
    if 7 <= len(local) <= 8 and local[0] != "0":
        return area, local
    return None


def check_landline(text: str, field: str = "phone") -> str:
    """Check a landline (area code optional, extension allowed); return 021-12345678[-123]."""
    value = normalize_text(text)
    if not value:
        raise ValidationError(field, tr("固定电话不能为空"))
    main, extension = value, ""
    parts = _EXTENSION_SPLIT.split(value, maxsplit=1)
    if len(parts) == 2:
        main, extension = parts[0], _digits_only(parts[1])
        if not _ASCII_DIGITS.match(extension) or len(extension) > 6:
            raise ValidationError(field, tr("分机号应为 1 到 6 位数字"))
    digits = _digits_only(main)
    if not _ASCII_DIGITS.match(digits):
        raise ValidationError(field, tr("固定电话只能包含数字、空格、括号和短横线"))
    found = None
    groups = main.strip().split("-")
    if not extension and len(groups) >= 2:
        # The canonical form 021-12345678-123 carries its extension after the last dash.
        # When the groups before it already make a whole number, that reading wins: the
        # printed 021-1234567-8 must read back as itself, not as 021-12345678.
        tail = _digits_only(groups[-1])
        head = _split_landline(_digits_only("".join(groups[:-1])))
        if head is not None and _ASCII_DIGITS.match(tail) and len(tail) <= 6:
            found, extension = head, tail
    if found is None:
        found = _split_landline(digits)
    if found is None:
        if digits.startswith("0"):
            raise ValidationError(
                field, tr("固定电话区号后应为 7 或 8 位且不以 0 开头，例如 021-62345678")
            )
        raise ValidationError(
            field, tr("固定电话应为 7 或 8 位，或带 0 开头的区号，例如 021-62345678")
        )
    area, local = found
    result = f"{area}-{local}" if area else local
    return f"{result}-{extension}" if extension else result


def check_phone(text: str, field: str = "phone") -> str:
    """Check a mobile or landline number, whichever it is."""
    if not _digits_only(text):
        raise ValidationError(field, tr("电话不能为空"))
    # 1345678-9123 is how a landline with extension is printed, not a mobile in disguise
    if not _LANDLINE_WITH_EXTENSION.fullmatch(normalize_text(text)):
        try:
            return check_mobile(text, field)
        except ValidationError:
            pass
    try:
        return check_landline(text, field)
    except ValidationError:
        raise ValidationError(
            field, tr("电话号码格式不正确：手机为 11 位（以 13–19 开头），固话如 021-62345678")
        ) from None


def mask_phone(phone: str) -> str:
    """Mask a phone for display: 138****8000, landline 021-****5678, short ones keep 2."""
    if _MOBILE.match(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    if "-" in phone and phone.startswith("0"):
        area, rest = phone.split("-", 1)
        local = rest.split("-")[0]
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    if len(phone) >= 7:
        return "*" * (len(phone) - 4) + phone[-4:]
    if len(phone) <= 2:
        return "*" * len(phone)
    return "*" * (len(phone) - 2) + phone[-2:]


def mask_id(id_number: str) -> str:
    """Mask an ID number for display: 3101**********1234."""
    if len(id_number) == 18:
        return f"{id_number[:4]}{'*' * 10}{id_number[-4:]}"
    if len(id_number) <= 4:
        return "*" * len(id_number)
    return f"{id_number[:2]}{'*' * (len(id_number) - 4)}{id_number[-2:]}"


def parse_money(text: str, field: str = "amount") -> int:
    """Read an amount in yuan ('12.50', '¥1,234.5') as integer fen, never through float."""
    value = re.sub(r"\s+", "", normalize_text(str(text))).replace("，", ",")  # i18n: data
    value = value.lstrip("¥").removesuffix("元")  # i18n: data
    if not value:
        raise ValidationError(field, tr("金额不能为空"))
    if value.startswith(("-", "−")):
        raise ValidationError(field, tr("金额不能为负数"))
    if "," in value:
        # Only thousands grouping: '12,5' must not silently become 125 yuan.
        if not _MONEY_GROUPED.match(value):
            raise ValidationError(field, tr("金额中的逗号只能用作千位分隔，例如 1,234.56"))
        value = value.replace(",", "")
    match = _MONEY.match(value)
    if not match:
        raise ValidationError(field, tr("金额应为数字，例如 12.50"))
    yuan, cents = match.group(1).lstrip("0") or "0", match.group(2) or ""
    if len(cents) > 2:
        raise ValidationError(field, tr("金额最多保留两位小数（元.角分）"))
    if len(yuan) > 9:  # also keeps int() away from absurdly long digit strings
        raise ValidationError(field, tr("金额过大，请核对（最多 10000000 元）"))
    fen = int(yuan) * 100 + int(cents.ljust(2, "0"))
    if fen > MAX_MONEY_FEN:
        raise ValidationError(field, tr("金额过大，请核对（最多 10000000 元）"))
    return fen


def format_money(fen: int) -> str:
    """Print fen as yuan with two decimals: 1250 → '12.50'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def check_name(text: str, field: str = "name") -> str:
    """Check a person's name: 1–40 characters, no digits; inner spaces collapse to one."""
    value = re.sub(r"\s+", " ", normalize_text(text))
    if not value:
        raise ValidationError(field, tr("姓名不能为空"))
    if len(value) > 40:
        raise ValidationError(field, tr("姓名最多 40 个字（现在是 {0} 个）").format(len(value)))
    if any(ch.isdigit() for ch in value):
        raise ValidationError(field, tr("姓名中不能有数字"))
    if any(unicodedata.category(ch)[0] in "CS" for ch in value):
        raise ValidationError(field, tr("姓名中有不能使用的符号"))
    return value


def check_plate(text: str, field: str = "plate") -> str:
    """Check a mainland car plate (沪A12345, new-energy 粤BD12345) and normalise it."""
    value = re.sub(r"[\s·・.\-]", "", normalize_text(text)).upper()
    if not value:
        raise ValidationError(field, tr("车牌号不能为空"))
    if value[0] not in _PLATE_PROVINCES:
        raise ValidationError(field, tr("车牌号应以省份简称开头，例如 沪A12345"))
    if not _PLATE.match(value):
        raise ValidationError(
            field,
            tr(
                "车牌号格式不正确：省份简称 + 字母 + 5 位（新能源 6 位）字母或数字，"
                "例如 沪A12345 或 粤BD12345"
            ),
        )
    return value
