"""Money in integer fen and quantities in thousandths: parsing, printing, 大写 amounts."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from wuyedesk.domain.errors import ValidationError
from wuyedesk.i18n import CHINESE, language, tr

MAX_FEN = 9_999_999_999  # 99,999,999.99 yuan
MAX_QUANTITY_MILLI = 99_999_000  # 99,999 units

_NUMBER = re.compile(r"^([0-9]+)(?:\.([0-9]*))?$|^\.([0-9]+)$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$")
# What a typed amount may carry around its digits (data: typed in any language).
_CURRENCY_PREFIXES = ("¥", "￥", "RMB", "CNY")  # i18n: data
_CURRENCY_SUFFIXES = ("元", "RMB", "CNY")  # i18n: data
_MINUS_SIGNS = ("-", "−", "－")  # i18n: data
_HUGE_DIGITS = 20
_HUGE = 10**_HUGE_DIGITS  # far beyond every limit here: enough to say "too big"
# The financial capitals (大写) are Chinese in every language: a table indexed by digit.
_DIGITS = "零壹贰叁肆伍陆柒捌玖"  # i18n: data
_PLACES = ("", "拾", "佰", "仟")  # i18n: data
_GROUPS = ("", "万", "亿")  # i18n: data


def _as_text(value: object) -> str:
    """Turn an int, Decimal or str into plain text without exponent or spaces."""
    if isinstance(value, bool):
        # bool is an int subclass; True must not quietly become 1 yuan.
        return "?"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int) and abs(value) >= _HUGE:
        # str() refuses ints over 4300 digits; any int this large is refused as too big anyway.
        return ("-" if value < 0 else "") + str(_HUGE)
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


def _decimal_text(value: Decimal) -> str:
    """Print a Decimal without exponent; 1E+999999999 must not become a gigabyte of zeros."""
    if not value.is_finite():
        return "?"
    sign = "-" if value.is_signed() else ""
    if value.is_zero():
        return sign + "0"
    if value.adjusted() >= _HUGE_DIGITS:
        return sign + str(_HUGE)  # refused as too big
    if value.adjusted() < -_HUGE_DIGITS:
        return sign + "0." + "0" * _HUGE_DIGITS + "1"  # refused for its decimals
    return format(value, "f")


def _scaled(text: str, field: str, label: str, places: int) -> int:
    """Read unsigned decimal text as an integer in units of 10**-places."""
    if "," in text:
        # Only thousands grouping: '12,5' must not silently become 125.
        if not _GROUPED.match(text):
            raise ValidationError(
                field, tr("{label}中的逗号只能用作千位分隔，例如 1,234.56").format(label=label)
            )
        text = text.replace(",", "")
    match = _NUMBER.match(text)
    if not match:
        raise ValidationError(field, tr("{label}应为数字，例如 12.50").format(label=label))
    whole = (match.group(1) or "0").lstrip("0") or "0"
    decimals = (match.group(2) or match.group(3) or "").rstrip("0")
    if len(decimals) > places:
        too_many = tr("{label}最多保留两位小数") if places == 2 else tr("{label}最多保留三位小数")
        raise ValidationError(field, too_many.format(label=label))
    if len(whole) > 12:  # keeps int() away from absurdly long digit strings
        return 10**20
    return int(whole) * 10**places + int(decimals.ljust(places, "0") or "0")


def _unsigned(value: object, field: str, label: str, *, currency: bool) -> str:
    """Normalise input text, strip currency marks, refuse empty and negative input."""
    text = _as_text(value)
    if currency:
        for prefix in _CURRENCY_PREFIXES:
            text = text.removeprefix(prefix)
        for suffix in _CURRENCY_SUFFIXES:
            text = text.removesuffix(suffix)
    if not text:
        raise ValidationError(field, tr("{label}不能为空").format(label=label))
    if text.startswith(_MINUS_SIGNS):
        raise ValidationError(field, tr("{label}不能为负数").format(label=label))
    return text.removeprefix("+")


def parse_yuan(value: object, field: str, label: str, *, allow_zero: bool = True) -> int:
    """Read an amount in yuan ('120.5', '¥1,200.00', '１２０元', Decimal, int) as fen."""
    text = _unsigned(value, field, label, currency=True)
    fen = _scaled(text, field, label, 2)
    if fen > MAX_FEN:
        raise ValidationError(
            field,
            tr("{label}过大，请核对（最多 {0} 元）").format(format_yuan(MAX_FEN), label=label),
        )
    if fen == 0 and not allow_zero:
        raise ValidationError(field, tr("{label}必须大于零").format(label=label))
    return fen


def format_yuan(fen: int) -> str:
    """Print fen as yuan with thousands separators: 123456789 → '1,234,567.89'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def _capital_yuan(yuan: int) -> str:
    """Spell a whole number of yuan in capitals with the financial zero rules."""
    groups: list[int] = []
    while yuan:
        groups.append(yuan % 10_000)
        yuan //= 10_000
    out: list[str] = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        for place in range(3, -1, -1):
            digit = group // 10**place % 10
            if digit == 0:
                pending_zero = pending_zero or bool(out)
                continue
            if pending_zero:
                out.append("零")  # i18n: data
                pending_zero = False
            out.append(_DIGITS[digit] + _PLACES[place])
        out.append(_GROUPS[index])
    return "".join(out)


def capital_amount(fen: int) -> str:
    """Spell an amount in Chinese financial capitals (大写): 12050 → '壹佰贰拾元伍角整'.

    The capitals are the same in every language (a receipt's 大写 is Chinese by law).
    """
    if fen < 0 or fen > MAX_FEN:
        raise ValueError(f"amount out of range: {fen}")
    if fen == 0:
        return "零元整"  # i18n: data
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    text = _capital_yuan(yuan) + "元" if yuan else ""  # i18n: data
    if jiao:
        text += _DIGITS[jiao] + "角"  # i18n: data
    elif cent and yuan:
        text += "零"  # i18n: data
    if cent:
        return text + _DIGITS[cent] + "分"  # i18n: data
    return text + "整"  # i18n: data


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _english_below_thousand(n: int) -> str:
    words = []
    if n >= 100:
        words.append(f"{_ONES[n // 100]} hundred")
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(_ONES[n])
    return " ".join(words)


def english_amount(fen: int) -> str:
    """Spell an amount in English words, as a cheque does: 12050 → 'One hundred twenty yuan
    and fifty fen only'."""
    if fen < 0 or fen > MAX_FEN:
        raise ValueError(f"amount out of range: {fen}")
    yuan, cents = divmod(fen, 100)
    groups = []
    for size, name in ((1_000_000, "million"), (1_000, "thousand"), (1, "")):
        part, yuan = divmod(yuan, size)
        if part:
            groups.append(f"{_english_below_thousand(part)} {name}".strip())
    text = " ".join(groups or ["zero"]) + " yuan"
    if cents:
        text += f" and {_english_below_thousand(cents)} fen"
    return (text + " only").capitalize()


def amount_in_words(fen: int) -> str:
    """Spell an amount in this desk's language: Chinese capitals (大写) or English words."""
    return capital_amount(fen) if language() == CHINESE else english_amount(fen)


def parse_quantity(value: object, field: str, label: str) -> int:
    """Read a positive quantity ('1.5', '２') as thousandths: '1.5' → 1500."""
    text = _unsigned(value, field, label, currency=False)
    milli = _scaled(text, field, label, 3)
    if milli == 0:
        raise ValidationError(field, tr("{label}必须大于零").format(label=label))
    if milli > MAX_QUANTITY_MILLI:
        limit = format_quantity(MAX_QUANTITY_MILLI)
        raise ValidationError(
            field, tr("{label}过大，请核对（最多 {limit}）").format(label=label, limit=limit)
        )
    return milli


def format_quantity(milli: int) -> str:
    """Print thousandths without trailing zeros: 1500 → '1.5', 2000 → '2'."""
    sign = "-" if milli < 0 else ""
    whole, rest = divmod(abs(milli), 1000)
    decimals = f"{rest:03d}".rstrip("0")
    return f"{sign}{whole}.{decimals}" if decimals else f"{sign}{whole}"


def line_amount(quantity_milli: int, unit_price_fen: int) -> int:
    """Quantity × unit price in fen, rounded half up to the fen."""
    if quantity_milli < 0 or unit_price_fen < 0:
        raise ValueError("quantity and unit price must not be negative")
    return (quantity_milli * unit_price_fen + 500) // 1000
